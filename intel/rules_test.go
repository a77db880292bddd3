package intel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/designation"
	"warden/intel"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
	"warden/taxii"
)

// Indicator ids of the screening-trust tests.
const (
	fixCounterpartInd = "indicator--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c1001"
	fixAuthorityInd   = "indicator--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c1002"
	fixWideInd        = "indicator--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c1003"
	fixWide6Ind       = "indicator--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c1004"
)

// fixHits returns the ids of the indicators a party with ip hits.
func fixHits(t *testing.T, s *intel.Service, ip string) []string {
	t.Helper()
	s.Index.Invalidate()
	hs, err := s.Match(context.Background(), warden.TxParty{IP: ip})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range hs {
		ids = append(ids, h.Indicator)
	}
	return ids
}

// TestScreeningTrust checks which indicators screen: what a counterpart
// submits through its collection is stored and shown but holds no
// payment until the authority records it; an IP range too broad to
// screen is ignored, whoever sent it; the authority's own indicators
// screen.
func TestScreeningTrust(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		drop, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "From A", Orgs: []string{"org-a"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		green := stix.TLPMarkingID(warden.TLPGreen)
		// A counterpart posts a GREEN indicator holding everything, and
		// one of a single address.
		everything := coreIndicator(fixCounterpartInd, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value ISSUBSET '0.0.0.0/0'] OR [ipv4-addr:value = '198.51.100.7']", green)
		if _, err := s.Import(coreA, strings.NewReader(coreBundle(everything)), intel.ImportOptions{Source: "taxii", Collection: drop.ID}); err != nil {
			t.Fatal(err)
		}
		// The authority's own: an address, and ranges too broad.
		coreImport(t, s, coreBundle(
			coreIndicator(fixAuthorityInd, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value ISSUBSET '203.0.113.0/24']", green),
			coreIndicator(fixWideInd, "2026-01-01T00:00:00.000Z", "[ipv4-addr:value ISSUBSET '10.0.0.0/8'] OR [ipv4-addr:value ISSUBSET '172.16.0.0/16']", green),
			coreIndicator(fixWide6Ind, "2026-01-01T00:00:00.000Z", "[ipv6-addr:value ISSUBSET '2001:db8::/16']", green)))
		for _, tc := range []struct {
			ip   string
			want string
		}{
			{"192.0.2.1", ""},    // only 0.0.0.0/0 holds it
			{"198.51.100.7", ""}, // the counterpart's single address
			{"203.0.113.9", fixAuthorityInd},
			{"10.1.2.3", ""},           // a /8
			{"172.16.9.9", fixWideInd}, // a /16 screens
			{"2001:db8::1", ""},        // a /16 of IPv6
		} {
			if got := strings.Join(fixHits(t, s, tc.ip), " "); got != tc.want {
				t.Errorf("%s hits %q, want %q", tc.ip, got, tc.want)
			}
		}
		// The views say why.
		for _, tc := range []struct {
			id   string
			ctx  context.Context
			want []string
		}{
			{fixCounterpartInd, coreAnalyst, []string{"submitted by a counterpart", "0.0.0.0/0 is wider than /16"}},
			{fixCounterpartInd, coreA, []string{"submitted by a counterpart"}},
			{fixWideInd, coreAnalyst, []string{"10.0.0.0/8 is wider than /16"}},
			{fixWide6Ind, coreAnalyst, []string{"2001::/16 is wider than /32"}},
		} {
			v, err := s.View(tc.ctx, tc.id)
			if err != nil {
				t.Fatalf("view %s: %v", tc.id, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(v.Unsupported, w) {
					t.Errorf("view of %s says %q, want %q in it", tc.id, v.Unsupported, w)
				}
			}
		}
		if v, err := s.View(coreAnalyst, fixAuthorityInd); err != nil || v.Unsupported != "" {
			t.Errorf("the authority's indicator: %q %v", v.Unsupported, err)
		}
		// The authority records the counterpart's indicator (a version of
		// its own): it screens.
		if _, err := s.Update(coreAnalyst, fixCounterpartInd, intel.Input{Fields: map[string]any{"description": "confirmed"}}); err != nil {
			t.Fatal(err)
		}
		if got := fixHits(t, s, "198.51.100.7"); len(got) != 1 || got[0] != fixCounterpartInd {
			t.Errorf("after the authority recorded it: %v", got)
		}
		if got := fixHits(t, s, "192.0.2.1"); len(got) != 0 {
			t.Errorf("0.0.0.0/0 screens once recorded: %v", got)
		}
	})
}

// Ids of the relationship-marking tests.
const (
	fixRedActor   = "threat-actor--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c2001"
	fixGreenInd   = "indicator--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c2002"
	fixGreenRel   = "relationship--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c2003"
	fixGreenRpt   = "report--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c2004"
	fixGreenRelOK = "relationship--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c2005"
	fixGreenInc   = "incident--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c2006"
)

// TestRelationshipEnds checks that a relationship never tells a RED id
// to a reader who does not see RED: Relate marks it at least as
// restrictively as its ends, and every read path leaves out a
// relationship (imported so) one of whose ends the reader may not see.
func TestRelationshipEnds(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		green, red := stix.TLPMarkingID(warden.TLPGreen), stix.TLPMarkingID(warden.TLPRed)
		coreImport(t, s, coreBundle(
			coreObject("threat-actor", fixRedActor, "2026-01-01T00:00:00.000Z", `"name":"RED actor SECRETNAME","object_marking_refs":["`+red+`"]`),
			coreIndicator(fixGreenInd, "2026-01-01T00:00:00.000Z", "[domain-name:value = 'ends.example']", green),
			coreObject("incident", fixGreenInc, "2026-01-01T00:00:00.000Z", `"name":"green incident","object_marking_refs":["`+green+`"]`),
			coreObject("relationship", fixGreenRel, "2026-01-01T00:00:00.000Z", `"relationship_type":"indicates","source_ref":"`+fixGreenInd+`","target_ref":"`+fixRedActor+`","object_marking_refs":["`+green+`"]`),
			coreObject("relationship", fixGreenRelOK, "2026-01-01T00:00:00.000Z", `"relationship_type":"indicates","source_ref":"`+fixGreenInd+`","target_ref":"`+fixGreenInc+`","object_marking_refs":["`+green+`"]`),
			coreObject("report", fixGreenRpt, "2026-01-01T00:00:00.000Z", `"name":"green report","published":"2026-01-02T00:00:00Z","object_refs":["`+fixGreenRel+`","`+fixGreenInd+`"],"object_marking_refs":["`+green+`"]`)))

		// (a) Relate refuses a marking less restrictive than an end's.
		for _, tc := range []struct {
			tlp  warden.TLP
			code string
		}{{warden.TLPGreen, warden.EINVALID}, {warden.TLPAmberStrict, warden.EINVALID}, {warden.TLPRed, "ok"}} {
			_, err := s.Relate(coreAnalyst, fixGreenInd, "indicates", fixRedActor, 50, "", tc.tlp)
			if coreCode(err) != tc.code || (err != nil && !strings.HasPrefix(warden.ErrorMessage(err), "tlp:")) {
				t.Errorf("relate as %s to a RED actor: %v, want %s", tc.tlp, err, tc.code)
			}
		}
		redRel, err := s.Relate(coreAnalyst, fixGreenInd, "related-to", fixRedActor, -1, "", warden.TLPRed)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(coreAnalyst, redRel.ID, intel.Input{TLP: warden.TLPGreen}); coreCode(err) != warden.EINVALID {
			t.Errorf("re-marking the relationship GREEN: %v", err)
		}

		// (b) Every read path leaves out the GREEN relationship to the
		// RED actor for readers who do not see RED.
		for _, r := range []struct {
			name string
			ctx  context.Context
		}{{"admin", coreAdmin}, {"counterpart", coreA}} {
			if _, err := s.Object(r.ctx, fixGreenRel); coreCode(err) != warden.ENOTFOUND {
				t.Errorf("%s: Object: %v", r.name, err)
			}
			if _, err := s.Versions(r.ctx, fixGreenRel); coreCode(err) != warden.ENOTFOUND {
				t.Errorf("%s: Versions: %v", r.name, err)
			}
			if _, err := s.View(r.ctx, fixGreenRel); coreCode(err) != warden.ENOTFOUND {
				t.Errorf("%s: View: %v", r.name, err)
			}
			page, err := s.Objects(r.ctx, intel.Filter{Types: []string{"relationship"}})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, o := range page.Objects {
				ids = append(ids, o.ID)
			}
			if strings.Contains(strings.Join(ids, " "), fixGreenRel) || !strings.Contains(strings.Join(ids, " "), fixGreenRelOK) {
				t.Errorf("%s: Objects: %v", r.name, ids)
			}
			v, err := s.View(r.ctx, fixGreenRpt)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range v.Neighbours {
				if strings.Contains(string(n.Object), fixRedActor) {
					t.Errorf("%s: the report's view shows %s", r.name, n.Object)
				}
			}
			b, _, err := s.Export(r.ctx, intel.Selection{IDs: []string{fixGreenInd}})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), fixRedActor) || !strings.Contains(string(b), fixGreenRelOK) {
				t.Errorf("%s: the export: %s", r.name, b)
			}
		}
		// Who sees RED reads it.
		if _, err := s.Object(coreAnalyst, fixGreenRel); err != nil {
			t.Errorf("the analyst: %v", err)
		}
	})
}

// TestAttributeRed checks that attribution puts nothing RED into a
// designation, which admins and auditors (cleared to AMBER+STRICT) read:
// a RED actor is not attributed, and the evidence of another leaves out
// the RED incidents, reports and relationships around it.
func TestAttributeRed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		attrParties(t, db, "26663")
		mk := func(typ, name string, tlp warden.TLP, props map[string]any) map[string]any {
			o := map[string]any{"type": typ, "spec_version": "2.1", "id": stix.NewID(typ), "created": "2026-10-01T00:00:00.000Z",
				"modified": "2026-10-01T00:00:00.000Z", "object_marking_refs": []string{stix.TLPMarkingID(tlp)}}
			if name != "" {
				o["name"] = name
			}
			for k, v := range props {
				o[k] = v
			}
			return o
		}
		rel := func(tlp warden.TLP, src map[string]any, typ string, dst map[string]any) map[string]any {
			return mk("relationship", "", tlp, map[string]any{"relationship_type": typ, "source_ref": src["id"], "target_ref": dst["id"]})
		}
		redActor := mk("threat-actor", "RED actor SECRETNAME", warden.TLPRed, nil)
		actor := mk("intrusion-set", "Evil Corp", warden.TLPGreen, nil)
		redInc := mk("incident", "SECRET incident", warden.TLPRed, nil)
		inc := mk("incident", "Dridex at First Bank", warden.TLPGreen, nil)
		redRpt := mk("report", "SECRET report", warden.TLPRed, map[string]any{"published": "2026-10-02T00:00:00Z", "object_refs": []any{actor["id"], redInc["id"]}})
		redRel, greenRel := rel(warden.TLPRed, redInc, "attributed-to", actor), rel(warden.TLPGreen, inc, "attributed-to", actor)
		objs := []map[string]any{redActor, actor, redInc, inc, redRpt, redRel, greenRel}
		b, _ := json.Marshal(map[string]any{"type": "bundle", "id": stix.NewID("bundle"), "objects": objs})
		des := designation.New(db, auth.NewApprovals(db, func() time.Time { return now }))
		s := intel.New(db)
		s.Now = func() time.Time { return now }
		s.Designator = des
		officer := warden.WithPrincipal(context.Background(), warden.Principal{Name: "olga", Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: "user", Person: "olga"})
		if _, err := s.Import(officer, strings.NewReader(string(b)), intel.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, a := range []map[string]any{redActor, actor} {
			if _, err := s.Link(officer, warden.IntelLink{Object: a["id"].(string), Kind: warden.LinkEntity, Ref: "ofac:26663"}); err != nil {
				t.Fatal(err)
			}
		}
		in := intel.AttributeInput{Program: "CYBER2", Reason: "Evil Corp deployed Dridex.", LegalBasis: warden.LegalBasis{Order: "Executive Order 13694", Criterion: "Section 1(a)(ii)(B)"}}
		if _, err := s.Attribute(officer, redActor["id"].(string), in); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "tlp:") {
			t.Errorf("attributing a RED actor: %v, want invalid naming tlp", err)
		}
		ds, err := s.Attribute(officer, actor["id"].(string), in)
		if err != nil || len(ds) != 1 {
			t.Fatalf("attribute: %+v %v", ds, err)
		}
		d, err := des.Get(officer, ds[0].ID)
		if err != nil || len(d.Evidence) != 1 {
			t.Fatalf("designation: %+v %v", d, err)
		}
		_, bundle, err := des.EvidenceFile(officer, d.ID, d.Evidence[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []map[string]any{redActor, redInc, redRpt, redRel} {
			if strings.Contains(string(bundle), o["id"].(string)) {
				t.Errorf("the evidence holds RED %s %v", o["type"], o["name"])
			}
		}
		if strings.Contains(string(bundle), "SECRET") || strings.Contains(string(bundle), stix.TLPMarkingID(warden.TLPRed)) {
			t.Errorf("the evidence tells RED: %s", bundle)
		}
		for _, o := range []map[string]any{actor, inc, greenRel} {
			if !strings.Contains(string(bundle), o["id"].(string)) {
				t.Errorf("the evidence lacks %s %v", o["type"], o["name"])
			}
		}
		if strings.Contains(d.Reasons, "SECRET") || !strings.Contains(d.Reasons, "Evil Corp") {
			t.Errorf("reasons: %q", d.Reasons)
		}
	})
}

// Ids of the push tests.
const (
	fixPushGreen    = "indicator--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c3001"
	fixPushAmberA   = "incident--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c3002"
	fixPushStrictA  = "incident--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c3003"
	fixPushStrictB  = "incident--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c3004"
	fixPushAmberNot = "incident--7d0f0b5e-1a4c-4f57-9a50-0d6f2b8c3005"
)

// fixPartner is a partner's TAXII server for pushes: it answers as its
// mode says, and records what it was sent and how many intel.push audit
// events there were when each request came.
type fixPartner struct {
	mu      sync.Mutex
	mode    string // ok, refuse (401 with words of its own), redirect
	to      string // where redirect points
	got     []string
	audited []int
	hits    int
}

func (f *fixPartner) handler(t *testing.T, db *store.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.hits++
		f.audited = append(f.audited, len(coreAudit(t, db, "intel.push")))
		switch f.mode {
		case "refuse":
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"title":"Unauthorized","description":"PARTNER-SECRET-WORDS"}`)
			return
		case "redirect":
			http.Redirect(w, r, f.to, http.StatusFound)
			return
		}
		var e taxii.Envelope
		json.NewDecoder(r.Body).Decode(&e)
		f.got = nil
		for _, o := range e.Objects {
			var x struct{ Type, ID string }
			json.Unmarshal(o, &x)
			if x.Type != "marking-definition" {
				f.got = append(f.got, x.ID)
			}
		}
		slices.Sort(f.got)
		w.Header().Set("Content-Type", taxii.MediaType)
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"id":"st-1","status":"complete","total_count":%d,"success_count":%d,"failure_count":0,"pending_count":0}`, len(e.Objects), len(e.Objects))
	}
}

// TestPushRules checks a push: for a partner organisation only, with the
// counterpart's markings (AMBER and AMBER+STRICT only shared with it),
// audited before anything is sent and after, a partner's refusal told
// by its status alone, and no redirect followed (nor by a pull); plain
// http only to this machine.
func TestPushRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		mark := func(tlp warden.TLP) string { return `"object_marking_refs":["` + stix.TLPMarkingID(tlp) + `"]` }
		inc := func(id, name string, tlp warden.TLP) string {
			return coreObject("incident", id, "2026-01-01T00:00:00.000Z", `"name":"`+name+`",`+mark(tlp))
		}
		coreImport(t, s, coreBundle(coreIndicator(fixPushGreen, "2026-01-01T00:00:00.000Z", "[domain-name:value = 'push.example']", stix.TLPMarkingID(warden.TLPGreen)),
			inc(fixPushAmberA, "amber for A", warden.TLPAmber), inc(fixPushStrictA, "strict for A", warden.TLPAmberStrict),
			inc(fixPushStrictB, "strict for B", warden.TLPAmberStrict), inc(fixPushAmberNot, "amber for nobody", warden.TLPAmber)))
		for org, ids := range map[string][]string{"org-a": {fixPushAmberA, fixPushStrictA}, "org-b": {fixPushStrictB}} {
			c, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "To " + org, Orgs: []string{org}, CanRead: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Share(coreAnalyst, c.ID, ids); err != nil {
				t.Fatal(err)
			}
		}
		elsewhere := &fixPartner{}
		other := httptest.NewServer(elsewhere.handler(t, db))
		defer other.Close()
		partner := &fixPartner{mode: "ok", to: other.URL + "/api/"}
		srv := httptest.NewServer(partner.handler(t, db))
		defer srv.Close()
		api := srv.URL + "/api/"

		for _, tc := range []struct {
			name, url string
			sel       intel.Selection
			code      string
			field     string
		}{
			{"no partner organisation", api, intel.Selection{IDs: []string{fixPushGreen}}, warden.EINVALID, "for:"},
			{"plain http elsewhere", "http://partner.example/api/", intel.Selection{IDs: []string{fixPushGreen}, For: "org-a"}, warden.EINVALID, "url:"},
			{"AMBER+STRICT shared with another", api, intel.Selection{IDs: []string{fixPushStrictB}, For: "org-a"}, warden.ENOTFOUND, ""},
			{"AMBER shared with nobody", api, intel.Selection{IDs: []string{fixPushAmberNot}, For: "org-a"}, warden.ENOTFOUND, ""},
		} {
			_, err := s.Push(coreAnalyst, tc.url, "c-1", "tok", tc.sel)
			if coreCode(err) != tc.code || !strings.HasPrefix(warden.ErrorMessage(err), tc.field) {
				t.Errorf("%s: %v, want %s naming %q", tc.name, err, tc.code, tc.field)
			}
		}
		if _, err := s.AddFeed(coreAdmin, intel.Feed{Name: "clear", URL: "http://partner.example/api/", Collection: "c-1"}); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "url:") {
			t.Errorf("a feed over plain http: %v", err)
		}
		if partner.hits != 0 || len(coreAudit(t, db, "intel.push")) != 0 {
			t.Fatalf("refused pushes reached the partner (%d) or were audited as sent", partner.hits)
		}

		// What org-a may see goes, audited before it is sent.
		st, err := s.Push(coreAnalyst, api, "c-1", "tok", intel.Selection{IDs: []string{fixPushGreen, fixPushAmberA, fixPushStrictA}, For: "org-a"})
		want := []string{fixPushStrictA, fixPushAmberA, fixPushGreen}
		slices.Sort(want)
		if err != nil || st != "complete" || !slices.Equal(partner.got, want) || !slices.Equal(partner.audited, []int{1}) {
			t.Fatalf("push: %q %v, sent %v, audited before %v", st, err, partner.got, partner.audited)
		}
		var d struct {
			IDs     []string `json:"ids"`
			Objects int      `json:"objects"`
			For     string   `json:"for"`
			State   string   `json:"state"`
			Status  int      `json:"http_status"`
			Error   string   `json:"error"`
		}
		ev := coreAudit(t, db, "intel.push")
		json.Unmarshal(ev[0].Detail, &d)
		slices.Sort(d.IDs)
		if !slices.Equal(d.IDs, want) || d.Objects != 3 || d.For != "org-a" || ev[0].Object != "taxii:"+api {
			t.Errorf("intel.push audited %+v %s", ev[0], ev[0].Detail)
		}
		out := coreAudit(t, db, "intel.push.outcome")
		if len(out) != 1 || json.Unmarshal(out[0].Detail, &d) != nil || d.State != "complete" || d.Status != http.StatusAccepted {
			t.Errorf("the outcome audited: %+v", out)
		}

		// A partner that refuses: its status, not its words nor its 401.
		partner.mode = "refuse"
		_, err = s.Push(coreAnalyst, api, "c-1", "tok", intel.Selection{IDs: []string{fixPushGreen}, For: "org-a"})
		if coreCode(err) != warden.EINVALID || warden.ErrorMessage(err) != "url: the partner answered HTTP 401" || strings.Contains(err.Error(), "PARTNER-SECRET") {
			t.Errorf("a refusal: %v", err)
		}
		out = coreAudit(t, db, "intel.push.outcome")
		d.Error, d.Status = "", 0
		if len(out) != 2 || json.Unmarshal(out[1].Detail, &d) != nil || d.Status != http.StatusUnauthorized || !strings.Contains(d.Error, "401") {
			t.Errorf("the failed push audited: %+v", out)
		}
		if n := len(coreAudit(t, db, "intel.push")); n != 2 {
			t.Errorf("%d pushes audited, want 2", n)
		}

		// A redirect is not followed, by a push or a pull.
		partner.mode = "redirect"
		_, err = s.Push(coreAnalyst, api, "c-1", "tok", intel.Selection{IDs: []string{fixPushGreen}, For: "org-a"})
		if coreCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), "redirect to \""+other.URL) {
			t.Errorf("a push redirected: %v", err)
		}
		if _, err := s.AddFeed(coreAdmin, intel.Feed{Name: "moved", URL: api, Collection: "c-1", Token: "feed-token"}); err != nil {
			t.Fatal(err)
		}
		_, err = s.Pull(coreAnalyst, "moved")
		if coreCode(err) != warden.EINVALID || !strings.Contains(warden.ErrorMessage(err), "redirect to \""+other.URL) {
			t.Errorf("a pull redirected: %v", err)
		}
		// The CLI's pull without a feed: the same rules.
		if _, err := s.PullFrom(coreAnalyst, &taxii.Client{BaseURL: api, Token: "tok"}, "c-1", time.Time{}, intel.ImportOptions{}, nil); err == nil {
			t.Errorf("a pull without a feed followed the redirect")
		}
		if _, err := s.PullFrom(coreAnalyst, &taxii.Client{BaseURL: "http://partner.example/api/"}, "c-1", time.Time{}, intel.ImportOptions{}, nil); coreCode(err) != warden.EINVALID || !strings.HasPrefix(warden.ErrorMessage(err), "url:") {
			t.Errorf("a pull without a feed over plain http: %v", err)
		}
		if elsewhere.hits != 0 {
			t.Errorf("the redirect was followed %d times", elsewhere.hits)
		}
	})
}

// TestUpdateAudit checks that an edit's audit event says which
// properties changed and the marking before and after.
func TestUpdateAudit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		o, err := s.Create(coreAnalyst, intel.Input{Type: "incident", TLP: warden.TLPAmber, Fields: map[string]any{"name": "Breach", "description": "first"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(coreAnalyst, o.ID, intel.Input{TLP: warden.TLPRed, Fields: map[string]any{"description": "second", "name": "Breach"}}); err != nil {
			t.Fatal(err)
		}
		ev := coreAudit(t, db, "intel.update")
		var d struct {
			Fields []string `json:"fields"`
		}
		var m map[string]any
		if len(ev) != 1 || json.Unmarshal(ev[0].Detail, &d) != nil || json.Unmarshal(ev[0].Detail, &m) != nil {
			t.Fatalf("audit: %+v", ev)
		}
		if !slices.Equal(d.Fields, []string{"description"}) || m["tlp_from"] != "amber" || m["tlp"] != "red" {
			t.Errorf("intel.update audited %s", ev[0].Detail)
		}
	})
}
