package web

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"warden"
	"warden/screening"
	"warden/store/storetest"
)

// linkedPlatform is newPlatform's server with the CSL's copy of its OFAC
// party (the CSL carries OFAC's ids for its SDN entries) as list csl.
func linkedPlatform(t *testing.T) *platform {
	t.Helper()
	db := storetest.OpenSQLite(t)
	p := newPlatform(t, db, nil)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "csl", "csl-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}},
		Programs: []string{"CYBER2", "SDNTK"}, Topics: []string{"Specially Designated Nationals (SDN) - Treasury Department"}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.Screening.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLinksAPI: a party on OFAC and on the CSL is one hit with both
// listings and the programs of both; GET /v1/links says why; unlinking
// needs links.manage and a reason, is audited with it, and splits the hit
// in two; linking again joins them, audited too.
func TestLinksAPI(t *testing.T) {
	p := linkedPlatform(t)
	analyst := p.tokens[warden.RoleAnalyst]
	call := func(method, path, token, body string, want int) []byte {
		t.Helper()
		resp := p.do(t, method, path, token, "application/json", body)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
		}
		return b
	}
	screen := func() screening.Response {
		t.Helper()
		var r screening.Response
		if err := json.Unmarshal(call("POST", "/v1/screen", analyst, `{"name":"Maksim Yakubets"}`, 200), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := screen()
	if len(r.Hits) != 1 || len(r.Hits[0].Listings) != 1 || r.Hits[0].Listings[0].List == r.Hits[0].List {
		t.Fatalf("one party on two lists: %+v", r.Hits)
	}
	if !strings.Contains(strings.Join(r.Hits[0].Programs, ","), "SDNTK") {
		t.Errorf("the hit's programs %v lack the CSL listing's", r.Hits[0].Programs)
	}
	var pl screening.PartyLinks
	json.Unmarshal(call("GET", "/v1/links?entity=ofac:26663", analyst, "", 200), &pl)
	if len(pl.Links) != 1 || pl.Links[0].Rule != warden.LinkOFACID || len(pl.Group) != 2 {
		t.Errorf("links of ofac:26663: %+v", pl)
	}
	call("GET", "/v1/links", analyst, "", 400)

	body := `{"a":"ofac:26663","b":"csl:26663","reason":"two people of one name"}`
	call("POST", "/v1/links/unlink", p.tokens[warden.RoleScreener], body, 403)
	call("POST", "/v1/links/unlink", p.tokens[warden.RoleAuditor], body, 403)
	call("POST", "/v1/links/unlink", analyst, `{"a":"ofac:26663","b":"csl:26663"}`, 400)
	call("POST", "/v1/links/unlink", analyst, `{"a":"ofac:26663","b":"ofac:26663","reason":"x"}`, 400)
	call("POST", "/v1/links/unlink", analyst, `{"a":"ofac:26663","b":"csl:nobody","reason":"x"}`, 404)
	call("POST", "/v1/links/unlink", analyst, body, 201)
	if r := screen(); len(r.Hits) != 2 || len(r.Hits[0].Listings) != 0 {
		t.Errorf("after the unlink: %+v", r.Hits)
	}
	call("POST", "/v1/links", analyst, `{"a":"csl:26663","b":"ofac:26663","reason":"same passport after all"}`, 201)
	if r := screen(); len(r.Hits) != 1 || len(r.Hits[0].Listings) != 1 {
		t.Errorf("after the link: %+v", r.Hits)
	}

	var got []warden.AuditEvent
	err := p.db.AuditEvents(context.Background(), warden.AuditFilter{Action: "listing."}, func(e warden.AuditEvent) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Action != "listing.unlink" || got[0].Reason != "two people of one name" || got[0].Actor != "t-analyst" ||
		got[1].Action != "listing.link" || got[1].Object != "entity:csl:26663" || !strings.Contains(string(got[1].Detail), `"b":"ofac:26663"`) {
		t.Errorf("audit events: %+v", got)
	}
}

// TestPartyPageFields: the party page shows the party's fields in words,
// its other listings as links to their pages with why they are linked,
// its history across versions and the JSON behind a toggle; the link form
// is there for who may link, not for an auditor.
func TestPartyPageFields(t *testing.T) {
	p := linkedPlatform(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := p.db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}},
		Programs: []string{"CYBER2"}, BirthDates: []warden.DateRange{{From: "1987-05-20"}}, BirthPlaces: []string{"Kyiv, Ukraine"}, Nationalities: []string{"RU"},
		Addresses: []warden.Address{{City: "Moscow", Country: "RU", CountryName: "Russia"}}, ListedOn: "2019-12-05",
		Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "0060014", Country: "RU"}, {Type: warden.IDCrypto, Value: "bc1qexample", Currency: "XBT"}}})
	if _, err := im.Commit(warden.SourceMeta{Published: "2024-08-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.Screening.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	get := func(role warden.Role, path string) string {
		t.Helper()
		resp := p.do(t, "GET", path, p.tokens[role], "", "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	page := get(warden.RoleAnalyst, "/parties/ofac:26663")
	for _, want := range []string{
		"1987-05-20", "Kyiv, Ukraine", "Russia (RU)", "Moscow", "2019-12-05", "CYBER2", "0060014", "bc1qexample", "wallet",
		`href="/parties/csl:26663"`, "the CSL copies OFAC", // the linked listing
		`href="/parties/ofac:26663?version=1"`, `href="/parties/ofac:26663?version=2"`, "birth date added: 1987-05-20", // the history
		`<details id="raw">`, `id="link-form"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the party page lacks %q", want)
		}
	}
	if old := get(warden.RoleAnalyst, "/parties/ofac:26663?version=1"); !strings.Contains(old, "as of version 1") || strings.Contains(old, "Kyiv, Ukraine</bdi></dd>") {
		t.Errorf("the page as of version 1 shows the later version")
	}
	if page := get(warden.RoleAuditor, "/parties/ofac:26663"); strings.Contains(page, `id="link-form"`) || !strings.Contains(page, `href="/parties/csl:26663"`) {
		t.Errorf("an auditor's page: the link form shown, or the link missing")
	}
}
