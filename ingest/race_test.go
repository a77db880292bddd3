//go:build race

package ingest_test

// raceEnabled reports whether the race detector is on, which makes
// importing the big lists some ten times slower: TestEntityCounts then
// imports only the smaller files, and TestOFACVersions the OFAC samples
// (TestSnapshot imports the whole OFAC list).
const raceEnabled = true
