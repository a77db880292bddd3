package match

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"warden"
)

// evasion is one line of testdata/evasion.txt.
type evasion struct {
	line             int
	technique, query string
	party            string // OFAC SDN id
}

func evasionCorpus(t *testing.T) []evasion {
	f, err := os.Open("testdata/evasion.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []evasion
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Split(line, "\t")
		if len(fs) != 3 {
			t.Fatalf("evasion.txt:%d: want 3 tab-separated fields, got %d", n, len(fs))
		}
		q, err := strconv.Unquote(fs[1])
		if err != nil {
			t.Fatalf("evasion.txt:%d: %v", n, err)
		}
		out = append(out, evasion{n, fs[0], q, fs[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEvasionCorpus screens every evasive name of testdata/evasion.txt
// against the real OFAC list and requires its party as a match.
func TestEvasionCorpus(t *testing.T) {
	ix := ofac(t)
	corpus := evasionCorpus(t)
	if len(corpus) < 30 {
		t.Fatalf("only %d evasions read", len(corpus))
	}
	for _, c := range corpus {
		hits, err := ix.Search(Query{Names: []string{c.query}}, Options{})
		if err != nil {
			t.Errorf("evasion.txt:%d %s %+q: %v", c.line, c.technique, c.query, err)
			continue
		}
		found := false
		for _, h := range hits {
			found = found || h.Entity.SourceID == c.party && h.Match
		}
		if !found {
			top := "no hits"
			if len(hits) > 0 {
				top = hits[0].Entity.SourceID + " " + hits[0].Explanation.ListedName + " " + strconv.FormatFloat(hits[0].Score, 'f', 3, 64)
			}
			t.Errorf("evasion.txt:%d %s %+q: party %s not matched; top %s", c.line, c.technique, c.query, c.party, top)
		}
	}
}

// TestBidiOverride requires a name holding a bidirectional override, which
// shows its letters in another order than they are stored in, to be
// rejected naming the character, and the embeddings, isolates and marks,
// which do not turn letters around, to be read without them.
func TestBidiOverride(t *testing.T) {
	ix := ofac(t)
	for _, c := range []struct {
		name, char string
	}{
		{"\u202enituP rimidalV", "U+202E"},
		{"Vladimir \u202enituP\u202c", "U+202E"},
		{"\u202dPutin Vladimir", "U+202D"},
	} {
		_, err := ix.Search(Query{Names: []string{c.name}}, Options{})
		if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), c.char) {
			t.Errorf("%+q: err = %v, want EINVALID naming %s", c.name, err, c.char)
		}
	}
	for _, id := range []string{"\u202enituP rimidalV"} {
		if _, err := Prepare(Query{IDs: []string{id}}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("identifier %+q: err = %v, want EINVALID", id, err)
		}
	}
}

// TestVisibleText checks the reading of names as shown on screen, step by
// step, and that plain text goes through without a copy.
func TestVisibleText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Vladimir Putin", "vladimir putin"},
		{"Pu\u200btin", "putin"},
		{"Pu\u00adtin", "putin"},
		{"Xi\u0092an", "xian"},        // Windows-1252 apostrophe read as Latin-1
		{"Vl\u0430dimir", "vladimir"}, // Cyrillic а in a Latin word
		{"\u041f\u0443\u0442\u0438\u043d", "\u043f\u0443\u0442\u0438\u043d"}, // Путин stays Cyrillic
		{"\u041fy\u0442\u0438\u043d", "\u043f\u0443\u0442\u0438\u043d"},      // a Latin y in it is folded in
		{"\u03a1U\u03a4\u0399\u039d", "putin"},                               // Greek look-alikes
		{"\uff30\uff55\uff54\uff49\uff4e", "putin"},                          // full width
		{"Y a k u b e t s", "yakubets"},
		{"M a k s i m Y a k u b e t s", "maksim yakubets"},
		{"M.a.k.s.i.m Y.a.k.u.b.e.t.s", "maksim yakubets"},
		{"V L A D I M I R  P U T I N", "vladimir putin"},
		{"A A TRADING", "a a trading"}, // initials stay initials
		{"J. R. R. Tolkien", "j  r  r  tolkien"},
		{"O N C U TRADING", "oncu trading"},
	} {
		if got := strings.Join(strings.Fields(fold(c.in)), " "); got != strings.Join(strings.Fields(c.want), " ") {
			t.Errorf("fold(%+q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"a a trading", "a a trading", false},
		{"p p c", "ppc", true},
		{"j r r tolkien", "jrr tolkien", true},
		{"xx p p c yy z", "xx ppc yy z", true},
	} {
		if got, ok := joinInitials(c.in); got != c.want || ok != c.ok {
			t.Errorf("joinInitials(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	plain := "YAKUBETS, Maksim Viktorovich"
	if n := testing.AllocsPerRun(100, func() { confusable(spelled(visible(plain))) }); n != 0 {
		t.Errorf("reading plain ASCII allocates %v times", n)
	}
}

// evasions are the techniques FuzzEvasion applies to a listed name, at a
// position the fuzzer chooses. Each returns "" when it does not apply.
var evasions = []func(name string, at int) string{
	// An invisible format character inside the name.
	func(name string, at int) string {
		cf := []string{"\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u200f", "\u202b", "\u2067", "\u2069",
			"\u3164", "\uffa0", "\u115f", "\u034f", "\ufe0f", "\U000e0020"} // default-ignorable, not Cf
		i := runeStart(name, at)
		return name[:i] + cf[at%len(cf)] + name[i:]
	},
	// A Latin letter replaced by its Cyrillic or Greek look-alike.
	func(name string, at int) string {
		rs := []rune(name)
		for k := range rs {
			i := (at + k) % len(rs)
			var alts []rune
			for _, script := range []uint8{inCyrillic, inGreek} {
				if o, ok := fromLatin[script][rs[i]]; ok {
					alts = append(alts, o)
				}
			}
			if len(alts) > 0 {
				rs[i] = alts[at%len(alts)]
				return string(rs)
			}
		}
		return ""
	},
	// The name in full-width forms.
	func(name string, at int) string {
		var b strings.Builder
		for _, r := range name {
			if r > ' ' && r < 0x7f {
				r += 0xff01 - '!'
			}
			b.WriteRune(r)
		}
		return b.String()
	},
	// The name in small capitals (x has none).
	func(name string, at int) string {
		const small = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡxʏᴢ"
		caps := []rune(small)
		var b strings.Builder
		for _, r := range name {
			switch {
			case 'a' <= r && r <= 'z':
				r = caps[r-'a']
			case 'A' <= r && r <= 'Z':
				r = caps[r-'A']
			}
			b.WriteRune(r)
		}
		return b.String()
	},
	// Two words of the name run together, in either order, so that
	// nothing marks where one ends. Words of a legal form keep their
	// order, as a legal form written backwards is none, run together or
	// not. A join that is itself a listed word (AhmadAli) is left out: it
	// names that party.
	func(name string, at int) string {
		ws := strings.Fields(name)
		for k := range ws {
			i := (at + k) % len(ws)
			if i+1 >= len(ws) || !plainWord(ws[i]) || !plainWord(ws[i+1]) {
				continue
			}
			a, b := ws[i], ws[i+1]
			// Reversed only in short names: a long one read in another
			// order need not score exactly 1 even written apart.
			if at%2 == 1 && len(ws) <= 3 && !legalWords[strings.ToLower(a)] && !legalWords[strings.ToLower(b)] {
				a, b = b, a
			}
			if ofacIndex.listedWord(strings.ToLower(a + b)) {
				return ""
			}
			return strings.Join(append(append(ws[:i:i], a+b), ws[i+2:]...), " ")
		}
		return ""
	},
	// One word of the name spelt out letter by letter. Neither neighbour
	// may be a single letter, which the spelt word would run into.
	func(name string, at int) string {
		for _, w := range strings.Fields(fold(name)) {
			if utf8.RuneCountInString(w) == 1 {
				return ""
			}
		}
		ws := strings.Fields(name)
		for k := range ws {
			i := (at + k) % len(ws)
			w := ws[i]
			if len(w) < spelledRun || strings.IndexFunc(w, func(r rune) bool { return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') }) >= 0 {
				continue
			}
			seps := []string{" ", ".", "-", "_", ". ", "\u2022", "\u00b7", "\u2013", "/", "*", " / "}
			sep := seps[at%len(seps)]
			ws[i] = strings.Join(strings.Split(w, ""), sep)
			return strings.Join(ws, " ")
		}
		return ""
	},
	// The name in Lisu or Cherokee letters where they have a Latin
	// look-alike, Latin letters left where they have none.
	func(name string, at int) string {
		script := unicode.Lisu
		if at%2 == 1 {
			script = unicode.Cherokee
		}
		to := map[rune]rune{}
		for r, l := range lookalikes {
			if o, ok := to[l]; unicode.Is(script, r) && (!ok || r < o) {
				to[l] = r
			}
		}
		changed := false
		var b strings.Builder
		for _, r := range name {
			if o, ok := to[unicode.ToUpper(r)]; ok {
				r, changed = o, true
			}
			b.WriteRune(r)
		}
		if !changed {
			return ""
		}
		return b.String()
	},
	// One letter of a word written as the digit or symbol that stands
	// for it in leetspeak, in a name without digits.
	func(name string, at int) string {
		if strings.ContainsAny(name, "0123456789@$") {
			return ""
		}
		subs := map[rune]string{'i': "1", 'l': "1", 'e': "3", 'o': "0", 'a': "4@", 's': "5$", 't': "7", 'b': "8"}
		rs := []rune(name)
		for k := range rs {
			i := (at + k) % len(rs)
			sub := subs[unicode.ToLower(rs[i])]
			if sub == "" {
				continue
			}
			// The word around it: ASCII letters, three to 20 of them.
			from, to := i, i
			for from > 0 && unicode.IsLetter(rs[from-1]) {
				from--
			}
			for to < len(rs) && unicode.IsLetter(rs[to]) {
				to++
			}
			if to-from < 3 || to-from > 20 || strings.IndexFunc(string(rs[from:to]), func(r rune) bool { return r >= 0x80 }) >= 0 {
				continue
			}
			rs[i] = rune(sub[at%len(sub)])
			return string(rs)
		}
		return ""
	},
}

// plainWord reports whether w is ASCII letters alone, at least minPart of
// them.
func plainWord(w string) bool {
	if len(w) < minPart {
		return false
	}
	for _, r := range w {
		if !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z') {
			return false
		}
	}
	return true
}

// runeStart is the start of the rune at or after byte at mod len(s).
func runeStart(s string, at int) int {
	if s == "" {
		return 0
	}
	i := at % len(s)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// FuzzEvasion mutates listed OFAC names with the evasion techniques and
// requires each to screen to its party with the score the name has itself.
func FuzzEvasion(f *testing.F) {
	for i := range 40 {
		f.Add(uint16(i*397), uint8(i%len(evasions)), uint8(i*7))
	}
	f.Fuzz(func(t *testing.T, party uint16, technique, at uint8) {
		ix := ofac(t)
		e := ix.entities[int(party)%len(ix.entities)]
		name := e.Names[0].Full
		q := evasions[int(technique)%len(evasions)](name, int(at))
		if q == "" {
			return
		}
		hits, err := ix.Search(Query{Names: []string{q}}, Options{Limit: MaxLimit})
		if err != nil {
			t.Fatalf("%+q (from %q): %v", q, name, err)
		}
		for _, h := range hits {
			if h.Entity.ID == e.ID {
				if h.Score != 1 {
					t.Fatalf("%+q (from %q) scores %.3f", q, name, h.Score)
				}
				return
			}
		}
		t.Fatalf("%+q (from %q): %s not a hit", q, name, e.ID)
	})
}

// TestLeetChars checks that leetChars, leet's quick test of whether a name
// has anything to read, holds exactly the keys of leetDigits.
func TestLeetChars(t *testing.T) {
	if n := utf8.RuneCountInString(leetChars); n != len(leetDigits) {
		t.Errorf("leetChars has %d characters, leetDigits %d keys", n, len(leetDigits))
	}
	for r := range leetDigits {
		if !strings.ContainsRune(leetChars, r) {
			t.Errorf("leetChars lacks %q", r)
		}
	}
}
