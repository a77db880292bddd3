package match

import (
	"testing"
	"unicode/utf8"

	"warden"
)

// FuzzPrepare feeds any text through normalisation, transliteration and
// tokenisation in every schema: no panic, and every token is valid UTF-8
// without spaces.
func FuzzPrepare(f *testing.F) {
	for _, s := range []string{"王云鹤", "Якубец Максим", "Garantex Europe OÜ", "Blender.io", "四川无声信息技术有限公司", "محمد", "Ελληνικά", "O'Brien-Smith, Jr.", "\u0301\u0301", "Ⅻ ﬁ ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, schema := range []warden.Schema{"", warden.SchemaPerson, warden.SchemaOrganization} {
			n := prepare(s, warden.NamePrimary, schema)
			for _, r := range n.readings {
				for _, tok := range r {
					if !utf8.ValidString(tok.text) || tok.text == "" {
						t.Fatalf("token %q from %q", tok.text, s)
					}
					for _, c := range tok.text {
						if c == ' ' {
							t.Fatalf("token with space %q from %q", tok.text, s)
						}
					}
				}
			}
		}
	})
}

// FuzzCompare checks that scores stay in [0, 1] and that a name always
// matches itself.
func FuzzCompare(f *testing.F) {
	f.Add("Maxim Yakubets", "YAKUBETS, Maksim")
	f.Add("陈全国", "Chen Guoquan")
	f.Add("EvilCorp", "Evil Corp")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			return
		}
		c := Compare(warden.SchemaPerson, a, b, DefaultThreshold, nil)
		if c.Score < 0 || c.Score > 1 {
			t.Fatalf("score %v for %q, %q", c.Score, a, b)
		}
		if n := prepare(a, warden.NamePrimary, warden.SchemaPerson); len(n.readings) > 0 {
			hasWord := false
			for _, tok := range n.readings[0] {
				hasWord = hasWord || tok.kind == kindWord
			}
			if s := Compare(warden.SchemaPerson, a, a, DefaultThreshold, nil); hasWord && s.Score < 0.99 {
				t.Fatalf("%q against itself: %v", a, s.Score)
			}
		}
	})
}

// FuzzReadings exercises the transliterators directly.
func FuzzReadings(f *testing.F) {
	f.Add("Пригожин Евгений")
	f.Add("毛泽东")
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range cyrillicReadings(fold(s)) {
			if !utf8.ValidString(r) {
				t.Fatal(r)
			}
		}
		for _, r := range append(hanPersonReadings(s), hanOrgReadings(s)...) {
			if !utf8.ValidString(r.text) {
				t.Fatal(r.text)
			}
		}
	})
}
