package web

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"warden"
	"warden/store/storetest"
)

// TestPartyPageJSON: the party page's block of all fields shows invisible
// characters as markers of their code point, as the rest of the page
// does: the JSON there is for a person to read, and a raw zero-width
// space or override in it would make two parties look alike or turn the
// text around.
func TestPartyPageJSON(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "cyber_sanctions", "csl-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "13", Schema: warden.SchemaPerson, Names: []warden.Name{
		{Full: "Ivan\u200bPETROV", Kind: warden.NamePrimary},
		{Full: "IVAN \u202eVORTEP", Kind: warden.NameAKA},
	}})
	if _, err := im.Commit(warden.SourceMeta{Published: "2026-01-02"}); err != nil {
		t.Fatal(err)
	}
	p := newPlatform(t, db, nil)
	resp := p.do(t, "GET", "/parties/cyber_sanctions:13", p.tokens[warden.RoleAnalyst], "", "")
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	if resp.StatusCode != 200 {
		t.Fatalf("party page: %d %s", resp.StatusCode, page)
	}
	if i := strings.IndexFunc(page, warden.Invisible); i >= 0 {
		t.Errorf("the page holds a raw invisible character: %q", page[max(0, i-40):min(len(page), i+40)])
	}
	pre := regexp.MustCompile(`(?s)<pre>(.*?)</pre>`).FindStringSubmatch(page)
	if pre == nil {
		t.Fatal("no block of all fields")
	}
	for _, want := range []string{
		`Ivan<span class="mark" title="invisible character U+200B">⟨U+200B⟩</span>PETROV`,
		`IVAN <span class="mark" title="invisible character U+202E">⟨U+202E⟩</span>VORTEP`,
		`&#34;source_id&#34;: &#34;13&#34;`,
	} {
		if !strings.Contains(pre[1], want) {
			t.Errorf("the block of all fields lacks %s:\n%s", want, pre[1])
		}
	}
}
