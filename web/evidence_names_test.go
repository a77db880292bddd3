package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestEvidenceNames: over the API and the proposal form, evidence that
// would open as a page on an analyst's machine is refused — HTML after a
// byte-order mark, SVG with a script, markup past the first 512 bytes,
// names ending in .html or .svg — and a file without an extension is
// stored, and downloaded, under its type's.
func TestEvidenceNames(t *testing.T) {
	db := storetest.OpenSQLite(t)
	p := newPlatform(t, db, nil)
	id := &identities{t: t, p: p}
	ana := id.bootstrap("ana", warden.RoleAnalyst)
	code, b := ana.call("POST", "/v1/designations", designationBody(t, nil))
	var d warden.Designation
	json.Unmarshal(b, &d)
	if code != 201 {
		t.Fatalf("draft: %d %s", code, b)
	}
	path := fmt.Sprintf("/v1/designations/%d/evidence", d.ID)
	svg := `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>`
	for _, tc := range []struct{ name, data, want string }{
		{"report.html", "\xef\xbb\xbf<html><body><script>alert(1)</script></body></html>", "report.html"},
		{"a.svg", svg, "a.svg"},
		{"a.txt", "\xef\xbb\xbf" + svg, "a.txt"},
		{"late.html", strings.Repeat("a", 600) + "<html><script>alert(1)</script>", "late.html"},
		{"late.txt", strings.Repeat("a", 600) + "<html><script>alert(1)</script>", "late.txt"},
		{"notes.html", "Ransom paid 2025-03-01.\n", "name it .txt"},
	} {
		if code, b := ana.upload(path, tc.name, []byte(tc.data)); code != 400 || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s", tc.name, code, b)
		}
	}
	code, b = ana.upload(path, "report", []byte("Ransom paid 2025-03-01.\n"))
	var e warden.Evidence
	json.Unmarshal(b, &e)
	if code != 201 || e.Name != "report.txt" || e.MediaType != "text/plain; charset=utf-8" {
		t.Fatalf("a text file without an extension: %d %s", code, b)
	}
	resp := p.do(t, "GET", fmt.Sprintf("%s/%d", path, e.ID), p.tokens[warden.RoleAnalyst], "", "")
	io.Copy(io.Discard, resp.Body)
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); resp.StatusCode != 200 || err != nil || params["filename"] != "report.txt" {
		t.Errorf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	got, err := p.s.Designations.Get(warden.WithPrincipal(context.Background(), warden.Operator), d.ID)
	if err != nil || len(got.Evidence) != 1 {
		t.Fatalf("evidence kept: %+v %v", got.Evidence, err)
	}

	fields := map[string]string{"schema": "Person", "name": "Dmitri Olegovich KORSAKOV", "program": "CYBER2",
		"order": "Executive Order 13694", "criterion": "Section 1(a)(ii)(B)", "reasons": "Ran the COLDSTEEL ransomware.", "propose": "on"}
	resp = postDesignationForm(t, p, warden.RoleSanctionsOfficer, fields, "a.svg", svg)
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(page), "a.svg") {
		t.Errorf("SVG through the form: %d %s", resp.StatusCode, page)
	}
	if ds, err := p.s.Designations.List(warden.WithPrincipal(context.Background(), warden.Operator), ""); err != nil || len(ds) != 1 {
		t.Errorf("%d designations after the refused form, want 1: %v", len(ds), err)
	}
}
