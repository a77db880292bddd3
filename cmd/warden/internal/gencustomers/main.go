// Command gencustomers writes the customer-like query mix the throughput
// benchmark screens (cmd/warden/testdata/customers-20k.csv): common names
// of many cultures in their own scripts and in Latin, some companies, half
// with a birth date, and a small share (under a tenth) of names really
// listed, their words shuffled or a letter dropped, as a customer base
// holds a few near-hits among many clean names.
//
// The output depends only on the flags: the same seed gives the same file.
// Run it with go generate in cmd/warden, from a checkout beside ../shared.
package main

import (
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

func main() {
	data := flag.String("data", "../shared/data", "the shared data folder (ofac/sdn.csv, us_csl/consolidated.csv.gz)")
	out := flag.String("out", "customers-20k.csv", "CSV to write")
	n := flag.Int("n", 20000, "queries")
	listedShare := flag.Float64("listed", 0.08, "share of queries made from listed names (at most 0.1)")
	seed := flag.Uint64("seed", 15, "random seed")
	flag.Parse()
	if *listedShare > 0.1 {
		log.Fatal("gencustomers: -listed is at most 0.1: the mix is of customers, nearly all not listed")
	}
	listed, err := listedNames(*data)
	if err != nil {
		log.Fatalf("gencustomers: %v", err)
	}
	rows := generate(rand.New(rand.NewPCG(*seed, 0x15)), *n, *listedShare, listed)
	if err := write(*out, rows); err != nil {
		log.Fatalf("gencustomers: %v", err)
	}
	var dated, fromList, orgs int
	for _, r := range rows {
		if r.birth != "" {
			dated++
		}
		if r.listed {
			fromList++
		}
		if r.schema == "Company" || r.schema == "Organization" {
			orgs++
		}
	}
	fmt.Fprintf(os.Stderr, "gencustomers: %d queries to %s: %d from listed names, %d with a birth date, %d companies\n", len(rows), *out, fromList, dated, orgs)
}

// row is one query of the mix.
type row struct {
	name, birth, country, schema string
	listed                       bool // made from a listed name
}

// listedName is a name as a list gives it, with whether it is a person's.
type listedName struct {
	name   string
	person bool
}

// generate draws n queries: a listedShare of them from listed, the rest
// from cultures by weight.
func generate(rng *rand.Rand, n int, listedShare float64, listed []listedName) []row {
	total := 0
	for _, c := range cultures {
		total += c.weight
	}
	rows := make([]row, 0, n)
	for len(rows) < n {
		if rng.Float64() < listedShare {
			rows = append(rows, fromListed(rng, listed[rng.IntN(len(listed))]))
			continue
		}
		k := rng.IntN(total)
		c := &cultures[0]
		for i := range cultures {
			if k < cultures[i].weight {
				c = &cultures[i]
				break
			}
			k -= cultures[i].weight
		}
		if rng.Float64() < 0.12 {
			rows = append(rows, company(rng, c))
		} else {
			rows = append(rows, person(rng, c))
		}
	}
	return rows
}

// pick returns a random element of s.
func pick(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }

// person makes a person's name of culture c, with a birth date for more
// than half of them (companies have none, so that half the mix has one)
// and the country for some.
func person(rng *rand.Rand, c *culture) row {
	female := rng.IntN(2) == 0
	given := pick(rng, c.male)
	if female {
		given = pick(rng, c.female)
	}
	family := pick(rng, c.family)
	if female && c.femaleFamily != nil {
		family = c.femaleFamily(family)
	}
	if len(c.extra) > 0 && !(female && c.femaleFamily != nil) && rng.Float64() < 0.25 { // patronymics are male here
		given += " " + pick(rng, c.extra)
	}
	var name string
	switch {
	case c.familyFirst && c.join:
		name = family + given
	case c.familyFirst:
		name = family + " " + given
	default:
		name = given + " " + family
	}
	r := row{name: name}
	if rng.Float64() < 0.75 {
		r.schema = "Person"
	}
	r.birth = birthDate(rng, 0.6)
	if rng.Float64() < 0.4 {
		r.country = c.country
	}
	return r
}

// company makes a company name of culture c: a family name, an industry
// word and a legal form.
func company(rng *rand.Rand, c *culture) row {
	sep := " "
	if c.join {
		sep = ""
	}
	name := pick(rng, c.family) + sep + pick(rng, c.words) + sep + pick(rng, c.forms)
	r := row{name: name}
	if rng.Float64() < 0.7 {
		r.schema = "Company"
	}
	if rng.Float64() < 0.5 {
		r.country = c.country
	}
	return r
}

// fromListed makes a query of a listed name as a customer would write it:
// its words in another order, or a letter dropped.
func fromListed(rng *rand.Rand, l listedName) row {
	words := strings.Fields(l.name)
	if rng.IntN(2) == 0 && len(words) > 1 {
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	} else {
		var long []int
		for i, w := range words {
			if utf8.RuneCountInString(w) >= 5 {
				long = append(long, i)
			}
		}
		if len(long) > 0 {
			i := long[rng.IntN(len(long))]
			rs := []rune(words[i])
			k := 1 + rng.IntN(len(rs)-1)
			words[i] = string(rs[:k]) + string(rs[k+1:])
		}
	}
	r := row{name: strings.Join(words, " "), listed: true}
	if l.person {
		r.schema = "Person"
		r.birth = birthDate(rng, 0.5)
	} else {
		r.schema = "Company"
	}
	return r
}

// birthDate returns, with probability p, a birth date from 1940 to 2005,
// a full date mostly and a year alone sometimes; else "".
func birthDate(rng *rand.Rand, p float64) string {
	if rng.Float64() >= p {
		return ""
	}
	y, m, d := 1940+rng.IntN(66), 1+rng.IntN(12), 1+rng.IntN(28)
	if rng.Float64() < 0.15 {
		return fmt.Sprintf("%04d", y)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// listedNames reads the primary names of OFAC's SDN list (individuals
// "LAST, First" turned to "First LAST") and of the US consolidated
// screening list; vessels and aircraft are left out, as customers are
// people and companies.
func listedNames(dir string) ([]listedName, error) {
	var out []listedName
	f, err := os.Open(filepath.Join(dir, "ofac", "sdn.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("sdn.csv: %w", err)
		}
		if len(rec) < 3 {
			continue
		}
		kind := strings.TrimSpace(rec[2])
		if kind == "vessel" || kind == "aircraft" {
			continue
		}
		name := rec[1]
		person := kind == "individual"
		if last, first, ok := strings.Cut(name, ", "); ok && person {
			name = first + " " + last
		}
		out = append(out, listedName{name, person})
	}
	g, err := os.Open(filepath.Join(dir, "us_csl", "consolidated.csv.gz"))
	if err != nil {
		return nil, err
	}
	defer g.Close()
	zr, err := gzip.NewReader(g)
	if err != nil {
		return nil, fmt.Errorf("consolidated.csv.gz: %w", err)
	}
	cr = csv.NewReader(zr)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("consolidated.csv.gz: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("consolidated.csv.gz: %w", err)
		}
		name := strings.TrimSpace(rec[col["name"]])
		kind := rec[col["type"]]
		if name == "" || kind == "Vessel" || kind == "Aircraft" {
			continue
		}
		out = append(out, listedName{name, kind == "Individual"})
	}
	return out, nil
}

// write writes rows as a batch CSV with the columns warden screen --input
// reads.
func write(path string, rows []row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"name", "birth_date", "country", "schema"})
	for _, r := range rows {
		w.Write([]string{r.name, r.birth, r.country, r.schema})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
