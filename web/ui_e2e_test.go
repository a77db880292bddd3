package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/screening"
	"warden/store/storetest"
	"warden/web"
)

// smallUIServer is a real server over a small list (YAKUBETS and a few
// hundred others), with bob, an analyst, who can log in: for browser
// tests of the pages rather than of the matcher over a whole list.
func smallUIServer(t *testing.T) string {
	t.Helper()
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
	for i := range 300 {
		im.Put(&warden.Entity{SourceID: fmt.Sprint(90000 + i), Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: fmt.Sprintf("TRADING COMPANY %d LLC", i), Kind: warden.NamePrimary}}, Programs: []string{"RUSSIA-EO14024"}})
	}
	if _, err := im.Commit(warden.SourceMeta{Published: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	if _, err := a.CreateUser(ctx, "bob", warden.RoleAnalyst, "", "amber quarry nine swallows bob", ""); err != nil {
		t.Fatal(err)
	}
	ws := web.NewTestServer(db, sc, a)
	ws.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestBrowserScreenErrorAndBulk: the screening page shows the server's
// refusal of a birth date in place (htmx swapping the 400) and keeps what
// was typed; a bulk screening uploaded shows its progress bar reaching
// 100% and offers the result.
func TestBrowserScreenErrorAndBulk(t *testing.T) {
	ctx := browser(t)
	base := smallUIServer(t)
	var b strings.Builder
	b.WriteString("name,country\n")
	for i := range 400 {
		fmt.Fprintf(&b, "Trading Company %d,RU\n", i)
	}
	b.WriteString("Maksim Yakubets,RU\n")
	in := filepath.Join(t.TempDir(), "names.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var errText, typed, typedDate, percent, done, value, result string
	var inPlace, hasResult bool
	var refused string
	var kept []*cdp.Node
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Navigate(base+"/screen"),
		chromedp.Evaluate(`window.stayed = true`, nil),
		chromedp.SendKeys(`#name`, "Maksim Yakubets", chromedp.ByQuery),
		chromedp.SendKeys(`#birth_date`, "1987-02-30", chromedp.ByQuery),
		chromedp.Click(`#screen-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#results #screen-error`, chromedp.ByQuery),
		chromedp.Text(`#screen-error`, &errText, chromedp.ByQuery),
		chromedp.Value(`#name`, &typed, chromedp.ByQuery),
		chromedp.Value(`#birth_date`, &typedDate, chromedp.ByQuery),
		chromedp.Evaluate(`window.stayed === true`, &inPlace),
		// Corrected, the same form answers with hits and the error goes.
		chromedp.SetValue(`#birth_date`, "1987-05-20", chromedp.ByQuery),
		chromedp.Click(`#screen-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#results .hit`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#screen-error`, chromedp.ByQuery),
		// A refusal whose page lacks the results (a stale CSRF token:
		// 403) shows its message above the form, the results kept.
		chromedp.Evaluate(`document.body.setAttribute("hx-headers", '{"X-CSRF-Token": "stale"}')`, nil),
		chromedp.Click(`#screen-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#htmx-error`, chromedp.ByQuery),
		chromedp.Text(`#htmx-error`, &refused, chromedp.ByQuery),
		chromedp.Nodes(`#results .hit`, &kept, chromedp.ByQueryAll),
		// Bulk screening: upload, then the job's page follows it.
		chromedp.Navigate(base+"/bulk"),
		chromedp.SetUploadFiles(`#bulk-screen-file`, []string{in}, chromedp.ByQuery),
		chromedp.Click(`#bulk-screen-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#job progress`, chromedp.ByQuery),
		chromedp.WaitVisible(`#job-done`, chromedp.ByQuery),
		chromedp.Text(`#job-percent`, &percent, chromedp.ByQuery),
		chromedp.Text(`#job-done`, &done, chromedp.ByQuery),
		chromedp.Evaluate(`String(document.querySelector("#job-progress").value) + "/" + document.querySelector("#job-progress").max`, &value),
		chromedp.AttributeValue(`#job-result`, "href", &result, &hasResult, chromedp.ByQuery),
	)
	if !strings.Contains(errText, "1987-02-30") || !strings.Contains(errText, "birth_date") || !inPlace {
		t.Errorf("screening error %q, answered in place: %v", errText, inPlace)
	}
	if !strings.Contains(refused, "Forbidden") || !strings.Contains(refused, "CSRF") || len(kept) == 0 {
		t.Errorf("a 403 without the results: %q shown, %d hits kept", refused, len(kept))
	}
	if typed != "Maksim Yakubets" || typedDate != "1987-02-30" {
		t.Errorf("the form lost what was typed: %q %q", typed, typedDate)
	}
	if percent != "100%" || value != "401/401" || !strings.Contains(done, "401 queries screened") {
		t.Errorf("bulk job: %q %q %q", percent, value, done)
	}
	if !hasResult || !strings.HasSuffix(result, "/results.csv") {
		t.Errorf("no result link: %q", result)
	}
}
