package web

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"warden"
	"warden/intel"
	"warden/sources/sourcetest"
	"warden/stix"
	"warden/store/storetest"
)

// formSession signs a person of role in and returns a function posting a
// multipart form in their session as a browser does without htmx: the
// CSRF token as the form's csrf field, no header.
func formSession(t *testing.T, p *platform, role warden.Role) func(path string, fields map[string]string, file, name string, content []byte) (*http.Response, string) {
	t.Helper()
	c, csrf := p.signIn(t, "f-"+string(role), role, "")
	return func(path string, fields map[string]string, file, fname string, content []byte) (*http.Response, string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if _, ok := fields["csrf"]; !ok {
			mw.WriteField("csrf", csrf)
		}
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if file != "" {
			fw, _ := mw.CreateFormFile(file, fname)
			fw.Write(content)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", p.srv.URL+path, &body)
		req.AddCookie(c)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
}

// TestIntelImportPlainForm: the import form posted as a plain multipart
// form (no htmx: the CSRF token a field of the form, not a header) with
// the 90 KB poisonivy.json imports its 155 objects; a wrong token is
// refused.
func TestIntelImportPlainForm(t *testing.T) {
	p, _ := intelPlatform(t, storetest.OpenSQLite(t))
	post := formSession(t, p, warden.RoleAnalyst)
	bundle, err := os.ReadFile(sourcetest.Data(t, "reference/stix2/examples/threat-reports/poisonivy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bundle) <= maxFormBody {
		t.Fatalf("poisonivy.json is %d bytes, not over the form limit", len(bundle))
	}
	resp, body := post("/intel/import", map[string]string{"tlp": "green"}, "bundle", "poisonivy.json", bundle)
	if got := between(body, `id="r-added">`, "<"); resp.StatusCode != http.StatusOK || got != "155" {
		t.Fatalf("plain import of poisonivy.json: %d, added %q\n%s", resp.StatusCode, got, between(body, `<main`, "</main>"))
	}
	resp, body = post("/intel/import", map[string]string{"csrf": "wrong"}, "bundle", "x.json", []byte("{}"))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "CSRF") {
		t.Errorf("a wrong CSRF field: %d", resp.StatusCode)
	}
	// A file a byte over the bundle limit, within the upload's: the
	// service refuses it, as too large.
	resp, body = post("/intel/import", nil, "bundle", "huge.json", bytes.Repeat([]byte(" "), stix.MaxBundle+1))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than 64 MiB") {
		t.Errorf("a bundle over the limit: %d %s", resp.StatusCode, between(body, `<main`, "</main>"))
	}
}

// TestIntelMessages: the pages name fields by the forms' labels, not the
// STIX properties Warden keeps them in, and count one problem in the
// singular.
func TestIntelMessages(t *testing.T) {
	p, _ := intelPlatform(t, storetest.OpenSQLite(t))
	for _, c := range []struct {
		name      string
		post      func() (int, string)
		want, not string
	}{
		{"last seen before first seen", func() (int, string) {
			resp, body := p.postForm(t, warden.RoleAnalyst, "/intel/incidents", url.Values{"name": {"Outage"}, "status": {"open"}, "tlp": {"amber"},
				"first_seen": {"2026-02-01"}, "last_seen": {"2026-01-01"}})
			return resp.StatusCode, body
		}, "Last seen: before first seen", "x_warden_"},
		{"a first seen that is no date", func() (int, string) {
			resp, body := p.postForm(t, warden.RoleAnalyst, "/intel/incidents", url.Values{"name": {"Outage"}, "status": {"open"}, "tlp": {"amber"},
				"first_seen": {"yesterday"}})
			return resp.StatusCode, body
		}, "First seen: &#34;yesterday&#34; is not a date", "first_seen:"},
		{"a bundle with one problem", func() (int, string) {
			return p.upload(t, warden.RoleAnalyst, "bad.json", `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56e","objects":[
		{"type":"indicator","spec_version":"2.1","id":"indicator--9e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"no pattern","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}`)
		}, "bundle: 1 problem, nothing stored", "1 problems"},
	} {
		code, body := c.post()
		alert := between(body, `role="alert"`, "</")
		if code != http.StatusBadRequest || !strings.Contains(alert, c.want) || strings.Contains(alert, c.not) {
			t.Errorf("%s: %d %q, want %q", c.name, code, alert, c.want)
		}
	}
}

// TestIntelIndicatorColumns: three indicators of one name (one an
// address, one a domain, one a pattern Warden does not read) differ on
// the indicators' list, in the overview's search results and on the
// party page they are linked to: each row says its kind and its value, or
// the pattern as written.
func TestIntelIndicatorColumns(t *testing.T) {
	p, _ := intelPlatform(t, storetest.OpenSQLite(t))
	analyst := warden.WithPrincipal(context.Background(), warden.Principal{Name: "bob", Role: warden.RoleAnalyst, Kind: "user"})
	for _, in := range []intel.Input{
		{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Party indicator"}, Observable: &warden.Observable{Kind: warden.KindIPv4, Value: "203.0.113.9"}},
		{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Party indicator"}, Observable: &warden.Observable{Kind: warden.KindDomain, Value: "evil.example"}},
		{Type: "indicator", TLP: warden.TLPGreen, Fields: map[string]any{"name": "Party indicator", "pattern": "[file:name = 'dropper.exe']", "pattern_type": "stix"}},
	} {
		o, err := p.s.Intel.Create(analyst, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.s.Intel.Link(analyst, warden.IntelLink{Object: o.ID, Kind: warden.LinkEntity, Ref: "ofac:26663"}); err != nil {
			t.Fatal(err)
		}
	}
	rows := func(table string) []string {
		var out []string
		for _, tr := range strings.Split(table, "<tr>")[1:] {
			if strings.Contains(tr, "Party indicator") {
				out = append(out, tr)
			}
		}
		return out
	}
	// The search finds an indicator by its value, and says it does.
	_, byValue := p.get(t, warden.RoleAnalyst, "/intel?q=203.0.113.9")
	if !strings.Contains(between(byValue, `id="results"`, "</table>"), "Party indicator") || !strings.Contains(byValue, "Search names, patterns and values") {
		t.Errorf("the overview's search by an indicator's value: %s", between(byValue, `id="intel-search"`, "</table>"))
	}
	_, list := p.get(t, warden.RoleAnalyst, "/intel/indicators")
	if !strings.Contains(list, "Name, pattern or value contains") {
		t.Errorf("the list's search says it searches names only")
	}
	_, search := p.get(t, warden.RoleAnalyst, "/intel?q=Party+indicator")
	_, party := p.get(t, warden.RoleAnalyst, "/parties/ofac:26663")
	for name, table := range map[string]string{
		"the indicators' list": between(list, `id="objects"`, "</table>"),
		"the search results":   between(search, `id="results"`, "</table>"),
		"the party page":       between(party, "<h2>Intelligence</h2>", "</table>"),
	} {
		if !strings.Contains(table, ">Kind</th>") || !strings.Contains(table, ">Value</th>") {
			t.Errorf("%s: no Kind and Value columns: %s", name, table)
		}
		rs := rows(table)
		if len(rs) != 3 {
			t.Errorf("%s: %d rows of the party's indicators, want 3", name, len(rs))
			continue
		}
		for _, want := range [][2]string{{"<td>ipv4</td>", "203.0.113.9"}, {"<td>domain</td>", "evil.example"}, {"<td>pattern</td>", "[file:name = &#39;dropper.exe&#39;]"}} {
			if !slices.ContainsFunc(rs, func(r string) bool { return strings.Contains(r, want[0]) && strings.Contains(r, want[1]) }) {
				t.Errorf("%s: no row of %s %s in\n%s", name, want[0], want[1], strings.Join(rs, "\n"))
			}
		}
	}
}

// TestCaseIndicatorHit: a payment held on an indicator shows in the
// review queue with the indicator's page linked and the explanation —
// the field and value the payment carried, what the indicator observes,
// the incident it indicates — and the indicator's page links the case to
// the queue where it is decided and the payment to its case, not to the
// JSON API.
func TestCaseIndicatorHit(t *testing.T) {
	p, ids := intelPlatform(t, storetest.OpenSQLite(t))
	p.s.Enforcement.Indicators = p.s.Intel
	client := warden.WithPrincipal(context.Background(), warden.Principal{Name: "payments", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "token"})
	d, _, err := p.s.Enforcement.Screen(client, warden.Transaction{Reference: "inv-ip", Amount: warden.Money{Currency: "USD", Minor: 1000},
		Parties: []warden.TxParty{{Role: "originator", Name: "Jane Doe", Account: "US-1"}, {Role: "beneficiary", Name: "Acme Trading", Account: "DE-1", IP: "198.51.100.7"}}})
	if err != nil || d.Decision != warden.DecisionHeld || len(d.Cases) != 1 {
		t.Fatalf("the payment: %+v %v", d, err)
	}
	caseID := strconv.FormatInt(d.Cases[0], 10)
	_, body := p.get(t, warden.RoleAnalyst, "/cases")
	c := between(body, `id="case-`+caseID+`"`, "</section>")
	for _, want := range []string{`href="/intel/objects/` + ids["indicator"] + `"`, "C2 198.51.100.7", "carries ip <code><bdi>198.51.100.7</bdi></code>", "(ipv4 <code><bdi>198.51.100.7</bdi></code>)", "Green incident", `href="/intel/objects/` + ids["Green incident"] + `"`} {
		if !strings.Contains(c, want) {
			t.Errorf("the case lacks %q:\n%s", want, c)
		}
	}
	if strings.Contains(c, "resembles indicator:") {
		t.Errorf("the case names the indicator by its internal id:\n%s", c)
	}
	_, body = p.get(t, warden.RoleAnalyst, "/intel/objects/"+ids["indicator"])
	touches := between(body, `id="touches"`, "</section>")
	if strings.Contains(touches, "/v1/") {
		t.Errorf("what the indicator touches links the JSON API:\n%s", touches)
	}
	if n := strings.Count(touches, `href="/cases#case-`+caseID+`"`); n != 2 {
		t.Errorf("what the indicator touches links the case %d times, want 2 (the case, the payment):\n%s", n, touches)
	}
}

// svgRect is a rectangle of the SVG, and the class of the group it is in.
type svgRect struct {
	class, fill string
	x, y, w, h  float64
}

// svgGeometry reads the rectangles and the ends of the lines of an SVG.
func svgGeometry(t *testing.T, svg []byte) (rects []svgRect, ends [][2]float64) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var classes []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return rects, ends
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			a := map[string]string{}
			for _, at := range x.Attr {
				a[at.Name.Local] = at.Value
			}
			classes = append(classes, a["class"])
			f := func(k string) float64 { v, _ := strconv.ParseFloat(a[k], 64); return v }
			class := ""
			for _, c := range classes {
				if c != "" {
					class = c
				}
			}
			switch x.Name.Local {
			case "rect":
				rects = append(rects, svgRect{class: class, fill: a["fill"], x: f("x"), y: f("y"), w: f("width"), h: f("height")})
			case "line":
				ends = append(ends, [2]float64{f("x1"), f("y1")}, [2]float64{f("x2"), f("y2")})
			}
		case xml.EndElement:
			classes = classes[:len(classes)-1]
		}
	}
}

// TestIntelGraphLabels: eight indicators named alike around an incident
// read apart in the graph — by their observed values where their
// patterns are read, else by the ends of their names; no TLP badge lies
// where an edge ends; a bidi control in a name is drawn as its marker.
func TestIntelGraphLabels(t *testing.T) {
	inc := warden.IntelObject{ID: "incident--6a2a4c5f-3f43-4b0e-9d0a-3c1f4a5b6c7d", Type: "incident", Name: "Evil\u202eCorp attack", TLP: warden.TLPAmber}
	for _, read := range []bool{true, false} {
		var edges []warden.IntelEdge
		var neighbours []warden.IntelObject
		for i := range 8 {
			o := warden.IntelObject{ID: fmt.Sprintf("indicator--0b7c6d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5%d", i), Type: "indicator",
				Name: fmt.Sprintf("Domain indicator number %d of the list", i), TLP: warden.TLPGreen}
			if read {
				o.Object = json.RawMessage(fmt.Sprintf(`{"pattern":"[domain-name:value = 'host%d.example']","pattern_type":"stix"}`, i))
			}
			neighbours = append(neighbours, o)
			e := warden.IntelEdge{Source: o.ID, Type: "indicates", Target: inc.ID}
			if i%2 == 1 {
				e = warden.IntelEdge{Source: inc.ID, Type: "related-to", Target: o.ID}
			}
			edges = append(edges, e)
		}
		svg := graphSVG(inc, edges, neighbours)
		nodes, _ := readSVG(t, svg)
		labels := map[string]bool{}
		for _, n := range nodes {
			if n.class == "node center" {
				continue
			}
			label := n.texts[1] // after the node's <title>
			if read && !strings.HasPrefix(label, "domain: host") {
				t.Errorf("read patterns: the node of %s reads %q, want its value", n.id, label)
			}
			labels[label] = true
		}
		if len(labels) != 8 {
			t.Errorf("read %v: %d distinct labels of 8 nodes: %v", read, len(labels), labels)
		}
		rects, ends := svgGeometry(t, svg)
		for _, r := range rects {
			if r.fill != "#000000" {
				continue
			}
			for _, e := range ends {
				if e[0] >= r.x-2 && e[0] <= r.x+r.w+2 && e[1] >= r.y-2 && e[1] <= r.y+r.h+2 {
					t.Errorf("read %v: an edge ends at %v, under a TLP badge %+v", read, e, r)
				}
			}
		}
		if bytes.ContainsRune(svg, '\u202e') || !bytes.Contains(svg, []byte("Evil⟨U+202E⟩Corp")) {
			t.Errorf("the bidi control in the centre's name is not drawn as its marker")
		}
	}
}

// TestIntelGraphPage: the object page lists every node of its graph as a
// link next to the image (the image's nodes cannot be clicked), and its
// title shows a bidi control as its marker.
func TestIntelGraphPage(t *testing.T) {
	p, ids := intelPlatform(t, storetest.OpenSQLite(t))
	analyst := warden.WithPrincipal(context.Background(), warden.Principal{Name: "bob", Role: warden.RoleAnalyst, Kind: "user"})
	// Names people record may not hold bidi controls; imported ones keep them.
	const inc = "incident--7b3a4c5f-3f43-4b0e-9d0a-3c1f4a5b6c7d"
	if _, err := p.s.Intel.Import(analyst, strings.NewReader(`{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e570","objects":[
		{"type":"incident","spec_version":"2.1","id":"`+inc+`","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Evil\u202eCorp attack"}]}`),
		intel.ImportOptions{DefaultTLP: warden.TLPGreen}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.Intel.Relate(analyst, ids["indicator"], "indicates", inc, -1, "", warden.TLPGreen); err != nil {
		t.Fatal(err)
	}
	_, body := p.get(t, warden.RoleAnalyst, "/intel/objects/"+inc)
	graph := between(body, `id="graph"`, "</section>")
	if !strings.Contains(graph, `href="/intel/objects/`+ids["indicator"]+`"`) || !strings.Contains(graph, "ipv4: 198.51.100.7") {
		t.Errorf("the graph's nodes are not listed as links next to it:\n%s", graph)
	}
	title := html.UnescapeString(between(body, "<title>", "</title>"))
	if strings.ContainsRune(title, '\u202e') || !strings.Contains(title, "Evil⟨U+202E⟩Corp") {
		t.Errorf("the page's title %q holds the bidi control raw", title)
	}
	if strings.ContainsRune(between(body, `id="graph"`, "</section>"), '\u202e') {
		t.Errorf("the graph's alternative text holds the bidi control raw")
	}
}
