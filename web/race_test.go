//go:build race

package web_test

// raceEnabled reports whether the race detector is on, which makes
// importing and indexing the whole OFAC list some ten times slower: the
// servers of the tests then hold the OFAC sample (see ofacFiles).
const raceEnabled = true
