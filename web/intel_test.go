package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/intel"
	"warden/sources/sourcetest"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// intelAPI is a platform with a token of a counterpart of cn-cert
// (B) besides the one of ru-cert (A).
type intelAPI struct {
	*platform
	cpB string
}

func newIntelAPI(t *testing.T, db *store.DB) *intelAPI {
	t.Helper()
	p := newPlatform(t, db, nil)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	tok, _, err := p.s.Auth.CreateToken(ctx, "t-counterpart-b", warden.RoleCounterpart, "cn-cert", nil)
	if err != nil {
		t.Fatal(err)
	}
	return &intelAPI{platform: p, cpB: tok}
}

// raw sends body as it is with content type ct and token tok.
func (p *intelAPI) raw(t *testing.T, method, path, tok, ct string, body io.Reader) (int, []byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, p.srv.URL+path, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// json sends v as JSON with token tok.
func (p *intelAPI) json(t *testing.T, method, path, tok string, v any) (int, []byte) {
	t.Helper()
	var body io.Reader
	if v != nil {
		b, _ := json.Marshal(v)
		body = bytes.NewReader(b)
	}
	code, b, _ := p.raw(t, method, path, tok, "application/json", body)
	return code, b
}

// upload posts data as the part file of a multipart form.
func (p *intelAPI) upload(t *testing.T, path, tok, name string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	code, b, _ := p.raw(t, "POST", path, tok, mw.FormDataContentType(), &body)
	return code, b
}

// create records an object through the API, failing the test if it is
// refused.
func (p *intelAPI) create(t *testing.T, tok string, in map[string]any) warden.IntelObject {
	t.Helper()
	code, b := p.json(t, "POST", "/v1/intel/objects", tok, in)
	if code != 201 {
		t.Fatalf("create %v: %d %s", in, code, b)
	}
	return decodeAs[warden.IntelObject](t, b)
}

// relate relates two objects through the API.
func (p *intelAPI) relate(t *testing.T, tok, source, typ, target string) warden.IntelObject {
	t.Helper()
	code, b := p.json(t, "POST", "/v1/intel/relationships", tok, map[string]any{"source_ref": source, "relationship_type": typ, "target_ref": target, "confidence": 80, "tlp": "amber"})
	if code != 201 {
		t.Fatalf("relate %s %s %s: %d %s", source, typ, target, code, b)
	}
	return decodeAs[warden.IntelObject](t, b)
}

// bundleIDs are the ids of a bundle's objects.
func bundleIDs(t *testing.T, b []byte) []string {
	t.Helper()
	var bundle struct {
		Type    string `json:"type"`
		Objects []struct {
			ID string `json:"id"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil || bundle.Type != "bundle" {
		t.Fatalf("not a bundle (%v): %.300s", err, b)
	}
	var ids []string
	for _, o := range bundle.Objects {
		ids = append(ids, o.ID)
	}
	return ids
}

func objectIDs(os []warden.IntelObject) []string {
	var ids []string
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	return ids
}

// apt1 is the APT1 report of the STIX 2.1 examples: 76 objects, none
// marked.
func apt1(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(sourcetest.Data(t, "reference/stix2/examples/threat-reports/apt1.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestIntelAPI imports the APT1 report raw and as an upload (the second
// time unchanged), lists it with filters and pages, reads an object and
// its versions, records an incident, a threat actor attributed to a
// listed party, indicators from an observable and relationships, sees the
// incidents sharing an indicator related in the view, edits and revokes,
// and exports the incident as a bundle valid against the schemas.
func TestIntelAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newIntelAPI(t, db)
		ana := p.tokens[warden.RoleAnalyst]
		data := apt1(t)

		code, b, _ := p.raw(t, "POST", "/v1/intel/import?tlp=green&source=apt1", ana, "application/stix+json;version=2.1", bytes.NewReader(data))
		rep := decodeAs[warden.IntelImport](t, b)
		if code != 201 || rep.Total != 76 || rep.Added != 76 || rep.Unchanged != 0 || len(rep.Errors) != 0 || rep.Source != "api:apt1" || rep.ID == "" {
			t.Fatalf("raw import: %d %s", code, b)
		}
		code, b = p.upload(t, "/v1/intel/import", ana, "apt1.json", data)
		again := decodeAs[warden.IntelImport](t, b)
		if code != 201 || again.Total != 76 || again.Added != 0 || again.Versions != 0 || again.Unchanged != 76 || again.Source != "upload:apt1.json" {
			t.Fatalf("upload again: %d %s", code, b)
		}
		code, b = p.json(t, "GET", "/v1/intel/imports", ana, nil)
		if imps := decodeAs[struct{ Imports []warden.IntelImport }](t, b).Imports; code != 200 || len(imps) != 2 {
			t.Errorf("imports: %d %s", code, b)
		}
		if code, b = p.json(t, "GET", "/v1/intel/imports/"+rep.ID, ana, nil); code != 200 || decodeAs[warden.IntelImport](t, b).Added != 76 {
			t.Errorf("import %s: %d %s", rep.ID, code, b)
		}

		list := func(query string) intelPage {
			t.Helper()
			code, b := p.json(t, "GET", "/v1/intel/objects?"+query, ana, nil)
			if code != 200 {
				t.Fatalf("list %s: %d %s", query, code, b)
			}
			return decodeAs[intelPage](t, b)
		}
		if pg := list("type=threat-actor"); len(pg.Objects) != 5 || pg.More {
			t.Errorf("threat actors: %d (more %v)", len(pg.Objects), pg.More)
		}
		if pg := list("type=intrusion-set&q=APT1"); len(pg.Objects) != 1 || pg.Objects[0].TLP != warden.TLPGreen || pg.Objects[0].Name != "APT1" {
			t.Errorf("APT1 by name: %+v", pg.Objects)
		}
		first := list("type=indicator&limit=5")
		second := list("type=indicator&limit=10&next=" + url.QueryEscape(first.Next))
		if len(first.Objects) != 5 || !first.More || first.Next == "" || len(second.Objects) != 7 || second.More ||
			slices.ContainsFunc(second.Objects, func(o warden.IntelObject) bool { return slices.Contains(objectIDs(first.Objects), o.ID) }) {
			t.Errorf("pages of indicators: %d %v %q, then %d %v", len(first.Objects), first.More, first.Next, len(second.Objects), second.More)
		}
		const set = "intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a"
		code, b = p.json(t, "GET", "/v1/intel/objects/"+set, ana, nil)
		got := decodeAs[warden.IntelObject](t, b)
		var want json.RawMessage
		for _, o := range bundleObjects(t, data) {
			if strings.Contains(string(o), set) && strings.Contains(string(o), `"type": "intrusion-set"`) {
				want = o
			}
		}
		if code != 200 || got.Type != "intrusion-set" || !got.Current || want == nil || !stix.Equivalent(got.Object, want) {
			t.Errorf("intrusion set: %d %s\nwant %s", code, b, want)
		}
		if code, b = p.json(t, "GET", "/v1/intel/objects/"+set+"/versions", ana, nil); code != 200 || len(decodeAs[struct{ Versions []warden.IntelObject }](t, b).Versions) != 1 {
			t.Errorf("versions: %d %s", code, b)
		}

		// Native objects: an incident, an actor attributed to a listed
		// party, and two indicators of the same address, each indicating
		// an incident.
		inc := p.create(t, ana, map[string]any{"type": "incident", "tlp": "amber", "fields": map[string]any{"name": "Hospital ransomware",
			"description": "Three hospitals encrypted", "x_warden_status": "open", "x_warden_victims": "three hospitals", "x_warden_impact": "surgery postponed"}})
		inc2 := p.create(t, ana, map[string]any{"type": "incident", "tlp": "amber", "fields": map[string]any{"name": "Clinic ransomware", "x_warden_status": "contained"}})
		actor := p.create(t, ana, map[string]any{"type": "threat-actor", "tlp": "TLP:AMBER", "fields": map[string]any{"name": "Evil Corp", "aliases": []string{"Indrik Spider"}, "x_warden_countries": []string{"RU"}}})
		ind := p.create(t, ana, map[string]any{"type": "indicator", "tlp": "amber", "observable": map[string]any{"kind": "ipv4", "value": "198.51.100.7"}, "fields": map[string]any{"name": "C2 server"}})
		ind2 := p.create(t, ana, map[string]any{"type": "indicator", "tlp": "green", "observable": map[string]any{"kind": "ipv4", "value": "198.51.100.7"}})
		for _, o := range []warden.IntelObject{inc, inc2, actor, ind, ind2} {
			if !strings.HasPrefix(o.ID, o.Type+"--") || o.Source != "warden" && o.Source != "api" || !o.Current {
				t.Errorf("created %+v", o)
			}
		}
		if inc.TLP != warden.TLPAmber || actor.TLP != warden.TLPAmber || !strings.Contains(string(inc.Object), `"x_warden_victims":"three hospitals"`) {
			t.Errorf("incident %s, actor %s", inc.Object, actor.Object)
		}
		if !strings.Contains(string(ind.Object), "198.51.100.7") || !strings.Contains(string(ind.Object), `"pattern_type":"stix"`) {
			t.Errorf("indicator from an observable: %s", ind.Object)
		}
		for _, o := range []warden.IntelObject{inc, actor, ind} {
			if probs := stix.Validate(stix.Object{ID: o.ID, Type: o.Type, Raw: o.Object}); len(probs) != 0 {
				t.Errorf("%s does not validate: %v", o.ID, probs)
			}
		}
		rel := p.relate(t, ana, ind.ID, "indicates", inc.ID)
		p.relate(t, ana, ind2.ID, "indicates", inc2.ID)
		p.relate(t, ana, inc.ID, "attributed-to", actor.ID)
		if code, b = p.json(t, "POST", "/v1/intel/links", ana, map[string]any{"object": actor.ID, "kind": "entity", "ref": "ofac:26663", "note": "attributed"}); code != 201 {
			t.Fatalf("link: %d %s", code, b)
		}
		made := decodeAs[warden.IntelLink](t, b)
		code, b = p.json(t, "GET", "/v1/intel/links?kind=entity&ref=ofac:26663", ana, nil)
		if os := decodeAs[struct{ Objects []warden.IntelObject }](t, b).Objects; code != 200 || !slices.Equal(objectIDs(os), []string{actor.ID}) {
			t.Errorf("linked to ofac:26663: %d %s", code, b)
		}

		code, b = p.json(t, "GET", "/v1/intel/objects/"+inc.ID+"/view", ana, nil)
		v := decodeAs[intel.View](t, b)
		if code != 200 || v.Object.ID != inc.ID {
			t.Fatalf("view: %d %s", code, b)
		}
		if !slices.ContainsFunc(v.Edges, func(e warden.IntelEdge) bool {
			return e.Source == ind.ID && e.Type == "indicates" && e.Target == inc.ID && e.Rel == rel.ID && e.Confidence == 80
		}) || !slices.ContainsFunc(v.Edges, func(e warden.IntelEdge) bool { return e.Target == actor.ID && e.Type == "attributed-to" }) {
			t.Errorf("view's edges: %+v", v.Edges)
		}
		if len(v.RelatedIncidents) != 1 || v.RelatedIncidents[0].Incident.ID != inc2.ID || len(v.RelatedIncidents[0].Via) == 0 {
			t.Errorf("related incidents: %+v", v.RelatedIncidents)
		}
		code, b = p.json(t, "GET", "/v1/intel/objects/"+actor.ID+"/view", ana, nil)
		// The link the API answered is the one stored, to its time.
		if av := decodeAs[intel.View](t, b); code != 200 || len(av.Links) != 1 || av.Links[0] != made || made.CreatedBy == "" || made.CreatedAt.IsZero() {
			t.Errorf("actor's links: %d %s, want the answer to the link %+v", code, b, made)
		}
		code, b = p.json(t, "GET", "/v1/intel/objects/"+ind.ID+"/view", ana, nil)
		if iv := decodeAs[intel.View](t, b); code != 200 || !slices.Contains(iv.Observables, warden.Observable{Kind: warden.KindIPv4, Value: "198.51.100.7"}) {
			t.Errorf("indicator's observables: %d %s", code, b)
		}

		// An edit is a new version; a revocation too.
		code, b = p.json(t, "PATCH", "/v1/intel/objects/"+actor.ID, ana, map[string]any{"fields": map[string]any{"description": "Behind Dridex"}})
		if edited := decodeAs[warden.IntelObject](t, b); code != 200 || !strings.Contains(string(edited.Object), "Behind Dridex") || !edited.Modified.After(actor.Modified) && !edited.Modified.Equal(actor.Modified) {
			t.Errorf("edit: %d %s", code, b)
		}
		if code, b = p.json(t, "GET", "/v1/intel/objects/"+actor.ID+"/versions", ana, nil); code != 200 || len(decodeAs[struct{ Versions []warden.IntelObject }](t, b).Versions) != 2 {
			t.Errorf("versions after the edit: %d %s", code, b)
		}
		code, b = p.json(t, "POST", "/v1/intel/objects/"+ind2.ID+"/revoke", ana, map[string]any{"reason": "sinkholed"})
		if r := decodeAs[warden.IntelObject](t, b); code != 200 || !r.Revoked || !strings.Contains(string(r.Object), `"revoked":true`) {
			t.Errorf("revoke: %d %s", code, b)
		}

		// The incident's export: it, what relates to it and what they
		// reference, with the marking definitions, valid.
		code, b, h := p.raw(t, "GET", "/v1/intel/export?id="+inc.ID, ana, "", nil)
		if code != 200 || h.Get("Content-Type") != stix.MediaSTIX || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("export: %d %v %.300s", code, h, b)
		}
		if probs := stix.ValidateBundle(b); len(probs) != 0 {
			t.Errorf("the export does not validate: %v", probs)
		}
		ids := bundleIDs(t, b)
		for _, id := range []string{inc.ID, ind.ID, rel.ID, actor.ID, stix.TLPMarkingID(warden.TLPAmber)} {
			if !slices.Contains(ids, id) {
				t.Errorf("export of the incident lacks %s: %v", id, ids)
			}
		}
	})
}

// bundleObjects are the objects of a bundle as they are written.
func bundleObjects(t *testing.T, b []byte) []json.RawMessage {
	t.Helper()
	var bundle struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	return bundle.Objects
}

// hugeBody is n bytes of a JSON string, produced as read.
type hugeBody struct{ n, off int64 }

// filler is what hugeBody copies out.
var filler = bytes.Repeat([]byte("a"), 64<<10)

func (h *hugeBody) Read(b []byte) (int, error) {
	if h.off >= h.n {
		return 0, io.EOF
	}
	if left := h.n - h.off; int64(len(b)) > left {
		b = b[:left]
	}
	k := copy(b, filler)
	if h.off == 0 {
		b[0] = '"'
	}
	h.off += int64(k)
	return k, nil
}

// TestIntelBadInputAPI: malformed JSON, a bundle over 64 MiB, an invalid
// pattern, a schema error, an unknown TLP, missing fields and the wrong
// content type are each refused with 400 (413 for size) naming what is
// wrong, and after each the stored intelligence, the imports, the audit
// log and the domain events are as they were. An unknown type is kept
// and reported.
func TestIntelBadInputAPI(t *testing.T) {
	p := newIntelAPI(t, storetest.OpenSQLite(t))
	ana, auditor := p.tokens[warden.RoleAnalyst], p.tokens[warden.RoleAuditor]
	inc := p.create(t, ana, map[string]any{"type": "incident", "tlp": "green", "fields": map[string]any{"name": "Before"}})
	state := func() string {
		t.Helper()
		var s strings.Builder
		for _, path := range []string{"/v1/intel/objects?version=all&limit=1000", "/v1/intel/imports", "/v1/intel/collections", "/v1/audit?limit=1000"} {
			tok := ana
			if strings.HasPrefix(path, "/v1/audit") {
				tok = auditor
			}
			code, b := p.json(t, "GET", path, tok, nil)
			if code != 200 {
				t.Fatalf("GET %s: %d %s", path, code, b)
			}
			s.Write(b)
		}
		es, err := p.db.Events(context.Background(), "", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(&s, len(es))
		return s.String()
	}
	before := state()

	const id = "indicator--0b0b6b8f-3e7a-4c4c-9d6f-0d4b4a1c2e11"
	indicator := func(edit func(m map[string]any)) string {
		m := map[string]any{"type": "indicator", "spec_version": "2.1", "id": id, "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
			"pattern": "[ipv4-addr:value = '203.0.113.9']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}
		if edit != nil {
			edit(m)
		}
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a31", "objects": []any{m}})
		return string(b)
	}
	for _, tc := range []struct {
		name         string
		method, path string
		ct           string
		body         io.Reader
		code         int
		want         []string // in the answer
	}{
		{"malformed JSON", "POST", "/v1/intel/import", "application/json", strings.NewReader(`{"type":"bundle","objects":[{"type":"indicator",}]}`), 400, []string{"byte"}},
		{"over 64 MiB", "POST", "/v1/intel/import", "application/stix+json", &hugeBody{n: stix.MaxBundle + 1}, 413, []string{"64 MiB"}},
		{"invalid pattern", "POST", "/v1/intel/import", "application/json", strings.NewReader(indicator(func(m map[string]any) { m["pattern"] = "[ipv4-addr:value = '203.0.113.9'" })), 400, []string{id, "/pattern"}},
		{"schema error", "POST", "/v1/intel/import", "application/json", strings.NewReader(indicator(func(m map[string]any) { delete(m, "valid_from") })), 400, []string{id, "valid_from"}},
		{"one good, one bad: none stored", "POST", "/v1/intel/import", "application/json", strings.NewReader(`{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a31","objects":[` +
			`{"type":"malware","spec_version":"2.1","id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"X","is_family":true},` +
			`{"type":"malware","spec_version":"2.1","id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891c","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Y"}]}`), 400, []string{"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891c", "is_family"}},
		{"an id that is no UUID", "POST", "/v1/intel/import", "application/json", strings.NewReader(indicator(func(m map[string]any) { m["id"] = "indicator--42" })), 400, []string{"objects[0]"}},
		{"unknown default TLP", "POST", "/v1/intel/import?tlp=purple", "application/json", strings.NewReader(indicator(nil)), 400, []string{"tlp"}},
		{"a content type that is no bundle", "POST", "/v1/intel/import", "text/csv", strings.NewReader("a,b\n"), 400, []string{"Content-Type"}},
		{"a form without the file", "POST", "/v1/intel/import", "multipart/form-data; boundary=x", strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--x--\r\n"), 400, []string{"file"}},
		{"an object without a TLP", "POST", "/v1/intel/objects", "application/json", strings.NewReader(`{"type":"incident","fields":{"name":"x"}}`), 400, []string{"tlp"}},
		{"an unknown TLP", "POST", "/v1/intel/objects", "application/json", strings.NewReader(`{"type":"incident","tlp":"purple","fields":{"name":"x"}}`), 400, []string{"tlp"}},
		{"an incident without a name", "POST", "/v1/intel/objects", "application/json", strings.NewReader(`{"type":"incident","tlp":"amber","fields":{}}`), 400, []string{"name"}},
		{"a type Warden does not record", "POST", "/v1/intel/objects", "application/json", strings.NewReader(`{"type":"planet","tlp":"amber","fields":{"name":"x"}}`), 400, []string{"type"}},
		{"an indicator of an invalid address", "POST", "/v1/intel/objects", "application/json", strings.NewReader(`{"type":"indicator","tlp":"amber","observable":{"kind":"ipv4","value":"300.1.1.1"}}`), 400, []string{"ipv4"}},
		{"an unknown field", "POST", "/v1/intel/objects", "application/json", strings.NewReader(`{"type":"incident","tlp":"amber","colour":"red"}`), 400, []string{"colour"}},
		{"a relationship without a target", "POST", "/v1/intel/relationships", "application/json", strings.NewReader(`{"source_ref":"` + inc.ID + `","relationship_type":"related-to","tlp":"amber"}`), 400, []string{"target_ref"}},
		{"a relationship to nothing", "POST", "/v1/intel/relationships", "application/json", strings.NewReader(`{"source_ref":"` + inc.ID + `","relationship_type":"related-to","target_ref":"incident--0b0b6b8f-3e7a-4c4c-9d6f-0d4b4a1c2e99","tlp":"amber"}`), 400, []string{"target_ref"}},
		{"a link of no known kind", "POST", "/v1/intel/links", "application/json", strings.NewReader(`{"object":"` + inc.ID + `","kind":"planet","ref":"mars"}`), 400, []string{"kind"}},
		{"a link to a party not listed", "POST", "/v1/intel/links", "application/json", strings.NewReader(`{"object":"` + inc.ID + `","kind":"entity","ref":"ofac:999999999"}`), 404, nil},
		{"an export of nothing", "GET", "/v1/intel/export", "", nil, 400, []string{"id"}},
		{"an export since a malformed time", "GET", "/v1/intel/export?collection=x&since=yesterday", "", nil, 400, []string{"since"}},
		{"an export of request seven", "GET", "/v1/intel/export?request=seven", "", nil, 400, []string{"request"}},
		{"a collection of nobody", "POST", "/v1/intel/collections", "application/json", strings.NewReader(`{"title":"x","orgs":[]}`), 400, []string{"orgs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := ana
			if strings.HasPrefix(tc.path, "/v1/intel/collections") {
				tok = p.tokens[warden.RoleSanctionsOfficer]
			}
			code, b, h := p.raw(t, tc.method, tc.path, tok, tc.ct, tc.body)
			if code != tc.code || h.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%d %s: %.500s; want %d", code, h.Get("Content-Type"), b, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("the answer %.500s does not name %q", b, w)
				}
			}
			if after := state(); after != before {
				t.Errorf("state changed:\n%.2000s\n%.2000s", before, after)
			}
		})
	}

	// An unknown type is kept, as received, and reported; nothing else
	// in the bundle is refused for it.
	custom := `{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a31","objects":[{"type":"x-acme-widget","id":"x-acme-widget--4b7b8f3c-2d2a-4a5e-8f0e-1c2d3e4f5a6b","spec_version":"2.1","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","colour":"red"}]}`
	code, b, _ := p.raw(t, "POST", "/v1/intel/import", ana, "application/json", strings.NewReader(custom))
	rep := decodeAs[warden.IntelImport](t, b)
	if code != 201 || rep.Added != 1 || !slices.Equal(rep.Opaque, []string{"x-acme-widget--4b7b8f3c-2d2a-4a5e-8f0e-1c2d3e4f5a6b"}) {
		t.Fatalf("custom type: %d %s", code, b)
	}
	code, b = p.json(t, "GET", "/v1/intel/objects/x-acme-widget--4b7b8f3c-2d2a-4a5e-8f0e-1c2d3e4f5a6b", ana, nil)
	if o := decodeAs[warden.IntelObject](t, b); code != 200 || !o.Opaque || !strings.Contains(string(o.Object), `"colour":"red"`) || o.TLP != warden.TLPAmber {
		t.Errorf("the custom object: %d %s", code, b)
	}
	// An indicator whose pattern Warden cannot use is stored and reported.
	code, b, _ = p.raw(t, "POST", "/v1/intel/import", ana, "application/json", strings.NewReader(indicator(func(m map[string]any) { m["pattern"] = "[file:name = 'evil.exe']" })))
	if rep := decodeAs[warden.IntelImport](t, b); code != 201 || rep.Added != 1 || len(rep.Patterns) != 1 || rep.Patterns[0].Object != id {
		t.Errorf("unsupported pattern: %d %s", code, b)
	}
}
