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

// TestVisible: every character that shows as nothing, or moves the text
// around it, is written as a marker an analyst can see; others are kept.
func TestVisible(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Maksim Yakubets", "Maksim Yakubets"},
		{"Maksim\u200bYakubets", "Maksim<U+200B>Yakubets"},   // zero-width space
		{"Maksim\u200e Yakubets", "Maksim<U+200E> Yakubets"}, // left-to-right mark
		{"\u200fMaksim", "<U+200F>Maksim"},                   // right-to-left mark
		{"Maksim\u061c", "Maksim<U+061C>"},                   // Arabic letter mark
		{"\ufeffMaksim", "<U+FEFF>Maksim"},                   // byte-order mark
		{"Mak\u00adsim", "Mak<U+00AD>sim"},                   // soft hyphen
		{"Mak\u034fsim", "Mak<U+034F>sim"},                   // combining grapheme joiner
		{"Mak\u2060sim", "Mak<U+2060>sim"},                   // word joiner
		{"Mak\ufe0fsim", "Mak<U+FE0F>sim"},                   // variation selector
		{"\u3164Maksim", "<U+3164>Maksim"},                   // Hangul filler
		{"\u202e0-NEB", "<U+202E>0-NEB"},                     // right-to-left override
		{"a\x00b\x1b", "a<U+0000>b<U+001B>"},                 // controls
		{"line one\nline two\ttab", "line one\nline two\ttab"},
		{"می\u200cخواهم", "می<U+200C>خواهم"}, // a joiner, in Persian too: it is still invisible
		{"Владимир Путин", "Владимир Путин"},
		{"習近平", "習近平"},
	} {
		if got := Visible(tc.in); got != tc.want {
			t.Errorf("Visible(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
