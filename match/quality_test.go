package match

import (
	"fmt"
	"sort"
	"strings"
)

// tally counts outcomes per category for docs/quality.md.
type tally map[string]*[3]int // category -> tp, fp, fn

func (t tally) add(cat string, predicted, actual bool) {
	c := t[cat]
	if c == nil {
		c = &[3]int{}
		t[cat] = c
	}
	switch {
	case predicted && actual:
		c[0]++
	case predicted && !actual:
		c[1]++
	case !predicted && actual:
		c[2]++
	}
	if t[""] == nil {
		t[""] = &[3]int{}
	}
}

func prf(tp, fp, fn int) (p, r, f float64) {
	p, r = 1, 1
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return
}

// markdown renders the tally as a table, categories sorted, total last.
func (t tally) markdown() string {
	var cats []string
	var total [3]int
	for c, v := range t {
		if c == "" {
			continue
		}
		cats = append(cats, c)
		for i := range total {
			total[i] += v[i]
		}
	}
	sort.Strings(cats)
	var b strings.Builder
	b.WriteString("| category | TP | FP | FN | precision | recall | F1 |\n|---|---|---|---|---|---|---|\n")
	row := func(name string, v [3]int) {
		p, r, f := prf(v[0], v[1], v[2])
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.2f | %.2f | %.2f |\n", name, v[0], v[1], v[2], p, r, f)
	}
	for _, c := range cats {
		row(c, *t[c])
	}
	row("**all**", total)
	return b.String()
}
