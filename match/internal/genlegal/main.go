// Command genlegal writes match/legal_gen.go, the table of companies' legal
// forms in every language the sources have, from OpenSanctions' company
// types (company-types.yml) and GLEIF's ISO 20275 Entity Legal Forms code
// list (elf-code-list.csv). It is run by go generate in package match:
//
//	go run ./internal/genlegal [-data dir] [-o legal_gen.go]
//
// The data directory defaults to $WARDEN_SHARED_DATA, else ../shared/data
// beside the repository (the layout of the working tree).
//
// Each form maps to one key, the form names are compared by: an
// abbreviation is its own key (Norway's AS and the Czech a.s. are both AS,
// whatever they stand for), a spelled-out name takes its abbreviation's
// (Aktiebolag is AB), and OpenSanctions' curated grouping wins over
// GLEIF's (its main form is the key of all its forms). A key never joins
// two other keys, so an abbreviation shared by unrelated forms in two
// countries does not chain every form into one class.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func main() {
	data := flag.String("data", defaultData(), "directory holding reference/company-types.yml and reference/elf-code-list.csv")
	out := flag.String("o", "legal_gen.go", "file to write")
	flag.Parse()
	src, err := generate(*data)
	if err != nil {
		log.Fatalf("genlegal: %v", err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatalf("genlegal: %v", err)
	}
}

// defaultData is $WARDEN_SHARED_DATA or, run from package match (as go
// generate runs it), ../../shared/data: the repository's sibling.
func defaultData() string {
	if d := os.Getenv("WARDEN_SHARED_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "data")
}

// maxWords is the most words a form may have: longer ones are
// descriptions ("Autre personne de droit privé inscrite au registre..."),
// which no company writes in its name (match.maxLegalWords).
const maxWords = 5

// maxAbbrev is the longest compact form (letters without spaces) read as an
// abbreviation; a longer "abbreviation" (consorzio) is a name.
const maxAbbrev = 6

// table is the forms found so far.
type table struct {
	curated map[string]string         // form (folded) -> key, from company-types.yml
	votes   map[string]map[string]int // form -> key -> rows of the ELF list giving it
}

func generate(dir string) ([]byte, error) {
	t := &table{curated: map[string]string{}, votes: map[string]map[string]int{}}
	ref := filepath.Join(dir, "reference")
	if err := t.readTypes(filepath.Join(ref, "company-types.yml")); err != nil {
		return nil, err
	}
	if err := t.readELF(filepath.Join(ref, "elf-code-list.csv")); err != nil {
		return nil, err
	}
	return t.write()
}

// readTypes reads OpenSanctions' types.yml, a list of "- main: X" each
// followed by "forms:" and "- form" lines; this one shape is all it holds,
// so it is read line by line rather than with a YAML parser.
func (t *table) readTypes(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("company types: %w", err)
	}
	defer f.Close()
	var key string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed == "types:" || strings.HasPrefix(trimmed, "forms:") || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(line, "- main: "):
			key = ""
			main := strings.TrimPrefix(line, "- main: ")
			for _, v := range variants(main) {
				if isLatin(v) {
					key = compact(v)
				}
				break
			}
			if key == "" {
				continue // a main form in another script is no Latin key
			}
			for _, v := range variants(main) {
				t.curated[v] = key
			}
		case strings.HasPrefix(trimmed, "- "):
			if key == "" {
				continue
			}
			for _, v := range variants(strings.TrimPrefix(trimmed, "- ")) {
				if _, ok := t.curated[v]; !ok {
					t.curated[v] = key
				}
			}
		default:
			return fmt.Errorf("company types: %s:%d: unexpected line %q", path, n, line)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("company types: %w", err)
	}
	return nil
}

// ELF columns used.
const (
	colCode     = 0
	colLocal    = 5
	colTranslit = 8
	colAbbrLoc  = 9
	colAbbrTr   = 10
	colStatus   = 12
)

// readELF reads GLEIF's code list: for each active legal form, its names
// map to the key of its abbreviations, each abbreviation to its own.
func (t *table) readELF(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("elf code list: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("elf code list: %w", err)
	}
	if len(head) <= colStatus || head[colCode] != "ELF Code" || !strings.HasPrefix(head[colStatus], "ELF Status") {
		return fmt.Errorf("elf code list: unexpected header %q", head)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("elf code list: %w", err)
		}
		if rec[colStatus] == "ACTV" {
			t.addELF(rec)
		}
	}
}

// addELF adds the forms of one row of the ELF list.
func (t *table) addELF(rec []string) {
	var abbrevs, names []string
	for _, cell := range []string{rec[colAbbrLoc], rec[colAbbrTr]} {
		for _, a := range strings.Split(cell, ";") {
			for _, v := range variants(a) {
				if l := len(strings.ReplaceAll(v, " ", "")); l >= 2 && l <= maxAbbrev {
					abbrevs = append(abbrevs, v)
				} else {
					names = append(names, v)
				}
			}
		}
	}
	for _, n := range []string{rec[colLocal], rec[colTranslit]} {
		names = append(names, variants(n)...)
	}
	// The row's key: that of a curated form of it, else its first
	// abbreviation. A row without one is a description, no form.
	key := ""
	for _, f := range slices.Concat(abbrevs, names) {
		if k, ok := t.curated[f]; ok {
			key = k
			break
		}
	}
	if key == "" && len(abbrevs) > 0 {
		key = compact(abbrevs[0])
	}
	if key == "" {
		return
	}
	for _, a := range abbrevs {
		t.vote(a, compact(a))
	}
	for _, n := range names {
		if !isLatin(n) || spells(key, n) {
			t.vote(n, key)
		}
	}
}

// spells reports whether key may abbreviate the Latin name n: it begins
// with n's first letter and its letters come in n in order (Aktiebolag AB,
// proprietary pty). GLEIF lists some rows' abbreviations loosely
// (Partnership with RLLLP, Railroad with Corp); those names are left out.
func spells(key, n string) bool {
	key, n = strings.ReplaceAll(key, " ", ""), strings.ReplaceAll(n, " ", "")
	if key == "" || n == "" || key[0] != n[0] {
		return false
	}
	i := 0
	for j := 0; j < len(n) && i < len(key); j++ {
		if n[j] == key[i] {
			i++
		}
	}
	return i == len(key)
}

func (t *table) vote(form, key string) {
	if _, ok := t.curated[form]; ok {
		return
	}
	if t.votes[form] == nil {
		t.votes[form] = map[string]int{}
	}
	t.votes[form][key]++
}

// entry is one form of the table; edge marks a one-word form of at most
// maxEdge letters known only from GLEIF's list, which is read as a legal
// form only at either end of a name, as such short forms are also words
// and syllables of names.
type entry struct {
	form, key string
	edge      bool
}

// maxEdge is the longest form marked edge.
const maxEdge = 3

// write formats the table: Latin forms folded and keyed, forms in other
// scripts (or keyed by an abbreviation in one) folded, which package match
// reads with its own transliteration.
func (t *table) write() ([]byte, error) {
	all := map[string]string{}
	edge := map[string]bool{}
	for f, k := range t.curated {
		all[f] = k
	}
	for f, ks := range t.votes {
		best, n := "", 0
		for k, c := range ks {
			if c > n || c == n && k < best {
				best, n = k, c
			}
		}
		all[f] = best
		edge[f] = !strings.Contains(f, " ") && len(f) <= maxEdge
	}
	var latin, other []entry
	for f, k := range all {
		if isLatin(f) && isLatin(k) {
			latin = append(latin, entry{f, k, edge[f]})
		} else {
			other = append(other, entry{f, k, edge[f]})
		}
	}
	byForm := func(a, b entry) int { return cmp.Compare(a.form, b.form) }
	slices.SortFunc(latin, byForm)
	slices.SortFunc(other, byForm)
	var b bytes.Buffer
	b.WriteString(`// Code generated by genlegal; DO NOT EDIT.

// Sources: OpenSanctions fingerprints, types.yml (company types),
// Copyright OpenSanctions, MIT licence; and GLEIF's ISO 20275 Entity Legal
// Forms code list (active forms), published by GLEIF for free use. See
// ../shared/data/reference/README.md.

package match

// legalLatin maps legal forms written in Latin letters, folded, to their
// keys.
var legalLatin = [...]legalEntry{
`)
	for _, e := range latin {
		fmt.Fprintf(&b, "\t{%q, %q, %t},\n", e.form, e.key, e.edge)
	}
	b.WriteString(`}

// legalOther maps legal forms written in other scripts, folded, to their
// keys, and forms whose key is written so; package match reads both into
// Latin letters as it reads names (legal_read_gen.go).
var legalOther = [...]legalEntry{
`)
	for _, e := range other {
		fmt.Fprintf(&b, "\t{%q, %q, %t},\n", e.form, e.key, e.edge)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// variants returns the folded spellings of a form: as match's fold writes
// it and, when it has a German umlaut, with the umlaut written ae, oe, ue
// (beschränkter as beschrankter and beschraenkter). Forms of too many
// words or with digits are none.
func variants(s string) []string {
	var out []string
	for _, v := range []string{s, umlauts.Replace(strings.ToLower(s))} {
		f := joinRuns(foldForm(v), spelledRun)
		n := len(strings.Fields(f))
		if n == 0 || n > maxWords || strings.ContainsAny(f, "0123456789") || slices.Contains(out, f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue")

// foldForm folds a form as match's fold folds a name (the test of package
// match checks it does, form by form): diacritics dropped, apostrophes
// dropped, ß ss, ø o, æ ae, ł l, đ d, dotless i i, any other non-letter a
// space, lower-cased; letters of other scripts are kept.
func foldForm(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(norm.NFKC.String(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '´' || r == '"':
			if r == '"' {
				b.WriteByte(' ')
			}
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø' || r == 'Ø':
			b.WriteByte('o')
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ł' || r == 'Ł':
			b.WriteByte('l')
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case r == 'ı':
			b.WriteByte('i')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(norm.NFC.String(b.String())), " ")
}

// spelledRun is the fewest letters written apart that match's fold joins
// into a word (G M B H = gmbh), as it reads a name spelt out letter by
// letter (match's spelledRun).
const spelledRun = 4

// compact is the key of a folded form: its runs of single letters joined
// (s a = sa, sp z o o = sp zoo), as names write an abbreviation either way.
func compact(f string) string { return joinRuns(f, 2) }

// joinRuns joins the runs of at least n single letters of a folded form.
func joinRuns(f string, n int) string {
	ws := strings.Fields(f)
	var out []string
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && len([]rune(ws[j])) == 1 {
			j++
		}
		if j-i >= n {
			out = append(out, strings.Join(ws[i:j], ""))
			i = j
			continue
		}
		out = append(out, ws[i])
		i++
	}
	return strings.Join(out, " ")
}

// isLatin reports whether a folded form is all ASCII (Latin letters,
// digits and spaces).
func isLatin(f string) bool {
	for i := 0; i < len(f); i++ {
		if f[i] >= 0x80 {
			return false
		}
	}
	return true
}
