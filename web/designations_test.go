package web

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/publish"
	"warden/store"
	"warden/store/storetest"
)

// designationBody is designation/testdata/party.json with edit applied
// to its decoded form.
func designationBody(t *testing.T, edit func(map[string]any)) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../designation/testdata/party.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	return m
}

// upload posts data as the multipart part file named name.
func (c *client) upload(path, name string, data []byte) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.p.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// TestDesignationAPI: over HTTP, a designation cannot be published
// without a second sanctions officer; bad input is a 400 that changes
// nothing; counterparts learn nothing.
func TestDesignationAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, func(s *Server) { s.Designations.MaxEvidence = 4 << 10 })
		id := &identities{t: t, p: p}
		sofia, oscar, ana := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("oscar", warden.RoleSanctionsOfficer), id.bootstrap("ana", warden.RoleAnalyst)

		for name, tc := range map[string]struct {
			edit func(map[string]any)
			want string
		}{
			"no legal basis":  {func(m map[string]any) { delete(m, "legal_basis") }, "legal_basis.order is required"},
			"unknown program": {func(m map[string]any) { m["program"] = "NARCO" }, `NARCO`},
			"unknown field":   {func(m map[string]any) { m["colour"] = "red" }, "colour"},
		} {
			code, b := sofia.call("POST", "/v1/designations", designationBody(t, tc.edit))
			if code != 400 || !strings.Contains(string(b), tc.want) {
				t.Errorf("%s: %d %s", name, code, b)
			}
		}
		if ds, _ := db.Designations(context.Background(), ""); len(ds) != 0 {
			t.Fatalf("bad input stored %d designations", len(ds))
		}

		code, b := ana.call("POST", "/v1/designations", designationBody(t, func(m map[string]any) { m["propose"] = true }))
		if code != 403 {
			t.Errorf("an analyst proposing: %d %s", code, b)
		}
		code, b = ana.call("POST", "/v1/designations", designationBody(t, nil))
		var d warden.Designation
		json.Unmarshal(b, &d)
		if code != 201 || d.Status != warden.DesignationDraft {
			t.Fatalf("an analyst's draft: %d %s", code, b)
		}
		path := fmt.Sprintf("/v1/designations/%d", d.ID)
		for name, tc := range map[string]struct {
			data []byte
			code int
		}{
			"evidence.pdf": {[]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), 201},
			"big.txt":      {bytes.Repeat([]byte("a"), 4<<10+1), 400},
			"page.pdf":     {[]byte("<!DOCTYPE html><html><body>x</body></html>"), 400},
		} {
			if code, b := ana.upload(path+"/evidence", name, tc.data); code != tc.code {
				t.Errorf("evidence %s: %d %s", name, code, b)
			}
		}
		if code, b := sofia.call("POST", path+"/delist", map[string]string{"reason": "never listed"}); code != 400 || !strings.Contains(string(b), "not listed") {
			t.Errorf("delisting a party not listed: %d %s", code, b)
		}
		if code, b := sofia.call("POST", path+"/propose", nil); code != 200 {
			t.Fatalf("propose: %d %s", code, b)
		}
		for who, c := range map[string]*client{"the proposer": sofia, "an analyst": ana} {
			if code, b := c.call("POST", path+"/approve", map[string]string{"reason": "fine"}); code != 403 {
				t.Errorf("%s approving: %d %s", who, code, b)
			}
		}
		if code, _ := sofia.call("GET", "/v1/entities/cyber_sanctions:1", nil); code != 404 {
			t.Errorf("the party before publication: %d", code)
		}
		cp := p.tokens[warden.RoleCounterpart]
		for _, x := range []string{path, "/v1/designations/999", "/v1/designations"} {
			if resp := p.do(t, "GET", x, cp, "", ""); resp.StatusCode != 403 {
				t.Errorf("a counterpart reading %s: %d", x, resp.StatusCode)
			}
		}
		code, b = oscar.call("POST", path+"/approve", map[string]string{"reason": "evidence checked"})
		json.Unmarshal(b, &d)
		if code != 200 || d.Status != warden.DesignationPublished || d.Version != 1 || len(d.Evidence) != 1 {
			t.Fatalf("a second officer approving: %d %s", code, b)
		}
		if code, b := sofia.call("GET", "/v1/designations?status=published", nil); code != 200 || !strings.Contains(string(b), `"status":"published"`) {
			t.Errorf("list: %d %s", code, b)
		}
		if code, _ := sofia.call("GET", "/v1/entities/cyber_sanctions:1", nil); code != 200 {
			t.Errorf("the party after publication: %d", code)
		}
	})
}

// TestDesignationRejectViaApprovals: rejecting a designation's four-eyes
// approval through /v1/approvals/{id}/reject rejects the designation too,
// and publishes nothing.
func TestDesignationRejectViaApprovals(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		id := &identities{t: t, p: p}
		sofia, oscar := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("oscar", warden.RoleSanctionsOfficer)
		code, b := sofia.call("POST", "/v1/designations", designationBody(t, func(m map[string]any) { m["propose"] = true }))
		var d warden.Designation
		json.Unmarshal(b, &d)
		if code != 201 || d.Status != warden.DesignationProposed || d.Approval == 0 {
			t.Fatalf("propose: %d %s", code, b)
		}
		if code, b := oscar.call("POST", fmt.Sprintf("/v1/approvals/%d/reject", d.Approval), map[string]string{"reason": "evidence too thin"}); code != 200 {
			t.Fatalf("reject through the approval: %d %s", code, b)
		}
		code, b = sofia.call("GET", fmt.Sprintf("/v1/designations/%d", d.ID), nil)
		json.Unmarshal(b, &d)
		if code != 200 || d.Status != warden.DesignationRejected || d.Decision != "evidence too thin" {
			t.Errorf("the designation after its approval was rejected: %d %s", code, b)
		}
		if code, b := oscar.call("POST", fmt.Sprintf("/v1/designations/%d/approve", d.ID), map[string]string{"reason": "after all"}); code != 409 {
			t.Errorf("approving the rejected designation: %d %s", code, b)
		}
		if code, _ := sofia.call("GET", "/v1/entities/cyber_sanctions:1", nil); code != 404 {
			t.Errorf("the rejected party is listed: %d", code)
		}
	})
}

// TestDesignationBlocksPayments: publishing a new party on cyber_sanctions
// makes a payment to its wallet blocked on the running server after one
// refresh of the index, and a cleared customer of its name held, without
// a restart.
func TestDesignationBlocksPayments(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		p := newPlatform(t, db, nil)
		id := &identities{t: t, p: p}
		sofia, oscar := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("oscar", warden.RoleSanctionsOfficer)
		clerk := p.tokens[warden.RoleScreener]
		const payment = `{"reference":"%s","amount":{"currency":"USD","minor":990000},"parties":[
			{"role":"originator","name":"Acme Hospital Group","account":"US-1"},{"role":"beneficiary","wallet":"bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua"}]}`
		decide := func(ref string) string {
			resp := p.do(t, "POST", "/v1/transactions", clerk, "application/json", fmt.Sprintf(payment, ref))
			var d warden.TxDecision
			json.NewDecoder(resp.Body).Decode(&d)
			return d.Decision
		}
		if got := decide("before"); got != "cleared" {
			t.Fatalf("before the designation: %s", got)
		}
		resp := p.do(t, "POST", "/v1/customers", clerk, "application/json", `{"id":"K9","schema":"Person","name":"Dmitri Olegovich Korsakov","country":"RU"}`)
		var c warden.Customer
		json.NewDecoder(resp.Body).Decode(&c)
		if resp.StatusCode != 201 || c.Decision != "cleared" {
			t.Fatalf("customer before the designation: %d %+v", resp.StatusCode, c)
		}

		code, b := sofia.call("POST", "/v1/designations", designationBody(t, func(m map[string]any) { m["propose"] = true }))
		var d warden.Designation
		json.Unmarshal(b, &d)
		if code != 201 {
			t.Fatalf("propose: %d %s", code, b)
		}
		if code, b = oscar.call("POST", fmt.Sprintf("/v1/designations/%d/approve", d.ID), map[string]string{"reason": "ok"}); code != 200 {
			t.Fatalf("approve: %d %s", code, b)
		}
		changed, err := p.s.Screening.Refresh(ctx) // one turn of the server's refresh loop
		if err != nil || !changed {
			t.Fatalf("refresh: %v %v", changed, err)
		}
		if got := decide("after"); got != "blocked" {
			t.Errorf("a payment to the designated wallet: %s", got)
		}
		if _, err := p.s.Enforcement.RescreenIfNew(ctx); err != nil { // the server's re-screening loop
			t.Fatal(err)
		}
		// An exact hit on a party blocked by policy blocks the customer (a
		// weaker one would hold it for review).
		resp = p.do(t, "GET", "/v1/customers/K9", p.tokens[warden.RoleAuditor], "", "")
		b, _ = io.ReadAll(resp.Body)
		var after warden.Customer
		json.Unmarshal(b, &after)
		if after.Status != "blocked" || len(after.Hits) == 0 || after.Hits[0].EntityID != "cyber_sanctions:1" {
			t.Errorf("the cleared customer after the designation: %d %s", resp.StatusCode, b)
		}
	})
}

// TestDelistingFlagsCases: a payment held on a possible hit on a
// designated party keeps its open case when a delisting of the party is
// published; the case is flagged for review (in GET /v1/cases and on the
// review queue page) and nothing else moves: the payment stays held, the
// property blocked from the party stays blocked.
func TestDelistingFlagsCases(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		// A name hit confirms only at 0.99, so a near name is held for review.
		p := newPlatform(t, db, func(s *Server) { s.Enforcement.Policy.Match = 0.99 })
		id := &identities{t: t, p: p}
		sofia, oscar, ana := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("oscar", warden.RoleSanctionsOfficer), id.bootstrap("ana", warden.RoleAnalyst)
		clerk := p.tokens[warden.RoleScreener]
		pay := func(ref, beneficiary string) warden.TxDecision {
			t.Helper()
			resp := p.do(t, "POST", "/v1/transactions", clerk, "application/json", fmt.Sprintf(`{"reference":%q,"amount":{"currency":"USD","minor":990000},"parties":[
				{"role":"originator","name":"Acme Hospital Group","account":"US-1"},{"role":"beneficiary",%s}]}`, ref, beneficiary))
			var d warden.TxDecision
			json.NewDecoder(resp.Body).Decode(&d)
			return d
		}
		code, b := sofia.call("POST", "/v1/designations", designationBody(t, func(m map[string]any) { m["propose"] = true }))
		var d warden.Designation
		json.Unmarshal(b, &d)
		if code != 201 {
			t.Fatalf("propose: %d %s", code, b)
		}
		if code, b = oscar.call("POST", fmt.Sprintf("/v1/designations/%d/approve", d.ID), map[string]string{"reason": "ok"}); code != 200 {
			t.Fatalf("approve: %d %s", code, b)
		}
		if _, err := p.s.Screening.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := pay("wallet", `"wallet":"bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua"`); got.Decision != "blocked" {
			t.Fatalf("a payment to the designated wallet: %+v", got)
		}
		held := pay("name", `"name":"Dmitry Korsakov","account":"RU-7"`)
		if held.Decision != "held" || len(held.Cases) == 0 {
			t.Fatalf("a payment to a name like the party's: %+v", held)
		}
		balances := func() string {
			resp := p.do(t, "GET", "/v1/blocked-property", p.tokens[warden.RoleAuditor], "", "")
			b, _ := io.ReadAll(resp.Body)
			var l struct{ Balances json.RawMessage }
			json.Unmarshal(b, &l)
			return string(l.Balances)
		}
		before := balances()
		if !strings.Contains(before, "cyber_sanctions:1") {
			t.Fatalf("nothing blocked from the party: %s", before)
		}

		code, b = sofia.call("POST", fmt.Sprintf("/v1/designations/%d/delist", d.ID), map[string]string{"reason": "cooperated with the investigation"})
		var delist warden.Designation
		json.Unmarshal(b, &delist)
		if code != 201 {
			t.Fatalf("delist: %d %s", code, b)
		}
		if code, b = oscar.call("POST", fmt.Sprintf("/v1/designations/%d/approve", delist.ID), map[string]string{"reason": "ok"}); code != 200 || !strings.Contains(string(b), `"status":"published"`) {
			t.Fatalf("approve the delisting: %d %s", code, b)
		}

		code, b = ana.call("GET", "/v1/cases?status=open", nil)
		var cs struct{ Cases []warden.Case }
		json.Unmarshal(b, &cs)
		want := fmt.Sprintf("party delisted by designation %d", delist.ID)
		flagged := 0
		for _, c := range cs.Cases {
			if c.Reference == "name" {
				if c.Status != warden.CaseOpen || c.ReviewFlag != want || !strings.Contains(string(b), `"review_flag":"`+want+`"`) {
					t.Errorf("case %d after the delisting: %+v", c.ID, c)
				}
				flagged++
			}
		}
		if code != 200 || flagged != len(held.Cases) {
			t.Fatalf("open cases of the held payment after the delisting (%d of %d): %d %s", flagged, len(held.Cases), code, b)
		}
		if n := len(events(t, db, "case.flagged")); n != flagged {
			t.Errorf("%d case.flagged events for %d cases", n, flagged)
		}
		resp := p.do(t, "GET", "/v1/transactions/name", p.tokens[warden.RoleAuditor], "", "")
		var tx warden.TxDecision
		json.NewDecoder(resp.Body).Decode(&tx)
		if tx.Status != "held" {
			t.Errorf("the held payment after the delisting: %+v", tx)
		}
		if after := balances(); after != before {
			t.Errorf("blocked property moved by the delisting: %s, was %s", after, before)
		}
		code, html := ana.call("GET", "/cases", nil)
		if code != 200 || !strings.Contains(string(html), `class="panel case flagged"`) || !strings.Contains(string(html), "<strong>Review:</strong> <bdi>"+want+"</bdi>") {
			t.Errorf("the review queue does not show the flag: %d", code)
		}
	})
}

// events returns the domain events of a type.
func events(t *testing.T, db *store.DB, typ string) []warden.DomainEvent {
	t.Helper()
	evs, err := db.Events(context.Background(), typ, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestEvidenceDownload: an evidence file comes back byte for byte, typed
// as it was stored, as an attachment the browser may not re-type, with
// its SHA-256 (the one on the designation) as the ETag; readers only,
// and only through the designation it is attached to.
func TestEvidenceDownload(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		id := &identities{t: t, p: p}
		ana := id.bootstrap("ana", warden.RoleAnalyst)
		var ds [2]warden.Designation
		for i := range ds {
			code, b := ana.call("POST", "/v1/designations", designationBody(t, nil))
			json.Unmarshal(b, &ds[i])
			if code != 201 {
				t.Fatalf("draft: %d %s", code, b)
			}
		}
		files := []struct {
			name, typ string
			data      []byte
		}{
			{"wallet trace.png", "image/png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 0xff, 0x7f}, 300)...)},
			{"отчёт.txt", "text/plain; charset=utf-8", []byte("Ransom paid 2025-03-01 to the wallet above.\n")},
		}
		for _, f := range files {
			code, b := ana.upload(fmt.Sprintf("/v1/designations/%d/evidence", ds[0].ID), f.name, f.data)
			var e warden.Evidence
			json.Unmarshal(b, &e)
			if code != 201 {
				t.Fatalf("upload %s: %d %s", f.name, code, b)
			}
			sum := sha256.Sum256(f.data)
			want := hex.EncodeToString(sum[:])
			if e.SHA256 != want {
				t.Errorf("%s: stored SHA-256 %s, want %s", f.name, e.SHA256, want)
			}
			path := fmt.Sprintf("/v1/designations/%d/evidence/%d", ds[0].ID, e.ID)
			for _, role := range []warden.Role{warden.RoleAuditor, warden.RoleSanctionsOfficer} {
				resp := p.do(t, "GET", path, p.tokens[role], "", "")
				got, _ := io.ReadAll(resp.Body)
				h := resp.Header
				_, params, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
				if resp.StatusCode != 200 || !bytes.Equal(got, f.data) || h.Get("Content-Type") != f.typ || h.Get("ETag") != `"`+want+`"` ||
					!strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || params["filename"] != f.name || h.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("%s reading %s: %d %q %v", role, f.name, resp.StatusCode, got[:min(len(got), 40)], h)
				}
				if resp := p.do(t, "GET", path+"?x=1", p.tokens[role], "", ""); resp.StatusCode != 400 {
					t.Errorf("an undeclared parameter: %d", resp.StatusCode)
				}
			}
			req, _ := http.NewRequest("GET", p.srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+p.tokens[warden.RoleAnalyst])
			req.Header.Set("If-None-Match", `"`+want+`"`)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 304 {
				t.Errorf("%s with its ETag: %d", f.name, resp.StatusCode)
			}
			for _, role := range []warden.Role{warden.RoleCounterpart, warden.RoleScreener, warden.RoleLiaison} {
				resp := p.do(t, "GET", path, p.tokens[role], "", "")
				if got, _ := io.ReadAll(resp.Body); resp.StatusCode != 403 || bytes.Contains(got, f.data[:8]) {
					t.Errorf("%s reading %s: %d %s", role, f.name, resp.StatusCode, got)
				}
			}
			if resp := p.do(t, "GET", path, "", "", ""); resp.StatusCode != 401 {
				t.Errorf("no credentials: %d", resp.StatusCode)
			}
			other := fmt.Sprintf("/v1/designations/%d/evidence/%d", ds[1].ID, e.ID)
			if resp := p.do(t, "GET", other, p.tokens[warden.RoleAuditor], "", ""); resp.StatusCode != 404 {
				t.Errorf("the file through another designation: %d", resp.StatusCode)
			}
		}
		if resp := p.do(t, "GET", fmt.Sprintf("/v1/designations/%d/evidence/x", ds[0].ID), p.tokens[warden.RoleAuditor], "", ""); resp.StatusCode != 400 {
			t.Errorf("a malformed evidence id: %d", resp.StatusCode)
		}
	})
}

// TestNothingBeforePublication: of the authority's designations, only
// what is published leaves it. With one party published, another
// proposed, a third approved for a later date and an amendment of the
// first (a new alias) proposed: the public exports in every format, the
// public notice and the authenticated notice hold the published party
// only, and no later version exists; an entity or screening reader who
// may not read designations finds nothing of the others; a counterpart is
// refused every designation and approval route.
func TestNothingBeforePublication(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		_, key, err := ed25519.GenerateKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		p := newPlatform(t, db, func(s *Server) {
			s.Lists.Public = []string{"cyber_sanctions"}
			s.Public = Public{Key: key}
		})
		id := &identities{t: t, p: p}
		sofia, oscar := id.bootstrap("sofia", warden.RoleSanctionsOfficer), id.bootstrap("oscar", warden.RoleSanctionsOfficer)
		propose := func(path string, body any) warden.Designation {
			t.Helper()
			code, b := sofia.call("POST", path, body)
			var d warden.Designation
			json.Unmarshal(b, &d)
			if code != 201 || d.Status != warden.DesignationProposed {
				t.Fatalf("%s: %d %s", path, code, b)
			}
			return d
		}
		party := func(name, wallet string, publishAt string) map[string]any {
			return designationBody(t, func(m map[string]any) {
				m["propose"] = true
				party := m["party"].(map[string]any)
				party["names"] = []map[string]any{{"full": name, "kind": "primary"}}
				party["identifiers"] = []map[string]any{{"type": "crypto", "value": wallet, "currency": "XBT"}}
				delete(m, "companies")
				if publishAt != "" {
					m["publish_at"] = publishAt
				}
			})
		}
		approve := func(d warden.Designation) {
			t.Helper()
			if code, b := oscar.call("POST", fmt.Sprintf("/v1/designations/%d/approve", d.ID), map[string]string{"reason": "checked"}); code != 200 {
				t.Fatalf("approve %d: %d %s", d.ID, code, b)
			}
		}
		published := propose("/v1/designations", party("Arkady PUBLISHEDOV", "bc1qpu8ljshed00000000000000000000004dsa3w", ""))
		approve(published)
		proposed := propose("/v1/designations", party("Boris PROPOSEDSKY", "bc1qpr0p0sed00000000000000000000000x9st4g", ""))
		later := propose("/v1/designations", party("Casimir LATERMAN", "bc1qlater00000000000000000000000000077wph6", time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339)))
		approve(later)
		amended := designationBody(t, nil)["party"].(map[string]any)
		amended["names"] = []map[string]any{{"full": "Arkady PUBLISHEDOV", "kind": "primary"}, {"full": "DRAFTALIAS", "kind": "aka"}}
		amendment := propose(fmt.Sprintf("/v1/designations/%d/amend", published.ID), map[string]any{"party": amended, "reasons": "a new alias"})
		secrets := []string{"PROPOSEDSKY", "bc1qpr0p0sed", "LATERMAN", "bc1qlater", "DRAFTALIAS"}
		hides := func(what string, b []byte) {
			t.Helper()
			for _, s := range secrets {
				if bytes.Contains(bytes.ToUpper(b), bytes.ToUpper([]byte(s))) {
					t.Errorf("%s shows %s before its publication", what, s)
				}
			}
		}

		public := p.srv.URL + "/public/lists/cyber_sanctions/"
		for _, format := range publish.Formats {
			resp, manifest := fetchURL(t, public+"latest/"+format+"/"+publish.ManifestName)
			if format == "ftm-delta" && resp.StatusCode == 404 {
				continue // no version before the first
			}
			var m publish.Manifest
			if resp.StatusCode != 200 || json.Unmarshal(manifest, &m) != nil || m.Version != 1 {
				t.Fatalf("%s manifest: %d %s", format, resp.StatusCode, manifest)
			}
			all := manifest
			for _, f := range m.Files {
				resp, b := fetchURL(t, public+"latest/"+format+"/"+f.Name)
				if resp.StatusCode != 200 {
					t.Fatalf("%s/%s: %d", format, f.Name, resp.StatusCode)
				}
				all = append(all, b...)
			}
			if !bytes.Contains(bytes.ToUpper(all), []byte("PUBLISHEDOV")) {
				t.Errorf("%s export lacks the published party", format)
			}
			hides(format+" export", all)
			if resp, _ := fetchURL(t, public+"versions/2/"+format+"/"+publish.ManifestName); resp.StatusCode != 404 {
				t.Errorf("%s version 2 before any: %d", format, resp.StatusCode)
			}
		}
		for _, path := range []string{public + "versions/1/notice", public + "versions/1/notice?format=text"} {
			resp, b := fetchURL(t, path)
			if resp.StatusCode != 200 || !bytes.Contains(bytes.ToUpper(b), []byte("PUBLISHEDOV")) {
				t.Errorf("%s: %d %s", path, resp.StatusCode, b)
			}
			hides(path, b)
		}
		if resp, _ := fetchURL(t, public+"versions/2/notice"); resp.StatusCode != 404 {
			t.Errorf("the notice of a version not published: %d", resp.StatusCode)
		}
		code, b := sofia.call("GET", "/v1/lists/cyber_sanctions/versions/1/notice?format=text", nil)
		if code != 200 {
			t.Errorf("notice: %d %s", code, b)
		}
		hides("the notice", b)

		liaison, screener := p.tokens[warden.RoleLiaison], p.tokens[warden.RoleScreener]
		for _, d := range []warden.Designation{proposed, later} {
			resp := p.do(t, "GET", "/v1/entities/cyber_sanctions:"+d.Party.SourceID, liaison, "", "")
			if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 404 {
				t.Errorf("the party of designation %d: %d %s", d.ID, resp.StatusCode, b)
			}
		}
		resp := p.do(t, "GET", "/v1/entities/cyber_sanctions:"+published.Party.SourceID, liaison, "", "")
		b, _ = io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Errorf("the published party: %d %s", resp.StatusCode, b)
		}
		hides("the published party", b)
		for _, name := range []string{"Boris Proposedsky", "Casimir Laterman", "DRAFTALIAS"} {
			resp := p.do(t, "POST", "/v1/screen", screener, "application/json", fmt.Sprintf(`{"name":%q}`, name))
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || bytes.Contains(b, []byte("cyber_sanctions")) {
				t.Errorf("screening %s: %d %s", name, resp.StatusCode, b)
			}
		}

		cp := p.tokens[warden.RoleCounterpart]
		for _, path := range []string{"/v1/designations", "/v1/designations?status=proposed", "/v1/approvals",
			fmt.Sprintf("/v1/designations/%d", proposed.ID), fmt.Sprintf("/v1/designations/%d", amendment.ID),
			"/v1/entities/cyber_sanctions:" + later.Party.SourceID, "/v1/audit", "/designations"} {
			resp := p.do(t, "GET", path, cp, "", "")
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 403 {
				t.Errorf("a counterpart reading %s: %d", path, resp.StatusCode)
			}
			hides("a counterpart's "+path, b)
		}
	})
}

// fetchURL GETs url without credentials.
func fetchURL(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}
