package ofac

import (
	"testing"

	"warden"
)

func FuzzApplyRemarks(f *testing.F) {
	f.Add("DOB 21 Sep 1979; POB Tehran, Iran; a.k.a. 'X; Y'; Passport T1 (Iran) issued 28 Oct 2008; Digital Currency Address - XBT 1abc.")
	f.Add("DOB Feb 1958 to Mar 1958; alt. a.k.a. 'unterminated")
	f.Fuzz(func(t *testing.T, s string) {
		var e warden.Entity
		ApplyRemarks(&e, s)
		for _, id := range e.Identifiers {
			if id.Value == "" {
				t.Fatalf("empty identifier from %q", s)
			}
		}
	})
}
