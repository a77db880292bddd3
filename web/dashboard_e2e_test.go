package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/snapshot"
	"warden/store/storetest"
	"warden/web"
)

// TestBrowserStaleList: an analyst opens the dashboard of a server holding
// the OFAC list as of the bundled snapshot's date (2024-07-02) and sees it
// flagged stale, with the list date's age, in the freshness table and its
// chart.
func TestBrowserStaleList(t *testing.T) {
	ctx := browser(t)
	// One party of the list is enough: the date is the point, and the
	// whole list's import and index (uiServer's) take half a minute.
	db := storetest.OpenSQLite(t)
	octx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(octx, snapshot.List, snapshot.Format, false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
	if _, err := im.Commit(warden.SourceMeta{Published: snapshot.Date}); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	if _, err := a.CreateUser(octx, "bob", warden.RoleAnalyst, "", "amber quarry nine swallows bob", ""); err != nil {
		t.Fatal(err)
	}
	ws := web.NewTestServer(db, nil, a)
	ws.Now = func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	base := srv.URL
	var warning, state, chart string
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`.stale-list`, chromedp.ByQuery),
		chromedp.Text(`.stale-list`, &warning, chromedp.ByQuery),
		chromedp.Text(`#freshness tbody tr`, &state, chromedp.ByQuery),
		chromedp.AttributeValue(`svg.chart`, "aria-label", &chart, nil, chromedp.ByQuery),
	)
	if !strings.Contains(warning, "ofac: list date 2024-07-02 is 881 days old, more than 30 days") {
		t.Errorf("stale warning %q", warning)
	}
	if !strings.Contains(state, "2024-07-02") || !strings.Contains(state, "stale") || !strings.Contains(state, "881 days") {
		t.Errorf("freshness row %q", state)
	}
	if chart != "Age of each list's date, in days" {
		t.Errorf("chart %q", chart)
	}
}
