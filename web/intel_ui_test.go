package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/intel"
	"warden/store"
	"warden/store/storetest"
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

// intelPlatform is a platform (newPlatform) with the intelligence
// service, and objects of every TLP recorded by an analyst: incidents
// GREEN, AMBER shared with ru-cert (the counterpart's organisation),
// AMBER not shared, RED (named with a script tag), and a GREEN indicator
// of 198.51.100.7 that indicates the GREEN incident. It returns their ids
// by name.
func intelPlatform(t *testing.T, db *store.DB) (*platform, map[string]string) {
	t.Helper()
	p := newPlatform(t, db, func(s *Server) {
		if s.Intel == nil {
			s.Intel = intel.New(db)
		}
	})
	analyst := warden.WithPrincipal(context.Background(), warden.Principal{Name: "bob", Role: warden.RoleAnalyst, Kind: "user"})
	officer := warden.WithPrincipal(context.Background(), warden.Principal{Name: "olga", Role: warden.RoleSanctionsOfficer, Kind: "user"})
	ids := map[string]string{}
	for _, o := range []struct {
		name string
		tlp  warden.TLP
	}{{"Green incident", warden.TLPGreen}, {"Amber shared incident", warden.TLPAmber}, {"Amber private incident", warden.TLPAmber}, {"Red <script>incident</script>", warden.TLPRed}} {
		obj, err := p.s.Intel.Create(analyst, intel.Input{Type: "incident", TLP: o.tlp, Fields: map[string]any{"name": o.name, "x_warden_status": "open"}})
		if err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
		ids[o.name] = obj.ID
	}
	ind, err := p.s.Intel.Create(analyst, intel.Input{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "C2 198.51.100.7"},
		Observable: &warden.Observable{Kind: warden.KindIPv4, Value: "198.51.100.7"}})
	if err != nil {
		t.Fatal(err)
	}
	ids["indicator"] = ind.ID
	if _, err := p.s.Intel.Relate(analyst, ind.ID, "indicates", ids["Green incident"], 80, "", warden.TLPGreen); err != nil {
		t.Fatal(err)
	}
	c, err := p.s.Intel.CreateCollection(officer, warden.Collection{Title: "ru-cert exchange", Orgs: []string{"ru-cert"}, CanRead: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.s.Intel.Share(analyst, c.ID, []string{ids["Amber shared incident"]}); err != nil {
		t.Fatal(err)
	}
	ids["collection"] = c.ID
	return p, ids
}

// get is a page's status and body for role's token.
func (p *platform) get(t *testing.T, role warden.Role, path string) (int, string) {
	t.Helper()
	resp := p.do(t, "GET", path, p.tokens[role], "", "")
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestIntelPages: every intelligence page answers an analyst; the graph is
// SVG with a policy of its own; a RED object is not found for a liaison
// (cleared to AMBER+STRICT) nor a counterpart; a counterpart's lists hold
// the GREEN incident and the AMBER one shared with its organisation, not
// the others, and their pages answer it; the recording forms store an
// incident and show a refused one again with the error; the incident is
// closed and revoked from its page, each a new version.
func TestIntelPages(t *testing.T) {
	storetest.Engines(t, testIntelPages)
}

func testIntelPages(t *testing.T, db *store.DB) {
	p, ids := intelPlatform(t, db)
	obj := func(name string) string { return "/intel/objects/" + ids[name] }
	for _, path := range []string{"/intel", "/intel?q=incident", "/intel/incidents", "/intel/actors", "/intel/indicators", "/intel/reports",
		"/intel/import", "/intel/sharing", obj("Green incident"), obj("Red <script>incident</script>"), obj("indicator")} {
		code, body := p.get(t, warden.RoleAnalyst, path)
		if code != http.StatusOK {
			t.Errorf("analyst GET %s: %d\n%s", path, code, body)
		}
		if strings.Contains(body, "<script>incident") {
			t.Errorf("analyst GET %s: a name's script tag is written as markup", path)
		}
	}
	_, body := p.get(t, warden.RoleAnalyst, obj("Green incident"))
	for _, want := range []string{`data-tlp="green"`, "TLP:GREEN", "C2 198.51.100.7", "indicates", `src="/intel/objects/` + ids["Green incident"] + `/graph.svg"`, "/v1/intel/export?id=" + ids["Green incident"]} {
		if !strings.Contains(body, want) {
			t.Errorf("the incident's page lacks %q", want)
		}
	}
	resp := p.do(t, "GET", obj("Green incident")+"/graph.svg", p.tokens[warden.RoleAnalyst], "", "")
	svg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || resp.Header.Get("Content-Security-Policy") != graphCSP || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("graph: %d %v", resp.StatusCode, resp.Header)
	}
	if nodes, _ := readSVG(t, svg); len(nodes) != 2 || nodes[1].id != ids["indicator"] {
		t.Errorf("graph nodes %+v, want the incident and its indicator", nodes)
	}

	for _, role := range []warden.Role{warden.RoleLiaison, warden.RoleCounterpart} {
		for _, path := range []string{obj("Red <script>incident</script>"), obj("Red <script>incident</script>") + "/graph.svg"} {
			if code, _ := p.get(t, role, path); code != http.StatusNotFound {
				t.Errorf("%s GET %s (RED): %d, want 404", role, path, code)
			}
		}
	}
	if code, _ := p.get(t, warden.RoleCounterpart, obj("Amber private incident")); code != http.StatusNotFound {
		t.Errorf("counterpart GET the AMBER incident not shared with it: %d, want 404", code)
	}
	for _, name := range []string{"Green incident", "Amber shared incident"} {
		if code, _ := p.get(t, warden.RoleCounterpart, obj(name)); code != http.StatusOK {
			t.Errorf("counterpart GET %s: %d, want 200", name, code)
		}
	}
	for _, path := range []string{"/intel/incidents", "/intel", "/intel?q=incident"} {
		code, body := p.get(t, warden.RoleCounterpart, path)
		if code != http.StatusOK {
			t.Errorf("counterpart GET %s: %d", path, code)
		}
		for name, want := range map[string]bool{"Green incident": true, "Amber shared incident": true, "Amber private incident": false, "Red &lt;script&gt;incident": false, ids["Red <script>incident</script>"]: false} {
			if got := strings.Contains(body, name); got != want {
				t.Errorf("counterpart GET %s: shows %q: %v, want %v", path, name, got, want)
			}
		}
	}

	// Lists are newest first, and page on.
	if _, body := p.get(t, warden.RoleCounterpart, "/intel/incidents"); strings.Index(body, "Amber shared incident") > strings.Index(body, "Green incident") {
		t.Errorf("the incidents are not listed newest first")
	}
	analyst := warden.WithPrincipal(context.Background(), warden.Principal{Name: "bob", Role: warden.RoleAnalyst, Kind: "user"})
	var names []string
	for f := (intel.Filter{Types: []string{"incident"}, Limit: 3, Newest: true}); ; {
		pg, err := p.s.Intel.Objects(analyst, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range pg.Objects {
			names = append(names, o.Name)
		}
		if !pg.More {
			break
		}
		f.Next = pg.Next
	}
	if want := []string{"Red <script>incident</script>", "Amber private incident", "Amber shared incident", "Green incident"}; !slices.Equal(names, want) {
		t.Errorf("newest first, by pages of 3: %q, want %q", names, want)
	}

	// The forms: a token needs no CSRF token (the browser test posts them
	// in a session).
	form := url.Values{"name": {"Phishing wave"}, "status": {"contained"}, "tlp": {"amber"}, "first_seen": {"2026-03-01"}, "victims": {"ACME Bank, Example Credit Union"}, "impact": {"credentials stolen"}}
	resp = p.do(t, "POST", "/intel/incidents", p.tokens[warden.RoleAnalyst], "application/x-www-form-urlencoded", form.Encode())
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/intel/objects/incident--") {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("record an incident: %d %q\n%s", resp.StatusCode, loc, b)
	}
	_, body = p.get(t, warden.RoleAnalyst, loc)
	for _, want := range []string{"Phishing wave", "TLP:AMBER", "First seen", "2026-03-01T00:00:00.000Z", "ACME Bank, Example Credit Union", "contained", "(custom: x_warden_impact)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the recorded incident's page lacks %q", want)
		}
	}
	form.Set("name", "")
	form.Set("impact", "kept as typed")
	resp = p.do(t, "POST", "/intel/incidents", p.tokens[warden.RoleAnalyst], "application/x-www-form-urlencoded", form.Encode())
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `role="alert"`) || !strings.Contains(string(b), "kept as typed") {
		t.Errorf("an incident without a name: %d\n%s", resp.StatusCode, b)
	}
	if resp, _ = p.postForm(t, warden.RoleAnalyst, loc+"/status", url.Values{"status": {"closed"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("close the incident: %d", resp.StatusCode)
	}
	if resp, body = p.postForm(t, warden.RoleAnalyst, loc+"/status", url.Values{"status": {"gone"}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Status: status: ") {
		t.Errorf("an incident's status gone: %d", resp.StatusCode)
	}
	if resp, _ = p.postForm(t, warden.RoleAnalyst, loc+"/revoke", url.Values{"reason": {"recorded twice"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("revoke the incident: %d", resp.StatusCode)
	}
	_, body = p.get(t, warden.RoleAnalyst, loc)
	if versions := between(body, `id="versions"`, "</section>"); strings.Count(versions, "<tr>") != 4 || !strings.Contains(between(body, `id="identity"`, "</p>"), "revoked") || strings.Contains(body, `id="revoke-form"`) {
		t.Errorf("after closing and revoking: %d versions (want 3), %q", strings.Count(versions, "<tr>")-1, between(body, `id="identity"`, "</p>"))
	}
	if !strings.Contains(between(body, `id="properties"`, "</section>"), "closed") {
		t.Errorf("the incident is not closed")
	}
	form = url.Values{"source": {ids["indicator"]}, "relationship_type": {"indicates"}, "target": {ids["Red <script>incident</script>"]}, "tlp": {"red"}, "from": {ids["indicator"]}}
	if resp = p.do(t, "POST", "/intel/relationships", p.tokens[warden.RoleAnalyst], "application/x-www-form-urlencoded", form.Encode()); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != obj("indicator") {
		t.Errorf("relate: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The counterpart does not see the RED relationship's edge.
	if _, body = p.get(t, warden.RoleCounterpart, obj("indicator")); strings.Contains(body, ids["Red <script>incident</script>"]) {
		t.Errorf("the counterpart sees the edge to the RED incident on the indicator's page")
	}
}

// postForm posts form fields as role's token.
func (p *platform) postForm(t *testing.T, role warden.Role, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp := p.do(t, "POST", path, p.tokens[role], "application/x-www-form-urlencoded", form.Encode())
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// upload posts a bundle to the import form as role's token.
func (p *platform) upload(t *testing.T, role warden.Role, name, bundle string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("tlp", "green")
	fw, _ := mw.CreateFormFile("bundle", name)
	io.WriteString(fw, bundle)
	mw.Close()
	resp := p.do(t, "POST", "/intel/import", p.tokens[role], mw.FormDataContentType(), body.String())
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestIntelForms: the actor form records an actor with its countries and
// the listed party it is attributed to, linked to the party's page; the
// link form links an incident to a party (the counterpart does not see
// it) and refuses a designation that does not exist; two
// incidents an indicator indicates are related on their pages, and the
// indicator's page says what it touches; the import form reports what a
// bundle added and what it kept opaque, and refuses an invalid bundle
// naming the object and the path, storing nothing; the sharing forms
// create a collection, share an object and refuse a RED one, list what a
// collection shares (a counterpart: its own only) and unshare; the actor's
// page proposes a designation of its party, the intelligence as evidence,
// and links it; feeds are
// listed without their token.
func TestIntelForms(t *testing.T) {
	p, ids := intelPlatform(t, storetest.OpenSQLite(t))
	analyst := warden.WithPrincipal(context.Background(), warden.Principal{Name: "bob", Role: warden.RoleAnalyst, Kind: "user"})
	officer := warden.WithPrincipal(context.Background(), warden.Principal{Name: "olga", Role: warden.RoleSanctionsOfficer, Kind: "user"})

	resp, body := p.postForm(t, warden.RoleAnalyst, "/intel/actors", url.Values{"type": {"threat-actor"}, "name": {"Evil Corp"}, "aliases": {"Indrik Spider, TA505"},
		"countries": {"ru"}, "party": {"ofac:26663"}, "tlp": {"amber"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record an actor: %d\n%s", resp.StatusCode, body)
	}
	_, body = p.get(t, warden.RoleAnalyst, resp.Header.Get("Location"))
	for _, want := range []string{"Evil Corp", "Indrik Spider, TA505", "Countries of operation", "RU", `href="/parties/ofac:26663"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the actor's page lacks %q", want)
		}
	}
	actor := resp.Header.Get("Location")
	resp, body = p.postForm(t, warden.RoleSanctionsOfficer, actor+"/attribute", url.Values{"program": {"CYBER2"}, "order": {"E.O. 13694, as amended"},
		"criterion": {"Section 1(a)(ii)(B)"}, "reason": {"Runs the Dridex malware behind the incidents."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("propose designations from the actor: %d, want 303 to the actor's page\n%s", resp.StatusCode, body)
	} else if _, body = p.get(t, warden.RoleSanctionsOfficer, resp.Header.Get("Location")); !strings.Contains(body, "Designation proposals opened: 1.") || !strings.Contains(between(body, `id="links"`, "</section>"), `href="/designations/1"`) {
		t.Errorf("the actor's page after proposing: %s", between(body, `<main id="main">`, "</h1>"))
	}
	if d, err := p.s.Designations.Get(officer, 1); err != nil || d.Status != warden.DesignationProposed || len(d.Evidence) != 1 {
		t.Errorf("the proposal: %+v %v", d, err)
	}
	if resp, body = p.postForm(t, warden.RoleAnalyst, "/intel/actors", url.Values{"type": {"campaign"}, "name": {"x"}, "tlp": {"amber"}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "type: ") {
		t.Errorf("an actor of type campaign: %d", resp.StatusCode)
	}

	if resp, body = p.postForm(t, warden.RoleAnalyst, "/intel/links", url.Values{"object": {ids["Green incident"]}, "kind": {"entity"}, "ref": {"ofac:26663"}, "note": {"behind it"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("link an incident to a party: %d\n%s", resp.StatusCode, body)
	}
	if _, body = p.get(t, warden.RoleAnalyst, "/intel/objects/"+ids["Green incident"]); !strings.Contains(between(body, `id="links"`, "</section>"), "behind it") {
		t.Errorf("the incident's Warden records lack the party linked")
	}
	if _, body = p.get(t, warden.RoleCounterpart, "/intel/objects/"+ids["Green incident"]); strings.Contains(body, "behind it") || strings.Contains(body, "ofac:26663") {
		t.Errorf("the counterpart sees the incident's link to a party")
	}
	if resp, body = p.postForm(t, warden.RoleAnalyst, "/intel/links", url.Values{"object": {ids["Green incident"]}, "kind": {"designation"}, "ref": {"999"}}); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Link: ") {
		t.Errorf("link to a designation that does not exist: %d", resp.StatusCode)
	}

	other, err := p.s.Intel.Create(analyst, intel.Input{Type: "incident", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Second wave", "x_warden_status": "open"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.Intel.Relate(analyst, ids["indicator"], "indicates", other.ID, -1, "", warden.TLPGreen); err != nil {
		t.Fatal(err)
	}
	_, body = p.get(t, warden.RoleAnalyst, "/intel/objects/"+ids["Green incident"])
	if related := between(body, `id="related"`, "</section>"); !strings.Contains(related, "Second wave") || !strings.Contains(related, ids["indicator"]) {
		t.Errorf("the incident's related incidents: %q", related)
	}
	_, body = p.get(t, warden.RoleAnalyst, "/intel/objects/"+ids["indicator"])
	if touches := between(body, `id="touches"`, "</section>"); !strings.Contains(touches, "/intel/objects/"+other.ID) || !strings.Contains(touches, "Second wave") ||
		!strings.Contains(touches, "/intel/objects/"+ids["Green incident"]) || !strings.Contains(touches, "Green incident") || !strings.Contains(touches, `href="/parties/ofac:26663"`) {
		t.Errorf("what the indicator touches: %q", touches)
	}

	code, body := p.upload(t, warden.RoleAnalyst, "small.json", `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
		{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"<script>x</script>","pattern":"[domain-name:value = 'evil.example']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"},
		{"type":"x-acme-note","id":"x-acme-note--0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z"}]}`)
	if code != http.StatusOK || between(body, `id="r-added">`, "<") != "2" || !strings.Contains(body, "x-acme-note--0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e") || strings.Contains(body, "<script>x") {
		t.Errorf("import: %d\n%s", code, between(body, `id="report"`, "</section>"))
	}
	code, body = p.upload(t, warden.RoleAnalyst, "bad.json", `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56e","objects":[
		{"type":"indicator","spec_version":"2.1","id":"indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"no pattern","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}`)
	if errs := between(body, `id="r-errors"`, "</table>"); code != http.StatusBadRequest || !strings.Contains(body, "Refused: nothing was stored") || !strings.Contains(errs, "indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") {
		t.Errorf("an invalid bundle: %d\n%s", code, between(body, `id="report"`, "</section>"))
	}
	if code, _ := p.get(t, warden.RoleAnalyst, "/intel/objects/indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"); code != http.StatusNotFound {
		t.Errorf("the invalid bundle's indicator: %d, want 404 (not stored)", code)
	}
	if code, body = p.upload(t, warden.RoleAnalyst, "broken.json", `{"type":"bundle",`); code != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) {
		t.Errorf("malformed JSON: %d", code)
	}

	resp, body = p.postForm(t, warden.RoleSanctionsOfficer, "/intel/sharing/collections", url.Values{"title": {"cn-cert exchange"}, "orgs": {"cn-cert"}, "can_write": {"on"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("create a collection: %d, want 303 to the sharing page", resp.StatusCode)
	} else if _, body = p.get(t, warden.RoleSanctionsOfficer, resp.Header.Get("Location")); !strings.Contains(body, `role="status"`) || !strings.Contains(body, "cn-cert exchange") || !strings.Contains(between(body, `id="collections"`, "</table>"), "cn-cert exchange") {
		t.Errorf("the sharing page after creating a collection: %s", between(body, `<main id="main">`, "</table>"))
	}
	resp, body = p.postForm(t, warden.RoleAnalyst, "/intel/sharing/shares", url.Values{"collection": {ids["collection"]}, "ids": {ids["Red <script>incident</script>"]}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) {
		t.Errorf("share a RED incident: %d", resp.StatusCode)
	}
	resp, _ = p.postForm(t, warden.RoleAnalyst, "/intel/sharing/shares", url.Values{"collection": {ids["collection"]}, "ids": {ids["Amber private incident"]}, "from": {ids["Amber private incident"]}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/intel/objects/"+ids["Amber private incident"]+"?") {
		t.Errorf("share from the object's page: %d %q, want 303 to the object's page", resp.StatusCode, loc)
	} else if _, body = p.get(t, warden.RoleAnalyst, loc); !strings.Contains(body, "Shared in collection "+ids["collection"]+".") {
		t.Errorf("the object's page after sharing lacks the notice")
	}
	resp, _ = p.postForm(t, warden.RoleAnalyst, "/intel/sharing/shares", url.Values{"collection": {ids["collection"]}, "ids": {ids["Green incident"]}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("share from the sharing page: %d, want 303", resp.StatusCode)
	} else if _, body = p.get(t, warden.RoleAnalyst, resp.Header.Get("Location")); !strings.Contains(body, "1 object shared in collection "+ids["collection"]+".") || !strings.Contains(between(body, `id="shared"`, "</section>"), "Green incident") {
		t.Errorf("the sharing page after sharing: %s", between(body, `<main id="main">`, "</section>"))
	}
	if code, _ := p.get(t, warden.RoleCounterpart, "/intel/objects/"+ids["Amber private incident"]); code != http.StatusOK {
		t.Errorf("the counterpart reading the AMBER incident shared with it now: %d", code)
	}

	code, body = p.get(t, warden.RoleCounterpart, "/intel/sharing?collection="+ids["collection"])
	if shared := between(body, `id="shared"`, "</section>"); code != http.StatusOK || !strings.Contains(shared, "Amber private incident") || !strings.Contains(shared, "Amber shared incident") || strings.Contains(shared, "Unshare") {
		t.Errorf("the counterpart's collection: %d %q", code, shared)
	}
	if resp, _ = p.postForm(t, warden.RoleAnalyst, "/intel/sharing/unshare", url.Values{"collection": {ids["collection"]}, "id": {ids["Amber private incident"]}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("unshare: %d, want 303", resp.StatusCode)
	} else if _, body = p.get(t, warden.RoleAnalyst, resp.Header.Get("Location")); strings.Contains(between(body, `id="shared"`, "</section>"), "Amber private incident") || !strings.Contains(body, "is no longer shared") {
		t.Errorf("the sharing page after unsharing: %s", between(body, `id="shared"`, "</section>"))
	}
	if code, _ := p.get(t, warden.RoleCounterpart, "/intel/objects/"+ids["Amber private incident"]); code != http.StatusNotFound {
		t.Errorf("the counterpart reading the AMBER incident unshared: %d, want 404", code)
	}
	cs, err := p.s.Intel.Collections(officer)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cs, func(c warden.Collection) bool { return c.Title == "cn-cert exchange" })
	if i < 0 {
		t.Fatalf("no collection cn-cert exchange in %+v", cs)
	}
	if code, _ := p.get(t, warden.RoleCounterpart, "/intel/sharing?collection="+cs[i].ID); code != http.StatusNotFound {
		t.Errorf("ru-cert's counterpart reading cn-cert's collection: %d, want 404", code)
	}

	if _, err := p.s.Intel.AddFeed(officer, intel.Feed{Name: "partner", URL: "https://taxii.example/api/", Collection: "1c7f3a4e-9b2d-4e8f-a0b1-c2d3e4f5a6b7", Token: "s3cret-token", TLP: warden.TLPGreen}); err != nil {
		t.Fatal(err)
	}
	_, body = p.get(t, warden.RoleSanctionsOfficer, "/intel/sharing")
	if feeds := between(body, `id="feeds"`, "</section>"); !strings.Contains(feeds, "partner") || strings.Contains(body, "s3cret-token") {
		t.Errorf("feeds: %q", feeds)
	}
	if _, body = p.get(t, warden.RoleAnalyst, "/intel/sharing"); strings.Contains(body, `id="feeds"`) {
		t.Errorf("the feeds shown to an analyst, who does not manage them")
	}
}
