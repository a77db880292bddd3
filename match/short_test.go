package match

import "testing"

// TestShortQueryNoPhonetic: a query of one or two letters meets only names
// of those very letters. Read phonetically, "X" is "ks", the skeleton of
// KATA'IB SAYYID AL-SHUHADA's alias KSS, and blocked payments to anyone
// called X; the listed acronym itself still finds its party.
func TestShortQueryNoPhonetic(t *testing.T) {
	ix := ofac(t)
	const kss = "46348" // KATA'IB SAYYID AL-SHUHADA, a.k.a. KSS
	for _, q := range []string{"X", "x", "XS", "Xs", "X.", "Q"} {
		hits, err := ix.Search(Query{Names: []string{q}}, Options{})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		for _, h := range hits {
			if h.Match {
				t.Errorf("%q matches %s %q at %.3f", q, h.Entity.ID, h.Explanation.ListedName, h.Score)
			}
		}
	}
	hits, err := ix.Search(Query{Names: []string{"KSS"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		found = found || h.Entity.SourceID == kss && h.Match
	}
	if !found {
		t.Errorf("KSS: %s not matched; hits %v", kss, sourceIDs(hits))
	}
}
