// Command gencorpus writes match/corpus_gen.go: the generic words of
// company names, which say what kind of company or where it is but not
// which one (Technology, Trading, Shenzhen, Moscow). Screening must not
// match two names on such words alone (match/generic.go).
//
// The words are learnt from the real lists under the shared data folder,
// read with Warden's own parsers:
//
//   - industry terms: words found in the names of many different
//     organisations on several lists, or of fewer organisations on two
//     lists but after many different words (Bandar Imam Petrochemical,
//     Shazand Petrochemical: what follows a company's own name), and
//     seldom in persons' names (so that Mohammed or Ali, frequent in names
//     of both, stay distinctive);
//   - places: the English names of every country Warden knows
//     (warden.CountryName) and the cities of the lists' addresses, less
//     words frequent in persons' names.
//
// The output is sorted and depends only on the data, so running it again
// on the same files writes the same bytes.
//
// Usage (from the match directory, as go generate runs it):
//
//	go run ./internal/gencorpus -data ../../shared/data -out corpus_gen.go
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gosimple/unidecode"

	"warden"
	"warden/sources/csl"
	"warden/sources/ftm"
	"warden/sources/ofaccsv"
	"warden/sources/ostargets"
	"warden/sources/ukconlist"
	"warden/sources/unxml"
)

// Thresholds of the corpus. An industry term is in the names of at least
// minOrgs organisations on at least minLists lists, or of at least
// minFollowing on two lists after at least minLeft different words of four
// letters or more (shorter ones are mostly legal forms: OAO Vympel, NPO
// Vympel name one concern); and at most one in maxPersonShare of the names
// holding it are persons'. A city is the address of at least minCity
// parties.
const (
	minOrgs        = 25
	minLists       = 3
	minFollowing   = 8
	minLeft        = 8
	maxPersonShare = 0.2
	minCity        = 3
	minLetters     = 3 // shorter words are initials, particles or legal forms
)

// list is one list file set and the parser that reads it.
type list struct {
	name   string
	parser warden.Parser
	paths  []string
}

func lists(data string) []list {
	p := func(parts ...string) string { return filepath.Join(append([]string{data}, parts...)...) }
	return []list{
		{"ofac", ofaccsv.Parser{}, []string{p("ofac", "sdn.csv"), p("ofac", "add.csv"), p("ofac", "alt.csv"), p("ofac", "sdn_comments.csv")}},
		{"un", unxml.Parser{}, []string{p("un", "consolidated.xml")}},
		{"uk", ukconlist.XLSX{}, []string{p("uk", "ConList.xlsx")}},
		{"us_csl", csl.Parser{}, []string{p("us_csl", "consolidated.csv.gz")}},
		{"os_ua_war", ostargets.Parser{}, []string{p("opensanctions", "ua_war_sanctions", "targets.simple.csv")}},
		{"os_yente", ftm.Parser{}, []string{p("opensanctions", "yente_fixtures", "entities.ftm.json")}},
	}
}

// sink collects a list's parties.
type sink struct{ entities []*warden.Entity }

func (s *sink) Put(e *warden.Entity) error { s.entities = append(s.entities, e); return nil }
func (s *sink) Delete(string) error        { return nil }
func (s *sink) Warn(warden.Warning)        {}

func open(p string) (io.ReadCloser, error) { return os.Open(p) }

// words folds a name to lower-case ASCII words of minLetters letters or
// more, as match folds Latin names.
func words(s string) []string {
	s = strings.ToLower(unidecode.Unidecode(s))
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(w) >= minLetters {
			out = append(out, w)
		}
	}
	return out
}

func orgLike(s warden.Schema) bool {
	switch s {
	case warden.SchemaOrganization, warden.SchemaCompany, warden.SchemaLegalEntity:
		return true
	}
	return false
}

// counts are the statistics the corpus is chosen by.
type counts struct {
	orgs    map[string]int             // word -> organisations whose names hold it
	persons map[string]int             // word -> persons whose names hold it
	lists   map[string]map[string]bool // word -> lists with an organisation's name holding it
	cities  map[string]int             // city word -> parties with an address there
	left    map[string]map[string]bool // word -> the words before it in organisations' names
}

func (c *counts) add(listName string, e *warden.Entity) {
	seen := map[string]bool{}
	for _, n := range e.Names {
		ws := words(n.Full)
		for i, w := range ws {
			if i > 0 && orgLike(e.Schema) && len(ws[i-1]) >= 4 {
				if c.left[w] == nil {
					c.left[w] = map[string]bool{}
				}
				c.left[w][ws[i-1]] = true
			}
			if seen[w] {
				continue
			}
			seen[w] = true
			switch {
			case orgLike(e.Schema):
				c.orgs[w]++
				if c.lists[w] == nil {
					c.lists[w] = map[string]bool{}
				}
				c.lists[w][listName] = true
			case e.Schema == warden.SchemaPerson:
				c.persons[w]++
			}
		}
	}
	seenCity := map[string]bool{}
	for _, a := range e.Addresses {
		ws := words(a.City)
		if len(ws) == 0 || len(ws) > 3 || strings.ContainsAny(a.City, "0123456789") {
			continue // a street or a post box, not a city
		}
		for _, w := range ws {
			if !seenCity[w] {
				seenCity[w] = true
				c.cities[w]++
			}
		}
	}
}

func main() {
	data := flag.String("data", "../../../../shared/data", "the shared data folder")
	out := flag.String("out", "corpus_gen.go", "the Go file to write")
	flag.Parse()
	if err := run(*data, *out); err != nil {
		log.Fatal(err)
	}
}

func run(data, out string) error {
	c := counts{orgs: map[string]int{}, persons: map[string]int{}, lists: map[string]map[string]bool{}, cities: map[string]int{}, left: map[string]map[string]bool{}}
	for _, l := range lists(data) {
		var s sink
		if _, err := l.parser.Parse(context.Background(), warden.Input{Paths: l.paths, Open: open}, &s); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
		for _, e := range s.entities {
			c.add(l.name, e)
		}
	}
	industry, places := c.corpus()
	src, err := render(industry, places)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// personal reports whether word w is common in persons' names beside n
// other uses of it.
func (c *counts) personal(w string, n int) bool {
	p := c.persons[w]
	return float64(p) > maxPersonShare*float64(p+n)
}

// corpus chooses the industry terms and the places.
func (c *counts) corpus() (industry, places []string) {
	for w, n := range c.orgs {
		frequent := n >= minOrgs && len(c.lists[w]) >= minLists
		following := n >= minFollowing && len(c.lists[w]) >= 2 && len(c.left[w]) >= minLeft
		if (frequent || following) && !c.personal(w, n) {
			industry = append(industry, w)
		}
	}
	isPlace := map[string]bool{}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if n := warden.CountryName(code); n != code {
				for _, w := range words(n) {
					isPlace[w] = true
				}
			}
		}
	}
	for w, n := range c.cities {
		if n >= minCity && !c.personal(w, n) {
			isPlace[w] = true
		}
	}
	for w := range isPlace {
		if !slices.Contains(industry, w) && !stop[w] {
			places = append(places, w)
		}
	}
	slices.Sort(industry)
	slices.Sort(places)
	return industry, places
}

// stop are the English function words of country names (Bosnia and
// Herzegovina, Isle of Man), which are connectors to match, not places.
var stop = map[string]bool{"and": true, "the": true, "of": true}

func render(industry, places []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by gencorpus from the lists under shared/data; DO NOT EDIT.\n\npackage match\n\n")
	b.WriteString("// genericIndustry are words of many organisations' names on several lists\n// and of few persons' names: what a company does or is, not which it is.\n")
	writeWords(&b, "genericIndustry", industry)
	b.WriteString("\n// genericPlaces are countries and the cities of the lists' addresses.\n")
	writeWords(&b, "genericPlaces", places)
	return format.Source(b.Bytes())
}

func writeWords(b *bytes.Buffer, name string, ws []string) {
	fmt.Fprintf(b, "var %s = [...]string{\n", name)
	line := 0
	for _, w := range ws {
		if line > 80 {
			b.WriteString("\n")
			line = 0
		}
		n, _ := fmt.Fprintf(b, "%q, ", w)
		line += n
	}
	b.WriteString("\n}\n")
}
