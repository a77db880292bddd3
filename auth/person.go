package auth

// Related reports whether persons a and b cannot be each other's second
// pair of eyes: they are the same person, or one controls the other. A
// person controls those they created and those whose password they chose
// (they know it), and, in turn, everyone those control. An unknown person
// ("") is related to everyone. controllers maps each person to those who
// control them directly (store.DB.Controllers).
//
// Two people created by the same third one are not related: the third
// one's proposals cannot be decided by either, but theirs can be decided
// by each other.
func Related(controllers map[string][]string, a, b string) bool {
	return a == "" || b == "" || controls(controllers, a, b) || controls(controllers, b, a)
}

// controls reports whether a is b or controls b, walking up from b.
func controls(controllers map[string][]string, a, b string) bool {
	seen := map[string]bool{}
	for next := []string{b}; len(next) > 0; {
		p := next[len(next)-1]
		next = next[:len(next)-1]
		if p == a {
			return true
		}
		if !seen[p] {
			seen[p] = true
			next = append(next, controllers[p]...)
		}
	}
	return false
}
