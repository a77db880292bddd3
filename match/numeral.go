package match

// numeralAlts returns the other ways of writing a number word: four and
// fourth and IV for 4.
func numeralAlts(w string) []alt { return nil }

// abbreviationAlts returns the expansions of a common abbreviation (intl:
// international) and the abbreviations of a word.
func abbreviationAlts(w string) []alt { return nil }
