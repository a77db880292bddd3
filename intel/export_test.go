package intel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/cooperation"
	"warden/intel"
	"warden/sources/sourcetest"
	wstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// as is a context acting as a person of role in org.
func xAs(role warden.Role, org string) context.Context {
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: "p-" + string(role), Role: role, Org: org, Kind: "user", Person: "p-" + string(role)})
}

var (
	xAnalyst = xAs(warden.RoleAnalyst, warden.HomeOrg)
	xOfficer = xAs(warden.RoleSanctionsOfficer, warden.HomeOrg)
)

// xid is the STIX id of a test object: the same name gives the same id.
func xid(typ, name string) string { return wstix.ID(typ, "export-test:"+name) }

// xobj is a STIX object of type typ named name, marked tlp ("" for none),
// with props.
func xobj(typ, name string, tlp warden.TLP, props map[string]any) map[string]any {
	o := map[string]any{"type": typ, "spec_version": "2.1", "id": xid(typ, name),
		"created": "2026-01-10T09:00:00.000Z", "modified": "2026-01-10T09:00:00.000Z"}
	if tlp != "" {
		o["object_marking_refs"] = []string{stix.TLPMarkingID(tlp)}
	}
	for k, v := range props {
		o[k] = v
	}
	return o
}

func xIncident(name string, tlp warden.TLP) map[string]any {
	return xobj("incident", name, tlp, map[string]any{"name": name})
}

func xIndicator(name string, tlp warden.TLP, ip string) map[string]any {
	return xobj("indicator", name, tlp, map[string]any{"name": name, "pattern": "[ipv4-addr:value = '" + ip + "']",
		"pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"})
}

func xActor(name string, tlp warden.TLP) map[string]any {
	return xobj("threat-actor", name, tlp, map[string]any{"name": name})
}

// rel is a relationship named name: source -typ-> target.
func xRel(name string, tlp warden.TLP, source map[string]any, typ string, target map[string]any) map[string]any {
	return xobj("relationship", name, tlp, map[string]any{"relationship_type": typ, "source_ref": source["id"], "target_ref": target["id"]})
}

func xReport(name string, tlp warden.TLP, refs ...map[string]any) map[string]any {
	var ids []any
	for _, r := range refs {
		ids = append(ids, r["id"])
	}
	return xobj("report", name, tlp, map[string]any{"name": name, "published": "2026-01-11T00:00:00Z", "object_refs": ids})
}

// load imports objs as one bundle, as an analyst.
func xLoad(t *testing.T, s *intel.Service, objs ...map[string]any) {
	t.Helper()
	b, err := json.Marshal(map[string]any{"type": "bundle", "id": stix.NewID("bundle"), "objects": objs})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := s.Import(xAnalyst, bytes.NewReader(b), intel.ImportOptions{Source: "api"}); err != nil {
		t.Fatalf("import: %v %+v", err, rep.Errors)
	}
}

// newService is an intelligence service over db with the counterparts
// cn and us, on a clock the test sets.
func xNewService(t *testing.T, db *store.DB, now *time.Time) *intel.Service {
	t.Helper()
	for _, id := range []string{"cn", "us"} {
		if err := db.CreateOrg(context.Background(), warden.Organisation{ID: id, Name: "Org " + id, Kind: "counterpart", CreatedAt: *now}, nil); err != nil {
			t.Fatal(err)
		}
	}
	s := intel.New(db)
	s.Now = func() time.Time { return *now }
	return s
}

// collection creates a collection read by orgs, holding objs.
func xCollection(t *testing.T, s *intel.Service, title string, orgs []string, objs ...map[string]any) string {
	t.Helper()
	c, err := s.CreateCollection(xOfficer, warden.Collection{Title: title, Orgs: orgs, CanRead: true})
	if err != nil {
		t.Fatal(err)
	}
	xShare(t, s, c.ID, objs...)
	return c.ID
}

func xShare(t *testing.T, s *intel.Service, collection string, objs ...map[string]any) {
	t.Helper()
	var ids []string
	for _, o := range objs {
		ids = append(ids, o["id"].(string))
	}
	if len(ids) > 0 {
		if err := s.Share(xOfficer, collection, ids); err != nil {
			t.Fatal(err)
		}
	}
}

// exported reads a bundle: its objects by id, in order.
func xExported(t *testing.T, b []byte, n int) (map[string]json.RawMessage, []string) {
	t.Helper()
	if ps := stix.ValidateBundle(b); len(ps) > 0 {
		t.Fatalf("export does not validate: %+v", ps)
	}
	var bundle struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	if len(bundle.Objects) != n {
		t.Errorf("export says %d objects, holds %d", n, len(bundle.Objects))
	}
	byID := map[string]json.RawMessage{}
	var order []string
	for _, o := range bundle.Objects {
		var h struct{ ID string }
		json.Unmarshal(o, &h)
		if _, dup := byID[h.ID]; dup {
			t.Errorf("%s twice in the bundle", h.ID)
		}
		byID[h.ID] = o
		order = append(order, h.ID)
	}
	// Every object carries a TLP marking, and every TLP marking used is
	// defined in the bundle.
	for _, id := range order {
		var m struct {
			Refs []string `json:"object_marking_refs"`
		}
		json.Unmarshal(byID[id], &m)
		if _, ok := stix.TLPOf(m.Refs); !ok && !strings.HasPrefix(id, "marking-definition--") {
			t.Errorf("%s carries no TLP marking", id)
		}
		for _, ref := range m.Refs {
			if _, ok := byID[ref]; !ok && stix.IsTLPMarking(ref) {
				t.Errorf("%s uses %s, not in the bundle", id, ref)
			}
		}
	}
	return byID, order
}

// ids returns the ids of objs, sorted.
func xIds(objs ...map[string]any) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o["id"].(string))
	}
	slices.Sort(out)
	return out
}

// content returns the ids of a bundle other than marking definitions,
// sorted.
func xContent(order []string) []string {
	var out []string
	for _, id := range order {
		if !strings.HasPrefix(id, "marking-definition--") {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// TestExportRoundTrip imports the real example reports (APT1, Poison Ivy)
// and the other examples, and exports every object again: each comes out
// equivalent to what went in (but for the TLP marking Warden appends to
// an object that carried none), and the bundle validates.
func TestExportRoundTrip(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
		s := xNewService(t, db, &now)
		dir := sourcetest.Data(t, "reference/stix2/examples")
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		more, _ := filepath.Glob(filepath.Join(dir, "threat-reports", "*.json"))
		files = append(files, more...)
		if len(files) < 3 {
			t.Fatalf("%d example files in %s", len(files), dir)
		}
		originals := map[string]json.RawMessage{}
		var all []string
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Import(xAnalyst, bytes.NewReader(b), intel.ImportOptions{Source: "cli:" + filepath.Base(f), DefaultTLP: warden.TLPGreen}); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var bundle struct {
				Objects []json.RawMessage `json:"objects"`
			}
			if err := json.Unmarshal(b, &bundle); err != nil {
				t.Fatal(err)
			}
			if bundle.Objects == nil { // a file of one object
				bundle.Objects = []json.RawMessage{b}
			}
			for _, o := range bundle.Objects {
				var h struct{ ID string }
				json.Unmarshal(o, &h)
				if _, ok := originals[h.ID]; !ok {
					all = append(all, h.ID)
				}
				originals[h.ID] = o
			}
		}
		b, n, err := s.Export(xAnalyst, intel.Selection{IDs: all})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := xExported(t, b, n)
		for id, want := range originals {
			o, ok := got[id]
			if !ok {
				t.Errorf("%s not exported", id)
				continue
			}
			var m struct {
				Markings []string `json:"object_marking_refs"`
			}
			json.Unmarshal(want, &m)
			if _, marked := stix.TLPOf(m.Markings); marked || strings.HasPrefix(id, "marking-definition--") {
				if !stix.Equivalent(o, want) {
					t.Errorf("%s changed:\n%s\n%s", id, want, o)
				}
			} else {
				var g struct {
					Markings []string `json:"object_marking_refs"`
				}
				json.Unmarshal(o, &g)
				if !stix.Equivalent(o, want, "object_marking_refs") || !slices.Equal(g.Markings, append(m.Markings, stix.TLPMarkingID(warden.TLPGreen))) {
					t.Errorf("%s changed beyond the GREEN marking appended:\n%s\n%s", id, want, o)
				}
			}
		}
		if len(originals) < 100 {
			t.Errorf("only %d objects in the examples", len(originals))
		}
	})
}

// TestExportIncidentClosure: an incident with two indicators, a threat
// actor it is attributed to, a report naming them, a RED note on it and
// an object of a type Warden does not model naming it, beside unrelated
// objects. An analyst's export of the incident holds
// them all and nothing else; as the counterpart cn would see it, only
// what is CLEAR, GREEN or AMBER shared with cn, and no relationship to
// what is left out; with NoRed, nothing RED.
func TestExportIncidentClosure(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
		s := xNewService(t, db, &now)
		inc := xIncident("Ransomware at Acme", warden.TLPAmber)
		ind1 := xIndicator("C2 server", warden.TLPGreen, "198.51.100.7")
		ind2 := xIndicator("Drop server", warden.TLPAmber, "198.51.100.8")
		ta := xActor("Cold Steel", warden.TLPGreen)
		secret := xActor("Informant's name", warden.TLPRed)
		r1 := xRel("c2 indicates", warden.TLPGreen, ind1, "indicates", inc)
		r2 := xRel("drop indicates", warden.TLPGreen, ind2, "indicates", inc)
		r3 := xRel("attributed", warden.TLPGreen, inc, "attributed-to", ta)
		r4 := xRel("attributed secretly", warden.TLPGreen, inc, "attributed-to", secret)
		rep := xReport("Acme report", warden.TLPGreen, inc, ind1, ind2, ta)
		note := xobj("note", "source", warden.TLPRed, map[string]any{"content": "From an informant.", "object_refs": []string{inc["id"].(string)}})
		// A type Warden does not model, without a marking (AMBER by
		// default), naming the incident.
		custom := xobj("x-acme-case", "case 7", "", map[string]any{"name": "Case 7", "x_acme_incident_ref": inc["id"]})
		other := xIncident("Another incident", warden.TLPGreen)
		otherInd := xIndicator("Other", warden.TLPGreen, "203.0.113.9")
		otherRel := xRel("other indicates", warden.TLPGreen, otherInd, "indicates", other)
		xLoad(t, s, inc, ind1, ind2, ta, secret, r1, r2, r3, r4, rep, note, custom, other, otherInd, otherRel)
		xCollection(t, s, "cn", []string{"cn"}, inc)

		for _, c := range []struct {
			name  string
			ctx   context.Context
			for_  string
			noRed bool
			want  []string
		}{
			{"analyst", xAnalyst, "", false, xIds(inc, ind1, ind2, ta, secret, r1, r2, r3, r4, rep, note, custom)},
			{"analyst, no red", xAnalyst, "", true, xIds(inc, ind1, ind2, ta, r1, r2, r3, rep, custom)},
			{"for cn", xAnalyst, "cn", false, xIds(inc, ind1, ta, r1, r3, rep)},
			{"cn itself", xAs(warden.RoleCounterpart, "cn"), "", false, xIds(inc, ind1, ta, r1, r3, rep)},
		} {
			t.Run(c.name, func(t *testing.T) {
				b, n, err := s.Export(c.ctx, intel.Selection{IDs: []string{inc["id"].(string)}, For: c.for_, NoRed: c.noRed})
				if err != nil {
					t.Fatal(err)
				}
				_, order := xExported(t, b, n)
				if !slices.Equal(xContent(order), c.want) {
					t.Errorf("exported %v\nwant %v", xContent(order), c.want)
				}
			})
		}
		// The us counterpart may not see the AMBER incident at all.
		if _, _, err := s.Export(xAnalyst, intel.Selection{IDs: []string{inc["id"].(string)}, For: "us"}); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("for us: %v, want not found", err)
		}
		if _, _, err := s.Export(xAnalyst, intel.Selection{IDs: []string{inc["id"].(string)}, For: "nowhere"}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("for an organisation that does not exist: %v", err)
		}
	})
}

// TestExportCollectionSince: a collection's export holds what was shared
// in it after since, each object's current version, and no relationship
// to an object its reader may not see; a counterpart reads only its
// organisation's collections.
func TestExportCollectionSince(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
		s := xNewService(t, db, &now)
		early := xIncident("Early", warden.TLPAmber)
		late := xIncident("Late", warden.TLPAmber)
		ind := xIndicator("Late indicator", warden.TLPGreen, "192.0.2.1")
		hidden := xIndicator("Not shared", warden.TLPAmber, "192.0.2.2")
		r1 := xRel("late", warden.TLPGreen, ind, "indicates", late)
		r2 := xRel("hidden", warden.TLPGreen, hidden, "indicates", late)
		xLoad(t, s, early, late, ind, hidden, r1, r2)
		// The newer version of late is what goes out.
		late2 := xIncident("Late", warden.TLPAmber)
		late2["modified"], late2["description"] = "2026-01-12T09:00:00.000Z", "Second version"
		xLoad(t, s, late2)

		c := xCollection(t, s, "cn", []string{"cn"}, early)
		since := now
		now = now.Add(time.Hour)
		xShare(t, s, c, late, ind, r1, r2)

		for _, sc := range []struct {
			name  string
			ctx   context.Context
			sel   intel.Selection
			want  []string
			error string
		}{
			{"all", xAnalyst, intel.Selection{Collection: c}, xIds(early, late, ind, r1, r2), ""},
			{"since", xAnalyst, intel.Selection{Collection: c, Since: since}, xIds(late, ind, r1, r2), ""},
			{"since, for cn", xAnalyst, intel.Selection{Collection: c, Since: since, For: "cn"}, xIds(late, ind, r1), ""},
			{"since, by cn", xAs(warden.RoleCounterpart, "cn"), intel.Selection{Collection: c, Since: since}, xIds(late, ind, r1), ""},
			{"shared with cn since", xAnalyst, intel.Selection{For: "cn", Since: since}, xIds(late, ind, r1), ""},
			{"nothing since", xAnalyst, intel.Selection{Collection: c, Since: now.Add(time.Second)}, nil, ""}, // a share's objects are added a microsecond apart
			{"by us", xAs(warden.RoleCounterpart, "us"), intel.Selection{Collection: c}, nil, warden.ENOTFOUND},
			{"no such collection", xAnalyst, intel.Selection{Collection: "3f1c7a9e-0000-4000-8000-000000000000"}, nil, warden.ENOTFOUND},
			{"since alone", xAnalyst, intel.Selection{Since: since}, nil, warden.EINVALID},
		} {
			t.Run(sc.name, func(t *testing.T) {
				b, n, err := s.Export(sc.ctx, sc.sel)
				if sc.error != "" || err != nil {
					if warden.ErrorCode(err) != sc.error {
						t.Fatalf("error %v, want %s", err, sc.error)
					}
					return
				}
				got, order := xExported(t, b, n)
				if !slices.Equal(xContent(order), sc.want) {
					t.Errorf("exported %v\nwant %v", xContent(order), sc.want)
				}
				if o, ok := got[late["id"].(string)]; ok && !strings.Contains(string(o), "Second version") {
					t.Errorf("late exported in its first version: %s", o)
				}
			})
		}
	})
}

// TestExportRequestsAndParties: a request with a linked incident and a
// review goes out as a grouping of the incident, an opinion and a note,
// with the same ids each time; a request without links groups the
// authority; a listed party goes out as an identity.
func TestExportRequestsAndParties(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		s := xNewService(t, db, &now)
		im, err := db.BeginImport(ctx, "ofac", "test", false)
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Put(&warden.Entity{SourceID: "7", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Ivan Coldsteel", Kind: warden.NamePrimary}},
			Identifiers: []warden.Identifier{{Type: warden.IDEmail, Value: "ivan@coldsteel.example"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := im.Commit(warden.SourceMeta{Published: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		co := cooperation.New(db, nil)
		co.Now = func() time.Time { return now }
		liaison, cn := xAs(warden.RoleLiaison, warden.HomeOrg), xAs(warden.RoleCounterpart, "cn")
		in := cooperation.Input{Type: warden.RequestDisclosure, Counterpart: "cn",
			Requesting: warden.Authority{Name: "Home CERT", Contact: "Lee", TimeZone: "UTC", Country: "US"},
			Requested:  warden.Authority{Name: "CNCERT/CC", Contact: "Li", TimeZone: "Asia/Shanghai", Country: "CN"},
			LegalBasis: "Budapest Convention, art. 31", Facts: "Ransomware paid to a wallet hosted on your territory.",
			Offence: "extortion", Sought: "Subscriber data", Need: "To identify the operator.", Priority: warden.PriorityRoutine}
		r, err := co.Create(liaison, in)
		if err != nil {
			t.Fatal(err)
		}
		bare, err := co.Create(liaison, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{r.ID, bare.ID} {
			if _, err := co.Send(liaison, id); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(time.Hour)
		if _, err := co.Acknowledge(cn, r.ID, "Received."); err != nil {
			t.Fatal(err)
		}
		r, full, err := co.Answer(cn, r.ID, warden.AnswerFull, "Logs attached.", nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := co.Review(xAs(warden.RoleAnalyst, warden.HomeOrg), r.ID, cooperation.ReviewInput{Message: full.ID,
			Rubric: warden.Rubric{Completeness: 4, Accuracy: 5, Actionability: 4, Updates: 3}, Use: warden.UseIndictment, Comments: "Usable."})
		if err != nil {
			t.Fatal(err)
		}
		inc := xIncident("Ransom paid", warden.TLPAmber)
		secret := xIncident("Informant", warden.TLPRed)
		xLoad(t, s, inc, secret)
		for _, o := range []map[string]any{inc, secret} {
			if _, err := s.Link(xAnalyst, warden.IntelLink{Object: o["id"].(string), Kind: warden.LinkRequest, Ref: strconv.FormatInt(r.ID, 10)}); err != nil {
				t.Fatal(err)
			}
		}

		sel := intel.Selection{Requests: []int64{r.ID, bare.ID, r.ID}, Entities: []string{"ofac:7", "ofac:7"}}
		b, n, err := s.Export(xAnalyst, sel)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := xExported(t, b, n)
		gid, bareID := wstix.ID("grouping", "request:"+strconv.FormatInt(r.ID, 10)), wstix.ID("grouping", "request:"+strconv.FormatInt(bare.ID, 10))
		oid, nid := wstix.ID("opinion", "review:"+strconv.FormatInt(v.ID, 10)), wstix.ID("note", "review:"+strconv.FormatInt(v.ID, 10))
		var g struct {
			Name, Context, Description string
			Refs                       []string `json:"object_refs"`
			Markings                   []string `json:"object_marking_refs"`
		}
		json.Unmarshal(got[gid], &g)
		if g.Name != r.Reference || g.Context != "suspicious-activity" || g.Description != in.Facts ||
			!slices.Equal(g.Refs, xIds(inc, secret)) || !slices.Equal(g.Markings, []string{stix.TLPMarkingID(warden.TLPAmber)}) {
			t.Errorf("grouping: %s", got[gid])
		}
		json.Unmarshal(got[bareID], &g)
		if len(g.Refs) != 1 || g.Refs[0] == wstix.ID("identity", "warden-authority") || !strings.HasPrefix(g.Refs[0], "identity--") || got[g.Refs[0]] == nil {
			// The installation's identity, which the bundle holds.
			t.Errorf("grouping of a request without links: %s", got[bareID])
		}
		var op struct {
			Opinion, Explanation string
			Refs                 []string `json:"object_refs"`
		}
		json.Unmarshal(got[oid], &op)
		if op.Opinion != "agree" || op.Explanation != v.Comments || !slices.Equal(op.Refs, []string{gid}) {
			t.Errorf("opinion: %s", got[oid])
		}
		var note struct{ Content string }
		json.Unmarshal(got[nid], &note)
		for _, want := range []string{"Completeness: 4/5", "Accuracy: 5/5", "Actionability: 4/5", "Updates: 3/5", "Use: indictment"} {
			if !strings.Contains(note.Content, want) {
				t.Errorf("note lacks %q: %s", want, got[nid])
			}
		}
		var party struct {
			Name          string
			IdentityClass string `json:"identity_class"`
		}
		json.Unmarshal(got[wstix.ID("identity", "ofac:7")], &party)
		if party.Name != "Ivan Coldsteel" || party.IdentityClass != "individual" {
			t.Errorf("party: %s", got[wstix.ID("identity", "ofac:7")])
		}
		for _, id := range []string{inc["id"].(string), secret["id"].(string)} {
			if _, ok := got[id]; !ok {
				t.Errorf("linked %s not in the bundle", id)
			}
		}
		// A second export gives the same objects, ids included.
		again, n2, err := s.Export(xAnalyst, sel)
		if err != nil {
			t.Fatal(err)
		}
		got2, _ := xExported(t, again, n2)
		for id, o := range got {
			if !stix.Equivalent(o, got2[id]) {
				t.Errorf("%s differs between exports:\n%s\n%s", id, o, got2[id])
			}
		}
		// As cn sees it: the AMBER incident once shared with cn, never the
		// RED one; us may not have the request.
		xCollection(t, s, "cn", []string{"cn"}, inc)
		b, n, err = s.Export(xAnalyst, intel.Selection{Requests: []int64{r.ID}, For: "cn"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = xExported(t, b, n)
		json.Unmarshal(got[gid], &g)
		if _, leaked := got[secret["id"].(string)]; leaked || !slices.Equal(g.Refs, xIds(inc)) {
			t.Errorf("for cn: grouping %s, RED incident in: %v", got[gid], leaked)
		}
		if _, _, err := s.Export(xAnalyst, intel.Selection{Requests: []int64{r.ID}, For: "us"}); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("request for us: %v", err)
		}
		if _, _, err := s.Export(xAnalyst, intel.Selection{Entities: []string{"ofac:99"}}); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("a party not listed: %v", err)
		}
		if _, _, err := s.Export(cn, intel.Selection{Entities: []string{"ofac:7"}}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a counterpart exporting parties: %v", err)
		}
	})
}

// TestExportMarkingsCells: for each role and the counterparts cn and us,
// an export holds exactly the objects the marking lets it see: each
// object alone is exported or not found, and a report naming them all
// brings exactly those.
func TestExportMarkingsCells(t *testing.T) {
	db := storetest.OpenSQLite(t)
	now := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	s := xNewService(t, db, &now)
	clear := xIndicator("clear", warden.TLPClear, "192.0.2.10")
	green := xIndicator("green", warden.TLPGreen, "192.0.2.11")
	amberCN := xIndicator("amber shared with cn", warden.TLPAmber, "192.0.2.12")
	amber := xIndicator("amber shared with none", warden.TLPAmber, "192.0.2.13")
	strictCN := xIndicator("amber+strict shared with cn", warden.TLPAmberStrict, "192.0.2.14")
	red := xIndicator("red", warden.TLPRed, "192.0.2.15")
	unmarked := xobj("indicator", "unmarked", "", map[string]any{"name": "unmarked", "pattern": "[domain-name:value = 'x.example']",
		"pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}) // takes the default, AMBER
	all := []map[string]any{clear, green, amberCN, amber, strictCN, red, unmarked}
	rep := xReport("everything", warden.TLPClear, all...)
	xLoad(t, s, append(all, rep)...)
	xCollection(t, s, "cn", []string{"cn"}, amberCN, strictCN)

	authority := xIds(clear, green, amberCN, amber, strictCN, unmarked)
	for _, c := range []struct {
		role warden.Role
		org  string
		want []string // besides the report
	}{
		{warden.RoleAdmin, warden.HomeOrg, authority},
		{warden.RoleAuditor, warden.HomeOrg, authority},
		{warden.RoleLiaison, warden.HomeOrg, authority},
		{warden.RoleSanctionsOfficer, warden.HomeOrg, append(slices.Clone(authority), red["id"].(string))},
		{warden.RoleAnalyst, warden.HomeOrg, append(slices.Clone(authority), red["id"].(string))},
		{warden.RoleCounterpart, "cn", xIds(clear, green, amberCN, strictCN)},
		{warden.RoleCounterpart, "us", xIds(clear, green)},
	} {
		slices.Sort(c.want)
		t.Run(string(c.role)+"-"+c.org, func(t *testing.T) {
			ctx := xAs(c.role, c.org)
			b, n, err := s.Export(ctx, intel.Selection{IDs: []string{rep["id"].(string)}})
			if err != nil {
				t.Fatal(err)
			}
			_, order := xExported(t, b, n)
			want := append(slices.Clone(c.want), rep["id"].(string))
			slices.Sort(want)
			if !slices.Equal(xContent(order), want) {
				t.Errorf("exported %v\nwant %v", xContent(order), want)
			}
			for _, o := range all {
				id := o["id"].(string)
				_, _, err := s.Export(ctx, intel.Selection{IDs: []string{id}})
				if sees := slices.Contains(c.want, id); sees && err != nil || !sees && warden.ErrorCode(err) != warden.ENOTFOUND {
					t.Errorf("%s: %v (sees: %v)", o["name"], err, sees)
				}
			}
		})
	}
	if _, _, err := s.Export(xAs(warden.RoleScreener, warden.HomeOrg), intel.Selection{IDs: []string{clear["id"].(string)}}); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("screener: %v", err)
	}
	for _, bad := range []intel.Selection{{}, {IDs: []string{"indicator--nope"}}, {IDs: make([]string, 10001)}} {
		if _, _, err := s.Export(xAnalyst, bad); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("%.60v: %v", bad, err)
		}
	}
	// A counterpart exports as its own organisation only.
	if _, _, err := s.Export(xAs(warden.RoleCounterpart, "us"), intel.Selection{IDs: []string{clear["id"].(string)}, For: "cn"}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("us exporting for cn: %v", err)
	}
}

// BenchmarkExport exports the two example threat reports (APT1 and Poison
// Ivy) by the ids of all their objects: the reads, the closure, the
// markings and the schema validation of the bundle.
func BenchmarkExport(b *testing.B) {
	db := storetest.OpenSQLite(b)
	s := intel.New(db)
	dir := sourcetest.Data(b, "reference/stix2/examples")
	files, _ := filepath.Glob(filepath.Join(dir, "threat-reports", "*.json"))
	var all []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := s.Import(xAnalyst, bytes.NewReader(data), intel.ImportOptions{Source: "cli:" + filepath.Base(f)})
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, rep.Successes...)
	}
	var n int
	for b.Loop() {
		var err error
		if _, n, err = s.Export(xAnalyst, intel.Selection{IDs: all}); err != nil || n < len(all) {
			b.Fatalf("%d objects of %d: %v", n, len(all), err)
		}
	}
	b.ReportMetric(float64(n), "objects/op")
}
