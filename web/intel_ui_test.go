package web

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"warden"
)

// svgNode is what the graph test reads of one node of the SVG.
type svgNode struct {
	class, id string
	texts     []string
}

// readSVG parses an SVG document as XML (failing the test if it is not
// well-formed) and returns its nodes and every text of its edges.
func readSVG(t *testing.T, svg []byte) (nodes []svgNode, edgeTexts []string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var stack []string // the class of each open <g>, "" for other elements
	var cur *svgNode
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			class := ""
			if x.Name.Local == "g" {
				for _, a := range x.Attr {
					if a.Name.Local == "class" {
						class = a.Value
					}
				}
				if strings.HasPrefix(class, "node") {
					nodes = append(nodes, svgNode{class: class})
					cur = &nodes[len(nodes)-1]
					for _, a := range x.Attr {
						if a.Name.Local == "data-id" {
							cur.id = a.Value
						}
					}
				}
			}
			stack = append(stack, class)
		case xml.EndElement:
			if c := stack[len(stack)-1]; strings.HasPrefix(c, "node") {
				cur = nil
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			s := strings.TrimSpace(string(x))
			if s == "" {
				continue
			}
			if cur != nil {
				cur.texts = append(cur.texts, s)
			} else if slices.Contains(stack, "edge") {
				edgeTexts = append(edgeTexts, s)
			}
		}
	}
	return nodes, edgeTexts
}

// TestIntelGraphSVG: an incident with three neighbours (an indicator that
// indicates it, a threat actor it is attributed to, a report that
// references it; the actor named with a script tag) draws one node per
// neighbour and one for the centre, each edge labelled with its type,
// the names as text, never as markup; the same graph given in another
// order draws the same bytes; a neighbour not among the visible objects
// is drawn by its id only.
func TestIntelGraphSVG(t *testing.T) {
	inc := warden.IntelObject{ID: "incident--6a2a4c5f-3f43-4b0e-9d0a-3c1f4a5b6c7d", Type: "incident", Name: "Ransomware at the water utility", TLP: warden.TLPAmber}
	ind := warden.IntelObject{ID: "indicator--0b7c6d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e", Type: "indicator", Name: "[ipv4-addr:value = '198.51.100.7']", TLP: warden.TLPGreen}
	act := warden.IntelObject{ID: "threat-actor--9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", Type: "threat-actor", Name: `Evil <script>alert("x")</script> & Co`, TLP: warden.TLPRed}
	rep := warden.IntelObject{ID: "report--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", Type: "report", Name: "Q1 report", TLP: warden.TLPClear}
	edges := []warden.IntelEdge{
		{Source: ind.ID, Type: "indicates", Target: inc.ID, Rel: "relationship--1"},
		{Source: inc.ID, Type: "attributed-to", Target: act.ID, Rel: "relationship--2"},
		{Source: rep.ID, Type: "object_refs", Target: inc.ID},
	}
	neighbours := []warden.IntelObject{ind, act, rep}
	svg := graphSVG(inc, edges, neighbours)
	nodes, edgeTexts := readSVG(t, svg)
	if len(nodes) != 4 {
		t.Fatalf("%d nodes, want 4 (the centre and 3 neighbours):\n%s", len(nodes), svg)
	}
	ids := map[string]svgNode{}
	for _, n := range nodes {
		ids[n.id] = n
	}
	for _, o := range []warden.IntelObject{inc, ind, act, rep} {
		n, ok := ids[o.ID]
		if !ok {
			t.Errorf("no node for %s", o.ID)
			continue
		}
		if (o.ID == inc.ID) != (n.class == "node center") {
			t.Errorf("%s: class %q", o.ID, n.class)
		}
		if !slices.Contains(n.texts, o.TLP.Label()) {
			t.Errorf("%s: no %s badge in %q", o.ID, o.TLP.Label(), n.texts)
		}
	}
	if got := ids[act.ID].texts; !slices.Contains(got, act.Type+": "+act.Name) {
		t.Errorf("the actor's node reads %q, want its name as text: %q", got, act.Name)
	}
	if bytes.Contains(svg, []byte("<script")) {
		t.Errorf("a name's <script> tag is written as markup:\n%s", svg)
	}
	slices.Sort(edgeTexts)
	if want := []string{"attributed-to", "indicates", "object_refs"}; !slices.Equal(edgeTexts, want) {
		t.Errorf("edge labels %q, want %q", edgeTexts, want)
	}
	if !bytes.Contains(svg, []byte(`marker-start="url(#arrow)"`)) || !bytes.Contains(svg, []byte(`marker-end="url(#arrow)"`)) {
		t.Errorf("edges in and out are not both drawn with arrows")
	}

	slices.Reverse(edges)
	slices.Reverse(neighbours)
	if again := graphSVG(inc, edges, neighbours); !bytes.Equal(again, svg) {
		t.Errorf("the same graph in another order drew other bytes")
	}

	// A neighbour the reader may not see is not passed: its edge is
	// drawn to a box with the id only, no name, no badge.
	nodes, _ = readSVG(t, graphSVG(inc, edges[:1], nil))
	if len(nodes) != 2 || nodes[1].id != rep.ID || slices.Contains(nodes[1].texts, rep.Name) || slices.Contains(nodes[1].texts, rep.TLP.Label()) {
		t.Errorf("unknown neighbour drawn as %+v", nodes)
	}
}

// TestIntelGraphMany: more neighbours than fit are counted, not drawn.
func TestIntelGraphMany(t *testing.T) {
	c := warden.IntelObject{ID: "incident--00000000-0000-4000-8000-000000000000", Type: "incident", Name: "c", TLP: warden.TLPGreen}
	var edges []warden.IntelEdge
	for i := range graphMaxNeighbours + 3 {
		edges = append(edges, warden.IntelEdge{Source: c.ID, Type: "related-to", Target: "indicator--" + strings.Repeat(string(rune('a'+i)), 8)})
	}
	svg := graphSVG(c, edges, nil)
	nodes, _ := readSVG(t, svg)
	if len(nodes) != graphMaxNeighbours+1 {
		t.Errorf("%d nodes, want %d", len(nodes), graphMaxNeighbours+1)
	}
	if !bytes.Contains(svg, []byte("3 more not drawn")) {
		t.Errorf("the 3 neighbours left out are not counted")
	}
}
