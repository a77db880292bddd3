package web

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"warden"
)

// The graph's geometry: the object in the centre of an ellipse, its
// neighbours around it. Twelve neighbours fit around the ellipse without
// their boxes touching; the others are counted, not drawn (the page lists
// them all).
const (
	graphWidth, graphHeight = 880, 560
	graphRX, graphRY        = 320, 200
	nodeW, nodeH            = 150, 58
	graphMaxNeighbours      = 12
	nodeNameRunes           = 22
)

// graphCSP is the graph's own policy: an SVG document with presentation
// attributes only (no style, no script), loaded as an image by the object
// page and fetching nothing.
const graphCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// nodeColours fill each type's node, so that incidents, actors and
// indicators are told apart at a glance; other types are grey.
var nodeColours = map[string]string{
	"incident":       "#b42318",
	"threat-actor":   "#6941c6",
	"intrusion-set":  "#7f56d9",
	"campaign":       "#9e165f",
	"indicator":      "#0e7090",
	"malware":        "#c4320a",
	"tool":           "#b54708",
	"infrastructure": "#475467",
	"report":         "#155eef",
	"identity":       "#067647",
	"vulnerability":  "#a15c07",
	"attack-pattern": "#3e4784",
}

// tlpColours are TLP 2.0's colours (text on black), for the badges.
var tlpColours = map[warden.TLP]string{
	warden.TLPClear:       "#ffffff",
	warden.TLPGreen:       "#33ff00",
	warden.TLPAmber:       "#ffc000",
	warden.TLPAmberStrict: "#ffc000",
	warden.TLPRed:         "#ff2b2b",
}

// graphNode is one box of the graph.
type graphNode struct {
	id, typ, name string
	tlp           warden.TLP
	x, y          float64
	out, in       []string // relationship types or properties from and to the centre
}

// graphLabel is how the graph names an object: an indicator by what it
// observes (kind: value) when Warden reads its pattern, others by their
// name, or id; invisible characters as their markers (markedText).
func graphLabel(o warden.IntelObject) string {
	if ob := intelObserves(o); ob.Kind != "" && ob.Kind != "pattern" {
		return markedText(ob.Kind + ": " + ob.Value)
	}
	return markedText(cmp.Or(o.Name, o.ID))
}

// graphNodes are center's neighbours as the graph draws them, in its
// order (type, label, id), each with the edge types to and from it: the
// first graphMaxNeighbours are drawn, the others (hidden) only listed.
// Edges whose other end is not among neighbours (one the reader may not
// see) give a node with only the id.
func graphNodes(center warden.IntelObject, edges []warden.IntelEdge, neighbours []warden.IntelObject) []*graphNode {
	known := map[string]warden.IntelObject{}
	for _, o := range neighbours {
		known[o.ID] = o
	}
	byID := map[string]*graphNode{}
	for _, e := range edges {
		other, out := e.Target, true
		switch {
		case e.Source == center.ID && e.Target != center.ID:
		case e.Target == center.ID && e.Source != center.ID:
			other, out = e.Source, false
		default:
			continue
		}
		n := byID[other]
		if n == nil {
			n = &graphNode{id: other, typ: typeOfID(other), name: other}
			if o, ok := known[other]; ok {
				n.typ, n.name, n.tlp = o.Type, graphLabel(o), o.TLP
			}
			byID[other] = n
		}
		if out {
			n.out = appendNew(n.out, e.Type)
		} else {
			n.in = appendNew(n.in, e.Type)
		}
	}
	nodes := make([]*graphNode, 0, len(byID))
	for _, n := range byID {
		nodes = append(nodes, n)
	}
	slices.SortFunc(nodes, func(a, b *graphNode) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
	})
	return nodes
}

// GraphEntry is a node of the graph as the object page lists it next to
// the image, whose nodes cannot be clicked.
type GraphEntry struct {
	ID, Type, Label string
	TLP             warden.TLP
	Drawn           bool // false for those the graph has no room for
}

// graphEntries are the graph's nodes for the page's list.
func graphEntries(center warden.IntelObject, edges []warden.IntelEdge, neighbours []warden.IntelObject) []GraphEntry {
	nodes := graphNodes(center, edges, neighbours)
	out := make([]GraphEntry, len(nodes))
	for i, n := range nodes {
		out[i] = GraphEntry{ID: n.id, Type: n.typ, Label: n.name, TLP: n.tlp, Drawn: i < graphMaxNeighbours}
	}
	return out
}

// graphSVG draws center and its neighbours as a standalone SVG document:
// the centre object in the middle, each neighbour on an ellipse around it
// in a fixed order (type, label, id: the same graph draws the same
// bytes), an arrow per direction labelled with the relationship types or
// properties, nodes coloured by type and badged with their TLP inside
// their box, where no edge ends. Names too long for a box keep their end
// when their start is another's too. Every text is escaped as XML, with
// invisible characters as their markers.
func graphSVG(center warden.IntelObject, edges []warden.IntelEdge, neighbours []warden.IntelObject) []byte {
	nodes := graphNodes(center, edges, neighbours)
	hidden := 0
	if len(nodes) > graphMaxNeighbours {
		hidden, nodes = len(nodes)-graphMaxNeighbours, nodes[:graphMaxNeighbours]
	}
	cx, cy := float64(graphWidth)/2, float64(graphHeight)/2
	for i, n := range nodes {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(len(nodes))
		n.x, n.y = cx+graphRX*math.Cos(a), cy+graphRY*math.Sin(a)
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui, sans-serif" font-size="12">`, graphWidth, graphHeight, graphWidth, graphHeight)
	fmt.Fprintf(&b, `<title>%s</title>`, xmlText("Relationships of "+markedText(cmp.Or(center.Name, center.ID))))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#667085"/></marker></defs>`)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, graphWidth, graphHeight)
	for _, n := range nodes {
		// From the edge of the centre's box to the edge of the
		// neighbour's, arrows where the edges point.
		x1, y1 := clip(n.x, n.y, cx, cy)
		x2, y2 := clip(cx, cy, n.x, n.y)
		b.WriteString(`<g class="edge">`)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#667085" stroke-width="1.5"`, x1, y1, x2, y2)
		if len(n.out) > 0 {
			b.WriteString(` marker-end="url(#arrow)"`)
		}
		if len(n.in) > 0 {
			b.WriteString(` marker-start="url(#arrow)"`)
		}
		b.WriteString(`/>`)
		label := clipRunes(strings.Join(append(slices.Clone(n.out), n.in...), ", "), 28)
		lx, ly := cx+(n.x-cx)*0.55, cy+(n.y-cy)*0.55
		w := float64(utf8.RuneCountInString(label))*6.2 + 8
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="16" rx="3" fill="#ffffff" stroke="#d0d5dd"/>`, lx-w/2, ly-9, w)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#344054" font-size="11">%s</text>`, lx, ly+3, xmlText(label))
		b.WriteString(`</g>`)
	}
	c := &graphNode{id: center.ID, typ: center.Type, name: graphLabel(center), tlp: center.TLP, x: cx, y: cy}
	names := make([]string, 0, len(nodes)+1)
	for _, n := range append([]*graphNode{c}, nodes...) {
		names = append(names, n.name)
	}
	writeNode(&b, c, true, names)
	for _, n := range nodes {
		writeNode(&b, n, false, names)
	}
	if hidden > 0 {
		fmt.Fprintf(&b, `<text x="12" y="%d" fill="#475467">%s</text>`, graphHeight-12, xmlText(fmt.Sprintf("%d more not drawn: see the list on the page", hidden)))
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// writeNode draws one node: a box in its type's colour with its name
// (clipped among names, those of the graph), its type and its TLP badge,
// and, for a neighbour, a link to its page (followed when the SVG is
// opened on its own).
func writeNode(b *bytes.Buffer, n *graphNode, center bool, names []string) {
	fill := cmp.Or(nodeColours[n.typ], "#667085")
	x, y := n.x-nodeW/2, n.y-nodeH/2
	class, stroke := "node", "#ffffff"
	if center {
		class, stroke = "node center", "#101828"
	}
	fmt.Fprintf(b, `<g class="%s" data-id="%s">`, class, xmlText(n.id))
	if !center {
		fmt.Fprintf(b, `<a href="/intel/objects/%s">`, xmlText(pathID(n.id)))
	}
	fmt.Fprintf(b, `<title>%s</title>`, xmlText(n.typ+": "+n.name))
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%d" height="%d" rx="6" fill="%s" stroke="%s" stroke-width="2"/>`, x, y, nodeW, nodeH, fill, stroke)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#ffffff" font-size="11" font-weight="600">%s</text>`, n.x, n.y-10, xmlText(clipAmong(n.name, names, nodeNameRunes)))
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#ffffff" font-size="10">%s</text>`, n.x, n.y+5, xmlText(n.typ))
	if n.tlp != "" {
		// Inside the box, at its foot: edges end on the box's border.
		label := n.tlp.Label()
		w := float64(len(label))*6 + 8
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" rx="2" fill="#000000"/>`, n.x-w/2, y+nodeH-18, w)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s" font-size="9" font-weight="700">%s</text>`, n.x, y+nodeH-7.5, tlpColours[n.tlp], xmlText(label))
	}
	if !center {
		b.WriteString(`</a>`)
	}
	b.WriteString(`</g>`)
}

// clip is where the line from (fx, fy) to the centre of a node box at
// (tx, ty) enters the box.
func clip(fx, fy, tx, ty float64) (float64, float64) {
	dx, dy := tx-fx, ty-fy
	t := 1.0
	if dx != 0 {
		t = min(t, (nodeW/2)/math.Abs(dx))
	}
	if dy != 0 {
		t = min(t, (nodeH/2)/math.Abs(dy))
	}
	return tx - dx*t, ty - dy*t
}

// typeOfID is the type part of a STIX id, type--UUID.
func typeOfID(id string) string {
	t, _, _ := strings.Cut(id, "--")
	return t
}

// appendNew appends v to s unless s holds it.
func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// clipRunes shortens s to n runes, marking the cut with an ellipsis.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// clipAmong shortens s to n runes as clipRunes does, but keeps its end
// when its start, as far as the clip keeps it, is another of names' too
// ("…number 7 of the list" rather than eight "Domain indicator n…").
func clipAmong(s string, names []string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	start := string(r[:n-1])
	for _, o := range names {
		if o != s && strings.HasPrefix(o, start) {
			return "…" + string(r[len(r)-(n-1):])
		}
	}
	return clipRunes(s, n)
}

// markedText is s with each invisible character (warden.Invisible: bidi
// controls, zero-width spaces...) written as its marker, ⟨U+202E⟩, as the
// pages show them, for text that holds no markup (the graph, titles).
func markedText(s string) string {
	if !strings.ContainsFunc(s, warden.Invisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if warden.Invisible(r) {
			fmt.Fprintf(&b, "⟨%U⟩", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// xmlText is s escaped for XML text and attribute values (characters XML
// cannot hold become U+FFFD).
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
