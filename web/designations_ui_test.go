package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestDesignationForm posts the proposal page's form: bad input and bad
// evidence show the form again with the error and what was typed, and
// store nothing; a good one goes to the new designation's page.
func TestDesignationForm(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPlatform(t, db, nil)
		good := map[string]string{"schema": "Person", "name": "Dmitri Olegovich KORSAKOV", "aliases": "Дмитрий Олегович КОРСАКОВ\nCOLDSTEEL",
			"birth_dates": "1988-03-14", "nationalities": "RU", "wallets": "XBT bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua", "program": "CYBER2",
			"order": "Executive Order 13694", "criterion": "Section 1(a)(ii)(B)", "reasons": "Ran the COLDSTEEL ransomware.", "propose": "on"}
		with := func(k, v string) map[string]string {
			m := map[string]string{}
			for a, b := range good {
				m[a] = b
			}
			m[k] = v
			return m
		}
		for _, tc := range []struct {
			name       string
			role       warden.Role
			fields     map[string]string
			file, data string
			status     int
			want       []string // in the page (the error, and what was typed)
		}{
			{"no legal basis", warden.RoleSanctionsOfficer, with("order", ""), "", "", 400, []string{"legal_basis.order is required", "Дмитрий Олегович КОРСАКОВ"}},
			{"unknown program", warden.RoleSanctionsOfficer, with("program", "IRAN"), "", "", 400, []string{`program &#34;IRAN&#34; is not one of`, "COLDSTEEL"}},
			{"wallet without ticker", warden.RoleSanctionsOfficer, with("wallets", "bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua"), "", "", 400, []string{"wallets line 1", "bc1qk0rsak0v0c0ldsteel7rans0m5wallet4uwwua"}},
			{"HTML evidence", warden.RoleSanctionsOfficer, good, "trace.pdf", "<html><script>alert(1)</script></html>", 400, []string{"evidence must be PDF, PNG, JPEG", "Ran the COLDSTEEL ransomware."}},
			{"bad publication time", warden.RoleSanctionsOfficer, with("publish_at", "tomorrow"), "", "", 400, []string{"publish_at must be a time"}},
			{"analyst proposing", warden.RoleAnalyst, good, "", "", 403, []string{"may not designations.propose"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp := postDesignationForm(t, p, tc.role, tc.fields, tc.file, tc.data)
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
				}
				for _, w := range tc.want {
					if !strings.Contains(string(body), w) {
						t.Errorf("page lacks %q: %s", w, body)
					}
				}
				ds, err := p.s.Designations.List(warden.WithPrincipal(context.Background(), warden.Operator), "")
				if err != nil || len(ds) != 0 {
					t.Errorf("stored after a refusal: %d %v", len(ds), err)
				}
			})
		}
		resp := postDesignationForm(t, p, warden.RoleSanctionsOfficer, good, "trace.txt", "Ransom traced to the wallet.\n")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/designations/1" {
			t.Fatalf("good proposal: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		d, err := p.s.Designations.Get(warden.WithPrincipal(context.Background(), warden.Operator), 1)
		if err != nil || d.Status != warden.DesignationProposed || len(d.Evidence) != 1 || len(d.Party.Names) != 3 || d.Party.Identifiers[0].Currency != "XBT" {
			t.Errorf("stored: %+v %v", d, err)
		}
		// Its page: the audit timeline for an auditor; a proposal cannot be
		// delisted or amended, it is not listed yet.
		for _, tc := range []struct {
			role         warden.Role
			method, path string
			ct, body     string
			status       int
			want         string
		}{
			{warden.RoleAuditor, "GET", "/designations/1", "", "", 200, "designation.propose"},
			{warden.RoleAuditor, "GET", "/designations/1", "", "", 200, "designation.evidence"},
			{warden.RoleAnalyst, "GET", "/designations", "", "", 200, `href="/designations/1"`},
			{warden.RoleSanctionsOfficer, "POST", "/designations/1/delist", "application/x-www-form-urlencoded", "reason=gone", 400, "is not listed"},
			{warden.RoleSanctionsOfficer, "POST", "/designations/1/amend", "application/x-www-form-urlencoded", "schema=Person&name=X&program=CYBER2&order=o&criterion=c&reasons=r", 400, "Amendment:"},
		} {
			resp := p.do(t, tc.method, tc.path, p.tokens[tc.role], tc.ct, tc.body)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
				t.Errorf("%s %s as %s: %d, want %d with %q: %s", tc.method, tc.path, tc.role, resp.StatusCode, tc.status, tc.want, body)
			}
		}
	})
}

// postDesignationForm posts the proposal form as multipart with a token
// of role, and the evidence file if name is given.
func postDesignationForm(t *testing.T, p *platform, role warden.Role, fields map[string]string, name, data string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("evidence", name)
		io.WriteString(fw, data)
	}
	mw.Close()
	return p.do(t, "POST", "/designations/new", p.tokens[role], mw.FormDataContentType(), buf.String())
}
