package match

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"warden"
)

// TestHangulCompare compares North Korean parties as OFAC lists them, in
// Latin letters only, with their names in Hangul as a customer or analyst
// types them: family name first or last, given names joined, hyphenated
// or apart, McCune–Reischauer and Revised Romanization; and different
// people of one family name, who must not match.
func TestHangulCompare(t *testing.T) {
	for _, c := range []struct {
		hangul, latin string
		match         bool
	}{
		{"김영철", "KIM, Yong Chol", true},
		{"김영철", "Yong Chol KIM", true},
		{"김영철", "Kim Yongchol", true},
		{"김영철", "Kim Yong-Chol", true},
		{"김영철", "Gim Yeong-cheol", true},
		{"장성철", "JANG, Song Chol", true},
		{"오국렬", "O, Kuk-Ryol", true},
		{"리영호", "RI Yong Ho", true},
		{"최룡해", "CHOE Ryong Hae", true},
		{"김정은", "KIM, Jong Un", true},
		{"김여정", "KIM, Yo Jong", true},
		{"리병철", "RI, Pyong Chol", true},
		{"박정희", "Park Chung-hee", true},
		{"이명박", "Lee Myung-bak", true},
		{"남궁민", "Namgoong Min", true},
		{"선우용녀", "Sunwoo Yong-nyeo", true},
		{"김영철", "KIM Yong Nam", false},
		{"장성철", "JANG Song Thaek", false},
		{"최룡해", "CHOE Son Hui", false},
		{"리영호", "RI Su Yong", false},
	} {
		got := Compare(warden.SchemaPerson, c.hangul, c.latin, DefaultThreshold, nil)
		if got.Match != c.match || c.match && got.Score < 0.85 {
			t.Errorf("%s against %s: %.3f, match %v, want %v", c.hangul, c.latin, got.Score, got.Match, c.match)
		}
	}
}

// TestHangulScreening screens Hangul names against the real OFAC list,
// which writes them in Latin letters only: the listed party must be a
// match.
func TestHangulScreening(t *testing.T) {
	ix := ofac(t)
	for _, c := range []struct{ hangul, party string }{
		{"김영철", "17614"}, // KIM, Yong Chol
		{"장성철", "17620"}, // JANG, Song Chol
		{"오국렬", "15771"}, // O, Kuk-Ryol
		{"최룡해", "23213"}, // CHOE, Ryong Hae
		{"김정은", "20157"}, // KIM, Jong Un
		{"리병철", "23215"}, // RI, Pyong Chol
	} {
		hits, err := ix.Search(Query{Names: []string{c.hangul}, Schema: warden.SchemaPerson}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.Match && h.Score >= 0.85 && h.Entity.SourceID == c.party
		}
		if !found {
			t.Errorf("%s: %s not matched (%d hits)", c.hangul, c.party, len(hits))
		}
	}
}

// TestHangulReading checks the reading of Hangul names word by word, and
// that each syllable's word carries the Hangul it was read from.
func TestHangulReading(t *testing.T) {
	for _, c := range []struct{ in, want, orig string }{
		{"김영철", "kim yeong cheol", "김 영 철"},
		{"김 영철", "kim yeong cheol", "김 영 철"},
		{"남궁민", "namgung min", "남궁 민"},
		{"오국렬", "o guk ryeol", "오 국 렬"},
		{"이우", "lee woo", "이 우"},
		{"ㄱ", "g", "\u1100"}, // a compatibility jamo, which NFKC makes a conjoining one
	} {
		rs := koreanReadings(fold(c.in), false)
		if rs[0].text != c.want || strings.Join(rs[0].origs, " ") != c.orig {
			t.Errorf("%s: %q %q, want %q %q", c.in, rs[0].text, rs[0].origs, c.want, c.orig)
		}
	}
}

// TestKoreanAlts checks that a syllable's alts hold its McCune–Reischauer
// and passport spellings, that they are shared between calls, and that a
// word that is no reading of Hangul has none.
func TestKoreanAlts(t *testing.T) {
	for _, c := range []struct {
		word string
		want []string
	}{
		{"kim", []string{"gim"}},
		{"park", []string{"pak", "bak"}},
		{"lee", []string{"ri", "rhee", "yi", "i"}},
		{"jeong", []string{"jong", "chong", "chung", "jung"}},
		{"eun", []string{"un"}},
		{"cheol", []string{"chol"}},
		{"hyeok", []string{"hyok"}},
		{"seong", []string{"song", "sung"}},
		{"ryeol", []string{"ryol", "yeol", "lyol"}},
		{"choe", []string{"choi"}},
		{"guk", []string{"kuk"}},
		{"si", []string{"shi"}},
	} {
		as := koreanAlts(c.word)
		for _, w := range c.want {
			found := false
			for _, a := range as {
				found = found || a.text == w
			}
			if !found {
				t.Errorf("koreanAlts(%q) lacks %q", c.word, w)
			}
		}
		if again := koreanAlts(c.word); len(as) == 0 || &again[0] != &as[0] {
			t.Errorf("koreanAlts(%q) is not shared between calls", c.word)
		}
	}
	if as := koreanAlts("vladimir"); len(as) != 0 {
		t.Errorf("koreanAlts(vladimir) = %v, want none", as)
	}
}

// koreanSyllablesByText maps the principal spellings of every syllable,
// Revised Romanization and McCune–Reischauer (each jamo's first two
// spellings), to the syllables spelt so, in Unicode order: the table
// hangulSpeltAs reads.
func koreanSyllablesByText() map[string][]rune {
	m := make(map[string][]rune, 4*(hangulLast-hangulBase+1))
	for r := rune(hangulBase); r <= hangulLast; r++ {
		s := int(r - hangulBase)
		l, v, t := s/hangulVowel, s%hangulVowel/hangulFinal, s%hangulFinal
		for _, sp := range append(koreanPrincipal(l, v, t), koreanRune(r, false)) {
			if !slices.Contains(m[sp], r) {
				m[sp] = append(m[sp], r)
			}
		}
	}
	return m
}

var updateHangul = flag.Bool("update-hangul", false, "write hangul_gen.go (go generate)")

// TestHangulTable requires hangul_gen.go to be the table
// koreanSyllablesByText makes of the romanisation tables (run go generate
// ./match/ after changing them), which writes it with -update-hangul, and
// hangulSpeltAs to read it back whole.
func TestHangulTable(t *testing.T) {
	m := koreanSyllablesByText()
	keys := slices.Sorted(maps.Keys(m))
	var b bytes.Buffer
	b.WriteString("// Code generated by TestHangulTable -update-hangul; DO NOT EDIT.\n\npackage match\n\n")
	b.WriteString("// The principal spellings of Hangul syllables (hangulSpeltAs), ascending:\n")
	b.WriteString("// spelling i is hangulSpeltText[hangulSpeltAt[i]:hangulSpeltAt[i+1]], the\n")
	b.WriteString("// syllables spelt so hangulSpeltRunes[hangulSpeltRunesAt[i]:hangulSpeltRunesAt[i+1]].\n")
	var text strings.Builder
	at, runesAt := []int{0}, []int{0}
	var runes []rune
	for _, k := range keys {
		text.WriteString(k)
		runes = append(runes, m[k]...)
		at, runesAt = append(at, text.Len()), append(runesAt, len(runes))
	}
	list := func(name, typ string, n int, item func(i int) string) {
		fmt.Fprintf(&b, "var %s = [...]%s{", name, typ)
		for i := range n {
			if i%16 == 0 {
				b.WriteString("\n")
			}
			b.WriteString(item(i) + ", ")
		}
		b.WriteString("\n}\n\n")
	}
	list("hangulSpeltAt", "uint32", len(at), func(i int) string { return strconv.Itoa(at[i]) })
	list("hangulSpeltRunesAt", "uint32", len(runesAt), func(i int) string { return strconv.Itoa(runesAt[i]) })
	list("hangulSpeltRunes", "rune", len(runes), func(i int) string { return fmt.Sprintf("0x%X", runes[i]) })
	b.WriteString("const hangulSpeltText = ")
	for s := text.String(); len(s) > 0; {
		n := min(len(s), 100)
		b.WriteString(strconv.Quote(s[:n]))
		if s = s[n:]; len(s) > 0 {
			b.WriteString(" +\n\t")
		}
	}
	b.WriteString("\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if *updateHangul {
		if err := os.WriteFile("hangul_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return // this build holds the table it replaced
	}
	got, err := os.ReadFile("hangul_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, src) {
		t.Fatal("hangul_gen.go is out of date: run go generate ./match/")
	}
	for _, k := range keys {
		if !slices.Equal(hangulSpeltAs(k), m[k]) {
			t.Fatalf("hangulSpeltAs(%q) = %q, want %q", k, hangulSpeltAs(k), m[k])
		}
	}
	for _, w := range []string{"", "a0", "zzzzzz", "kimm", keys[0] + "x"} {
		if _, ok := m[w]; !ok && hangulSpeltAs(w) != nil {
			t.Errorf("hangulSpeltAs(%q) = %q, no syllable is spelt so", w, hangulSpeltAs(w))
		}
	}
}
