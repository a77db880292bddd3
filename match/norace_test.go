//go:build !race

package match

// raceEnabled reports whether the race detector is on, which makes the
// engine some ten times slower: the longest tests then sample their queries.
const raceEnabled = false
