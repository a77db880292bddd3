package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"warden"
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
			{"role":"originator","name":"Acme Hospital Group","account":"US-1"},{"role":"beneficiary","wallet":"bc1qkorsakov0coldsteel7ransom5wallet9xyzq2"}]}`
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
