package stix

import (
	"reflect"
	"testing"

	"warden"
)

// TestEdges reads the edges of a relationship, a sighting and objects
// with embedded references.
func TestEdges(t *testing.T) {
	const (
		ind   = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
		mal   = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"
		ident = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"
		rel   = "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"
		sig   = "sighting--ee20065d-2555-424f-ad9e-0f8428623c75"
		od    = "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"
		rep   = "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3"
		email = "email-message--cf9b4b7f-14c8-5955-8065-020e0316b559"
		art   = "artifact--4cce66f8-6eaa-53cb-85d5-3a85fca3a6c5"
	)
	for _, tc := range []struct {
		name, raw string
		want      []warden.IntelEdge
	}{
		{"relationship", relationship, []warden.IntelEdge{{Source: ind, Type: "indicates", Target: mal, Rel: rel, Confidence: 80}}},
		{"relationship with a creator and markings",
			`{"type":"relationship","id":"` + rel + `","relationship_type":"uses","source_ref":"` + mal + `","target_ref":"` + ind +
				`","created_by_ref":"` + ident + `","object_marking_refs":["` + tlp1Green + `"]}`,
			[]warden.IntelEdge{
				{Source: mal, Type: "uses", Target: ind, Rel: rel, Confidence: -1},
				{Source: rel, Type: "created_by_ref", Target: ident, Confidence: -1},
			}},
		{"sighting by an identity",
			`{"type":"sighting","id":"` + sig + `","sighting_of_ref":"` + ind + `","where_sighted_refs":["` + ident + `"],"observed_data_refs":["` + od + `"],"confidence":50}`,
			[]warden.IntelEdge{
				{Source: ident, Type: "sighted", Target: ind, Rel: sig, Confidence: 50},
				{Source: od, Type: "observed", Target: ind, Rel: sig, Confidence: 50},
			}},
		{"sighting by no one", `{"type":"sighting","id":"` + sig + `","sighting_of_ref":"` + ind + `"}`,
			[]warden.IntelEdge{{Source: sig, Type: "sighted", Target: ind, Rel: sig, Confidence: -1}}},
		{"report",
			`{"type":"report","id":"` + rep + `","object_refs":["` + ind + `","` + mal + `","` + ind + `","not an id"],"granular_markings":[{"marking_ref":"` + tlp1Red + `","selectors":["name"]}]}`,
			[]warden.IntelEdge{
				{Source: rep, Type: "object_refs", Target: ind, Confidence: -1},
				{Source: rep, Type: "object_refs", Target: mal, Confidence: -1},
			}},
		{"nested references",
			`{"type":"email-message","id":"` + email + `","body_multipart":[{"body_raw_ref":"` + art + `"}]}`,
			[]warden.IntelEdge{{Source: email, Type: "body_raw_ref", Target: art, Confidence: -1}}},
		{"no references", indicator, nil},
	} {
		got := Edges(object(t, tc.raw))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.want)
		}
	}
}

// TestEdgesExamples draws the examples' graphs: every relationship one
// typed edge, reports' object_refs edges to their objects, every edge
// from the object that states it.
func TestEdgesExamples(t *testing.T) {
	rels, typed, refs := 0, 0, 0
	for _, file := range exampleFiles(t) {
		for _, o := range exampleObjects(t, file) {
			if o.Type == "relationship" {
				rels++
			}
			for _, e := range Edges(o) {
				switch {
				case e.Rel == o.ID && o.Type == "relationship":
					typed++
				case e.Source == o.ID && e.Rel == "" && e.Confidence == -1:
					if e.Type == "object_refs" {
						refs++
					}
				default:
					t.Errorf("%s: edge %v", o.ID, e)
				}
			}
		}
	}
	if rels < 100 || typed != rels || refs < 50 {
		t.Errorf("%d relationships, %d typed edges, %d object_refs edges", rels, typed, refs)
	}
}
