package match

import (
	"testing"

	"warden"
)

// TestLearnAcronyms checks the acronyms OFAC gives as aliases of its
// parties' names are learned, and a few that are not acronyms are not.
func TestLearnAcronyms(t *testing.T) {
	ix := ofac(t)
	for acr, full := range map[string]string{
		"irgc":  "islamic revolutionary guard corps",
		"irisl": "islamic republic of iran shipping lines",
		"nioc":  "national iranian oil company",
	} {
		if got := ix.acronyms[acr]; got != full {
			t.Errorf("acronyms[%q] = %q, want %q", acr, got, full)
		}
	}
	for _, w := range []string{"the", "company", "ltd", "bank"} {
		if got, ok := ix.acronyms[w]; ok {
			t.Errorf("acronyms[%q] = %q, want none", w, got)
		}
	}
	if len(ix.acronyms) < 20 {
		t.Errorf("%d acronyms learned from OFAC, want many", len(ix.acronyms))
	}
}

// TestExpandAcronyms checks a query holding an acronym or the words it
// stands for finds the party listed under the other.
func TestExpandAcronyms(t *testing.T) {
	ix := ofac(t)
	tests := []struct {
		query, id string
	}{
		{"Islamic Revolutionary Guard Corps Navy", "ofac:26720"},              // listed as IRGC NAVY only
		{"Islamic Republic of Iran Shipping Lines Europe GmbH", "ofac:25429"}, // listed as IRISL EUROPE GMBH
		{"IRISL Multimodal Transport Co", "ofac:25430"},
		{"IRISL", "ofac:25396"},
	}
	for _, tt := range tests {
		p, err := Prepare(Query{Names: []string{tt.query}, Schema: warden.SchemaOrganization})
		if err != nil {
			t.Fatal(err)
		}
		hits := ix.SearchPrepared(p, Options{})
		if len(hits) == 0 || hits[0].Entity.ID != tt.id || !hits[0].Match {
			t.Errorf("%q: want %s on top and matching, got %v", tt.query, tt.id, top(hits))
		}
	}
	// A reading more, the acronym written out, and none for other names.
	p, _ := Prepare(Query{Names: []string{"IRGC Navy"}})
	before := len(p.names[0].readings)
	q := ix.expandAcronyms(p)
	if q == p || !hasReadingText(q.names[0], "islamic revolutionary guard corps navy") {
		t.Errorf("IRGC Navy not read as Islamic Revolutionary Guard Corps Navy")
	}
	if len(p.names[0].readings) != before {
		t.Errorf("expandAcronyms changed the query it was given")
	}
	p, _ = Prepare(Query{Names: []string{"Islamic Revolutionary Guard Corps Navy"}})
	if q := ix.expandAcronyms(p); q == p || !hasReadingText(q.names[0], "irgc navy") {
		t.Errorf("Islamic Revolutionary Guard Corps Navy not read as IRGC Navy")
	}
	p, _ = Prepare(Query{Names: []string{"Ivan Petrov Trading Company"}})
	if q := ix.expandAcronyms(p); q != p {
		t.Errorf("a name without an acronym got readings: %v", q.names[0].readings)
	}
	if n := testing.AllocsPerRun(100, func() { ix.expandAcronyms(p) }); n != 0 {
		t.Errorf("expandAcronyms allocates %v times on a name without an acronym", n)
	}
}

// hasReadingText reports whether n has a reading whose words are s.
func hasReadingText(n name, s string) bool {
	for _, r := range n.readings {
		if joinTokens(r) == s {
			return true
		}
	}
	return false
}

// top describes the first hits.
func top(hits []Hit) []string {
	var out []string
	for i := 0; i < len(hits) && i < 3; i++ {
		out = append(out, hits[i].Entity.ID+" "+hits[i].Entity.Names[0].Full)
	}
	return out
}

// BenchmarkLearnAcronyms measures learning OFAC's acronyms, part of
// building the index.
func BenchmarkLearnAcronyms(b *testing.B) {
	ix := ofac(b)
	for b.Loop() {
		ix.acronyms = nil
		ix.learnAcronyms()
	}
}
