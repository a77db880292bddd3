package web

import (
	"fmt"
	"slices"
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
