package auth

import "warden"

// Related reports whether persons a and b cannot be each other's second
// pair of eyes: they are the same person, one controls the other, or a
// third person controls both. A person controls those they created and
// those whose password they ever chose (they knew it, so they could have
// made every change since, the person's "own" included), and, in turn,
// everyone those control. An unknown person ("") is related to everyone.
// controllers maps each person to those who control them directly
// (store.DB.Controllers).
//
// Two persons whose only common controller is the operator are not
// related through it: the operator at the command line already holds the
// database, and four-eyes guards against one person of the application,
// not against whoever runs it; if its creations were related, the admins
// it bootstraps could never be each other's second pair of eyes. The
// operator is still related to everyone it controls.
func Related(controllers map[string][]string, a, b string) bool {
	if a == "" || b == "" {
		return true
	}
	above := ancestors(controllers, a)
	for p := range ancestors(controllers, b) {
		if p == a || (above[p] && p != warden.Operator.Name) {
			return true
		}
	}
	return above[b]
}

// ancestors returns p and everyone who controls p, directly or not.
func ancestors(controllers map[string][]string, p string) map[string]bool {
	seen := map[string]bool{}
	for next := []string{p}; len(next) > 0; {
		q := next[len(next)-1]
		next = next[:len(next)-1]
		if !seen[q] {
			seen[q] = true
			next = append(next, controllers[q]...)
		}
	}
	return seen
}
