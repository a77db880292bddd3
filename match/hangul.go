package match

// koreanAlts returns the other romanisations of a word read from Hangul:
// McCune–Reischauer and the spellings passports and lists use beside the
// Revised Romanization reading.
func koreanAlts(w string) []alt { return nil }
