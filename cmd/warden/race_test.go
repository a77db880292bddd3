//go:build race

package main

// raceEnabled reports whether the race detector is on, which makes
// importing and indexing the whole OFAC list some ten times slower (an
// index for each warden screen): the tests that screen, and TestExport,
// then import the OFAC sample (see screenDB). TestServe loads the whole
// list.
const raceEnabled = true
