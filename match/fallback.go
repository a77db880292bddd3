package match

import "github.com/gosimple/unidecode"

// anyReading reads a name in a script the engine has no reader of its own
// for (Thai, Hebrew, Georgian, Devanagari, kana, ...) in Latin letters, so
// that no name is left without a reading.
func anyReading(s string) string { return fold(unidecode.Unidecode(s)) }
