package match

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/sources/csl"
	"warden/sources/ofaccsv"
	"warden/sources/sourcetest"
	"warden/sources/ukconlist"
	"warden/sources/unxml"
)

// realList parses one real list, with ids as the store gives them: OFAC
// from the bundled snapshot, the others from the shared data folder.
func realList(t *testing.T, list string) []*warden.Entity {
	t.Helper()
	var r *sourcetest.Result
	switch list {
	case "ofac":
		dir := sourcetest.OFAC(t)
		var paths []string
		for _, f := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
			paths = append(paths, filepath.Join(dir, f))
		}
		r = sourcetest.MustParse(t, ofaccsv.Parser{}, paths...)
	case "un":
		r = sourcetest.MustParse(t, unxml.Parser{}, sourcetest.Data(t, "un/consolidated.xml"))
	case "uk":
		r = sourcetest.MustParse(t, ukconlist.XLSX{}, sourcetest.Data(t, "uk/ConList.xlsx"))
	case "csl":
		r = sourcetest.MustParse(t, csl.Parser{}, sourcetest.Data(t, "us_csl/consolidated.csv.gz"))
	default:
		t.Fatalf("unknown list %q", list)
	}
	for _, e := range r.Entities {
		e.List = list
		e.ID = warden.EntityID(list, e.SourceID)
	}
	return r.Entities
}

// TestListedNamesFindThemselves screens every name of every party of the
// real lists (OFAC, UN, UK, CSL) verbatim, once with no schema and once with
// the party's own schema, against an index of the whole list, and requires
// the party among the matches with score 1 and ranked first.
//
// Ties: two listed parties may carry the very same name (a company and its
// namesake, a person listed twice under different programmes). Such parties
// rightly all score 1, and hits of equal score are ordered by entity id, so
// "ranked first" means: the party's score is 1 and no hit scores more,
// whatever its position among the hits at 1. As no score exceeds 1, a
// party at 1 is first: the search reports only hits at 1 (MinScore), which
// also lets it prune every name that cannot reach 1. A query is screened
// once for all the parties that carry it, with a limit raised until every
// hit at 1 is seen. Under the race detector, which makes the engine some
// ten times slower, it screens a fixed sample of one query in seven (odd,
// so that both the queries with and without a schema are sampled; by
// several goroutines at once, against the index of the whole list), as
// TestIndexLosesNothing does: screening all of the OFAC, UK or CSL list's
// took three minutes each there; a plain run screens every query.
func TestListedNamesFindThemselves(t *testing.T) {
	for _, list := range []string{"ofac", "un", "uk", "csl"} {
		t.Run(list, func(t *testing.T) {
			es := realList(t, list)
			start := time.Now()
			ix := NewIndex(es)
			built := time.Since(start)
			type probe struct {
				name   string
				schema warden.Schema
			}
			owners := map[probe][]string{}
			var probes []probe
			names := 0
			for _, e := range es {
				for _, n := range e.Names {
					names++
					for _, s := range []warden.Schema{"", e.Schema} {
						p := probe{n.Full, s}
						if owners[p] == nil {
							probes = append(probes, p)
						}
						if o := owners[p]; len(o) == 0 || o[len(o)-1] != e.ID {
							owners[p] = append(owners[p], e.ID)
						}
					}
				}
			}
			checked := probes
			if raceEnabled {
				checked = nil
				for i := 0; i < len(probes); i += 7 {
					checked = append(checked, probes[i])
				}
			}
			start = time.Now()
			var mu sync.Mutex
			var failures []string
			fail := func(s string) {
				mu.Lock()
				failures = append(failures, s)
				mu.Unlock()
			}
			work := make(chan probe)
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for p := range work {
						if msg := selfScreen(ix, p.name, p.schema, owners[p]); msg != "" {
							fail(msg)
						}
					}
				}()
			}
			for _, p := range checked {
				work <- p
			}
			close(work)
			wg.Wait()
			t.Logf("%s: %d parties, %d names, %d distinct queries, %d screened; index built in %v, screened in %v",
				list, len(es), names, len(probes), len(checked), built.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
			for i, f := range failures {
				if i == 50 {
					t.Errorf("... and %d more", len(failures)-50)
					break
				}
				t.Error(f)
			}
			if len(failures) > 0 {
				t.Errorf("%d of %d queries do not find their own party", len(failures), len(checked))
			}
		})
	}
}

// selfScreen screens name with schema and returns why it fails to give each
// of ids a score of 1 at the top, or "" if it does.
func selfScreen(ix *Index, name string, schema warden.Schema, ids []string) string {
	q := Query{Names: []string{name}, Schema: schema}
	for limit := 10; ; limit = min(4*limit, MaxLimit) {
		hits, err := ix.Search(q, Options{Limit: limit, MinScore: 1})
		if err != nil {
			return fmt.Sprintf("%q (schema %q): %v", name, schema, err)
		}
		got := map[string]float64{}
		for _, h := range hits {
			got[h.Entity.ID] = h.Score
		}
		// More hits at the top score than the limit let through: look wider.
		if len(hits) == limit && limit < MaxLimit && hits[len(hits)-1].Score == hits[0].Score {
			continue
		}
		var bad []string
		for _, id := range ids {
			s, ok := got[id]
			switch {
			case !ok:
				bad = append(bad, id+" not a hit")
			case s != 1:
				bad = append(bad, fmt.Sprintf("%s scores %.3f", id, s))
			}
		}
		if len(bad) == 0 {
			return ""
		}
		// Say where it stands among the hits of an ordinary search.
		hits, _ = ix.Search(q, Options{})
		for _, h := range hits {
			for _, id := range ids {
				if h.Entity.ID == id {
					bad = append(bad, fmt.Sprintf("%s at %.3f in an ordinary search", id, h.Score))
				}
			}
		}
		top := "no hits"
		if len(hits) > 0 {
			top = fmt.Sprintf("top %s %q %.3f", hits[0].Entity.ID, hits[0].Explanation.ListedName, hits[0].Score)
		}
		return fmt.Sprintf("%q (schema %q): %s; %s", name, schema, strings.Join(bad, ", "), top)
	}
}
