// Command gennick writes match/nickname_gen.go, the nickname table of the
// screening engine, from two data files: the English given names and
// nicknames of carltonnorthern/nicknames (nicknames.csv, Apache-2.0) and
// Warden's own diminutives.csv (Russian, Ukrainian and other languages).
//
// The table is compiled rather than read at run time so that screening
// needs no data file and starts without parsing one. Names are folded as
// the engine folds them (lower case, diacritics dropped); the output is
// sorted, so the same input always gives the same file.
//
// Usage (go generate in package match):
//
//	gennick -nicknames nicknames.csv -diminutives diminutives.csv -o nickname_gen.go
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// minEnglish is the fewest letters a nickname from nicknames.csv needs.
// Its two-letter forms (Ab, Eb, Em, Mc, Jr, Si) are mostly ambiguous
// initialisms or common words; the few worth keeping (Ed, Jo) are rows of
// diminutives.csv, which is curated and kept whole.
const minEnglish = 3

func main() {
	nick := flag.String("nicknames", "", "English nicknames CSV (name1,relationship,name2)")
	dim := flag.String("diminutives", "", "diminutives CSV (full,diminutive,language)")
	excl := flag.String("exclude", "", "rows of the nicknames CSV to leave out (full,nickname,reason)")
	out := flag.String("o", "nickname_gen.go", "output Go file")
	flag.Parse()
	if *nick == "" || *dim == "" || *excl == "" {
		log.Fatal("gennick: -nicknames, -diminutives and -exclude are required")
	}
	if err := run(*nick, *dim, *excl, *out); err != nil {
		log.Fatal(err)
	}
}

// pair is a nickname and a full name it stands for, both folded.
type pair struct{ nick, full string }

func run(nickPath, dimPath, exclPath, outPath string) error {
	excluded, err := readPairs(exclPath)
	if err != nil {
		return err
	}
	en, err := readNicknames(nickPath, excluded)
	if err != nil {
		return err
	}
	other, err := readPairs(dimPath)
	if err != nil {
		return err
	}
	src, err := generate(append(en, other...))
	if err != nil {
		return err
	}
	if err := os.WriteFile(outPath, src, 0o644); err != nil {
		return fmt.Errorf("gennick: %w", err)
	}
	return nil
}

// newPair folds a nickname and its full name from record i of path; each
// must be one word of Latin letters, as the engine's words are.
func newPair(path string, i int, nick, full string) (pair, error) {
	p := pair{nick: foldName(nick), full: foldName(full)}
	for _, w := range []string{p.nick, p.full} {
		if w == "" || strings.ContainsFunc(w, func(c rune) bool { return c < 'a' || c > 'z' }) {
			return pair{}, fmt.Errorf("gennick: %s record %d: %q is not one word of Latin letters", path, i+1, w)
		}
	}
	return p, nil
}

// readNicknames reads nicknames.csv: a header, then name1,has_nickname,name2;
// the excluded pairs are left out.
func readNicknames(path string, excluded []pair) ([]pair, error) {
	rows, err := readCSV(path, 3)
	if err != nil {
		return nil, err
	}
	var ps []pair
	used := make([]bool, len(excluded))
	for i, r := range rows {
		if i == 0 {
			continue // header
		}
		if r[1] != "has_nickname" {
			return nil, fmt.Errorf("gennick: %s row %d: unknown relationship %q", path, i+1, r[1])
		}
		if initials(r[2]) {
			continue // K.C. for Casey: initials, which the engine reads as such
		}
		p, err := newPair(path, i, r[2], r[0])
		if err != nil {
			return nil, err
		}
		if k := slices.Index(excluded, p); k >= 0 {
			used[k] = true
			continue
		}
		if k := slices.Index(excluded, pair{nick: p.nick, full: anyName}); k >= 0 {
			used[k] = true
			continue
		}
		if len(p.nick) >= minEnglish {
			ps = append(ps, p)
		}
	}
	for k, p := range excluded {
		if !used[k] {
			return nil, fmt.Errorf("gennick: excluded %s,%s is not a row of %s", p.full, p.nick, path)
		}
	}
	return ps, nil
}

// initials reports whether s is written as initials, letters each followed
// by a full stop (K.C.).
func initials(s string) bool {
	return len(s) >= 2 && len(s)%2 == 0 && strings.Count(s, ".") == len(s)/2 && !strings.Contains(s, "..")
}

// anyName, as the full name of a row of exclude.csv, leaves its nickname
// out whatever name it is given for.
const anyName = "*"

// readPairs reads diminutives.csv or exclude.csv: # comments, a header,
// then full,nickname and a third column (language, reason).
func readPairs(path string) ([]pair, error) {
	rows, err := readCSV(path, 3)
	if err != nil {
		return nil, err
	}
	var ps []pair
	for i, r := range rows {
		if i == 0 {
			continue // header
		}
		full := r[0]
		if full == anyName {
			full = r[1] // checked as a name, then marked
		}
		p, err := newPair(path, i, r[1], full)
		if err != nil {
			return nil, err
		}
		if r[0] == anyName {
			p.full = anyName
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// readCSV reads a CSV file of n columns, skipping # comment lines.
func readCSV(path string, n int) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gennick: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	cr.FieldsPerRecord = n
	var rows [][]string
	for {
		r, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("gennick: %s: %w", path, err)
		}
		for i := range r {
			r[i] = strings.TrimSpace(r[i])
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// foldName folds a name as the engine's fold does for Latin letters: lower
// case, diacritics dropped, and the letters NFD does not decompose (ł, ß)
// spelt as the engine spells them.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ł':
			b.WriteByte('l')
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø':
			b.WriteByte('o')
		case r == 'æ':
			b.WriteString("ae")
		case r == 'đ':
			b.WriteByte('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// uninvert drops the rows that give a nickname the other way round: where
// nicknames.csv says both bill,has_nickname,william and
// william,has_nickname,bill, the shorter name is the nickname. Left in, the
// inverted row would make William a nickname of Bill and so a sibling of
// Bill's other full names' nicknames.
func uninvert(ps []pair) []pair {
	has := map[pair]bool{}
	for _, p := range ps {
		has[p] = true
	}
	var out []pair
	for _, p := range ps {
		if has[pair{nick: p.full, full: p.nick}] && len(p.nick) > len(p.full) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// siblings reports whether a and b are both nicknames of one other name
// (Bill and Will of William, Billy and Bill): the engine does not let such
// nicknames meet, as each stands for its full name only by a guess, so a
// row linking them directly (will,has_nickname,bill) is left out too. Only
// rows whose full name is about as short as the nickname are taken for
// such links: a longer full name is one (Francis for Frank, Alexander for
// Alex), even when the table also gives it as a variant of a third
// (Frankie, Alexandria).
func siblings(fulls map[string]map[string]bool, a, b string) bool {
	for f := range fulls[a] {
		if f != b && fulls[b][f] {
			return true
		}
	}
	return false
}

// generate writes the table: every name once, sorted, and for each the
// names it may meet (its full names if a nickname, its nicknames if a
// full name, but not its siblings), as indices into the sorted names.
func generate(ps []pair) ([]byte, error) {
	ps = uninvert(ps)
	fulls := map[string]map[string]bool{} // nickname -> its full names
	for _, p := range ps {
		if fulls[p.nick] == nil {
			fulls[p.nick] = map[string]bool{}
		}
		fulls[p.nick][p.full] = true
	}
	alts := map[string]map[string]bool{}
	link := func(a, b string) {
		if alts[a] == nil {
			alts[a] = map[string]bool{}
		}
		alts[a][b] = true
	}
	for _, p := range ps {
		if p.nick == p.full || len(p.full) <= len(p.nick)+1 && siblings(fulls, p.nick, p.full) {
			continue
		}
		link(p.nick, p.full)
		link(p.full, p.nick)
	}
	var words []string
	for w := range alts {
		words = append(words, w)
	}
	slices.Sort(words)
	if len(words) > 1<<16 {
		return nil, fmt.Errorf("gennick: %d names do not fit uint16 indices", len(words))
	}
	at := map[string]int{}
	for i, w := range words {
		at[w] = i
	}
	var b bytes.Buffer
	b.WriteString(`// Code generated by gennick; DO NOT EDIT.

// Sources:
//   - nicknames.csv: English given names and nicknames, from
//     carltonnorthern/nicknames (names.csv), Apache License 2.0
//     (shared/data/reference/nicknames.LICENSE); nicknames shorter than
//     three letters left out.
//   - match/internal/gennick/diminutives.csv: Russian, Ukrainian, German,
//     Spanish, Italian, Portuguese, French, Polish and Persian diminutives
//     compiled for Warden (sources named in the file), Warden's licence.
//   - match/internal/gennick/exclude.csv: rows of nicknames.csv left out.

package match

// nicknameWords are the folded given names with a nickname or full name
// they may meet, sorted.
var nicknameWords = [...]string{
`)
	for _, w := range words {
		fmt.Fprintf(&b, "%q,\n", w)
	}
	b.WriteString("}\n\n// nicknameAltAt[i]:nicknameAltAt[i+1] is the range of nicknameAltOf\n// holding word i's alts.\nvar nicknameAltAt = [...]uint16{\n")
	n := 0
	var of []int
	for _, w := range words {
		fmt.Fprintf(&b, "%d,", n)
		var as []int
		for a := range alts[w] {
			as = append(as, at[a])
		}
		slices.Sort(as)
		of = append(of, as...)
		n += len(as)
	}
	if n >= 1<<16 {
		return nil, fmt.Errorf("gennick: %d alts do not fit uint16 indices", n)
	}
	fmt.Fprintf(&b, "%d,\n}\n\n// nicknameAltOf holds indices into nicknameWords: the alts of each word.\nvar nicknameAltOf = [...]uint16{\n", n)
	for _, i := range of {
		fmt.Fprintf(&b, "%d,", i)
	}
	b.WriteString("\n}\n\n")
	writeSlots(&b, words)
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gennick: formatting the output: %w", err)
	}
	return src, nil
}

// writeSlots writes nicknameSlots, an open-addressing hash table of the
// words: slot nickHash(w) mod its size, or the first free one after it,
// holds 1 + w's index in words; 0 is a free slot. The table is at least
// four times the words, so a lookup probes one or two slots, and a lookup
// needs no map built when the process starts.
func writeSlots(b *bytes.Buffer, words []string) {
	size := 1
	for size < 4*len(words) {
		size *= 2
	}
	slots := make([]int, size)
	for i, w := range words {
		k := nickHash(w) & uint32(size-1)
		for slots[k] != 0 {
			k = (k + 1) & uint32(size-1)
		}
		slots[k] = i + 1
	}
	b.WriteString("// nicknameSlots is the hash table of nicknameWords nicknameAlts probes:\n// 1 + a word's index at nickHash(word) mod its size or the first slot\n// free after it; 0 is a free slot.\nvar nicknameSlots = [...]uint16{")
	for k, v := range slots {
		if k%16 == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "%d,", v)
	}
	b.WriteString("\n}\n")
}

// nickHash is 32-bit FNV-1a, the hash of match's nickHash, by which
// nicknameAlts finds a word's slot.
func nickHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
