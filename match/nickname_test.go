package match

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/sources/sourcetest"
)

// altTexts returns the texts of as.
func altTexts(as []alt) []string {
	var ts []string
	for _, a := range as {
		ts = append(ts, a.text)
	}
	return ts
}

// TestNicknameAlts checks the table: a nickname gives its full names and a
// full name its nicknames, in English, Russian, Ukrainian and other
// languages; what is not a nickname of a word is not among its alts.
func TestNicknameAlts(t *testing.T) {
	for _, tt := range []struct {
		word      string
		want, not []string
	}{
		// English (nicknames.csv).
		{"bill", []string{"william"}, []string{"will", "bert"}},
		{"william", []string{"bill", "will", "willie"}, []string{"william"}},
		{"bob", []string{"robert"}, nil},
		{"peggy", []string{"margaret"}, nil},
		{"margaret", []string{"peggy", "maggie"}, nil},
		{"ed", []string{"edward", "edwin"}, nil}, // a two-letter form kept from diminutives.csv
		// Russian: ambiguous diminutives have several alts.
		{"sasha", []string{"aleksandr", "alexander", "aleksandra", "oleksandr"}, []string{"shura"}},
		{"aleksandr", []string{"sasha", "shura", "sanya"}, []string{"aleksandra"}},
		{"misha", []string{"mikhail"}, nil},
		{"dima", []string{"dmitriy", "dmytro"}, nil},
		{"volodya", []string{"vladimir", "volodymyr"}, nil},
		{"zhenya", []string{"yevgeniy", "evgeniy", "yevgeniya"}, nil},
		{"katya", []string{"yekaterina", "ekaterina"}, nil},
		{"natasha", []string{"natalya"}, nil},
		// Ukrainian.
		{"sashko", []string{"oleksandr"}, []string{"aleksandr"}},
		{"mykolka", []string{"mykola"}, nil},
		{"oleksa", []string{"oleksiy"}, nil},
		{"andriyko", []string{"andriy"}, nil},
		// German, Spanish, Italian, Portuguese, Polish, Persian; folded.
		{"hans", []string{"johannes"}, nil},
		{"sepp", []string{"josef"}, nil},
		{"fritz", []string{"friedrich"}, nil},
		{"pepe", []string{"jose"}, nil},
		{"paco", []string{"francisco"}, nil},
		{"pancho", []string{"francisco"}, nil},
		{"nacho", []string{"ignacio"}, nil},
		{"lola", []string{"dolores"}, nil},
		{"chucho", []string{"jesus"}, nil},
		{"memo", []string{"guillermo"}, nil},
		{"beppe", []string{"giuseppe"}, nil},
		{"gianni", []string{"giovanni"}, nil},
		{"nino", []string{"antonino"}, nil},
		{"ze", []string{"jose"}, nil},
		{"jose", []string{"pepe", "ze"}, nil},
		{"gosia", []string{"malgorzata"}, nil},
		{"mamad", []string{"mohammad"}, nil},
		// Not in the table.
		{"petrov", nil, nil},
		{"gates", nil, nil},
		{"", nil, nil},
		{"Bill", nil, nil}, // not folded: the engine looks up folded words only
		// nicknames.csv's two-letter forms are left out: Ab is no name.
		{"ab", nil, nil},
		{"jr", nil, nil},
		// Names of their own that nicknames.csv also gives as nicknames
		// are left out (exclude.csv): Ali is not Alison, Lee not Elias.
		{"ali", nil, nil},
		{"lee", nil, nil},
		{"kim", nil, nil},
		{"erin", nil, []string{"aaron"}},
		{"aaron", []string{"ron"}, []string{"erin"}},
		{"jan", []string{"janek"}, []string{"janet", "janice"}}, // Polish Jan kept
	} {
		got := altTexts(nicknameAlts(tt.word))
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("nicknameAlts(%q) = %v, want %q among them", tt.word, got, w)
			}
		}
		for _, w := range tt.not {
			if slices.Contains(got, w) {
				t.Errorf("nicknameAlts(%q) = %v, must not hold %q", tt.word, got, w)
			}
		}
		if tt.want == nil && tt.not == nil && len(got) > 0 {
			t.Errorf("nicknameAlts(%q) = %v, want none", tt.word, got)
		}
	}
}

// TestNicknameTable checks the generated table as the engine needs it:
// names sorted and folded as the engine folds them, one word each; every
// link both ways (a full name meets its nickname as the nickname meets it);
// alts weaker than the name itself, carrying their skeletons.
func TestNicknameTable(t *testing.T) {
	if !slices.IsSorted(nicknameWords[:]) {
		t.Fatal("nicknameWords not sorted")
	}
	if len(nicknameWords) < 2000 {
		t.Fatalf("%d names in the table, want the English and other tables (> 2000)", len(nicknameWords))
	}
	for i, w := range nicknameWords {
		if i > 0 && nicknameWords[i-1] == w {
			t.Errorf("%q twice", w)
		}
		if f := fold(w); f != w || len(words(f)) != 1 {
			t.Errorf("%q folds to %q", w, f)
		}
		as := nicknameAlts(w)
		if len(as) == 0 {
			t.Errorf("%q not found (gennick and nickname.go hash alike?) or without alts", w)
		}
		for _, a := range as {
			if a.text == w || a.sim != nicknameSim || a.skel != skeleton(a.text) {
				t.Errorf("%q: alt %+v", w, a)
			}
			if !slices.Contains(altTexts(nicknameAlts(a.text)), w) {
				t.Errorf("%q has alt %q, which lacks %q", w, a.text, w)
			}
		}
	}
}

// TestNicknameAltsShared checks that a lookup allocates nothing once its
// word is known: the slice is made once and shared.
func TestNicknameAltsShared(t *testing.T) {
	first := nicknameAlts("william")
	if n := testing.AllocsPerRun(100, func() {
		nicknameAlts("william")
		nicknameAlts("petrov")
	}); n != 0 {
		t.Errorf("%v allocations per lookup", n)
	}
	if again := nicknameAlts("william"); &again[0] != &first[0] {
		t.Error("a second lookup made another slice")
	}
}

// TestNicknameCompare checks scores: a nickname beside the same family
// name clears the default threshold but stays below the full name; with
// another family name, or between two nicknames of one name (Bill, Will),
// it does not; organisations' words have no nicknames.
func TestNicknameCompare(t *testing.T) {
	for _, tt := range []struct {
		schema   warden.Schema
		a, b     string
		min, max float64
	}{
		{warden.SchemaPerson, "Bill Gates", "William Gates", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "GATES, William", "Bill Gates", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Sasha Petrov", "Aleksandr Petrov", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Sasha Petrov", "Alexander Petrov", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Саша Петров", "Aleksandr Petrov", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Sasha Petrova", "Aleksandra Petrova", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Volodya Zelensky", "Volodymyr Zelenskyy", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Dima Medvedev", "Dmitriy Anatolyevich Medvedev", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Sashko Kovalenko", "Oleksandr Kovalenko", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Pepe Garcia", "José García", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Paco Lopez", "Francisco López", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Beppe Rossi", "Giuseppe Rossi", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Hans Müller", "Johannes Mueller", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Ze Silva", "José Silva", DefaultThreshold, 0.95},
		{warden.SchemaPerson, "Kasia Nowak", "Katarzyna Nowak", DefaultThreshold, 0.95},
		// The same query against another family name stays far below.
		{warden.SchemaPerson, "Bill Gates", "William Smith", 0, 0.5},
		{warden.SchemaPerson, "Sasha Petrov", "Aleksandr Ivanov", 0, 0.5},
		{warden.SchemaPerson, "Pepe Garcia", "José Martinez", 0, 0.5},
		// A nickname does not meet its full name's other nicknames.
		{warden.SchemaPerson, "Sasha Petrov", "Shura Petrov", 0, 0.6},
		{warden.SchemaPerson, "Misha Petrov", "Sasha Petrov", 0, 0.6},
		// A nickname is no other name's nickname.
		{warden.SchemaPerson, "Sasha Petrov", "Mikhail Petrov", 0, 0.6},
		{warden.SchemaPerson, "Bill Gates", "Robert Gates", DefaultThreshold, 0.95}, // Bill is Robert's too (nicknames.csv)
		{warden.SchemaPerson, "Bill Gates", "Richard Gates", 0, 0.6},
		// Organisations' words are not given names.
		{warden.SchemaOrganization, "Bill Trading", "William Trading", 0, 0.8},
	} {
		c := Compare(tt.schema, tt.a, tt.b, DefaultThreshold, nil)
		if c.Score < tt.min || c.Score > tt.max {
			t.Errorf("Compare(%s, %q, %q) = %.3f, want in [%.2f, %.2f]", tt.schema, tt.a, tt.b, c.Score, tt.min, tt.max)
		}
	}
}

// TestNicknameGenerated checks that nickname_gen.go is what the generator
// writes from the data files today (go generate was run after they
// changed). It skips without the shared data or a go command.
func TestNicknameGenerated(t *testing.T) {
	src := sourcetest.Data(t, "reference/nicknames.csv")
	goCmd, err := exec.LookPath("go") // go test puts its own first in PATH
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	out := filepath.Join(t.TempDir(), "nickname_gen.go")
	cmd := exec.Command(goCmd, "run", "./internal/gennick", "-nicknames", src, "-diminutives", "internal/gennick/diminutives.csv", "-exclude", "internal/gennick/exclude.csv", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gennick: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("nickname_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("nickname_gen.go is not what gennick writes: run go generate ./match/")
	}
}

// withoutNicknames screens as if there were no nickname table until the
// test ends.
func withoutNicknames(t *testing.T) {
	saved := nicknameIndex
	nicknameIndex = nil
	t.Cleanup(func() { nicknameIndex = saved })
}

// nicknameQueries returns up to n queries made of listed persons' names
// with the first given name replaced by one of its shorter alts (Aleksandr
// Petrov as Sasha Petrov), and the entity each should find, spread evenly
// over the list.
func nicknameQueries(ix *Index, n int) ([]Query, []*warden.Entity) {
	var qs []Query
	var es []*warden.Entity
	for ei, e := range ix.entities {
		if e.Schema != warden.SchemaPerson || len(e.Names) == 0 {
			continue
		}
		nm := e.Names[0]
		given := strings.Fields(nm.Given)
		if len(given) == 0 || nm.Family == "" {
			continue
		}
		g := fold(given[0])
		var short []string
		for _, a := range nicknameAlts(g) {
			if len(a.text) < len(g) {
				short = append(short, a.text)
			}
		}
		if len(short) == 0 {
			continue
		}
		given[0] = short[ei%len(short)]
		qs = append(qs, Query{Names: []string{strings.Join(given, " ") + " " + nm.Family}, Schema: warden.SchemaPerson})
		es = append(es, e)
	}
	if len(qs) <= n {
		return qs, es
	}
	var sq []Query
	var se []*warden.Entity
	for i := range n {
		sq = append(sq, qs[i*len(qs)/n])
		se = append(se, es[i*len(qs)/n])
	}
	return sq, se
}

// commonGiven and commonFamily are frequent Western given names (full and
// short forms, with nickname-rich ones) and family names, whose pairs make
// queries of ordinary customers.
var (
	commonGiven = []string{
		"James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
		"Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul", "Andrew", "Kenneth",
		"Edward", "Ronald", "Timothy", "Jeffrey", "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara",
		"Susan", "Margaret", "Dorothy", "Catherine", "Bill", "Bob", "Jim", "Mike", "Dave", "Dick",
		"Joe", "Tom", "Chuck", "Dan", "Matt", "Tony", "Steve", "Andy", "Ken", "Ed",
		"Ron", "Tim", "Jeff", "Peggy", "Liz", "Sue", "Kate", "Hans", "Pepe", "Paco",
	}
	commonFamily = []string{
		"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
		"Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
		"Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker",
		"Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
		"Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed",
		"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "García", "Martínez", "López", "Rossi", "Dubois",
	}
)

// commonQueries returns n person queries of common given and family names,
// pairs spread evenly over all of them.
func commonQueries(n int) []Query {
	all := len(commonGiven) * len(commonFamily)
	var qs []Query
	for i := range n {
		k := i * all / n
		g, f := commonGiven[k%len(commonGiven)], commonFamily[(k/len(commonGiven)+k)%len(commonFamily)]
		qs = append(qs, Query{Names: []string{g + " " + f}, Schema: warden.SchemaPerson})
	}
	return qs
}

// screenFigures screens the nickname queries and the common names on ix:
// the share of nickname queries whose listed person is a match, and the
// common names matching anyone.
func screenFigures(t *testing.T, ix *Index, nick []Query, want []*warden.Entity, common []Query) (recall float64, matched map[string]string) {
	found := 0
	for i, q := range nick {
		hits, err := ix.Search(q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Match && h.Entity == want[i] {
				found++
				break
			}
		}
	}
	matched = map[string]string{}
	for _, q := range common {
		hits, err := ix.Search(q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > 0 && hits[0].Match {
			matched[q.Names[0]] = hits[0].Entity.Names[0].Full
		}
	}
	return float64(found) / float64(len(nick)), matched
}

// TestNicknameScreening measures what nicknames bring on the full OFAC
// list: recall of 1,000 listed persons queried with a nickname for their
// given name, and false matches of 1,000 ordinary Western names nobody
// listed bears, with the nickname table and without it (a second index).
// Nicknames must find most of the former and add few of the latter.
func TestNicknameScreening(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds a second index of the full list")
	}
	ix := ofac(t)
	nick, want := nicknameQueries(ix, 1000)
	common := commonQueries(1000)
	if len(nick) < 500 {
		t.Fatalf("only %d listed persons with a nickname", len(nick))
	}
	recall, fm := screenFigures(t, ix, nick, want, common)
	withoutNicknames(t)
	bare := NewIndex(ix.entities)
	recall0, fm0 := screenFigures(t, bare, nick, want, common)
	t.Logf("%d nickname queries: recall %.3f with nicknames, %.3f without", len(nick), recall, recall0)
	t.Logf("%d common names: false matches %d with nicknames, %d without", len(common), len(fm), len(fm0))
	for q, l := range fm {
		if _, ok := fm0[q]; !ok {
			t.Logf("with nicknames only: %q matches %q", q, l)
		}
	}
	if recall < 0.85 || recall < recall0+0.5 {
		t.Errorf("recall %.3f with nicknames, %.3f without", recall, recall0)
	}
	if len(fm) > len(fm0)+len(common)/50 {
		t.Errorf("%d false matches with nicknames, %d without", len(fm), len(fm0))
	}
}

// TestNicknamesLoseNothing checks retrieval through alts on the full list:
// for queries with nicknames of listed names (and listed nicknames met by
// full names), every party brute-force scoring puts at or above the
// reporting floor is also found through the index, with the same score.
func TestNicknamesLoseNothing(t *testing.T) {
	ix := ofac(t)
	n := 40
	if testing.Short() || raceEnabled {
		n = 8
	}
	queries, _ := nicknameQueries(ix, n)
	queries = append(queries, commonQueries(n)...)
	loseNothing(t, ix, queries)
}

// FuzzNicknames looks up any word and compares it, as a person's given
// name, with each of its alts: no panic; alts are other words, weaker than
// the word itself, linked both ways; a name with the alt for its given name
// scores in [0, 1] and no more than the name itself.
func FuzzNicknames(f *testing.F) {
	for _, s := range []string{"bill", "sasha", "Саша", "José", "ze", "", "al", "william gates", "\u0301", "zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w := fold(s)
		for _, a := range nicknameAlts(w) {
			if a.text == w || a.sim <= 0 || a.sim >= 1 {
				t.Fatalf("%q: alt %+v", w, a)
			}
			if !slices.Contains(altTexts(nicknameAlts(a.text)), w) {
				t.Fatalf("%q has alt %q, which lacks it", w, a.text)
			}
			c := Compare(warden.SchemaPerson, s+" Petrov", a.text+" Petrov", DefaultThreshold, nil)
			self := Compare(warden.SchemaPerson, s+" Petrov", s+" Petrov", DefaultThreshold, nil)
			if c.Score < 0 || c.Score > 1 || c.Score > self.Score {
				t.Fatalf("%q ~ %q: %.3f, itself %.3f", s, a.text, c.Score, self.Score)
			}
		}
		c := Compare(warden.SchemaPerson, s, "Bill Gates", DefaultThreshold, nil)
		if c.Score < 0 || c.Score > 1 {
			t.Fatalf("Compare(%q, Bill Gates) = %.3f", s, c.Score)
		}
	})
}

// BenchmarkNicknameAlts measures a lookup of a known and an unknown word.
func BenchmarkNicknameAlts(b *testing.B) {
	for b.Loop() {
		nicknameAlts("william")
		nicknameAlts("petrov")
	}
}

// TestAltKeys checks that every token, listed or of a query, holds the
// keys of its alts (setAlts), and that altSim, which passes over the alts
// whose keys the other word lacks, grades every pair as comparing each alt
// does: query words of the customer mix (Korean, Arabic, Chinese and Latin
// names with their romanisations and nicknames) against the listed words
// of OFAC.
func TestAltKeys(t *testing.T) {
	ix := ofac(t)
	check := func(where string, tk *token) {
		if tk.altKeys != altKeysOf(tk.alts) {
			t.Fatalf("%s %q: altKeys %x, its alts' %x", where, tk.text, tk.altKeys, altKeysOf(tk.alts))
		}
	}
	var listed []token
	seen := map[string]bool{}
	for nm := range ix.names {
		n := &ix.names[nm]
		for _, r := range n.readings {
			for i := range r {
				check("listed", &r[i])
			}
		}
		for _, ss := range n.spans {
			for i := range ss {
				check("listed span", ss[i].tok)
				if k := string(tokenKey(nil, ss[i].tok, 0)); !seen[k] {
					seen[k] = true
					listed = append(listed, *ss[i].tok)
				}
			}
		}
	}
	step := 40
	if testing.Short() || raceEnabled {
		step = 400
	}
	pairs, met := 0, 0
	for _, q := range customerQueries(t, step) {
		p, err := Prepare(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range p.names {
			for _, ss := range n.spans {
				for i := range ss {
					a := ss[i].tok
					check("query span", a)
					if len(a.alts) == 0 {
						continue
					}
					for j := range listed {
						b := &listed[j]
						want := 0.0
						for k := range a.alts {
							want = max(want, altMeets(&a.alts[k], b))
						}
						for k := range b.alts {
							want = max(want, altMeets(&b.alts[k], a))
						}
						if got := altSim(a, b); got != want {
							t.Fatalf("altSim(%q, %q) = %v, its alts say %v", a.text, b.text, got, want)
						}
						pairs++
						if want > 0 {
							met++
						}
					}
				}
			}
		}
	}
	if met == 0 {
		t.Fatalf("no alt met a listed word in %d pairs: the test tests nothing", pairs)
	}
	t.Logf("%d pairs, %d met by an alt", pairs, met)
}
