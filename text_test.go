package warden

import "testing"

// TestCheckText: the characters each kind of field refuses, named in the
// message, and those it keeps.
func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		kind TextKind
		v    string
		ok   bool
	}{
		{TextID, "BEN-0", true},
		{TextID, "DE89 3704 0044 0532 0130 00", true},
		{TextID, "\u202e0-NEB", false}, // shows as BEN-0
		{TextID, "RLO-\u202eREF", false},
		{TextID, "a\u2067b", false},            // right-to-left isolate
		{TextID, "a\u2028b", false},            // line separator
		{TextID, "a\u2029b", false},            // paragraph separator
		{TextID, "a\u200eb", false},            // left-to-right mark
		{TextID, "a\u061cb", false},            // Arabic letter mark
		{TextID, "a\u200bb", false},            // zero-width space
		{TextID, "a\u00adb", false},            // soft hyphen
		{TextID, "\ufeffab", false},            // byte-order mark
		{TextID, "a\x00b", false},              // NUL
		{TextID, "a\x1bb", false},              // ESC
		{TextID, "a\rb", false},                // CR
		{TextID, "a\nb", false},                // LF
		{TextID, "a\u0085b", false},            // NEL
		{TextID, "ab\xff", false},              // not UTF-8
		{TextName, "Mohammad\u200cReza", true}, // Persian zero-width non-joiner
		{TextName, "שלום\u200f.", true},        // a right-to-left mark
		{TextName, "\u202enituP rimidalV", false},
		{TextName, "a\u2066b\u2069", false},
		{TextName, "Maksim Yaku\u200bbets", true}, // screened as shown
		{TextName, "a\u2028b", false},
		{TextName, "a\nb", false},
		{TextNote, "first line\r\nsecond\tline", true},
		{TextNote, "a\u2028b", false},
		{TextNote, "a\u202db", false},
		{TextNote, "a\x00b", false},
	} {
		err := CheckText(tc.kind, "account", tc.v, 40)
		if (err == nil) != tc.ok {
			t.Errorf("%d %q: %v; want ok %v", tc.kind, tc.v, err, tc.ok)
		}
		if err != nil && (ErrorCode(err) != EINVALID || ErrorMessage(err)[:len("account ")] != "account ") {
			t.Errorf("%q: %v; want EINVALID naming the field", tc.v, err)
		}
	}
	if err := CheckText(TextID, "account", "ééééé", 4); ErrorCode(err) != EINVALID {
		t.Errorf("5 characters over a limit of 4: %v", err)
	}
	if err := CheckText(TextID, "account", "éééé", 4); err != nil {
		t.Errorf("4 two-byte characters, limit 4: %v", err)
	}
}
