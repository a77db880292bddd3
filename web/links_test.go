package web

import (
	"context"
	"html"
	"io"
	"regexp"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestPartyLinks: links to parties hold their ids escaped segment by
// segment, so that ids with '?', '#', '%', '/' or ".." segments (which the
// lists may hold) open their own page rather than a 404 or another page;
// and a listed name holding a right-to-left override is shown isolated,
// unable to reorder the page around it.
func TestPartyLinks(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "slashy", "csl-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"q?x=1#f", "pct%2Fz", "../../admin", "a/b", "./c", "d/../e", "sp ace", "plus+semi;colon"}
	for _, id := range ids {
		im.Put(&warden.Entity{SourceID: id, Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "ZQUIRK TRADING", Kind: warden.NamePrimary}}})
	}
	im.Put(&warden.Entity{SourceID: "rlo", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "ZQUIRK TRADING \u202eDTL", Kind: warden.NamePrimary}}})
	if _, err := im.Commit(warden.SourceMeta{Published: "2026-01-02"}); err != nil {
		t.Fatal(err)
	}
	p := newPlatform(t, db, nil)
	tok := p.tokens[warden.RoleAnalyst]
	get := func(path string) (int, string) {
		t.Helper()
		resp := p.do(t, "GET", path, tok, "", "")
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, page := get("/parties?q=ZQUIRK+TRADING")
	if status != 200 {
		t.Fatalf("search: %d", status)
	}
	links := map[string]string{} // href -> id it must open
	for _, m := range regexp.MustCompile(`href="(/parties/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		links[html.UnescapeString(m[1])] = ""
	}
	if len(links) != len(ids)+1 {
		t.Fatalf("%d links to parties, want %d: %v", len(links), len(ids)+1, links)
	}
	for href := range links {
		status, body := get(href)
		found := ""
		for _, id := range append(ids, "rlo") {
			if strings.Contains(html.UnescapeString(body), "<bdi>"+warden.EntityID("slashy", id)+"</bdi>") {
				found = id
			}
		}
		if status != 200 || found == "" {
			t.Errorf("%s: %d, opens %q", href, status, found)
			continue
		}
		delete(links, href)
		links[href] = found
	}
	opened := map[string]bool{}
	for _, id := range links {
		opened[id] = true
	}
	for _, id := range ids {
		if !opened[id] {
			t.Errorf("no link opens party slashy:%s", id)
		}
	}
	if !strings.Contains(page, `<bdi>ZQUIRK TRADING <span class="mark" title="invisible character U+202E">⟨U+202E⟩</span>DTL</bdi>`) || strings.Contains(page, "\u202e") {
		t.Errorf("the name with an override is not isolated and shown as a marker in the search results")
	}
	for _, path := range []string{"/parties/" + pathID("slashy:../../admin"), "/parties/" + pathID("slashy:q?x=1#f")} {
		if status, _ := get(path); status != 200 {
			t.Errorf("%s: %d", path, status)
		}
	}
}

// TestPathID: ids as path segments.
func TestPathID(t *testing.T) {
	for id, want := range map[string]string{
		"ofac:26663":         "ofac:26663",
		"slashy:q?x=1#f":     "slashy:q%3Fx=1%23f",
		"slashy:pct%2Fz":     "slashy:pct%252Fz",
		"slashy:../../admin": "slashy:../%2E%2E/admin",
		"csl:a/./b":          "csl:a/%2E/b",
		"csl:sp ace":         "csl:sp%20ace",
	} {
		if got := pathID(id); got != want {
			t.Errorf("pathID(%q) = %q; want %q", id, got, want)
		}
	}
}
