package match

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"warden"
)

// FuzzHangul feeds Hangul mixed with anything to the Hangul reader and
// through Compare: no panic; every word read is Latin and carries its
// Hangul; a name of Hangul syllables has a reading; a name read against
// itself scores 1 and against any other in [0, 1].
func FuzzHangul(f *testing.F) {
	for _, s := range []string{"김영철", "남궁민 Kim", "오국렬\u200b", "ㄱㄴ 각", "리\u0301영호", "최\u202a룡해", "선우" + strings.Repeat("가", 300)} {
		f.Add(s, "KIM Yong Chol")
	}
	f.Fuzz(func(t *testing.T, s, other string) {
		if !utf8.ValidString(s) || !utf8.ValidString(other) {
			return
		}
		f := fold(s)
		if scriptOf(f) == "Hang" {
			syllables := false
			for _, r := range f {
				syllables = syllables || r >= hangulBase && r <= hangulLast
			}
			for _, org := range []bool{false, true} {
				for _, r := range koreanReadings(f, org) {
					if syllables && r.text == "" || len(r.origs) != len(words(r.text)) {
						t.Fatalf("%q: reading %q with origs %q", s, r.text, r.origs)
					}
				}
			}
		}
		for _, w := range words(f) {
			for _, a := range koreanAlts(w) {
				if a.text == "" || a.text == w || a.sim <= 0 || a.sim >= 1 {
					t.Fatalf("%q: alt %+v", w, a)
				}
			}
		}
		checkCompare(t, s, other)
	})
}

// FuzzScripts feeds names of any script, mixed with combining marks,
// zero-width and bidi characters, at any length, through the readers and
// Compare: no panic; a name with letters has a Latin reading; scores are
// in [0, 1] and a name with words matches itself.
func FuzzScripts(f *testing.F) {
	for _, s := range []string{
		"ბიძინა ივანიშვილი", "नरेन्द्र मोदी", "ทักษิณ ชินวัตร", "בנימין נתניהו", "ウラジーミル・プーチン",
		"قاسم سلیمانی", "خامنه\u200cای", "Γιάνης", "ዐቢይ አሕመድ", "ᠴᠢᠩᠭᠢᠰ", "王云鹤 Kim 김", "\u202eنقدی",
		"a\u0301\u0301\u0301", "ि", "े्", strings.Repeat("ก", 10000), strings.Repeat("ज्", 5000),
	} {
		f.Add(s, "Narendra Modi")
	}
	f.Fuzz(func(t *testing.T, s, other string) {
		if !utf8.ValidString(s) || !utf8.ValidString(other) {
			return
		}
		f := fold(s)
		for _, r := range readings(f, "") {
			if !utf8.ValidString(r) {
				t.Fatalf("%q: reading %q", s, r)
			}
		}
		if letters(f) && scriptOf(f) != "Latn" {
			if rs := readings(f, ""); len(rs) == 0 || strings.TrimSpace(strings.Join(rs, "")) == "" {
				t.Fatalf("%q (%s): no reading", s, scriptOf(f))
			}
		}
		checkCompare(t, s, other)
	})
}

// letters reports whether s holds a letter whose reading is not empty:
// a letter unidecode has a reading for, or one of a script the engine
// reads itself.
func letters(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && (r < 0x80 || anyReading(string(r), false) != "") {
			return true
		}
	}
	return false
}

// checkCompare compares a with b and with itself.
func checkCompare(t *testing.T, a, b string) {
	t.Helper()
	c := Compare(warden.SchemaPerson, a, b, DefaultThreshold, nil)
	if c.Score < 0 || c.Score > 1 {
		t.Fatalf("%q against %q: %v", a, b, c.Score)
	}
	n := prepare(a, warden.NamePrimary, warden.SchemaPerson)
	hasWord := false
	for _, r := range n.readings {
		for _, tk := range r {
			hasWord = hasWord || tk.kind == kindWord
		}
	}
	if s := Compare(warden.SchemaPerson, a, a, DefaultThreshold, nil); hasWord && s.Score < 0.99 {
		t.Fatalf("%q against itself: %v", a, s.Score)
	}
}
