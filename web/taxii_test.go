package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/intel"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
	"warden/taxii"
)

// taxiiNode is one Warden server of an exchange: its database, its
// intelligence service and its HTTP server.
type taxiiNode struct {
	db    *store.DB
	intel *intel.Service
	srv   *httptest.Server
	auth  *auth.Service
}

// The people of a node, acting through its services.
var (
	taxiiOfficer = warden.WithPrincipal(context.Background(), warden.Principal{Name: "officer", Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user", Person: "officer"})
	taxiiAnalyst = warden.WithPrincipal(context.Background(), warden.Principal{Name: "analyst", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user", Person: "analyst"})
)

// newTAXIINode starts a Warden server over db that knows the counterpart
// organisations orgs.
func newTAXIINode(t *testing.T, db *store.DB, orgs ...string) *taxiiNode {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	a := auth.New(db)
	for _, org := range orgs {
		if _, err := a.CreateOrg(ctx, org, strings.ToUpper(org), "counterpart"); err != nil {
			t.Fatal(err)
		}
	}
	s := NewTestServer(db, nil, a)
	s.Intel = intel.New(db)
	s.Log = slog.New(slog.NewTextHandler(io.Discard, nil)) // TestTAXIINeverRed's RED objects are logged as errors
	n := &taxiiNode{db: db, intel: s.Intel, auth: a, srv: httptest.NewServer(s.Handler())}
	t.Cleanup(n.srv.Close)
	return n
}

// token makes a token of role (of org, for a counterpart).
func (n *taxiiNode) token(t *testing.T, name string, role warden.Role, org string) string {
	t.Helper()
	secret, _, err := n.auth.CreateToken(warden.WithPrincipal(context.Background(), warden.Operator), name, role, org, nil)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// root is the node's TAXII API root.
func (n *taxiiNode) root() string { return n.srv.URL + "/taxii2/api/" }

// stixObject is a STIX object named name of type typ, marked tlp, with
// props; the same name gives the same id.
func stixObject(typ, name string, tlp warden.TLP, props map[string]any) map[string]any {
	o := map[string]any{"type": typ, "spec_version": "2.1", "id": sstix.ID(typ, "taxii-test:"+name),
		"created": "2026-02-01T09:00:00.000Z", "modified": "2026-02-01T09:00:00.000Z", "object_marking_refs": []string{stix.TLPMarkingID(tlp)}}
	for k, v := range props {
		o[k] = v
	}
	return o
}

func stixRel(name string, tlp warden.TLP, source map[string]any, typ string, target map[string]any) map[string]any {
	return stixObject("relationship", name, tlp, map[string]any{"relationship_type": typ, "source_ref": source["id"], "target_ref": target["id"]})
}

func stixIndicator(name string, tlp warden.TLP, ip string) map[string]any {
	return stixObject("indicator", name, tlp, map[string]any{"name": name, "pattern": "[ipv4-addr:value = '" + ip + "']", "pattern_type": "stix",
		"valid_from": "2026-01-01T00:00:00Z"})
}

func idsOf(objs ...map[string]any) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o["id"].(string))
	}
	return out
}

// importObjects stores objs on a node as its analyst.
func importObjects(t *testing.T, s *intel.Service, objs ...map[string]any) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"type": "bundle", "id": stix.NewID("bundle"), "objects": objs})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Import(taxiiAnalyst, bytes.NewReader(b), intel.ImportOptions{Source: "api"}); err != nil {
		t.Fatalf("import: %v %+v", err, rep.Errors)
	}
}

// taxiiGet sends a TAXII request and returns the answer's status, headers
// and body.
func taxiiDo(t *testing.T, method, url, token, accept, contentType, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// envelopeIDs reads an envelope's objects' ids, and fails the test if any
// is marked RED.
func envelopeIDs(t *testing.T, b []byte) []string {
	t.Helper()
	var e taxii.Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("not an envelope: %v: %s", err, b)
	}
	var ids []string
	for _, o := range e.Objects {
		if intel.IsRed(o) {
			t.Errorf("a RED object was written: %s", o)
		}
		var x struct{ ID string }
		json.Unmarshal(o, &x)
		ids = append(ids, x.ID)
	}
	return ids
}

// TestTAXIIExchange: two Warden servers exchange an incident through TAXII
// 2.1 in both directions. A shares an incident with its indicator, threat
// actor and relationships in a collection for B's organisation, with an
// AMBER object and, next to them, RED ones related to the incident; B
// pulls it with A's counterpart token and has everything but the RED
// objects, which A never writes (objects, object, versions, manifest).
// Then B records its own incident on A's indicator and pushes it to A's
// writable collection; A stores it. A second pull brings nothing new.
func TestTAXIIExchange(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		a := newTAXIINode(t, db, "b-org", "cn-cert")
		b := newTAXIINode(t, storetest.OpenSQLite(t), "a-org")
		bToken := a.token(t, "b-org-taxii", warden.RoleCounterpart, "b-org")
		cnToken := a.token(t, "cn-taxii", warden.RoleCounterpart, "cn-cert")

		inc := stixObject("incident", "Ransomware at the grid", warden.TLPGreen, map[string]any{"name": "Ransomware at the grid"})
		ind := stixIndicator("C2 server", warden.TLPGreen, "198.51.100.7")
		actor := stixObject("threat-actor", "Evil Corp", warden.TLPAmber, map[string]any{"name": "Evil Corp"})
		indicates := stixRel("indicates", warden.TLPGreen, ind, "indicates", inc)
		attributed := stixRel("attributed", warden.TLPAmber, inc, "related-to", actor)
		secret := stixObject("malware", "Implant from a source", warden.TLPRed, map[string]any{"name": "Implant from a source", "is_family": false})
		secretRel := stixRel("secret", warden.TLPRed, inc, "related-to", secret)
		importObjects(t, a.intel, inc, ind, actor, indicates, attributed, secret, secretRel)

		col, err := a.intel.CreateCollection(taxiiOfficer, warden.Collection{Title: "B", Orgs: []string{"b-org"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		shared := []map[string]any{inc, ind, actor, indicates, attributed}
		if err := a.intel.Share(taxiiOfficer, col.ID, idsOf(shared...)); err != nil {
			t.Fatal(err)
		}
		if err := a.intel.Share(taxiiOfficer, col.ID, idsOf(secret)); warden.ErrorCode(err) != warden.EINVALID {
			t.Fatalf("sharing a RED object: %v, want invalid", err)
		}

		// B pulls A's collection as a configured feed.
		if _, err := b.intel.AddFeed(taxiiOfficer, intel.Feed{Name: "warden-a", URL: a.root(), Collection: col.ID, Token: bToken, TLP: warden.TLPAmber}); err != nil {
			t.Fatal(err)
		}
		rep, err := b.intel.Pull(taxiiOfficer, "warden-a")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added != len(shared) {
			t.Errorf("first pull added %d objects, want %d: %+v", rep.Added, len(shared), rep)
		}
		for _, o := range shared {
			got, err := b.intel.Object(taxiiAnalyst, o["id"].(string))
			if err != nil {
				t.Errorf("B lacks %s: %v", o["id"], err)
				continue
			}
			if want := o["object_marking_refs"].([]string)[0]; got.TLP.Rank() < 0 || stix.TLPMarkingID(got.TLP) != want {
				t.Errorf("%s is %s on B", o["id"], got.TLP)
			}
		}
		for _, o := range []map[string]any{secret, secretRel} {
			if _, err := b.intel.Object(taxiiOfficer, o["id"].(string)); warden.ErrorCode(err) != warden.ENOTFOUND {
				t.Errorf("B has the RED %s: %v", o["type"], err)
			}
		}
		// Nor does any other path of A's show a RED object to B.
		base := a.root() + "collections/" + col.ID
		for _, path := range []string{"/objects/" + secret["id"].(string) + "/", "/objects/" + secret["id"].(string) + "/versions/", "/objects/" + secretRel["id"].(string) + "/"} {
			if st, _, body := taxiiDo(t, "GET", base+path, bToken, taxii.MediaType, "", ""); st != http.StatusNotFound {
				t.Errorf("GET %s: %d %s, want 404", path, st, body)
			}
		}
		st, _, body := taxiiDo(t, "GET", base+"/manifest/", bToken, taxii.MediaType, "", "")
		var m taxii.Manifest
		if err := json.Unmarshal(body, &m); st != http.StatusOK || err != nil {
			t.Fatalf("manifest: %d %s", st, body)
		}
		var listed []string
		for _, r := range m.Objects {
			listed = append(listed, r.ID)
			if r.MediaType != taxii.MediaSTIX || r.Version == "" || r.DateAdded == "" {
				t.Errorf("manifest record %+v", r)
			}
		}
		if want := idsOf(shared...); !sameSet(listed, want) {
			t.Errorf("manifest lists %v, want %v", listed, want)
		}

		// Nothing new on a second pull: it resumes after the last date added.
		f := feedNamed(t, b.intel, "warden-a")
		if f.AddedAfter.IsZero() || f.LastError != "" || f.Pulled != int64(len(shared)) {
			t.Errorf("feed after the pull: %+v", f)
		}
		if rep, err := b.intel.Pull(taxiiOfficer, "warden-a"); err != nil || rep.Total != 0 {
			t.Errorf("second pull: %+v %v, want nothing", rep, err)
		}

		// A new version of a shared object reaches B as one.
		inc2 := stixObject("incident", "Ransomware at the grid", warden.TLPGreen, map[string]any{"name": "Ransomware at the grid, contained", "modified": "2026-02-02T09:00:00.000Z"})
		importObjects(t, a.intel, inc2)
		if rep, err := b.intel.Pull(taxiiOfficer, "warden-a"); err != nil || rep.Versions != 1 || rep.Added != 0 {
			t.Errorf("pull of a new version: %+v %v", rep, err)
		}
		if o, err := b.intel.Object(taxiiAnalyst, inc["id"].(string)); err != nil || o.Name != "Ransomware at the grid, contained" {
			t.Errorf("B's incident after the new version: %+v %v", o, err)
		}

		// B records its own incident on A's indicator and pushes it.
		bInc := stixObject("incident", "Phishing at the bank", warden.TLPAmber, map[string]any{"name": "Phishing at the bank"})
		bRel := stixRel("b indicates", warden.TLPGreen, ind, "indicates", bInc)
		bSecret := stixObject("note", "Source of B", warden.TLPRed, map[string]any{"content": "who told us", "object_refs": []string{bInc["id"].(string)}})
		importObjects(t, b.intel, bInc, bRel, bSecret)
		toA, err := b.intel.CreateCollection(taxiiOfficer, warden.Collection{Title: "A", Orgs: []string{"a-org"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.intel.Share(taxiiOfficer, toA.ID, idsOf(bInc)); err != nil { // a push goes as A may see it
			t.Fatal(err)
		}
		status, err := b.intel.Push(taxiiOfficer, a.root(), col.ID, bToken, intel.Selection{IDs: idsOf(bInc), For: "a-org"})
		if err != nil || status != "complete" {
			t.Fatalf("push: %q %v", status, err)
		}
		for _, o := range []map[string]any{bInc, bRel} {
			if _, err := a.intel.Object(taxiiAnalyst, o["id"].(string)); err != nil {
				t.Errorf("A lacks B's %s: %v", o["type"], err)
			}
		}
		if _, err := a.intel.Object(taxiiOfficer, bSecret["id"].(string)); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("B's RED note reached A: %v", err)
		}
		// What B posted is shared in the collection: B reads it back as
		// unchanged, nothing new. (The TLP marking definitions B's bundle
		// carried are Warden's own: A stores none of them.)
		rep, err = b.intel.Pull(taxiiOfficer, "warden-a")
		if err != nil || rep.Added != 0 || rep.Versions != 0 || rep.Unchanged != 2 || len(rep.Skipped) != 0 {
			t.Errorf("pull after the push: %+v %v, want B's incident and relationship unchanged", rep, err)
		}
		if slices.Contains(rep.Successes, stix.TLPMarkingID(warden.TLPRed)) {
			t.Errorf("B's push carried the RED marking definition: %v", rep.Successes)
		}

		// A counterpart of another organisation knows nothing of it.
		for _, path := range []string{"/", "/objects/", "/manifest/", "/objects/" + inc["id"].(string) + "/"} {
			if st, _, body := taxiiDo(t, "GET", base+path, cnToken, taxii.MediaType, "", ""); st != http.StatusNotFound {
				t.Errorf("cn-cert GET %s: %d %s, want 404", path, st, body)
			}
		}
		st, _, body = taxiiDo(t, "GET", a.root()+"collections/", cnToken, taxii.MediaType, "", "")
		if st != http.StatusOK || strings.Contains(string(body), col.ID) {
			t.Errorf("cn-cert's collections: %d %s", st, body)
		}
		c := &taxii.Client{BaseURL: a.root(), Token: bToken}
		cs, err := c.Collections(context.Background())
		if err != nil || len(cs) != 1 || cs[0].ID != col.ID || !cs[0].CanRead || !cs[0].CanWrite {
			t.Errorf("b-org's collections: %+v %v", cs, err)
		}
	})
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func feedNamed(t *testing.T, s *intel.Service, name string) intel.Feed {
	t.Helper()
	fs, err := s.Feeds(taxiiOfficer)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no feed %s", name)
	return intel.Feed{}
}

// TestTAXIIProtocol checks the server's side of TAXII 2.1: media types
// (406, 415), authentication (401, as a TAXII error), paging with limit
// and next, the match[...] filters, the status of a posted envelope, and
// an invalid envelope refused whole.
func TestTAXIIProtocol(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		a := newTAXIINode(t, db, "b-org", "cn-cert")
		bToken := a.token(t, "b-org-taxii", warden.RoleCounterpart, "b-org")
		otherToken := a.token(t, "cn-taxii", warden.RoleCounterpart, "cn-cert")
		analyst := a.token(t, "analyst-taxii", warden.RoleAnalyst, "")
		var objs []map[string]any
		for i := range 25 {
			objs = append(objs, stixIndicator(fmt.Sprintf("ind %02d", i), warden.TLPGreen, fmt.Sprintf("203.0.113.%d", i+1)))
		}
		v1 := stixObject("threat-actor", "Versioned", warden.TLPGreen, map[string]any{"name": "Versioned v1"})
		v2 := stixObject("threat-actor", "Versioned", warden.TLPGreen, map[string]any{"name": "Versioned v2", "modified": "2026-03-01T09:00:00.000Z"})
		importObjects(t, a.intel, append(objs, v1, v2)...)
		col, err := a.intel.CreateCollection(taxiiOfficer, warden.Collection{Title: "B", Orgs: []string{"b-org"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.intel.Share(taxiiOfficer, col.ID, append(idsOf(objs...), v1["id"].(string))); err != nil {
			t.Fatal(err)
		}
		base := a.root() + "collections/" + col.ID + "/"

		// Media types and authentication.
		cases := []struct {
			name, method, url, token, accept, contentType, body string
			status                                              int
		}{
			{"wrong accept", "GET", base + "objects/", bToken, "application/json", "", "", http.StatusNotAcceptable},
			{"taxii 2.0 accept", "GET", base + "objects/", bToken, "application/vnd.oasis.taxii+json; version=2.0", "", "", http.StatusNotAcceptable},
			{"wrong content type", "POST", base + "objects/", bToken, taxii.MediaType, "application/json", `{"objects":[]}`, http.StatusUnsupportedMediaType},
			{"no token", "GET", base + "objects/", "", taxii.MediaType, "", "", http.StatusUnauthorized},
			{"bad token", "GET", a.root(), "wdn_nope", taxii.MediaType, "", "", http.StatusUnauthorized},
			{"no such resource", "GET", base + "objects/x--1/y/", bToken, taxii.MediaType, "", "", http.StatusNotFound},
			{"bad limit", "GET", base + "objects/?limit=0", bToken, taxii.MediaType, "", "", http.StatusBadRequest},
			{"bad added_after", "GET", base + "objects/?added_after=yesterday", bToken, taxii.MediaType, "", "", http.StatusBadRequest},
			{"delete by a counterpart", "DELETE", base + "objects/" + v1["id"].(string) + "/", bToken, taxii.MediaType, "", "", http.StatusForbidden},
			{"discovery", "GET", a.srv.URL + "/taxii2/", bToken, taxii.MediaType, "", "", http.StatusOK},
			{"api root, any type", "GET", a.root(), bToken, "*/*", "", "", http.StatusOK},
		}
		for _, tc := range cases {
			st, h, body := taxiiDo(t, tc.method, tc.url, tc.token, tc.accept, tc.contentType, tc.body)
			if st != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, st, body, tc.status)
			}
			if h.Get("Content-Type") != taxii.MediaType {
				t.Errorf("%s: Content-Type %q", tc.name, h.Get("Content-Type"))
			}
			if st >= 400 {
				var e taxii.Error
				if err := json.Unmarshal(body, &e); err != nil || e.Title == "" || e.HTTPStatus != fmt.Sprint(st) {
					t.Errorf("%s: not a TAXII error: %s", tc.name, body)
				}
			}
		}

		// Paging: 26 objects in pages of 10, by next; the headers bound
		// each page.
		c := &taxii.Client{BaseURL: a.root(), Token: bToken}
		ctx := context.Background()
		var all []string
		var sizes []int
		var last time.Time
		q := taxii.Query{Limit: 10}
		for {
			p, err := c.Objects(ctx, col.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(p.Objects))
			for _, o := range p.Objects {
				var x struct{ ID string }
				json.Unmarshal(o, &x)
				all = append(all, x.ID)
			}
			if p.First.IsZero() || p.Last.Before(p.First) || p.First.Before(last) {
				t.Errorf("page dates %v..%v after %v", p.First, p.Last, last)
			}
			last = p.Last
			if !p.More {
				break
			}
			if p.Next == "" || len(sizes) > 5 {
				t.Fatalf("more without next, or too many pages: %+v", p.Envelope)
			}
			q.Next = p.Next
		}
		if !slices.Equal(sizes, []int{10, 10, 6}) || !sameSet(all, append(idsOf(objs...), v1["id"].(string))) {
			t.Errorf("pages of %v holding %d objects", sizes, len(all))
		}
		// added_after: nothing after the last.
		if p, err := c.Objects(ctx, col.ID, taxii.Query{AddedAfter: last}); err != nil || len(p.Objects) != 0 || p.More {
			t.Errorf("after the last: %+v %v", p.Envelope, err)
		}

		// match[...].
		ver := func(raw json.RawMessage) string {
			var x struct{ Modified string }
			json.Unmarshal(raw, &x)
			return x.Modified
		}
		matches := []struct {
			name     string
			q        taxii.Query
			n        int
			versions []string
		}{
			{"type", taxii.Query{Types: []string{"threat-actor"}}, 1, []string{"2026-03-01T09:00:00.000Z"}},
			{"type indicator", taxii.Query{Types: []string{"indicator"}, Limit: 100}, 25, nil},
			{"id", taxii.Query{IDs: idsOf(objs[3], objs[7])}, 2, nil},
			{"version all", taxii.Query{IDs: idsOf(v1), Versions: "all"}, 2, []string{"2026-02-01T09:00:00.000Z", "2026-03-01T09:00:00.000Z"}},
			{"version first", taxii.Query{IDs: idsOf(v1), Versions: "first"}, 1, []string{"2026-02-01T09:00:00.000Z"}},
			{"version last", taxii.Query{IDs: idsOf(v1), Versions: "last"}, 1, []string{"2026-03-01T09:00:00.000Z"}},
			{"version by time", taxii.Query{IDs: idsOf(v1), Versions: "2026-02-01T09:00:00.000Z"}, 1, []string{"2026-02-01T09:00:00.000Z"}},
			{"spec 2.1", taxii.Query{IDs: idsOf(v1), SpecVersions: []string{"2.1"}}, 1, nil},
			{"spec 2.0", taxii.Query{IDs: idsOf(v1), SpecVersions: []string{"2.0"}}, 0, nil},
		}
		for _, tc := range matches {
			p, err := c.Objects(ctx, col.ID, tc.q)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			var vs []string
			for _, o := range p.Objects {
				vs = append(vs, ver(o))
			}
			if len(p.Objects) != tc.n || tc.versions != nil && !slices.Equal(vs, tc.versions) {
				t.Errorf("%s: %d objects, versions %v; want %d %v", tc.name, len(p.Objects), vs, tc.n, tc.versions)
			}
		}
		vs, err := c.Versions(ctx, col.ID, v1["id"].(string))
		if err != nil || !slices.Equal(vs.Versions, []string{"2026-02-01T09:00:00.000Z", "2026-03-01T09:00:00.000Z"}) {
			t.Errorf("versions: %+v %v", vs, err)
		}

		// A POSTed envelope: stored and shared at once, its status
		// complete; an invalid one refused whole.
		added := stixObject("incident", "Posted by B", warden.TLPAmber, map[string]any{"name": "Posted by B"})
		raw, _ := json.Marshal(added)
		st, err := c.AddObjects(ctx, col.ID, taxii.Envelope{Objects: []json.RawMessage{raw}})
		if err != nil || st.Status != "complete" || st.TotalCount != 1 || st.SuccessCount != 1 || st.Successes[0].ID != added["id"] || st.Successes[0].Version != "2026-02-01T09:00:00.000Z" {
			t.Fatalf("post: %+v %v", st, err)
		}
		again, err := c.Status(ctx, st.ID)
		if err != nil || again.ID != st.ID || again.Status != "complete" || again.SuccessCount != 1 || again.TotalCount != 1 {
			t.Errorf("status: %+v %v", again, err)
		}
		if _, err := (&taxii.Client{BaseURL: a.root(), Token: otherToken}).Status(ctx, st.ID); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("another organisation reads the status: %v", err)
		}
		readOnly, err := a.intel.CreateCollection(taxiiOfficer, warden.Collection{Title: "B, read only", Orgs: []string{"b-org"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddObjects(ctx, readOnly.ID, taxii.Envelope{Objects: []json.RawMessage{raw}}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("post to a read-only collection: %v", err)
		}
		if _, err := c.Object(ctx, col.ID, added["id"].(string), taxii.Query{}); err != nil {
			t.Errorf("the posted incident is not in the collection: %v", err)
		}
		bad := stixObject("incident", "Invalid", warden.TLPGreen, map[string]any{"name": 7})
		badRaw, _ := json.Marshal(bad)
		_, err = c.AddObjects(ctx, col.ID, taxii.Envelope{Objects: []json.RawMessage{json.RawMessage(`{"type":"incident","spec_version":"2.1","id":"incident--` + "0b0d61b4-8c2e-4c2d-9f4a-1a2b3c4d5e6f" + `","created":"2026-02-01T09:00:00.000Z","modified":"2026-02-01T09:00:00.000Z","name":"Fine"}`), badRaw}})
		if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "nothing was stored") {
			t.Errorf("invalid envelope: %v", err)
		}
		if _, err := a.intel.Object(taxiiAnalyst, "incident--0b0d61b4-8c2e-4c2d-9f4a-1a2b3c4d5e6f"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("a valid object of an invalid envelope was stored: %v", err)
		}

		// DELETE takes an object out of the collection, not out of Warden.
		if code, _, body := taxiiDo(t, "DELETE", base+"objects/"+objs[0]["id"].(string)+"/", analyst, taxii.MediaType, "", ""); code != http.StatusOK {
			t.Fatalf("delete: %d %s", code, body)
		}
		if _, err := c.Object(ctx, col.ID, objs[0]["id"].(string), taxii.Query{}); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("deleted object still in the collection: %v", err)
		}
		if _, err := a.intel.Object(taxiiAnalyst, objs[0]["id"].(string)); err != nil {
			t.Errorf("deleted object gone from Warden: %v", err)
		}
	})
}

// TestTAXIINeverRed checks the server's own defence: a RED object that
// found its way into a collection (written behind the service's back) is
// left out of every answer, even to an analyst cleared for RED.
func TestTAXIINeverRed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		a := newTAXIINode(t, db, "b-org")
		analyst := a.token(t, "analyst-taxii", warden.RoleAnalyst, "")
		green := stixObject("incident", "Green", warden.TLPGreen, map[string]any{"name": "Green"})
		red := stixObject("incident", "Red", warden.TLPRed, map[string]any{"name": "Red"})
		importObjects(t, a.intel, green, red)
		col, err := a.intel.CreateCollection(taxiiOfficer, warden.Collection{Title: "B", Orgs: []string{"b-org"}, CanRead: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.intel.Share(taxiiOfficer, col.ID, idsOf(green)); err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open(db.Driver(), db.DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(`INSERT INTO intel_shares (collection, stix_id, seq, added_at, added_by) VALUES ($1, $2, 1000000, '2026-02-02T00:00:00.000000Z', 'mallory')`, col.ID, red["id"]); err != nil {
			t.Fatal(err)
		}
		if o, err := a.intel.Objects(taxiiAnalyst, intel.Filter{Collection: col.ID}); err != nil || len(o.Objects) != 2 {
			t.Fatalf("the service gives the analyst %d objects (%v): the test needs the RED one among them", len(o.Objects), err)
		}
		base := a.root() + "collections/" + col.ID + "/"
		for _, path := range []string{"objects/", "objects/?match[version]=all", "objects/" + red["id"].(string) + "/", "objects/" + red["id"].(string) + "/versions/", "manifest/"} {
			st, _, body := taxiiDo(t, "GET", base+path, analyst, taxii.MediaType, "", "")
			if st != http.StatusNotFound && (st != http.StatusOK || strings.Contains(string(body), red["id"].(string))) {
				t.Errorf("GET %s: %d, the RED object was written: %s", path, st, body)
			}
		}
		st, _, body := taxiiDo(t, "GET", base+"objects/", analyst, taxii.MediaType, "", "")
		if ids := envelopeIDs(t, body); st != http.StatusOK || !slices.Equal(ids, idsOf(green)) {
			t.Errorf("objects: %d %v", st, ids)
		}
	})
}

// TestTAXIIImportErrorDetails: a refused envelope's details keep every
// problem, two at one object and path among them, and count the ones
// past the first twenty.
func TestTAXIIImportErrorDetails(t *testing.T) {
	rep := warden.IntelImport{Errors: []warden.ObjectProblem{
		{Object: "indicator--1", Path: "pattern", Message: "pattern: unbalanced brackets"},
		{Object: "indicator--1", Path: "pattern", Message: "pattern: unknown object type"},
	}}
	for i := range 20 {
		rep.Errors = append(rep.Errors, warden.ObjectProblem{Object: fmt.Sprintf("indicator--%d", i+2), Message: "id: not a UUID"})
	}
	s := &Server{Log: slog.New(slog.DiscardHandler)}
	w := httptest.NewRecorder()
	s.taxiiImportError(w, httptest.NewRequest("POST", "/taxii2/api/collections/c/objects/", nil), rep, warden.Errorf(warden.EINVALID, "objects: 22 problems"))
	var e taxii.Error
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if w.Code != 400 || len(e.Details) != 21 || e.Details["more"] != "2 more problems" ||
		e.Details["indicator--1 pattern"] != "pattern: unbalanced brackets" || e.Details["indicator--1 pattern #2"] != "pattern: unknown object type" {
		t.Errorf("%d %+v", w.Code, e.Details)
	}
}
