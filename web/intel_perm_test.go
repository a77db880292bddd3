package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// markedObject is an object of the markings test: its TLP and whether
// it is shared with ru-cert (A).
type markedObject struct {
	id     string
	tlp    warden.TLP
	shared bool
}

// TestIntelMarkingsAPI checks TLP cell by cell over HTTP: an incident of
// every marking, shared with ru-cert (A) in a collection or not (RED
// cannot be shared), read by every role's token and by counterparts of
// A and of cn-cert (B), through the list, the object, its view, its
// versions and an export of it. Each answer agrees with warden.SeesTLP:
// what one may not see is 404, and left out of the list. An export for
// A holds what A sees, never RED.
func TestIntelMarkingsAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newIntelAPI(t, db)
		so := p.tokens[warden.RoleSanctionsOfficer]
		code, b := p.json(t, "POST", "/v1/intel/collections", so, map[string]any{"title": "Russia CERT", "orgs": []string{"ru-cert"}, "can_read": true})
		if code != 201 {
			t.Fatalf("collection: %d %s", code, b)
		}
		coll := decodeAs[warden.Collection](t, b)
		var objs []markedObject
		for _, tlp := range warden.TLPs {
			for _, shared := range []bool{false, true} {
				if shared && !tlp.Shareable() {
					continue
				}
				o := p.create(t, so, map[string]any{"type": "incident", "tlp": string(tlp), "fields": map[string]any{"name": fmt.Sprintf("%s shared %v", tlp, shared)}})
				if o.TLP != tlp {
					t.Fatalf("created %s as %s", o.TLP, tlp)
				}
				objs = append(objs, markedObject{o.ID, tlp, shared})
				if shared {
					if code, b := p.json(t, "POST", "/v1/intel/collections/"+coll.ID+"/shares", so, map[string]any{"ids": []string{o.ID}}); code != 204 {
						t.Fatalf("share %s: %d %s", tlp, code, b)
					}
				}
			}
		}
		red := objs[len(objs)-1]
		if code, b := p.json(t, "POST", "/v1/intel/collections/"+coll.ID+"/shares", so, map[string]any{"ids": []string{red.id}}); code != 400 || red.tlp != warden.TLPRed {
			t.Errorf("sharing RED: %d %s", code, b)
		}

		type caller struct {
			name string
			tok  string
			p    warden.Principal
		}
		var callers []caller
		for _, r := range warden.Roles {
			org := warden.HomeOrg
			if r == warden.RoleCounterpart {
				org = "ru-cert"
			}
			callers = append(callers, caller{string(r), p.tokens[r], warden.Principal{Role: r, Org: org}})
		}
		callers = append(callers, caller{"counterpart of cn-cert", p.cpB, warden.Principal{Role: warden.RoleCounterpart, Org: "cn-cert"}})
		for _, c := range callers {
			if !warden.Allowed(c.p.Role, warden.ActIntelRead) {
				if code, _ := p.json(t, "GET", "/v1/intel/objects/"+objs[0].id, c.tok, nil); code != 403 {
					t.Errorf("%s without intel.read: %d", c.name, code)
				}
				continue
			}
			code, b := p.json(t, "GET", "/v1/intel/objects?type=incident&limit=1000", c.tok, nil)
			if code != 200 {
				t.Fatalf("%s lists: %d %s", c.name, code, b)
			}
			listed := objectIDs(decodeAs[intelPage](t, b).Objects)
			for _, o := range objs {
				sees := warden.SeesTLP(c.p, o.tlp, o.shared && c.p.Org == "ru-cert")
				want := 404
				if sees {
					want = 200
				}
				for _, path := range []string{"/v1/intel/objects/" + o.id, "/v1/intel/objects/" + o.id + "/view", "/v1/intel/objects/" + o.id + "/versions", "/v1/intel/export?id=" + o.id} {
					code, b, _ := p.raw(t, "GET", path, c.tok, "", nil)
					if code != want {
						t.Errorf("%s GET %s (%s, shared with ru-cert %v): %d, want %d: %.200s", c.name, path, o.tlp, o.shared, code, want, b)
					}
					if code == 200 && path == "/v1/intel/export?id="+o.id && !slices.Contains(bundleIDs(t, b), o.id) {
						t.Errorf("%s: the export of %s lacks it", c.name, o.tlp)
					}
				}
				if slices.Contains(listed, o.id) != sees {
					t.Errorf("%s: %s (shared %v) listed %v, sees %v", c.name, o.tlp, o.shared, !sees, sees)
				}
			}
		}

		// An export for ru-cert, by the authority, holds what ru-cert sees:
		// the others are not found for it.
		ruCert := warden.Principal{Role: warden.RoleCounterpart, Org: "ru-cert"}
		for _, o := range objs {
			code, b, _ := p.raw(t, "GET", "/v1/intel/export?for=ru-cert&id="+o.id, so, "", nil)
			sees := warden.SeesTLP(ruCert, o.tlp, o.shared)
			if sees && (code != 200 || !slices.Contains(bundleIDs(t, b), o.id)) || !sees && code != 404 {
				t.Errorf("export for ru-cert of %s (shared %v): %d %.200s; ru-cert sees it: %v", o.tlp, o.shared, code, b, sees)
			}
		}
	})
}

// TestIntelSharingAPI walks collections, shares, links, feeds and
// attribution over HTTP: a counterpart lists only its organisation's
// collections; an update changes the organisations; an object unshared
// is hidden again; a feed's token is never returned; a link removed is
// gone; attribution opens a proposal for the party the actor is
// attributed to.
func TestIntelSharingAPI(t *testing.T) {
	p := newIntelAPI(t, storetest.OpenSQLite(t))
	so, cpA := p.tokens[warden.RoleSanctionsOfficer], p.tokens[warden.RoleCounterpart]
	code, b := p.json(t, "POST", "/v1/intel/collections", so, map[string]any{"title": "Russia CERT", "orgs": []string{"ru-cert"}, "can_read": true})
	coll := decodeAs[warden.Collection](t, b)
	if code != 201 || coll.ID == "" || coll.CreatedBy != "t-sanctions-officer" {
		t.Fatalf("collection: %d %s", code, b)
	}
	if code, b := p.json(t, "POST", "/v1/intel/collections", so, map[string]any{"id": "mine", "title": "x", "orgs": []string{"ru-cert"}}); code != 400 || !strings.Contains(string(b), "id") {
		t.Errorf("a collection with its own id: %d %s", code, b)
	}
	collections := func(tok string) []string {
		t.Helper()
		code, b := p.json(t, "GET", "/v1/intel/collections", tok, nil)
		if code != 200 {
			t.Fatalf("collections: %d %s", code, b)
		}
		var ids []string
		for _, c := range decodeAs[struct{ Collections []warden.Collection }](t, b).Collections {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if got := collections(cpA); !slices.Equal(got, []string{coll.ID}) {
		t.Errorf("ru-cert's collections: %v", got)
	}
	if got := collections(p.cpB); len(got) != 0 {
		t.Errorf("cn-cert's collections: %v", got)
	}
	if code, _ := p.json(t, "GET", "/v1/intel/collections/"+coll.ID, p.cpB, nil); code != 404 {
		t.Errorf("cn-cert reads ru-cert's collection: %d", code)
	}

	inc := p.create(t, so, map[string]any{"type": "incident", "tlp": "amber", "fields": map[string]any{"name": "Shared"}})
	if code, b := p.json(t, "POST", "/v1/intel/collections/"+coll.ID+"/shares", so, map[string]any{"ids": []string{inc.ID}}); code != 204 {
		t.Fatalf("share: %d %s", code, b)
	}
	if code, _ := p.json(t, "GET", "/v1/intel/objects/"+inc.ID, cpA, nil); code != 200 {
		t.Errorf("ru-cert reads the shared incident: %d", code)
	}
	// Everything shared with one counterpart, since a time: for alone.
	for since, want := range map[string]bool{"2000-01-01T00:00:00Z": true, "2999-01-01T00:00:00Z": false} {
		code, b, _ := p.raw(t, "GET", "/v1/intel/export?for=ru-cert&since="+since, so, "", nil)
		if code != 200 || strings.Contains(string(b), inc.ID) != want {
			t.Errorf("export for ru-cert since %s: %d, want 200 and the incident in it: %v: %.300s", since, code, want, b)
		}
	}
	// The collection moves to cn-cert: ru-cert no longer sees it.
	code, b = p.json(t, "PUT", "/v1/intel/collections/"+coll.ID, so, map[string]any{"title": "China CERT", "orgs": []string{"cn-cert"}, "can_read": true})
	if c := decodeAs[warden.Collection](t, b); code != 200 || c.Title != "China CERT" || !slices.Equal(c.Orgs, []string{"cn-cert"}) {
		t.Fatalf("update: %d %s", code, b)
	}
	for tok, want := range map[string]int{cpA: 404, p.cpB: 200} {
		if code, _ := p.json(t, "GET", "/v1/intel/objects/"+inc.ID, tok, nil); code != want {
			t.Errorf("after the move: %d, want %d", code, want)
		}
	}
	if code, b := p.json(t, "DELETE", "/v1/intel/collections/"+coll.ID+"/shares/"+inc.ID, so, nil); code != 204 {
		t.Fatalf("unshare: %d %s", code, b)
	}
	if code, _ := p.json(t, "GET", "/v1/intel/objects/"+inc.ID, p.cpB, nil); code != 404 {
		t.Errorf("cn-cert reads the unshared incident: %d", code)
	}

	// Feeds: the token is taken, never shown.
	code, b = p.json(t, "POST", "/v1/intel/feeds", so, map[string]any{"name": "partner", "url": "https://taxii.partner.example/api/", "collection": "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "token": "s3cret-token"})
	if code != 201 || strings.Contains(string(b), "s3cret") {
		t.Fatalf("add feed: %d %s", code, b)
	}
	code, b = p.json(t, "GET", "/v1/intel/feeds", so, nil)
	if code != 200 || !strings.Contains(string(b), `"name":"partner"`) || strings.Contains(string(b), "s3cret") {
		t.Errorf("feeds: %d %s", code, b)
	}
	if code, b := p.json(t, "DELETE", "/v1/intel/feeds/partner", so, nil); code != 204 {
		t.Errorf("remove feed: %d %s", code, b)
	}
	if code, b := p.json(t, "GET", "/v1/intel/feeds", so, nil); code != 200 || strings.Contains(string(b), "partner") {
		t.Errorf("feeds after removal: %d %s", code, b)
	}

	// Links and attribution.
	actor := p.create(t, so, map[string]any{"type": "threat-actor", "tlp": "amber", "fields": map[string]any{"name": "Evil Corp"}})
	p.relate(t, so, inc.ID, "attributed-to", actor.ID)
	link := map[string]any{"object": actor.ID, "kind": "entity", "ref": "ofac:26663"}
	if code, b := p.json(t, "POST", "/v1/intel/links", so, link); code != 201 {
		t.Fatalf("link: %d %s", code, b)
	}
	code, b = p.json(t, "POST", "/v1/intel/actors/"+actor.ID+"/attribute", so, map[string]any{"program": "CYBER2", "reason": "Evil Corp ran the hospital ransomware.",
		"legal_basis": map[string]any{"order": "EO 13694", "criterion": "1(a)"}})
	ds := decodeAs[struct{ Designations []warden.Designation }](t, b).Designations
	if code != 201 || len(ds) != 1 || ds[0].Status != warden.DesignationProposed && ds[0].Status != warden.DesignationDraft {
		t.Fatalf("attribute: %d %s", code, b)
	}
	if code, b := p.json(t, "GET", fmt.Sprintf("/v1/designations/%d", ds[0].ID), so, nil); code != 200 || !strings.Contains(string(b), "ofac:26663") {
		t.Errorf("the proposal: %d %.500s", code, b)
	}
	q := "?object=" + actor.ID + "&kind=entity&ref=ofac:26663"
	if code, b := p.json(t, "DELETE", "/v1/intel/links"+q, so, nil); code != 204 {
		t.Fatalf("unlink: %d %s", code, b)
	}
	if code, b := p.json(t, "GET", "/v1/intel/links?kind=entity&ref=ofac:26663", so, nil); code != 200 || strings.Contains(string(b), actor.ID) {
		t.Errorf("links after unlinking: %d %s", code, b)
	}
}
