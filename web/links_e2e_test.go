package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/screening"
	"warden/sources/csl"
	"warden/sources/ofaccsv"
	"warden/sources/sourcetest"
	"warden/store/storetest"
	"warden/web"
)

// linksServer is a real server over a few OFAC entries and their copies
// in the Consolidated Screening List (screening/testdata/links), with an
// analyst who can log in.
func linksServer(t *testing.T) string {
	t.Helper()
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	dir := filepath.Join("..", "screening", "testdata", "links")
	for _, l := range []struct {
		name, format string
		p            warden.Parser
		files        []string
	}{
		{"ofac", "ofac-csv", ofaccsv.Parser{}, []string{"ofac/sdn.csv", "ofac/add.csv", "ofac/alt.csv"}},
		{"csl", "csl-csv", csl.Parser{}, []string{"csl.csv"}},
	} {
		var paths []string
		for _, f := range l.files {
			paths = append(paths, filepath.Join(dir, f))
		}
		im, err := db.BeginImport(ctx, l.name, l.format, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range sourcetest.MustParse(t, l.p, paths...).Entities {
			if err := im.Put(e); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
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

// TestBrowserDuplicateListingOnce: a party on OFAC and on the CSL is shown
// once in the screening results, naming both lists; its page lists the
// other listing and why; an analyst unlinks them there (with a reason),
// and screening then shows two hits.
func TestBrowserDuplicateListingOnce(t *testing.T) {
	ctx := browser(t)
	base := linksServer(t)
	screen := func(count, results *string) chromedp.Tasks {
		return chromedp.Tasks{
			chromedp.Navigate(base + "/screen"),
			chromedp.WaitVisible(`#name`, chromedp.ByQuery),
			chromedp.SendKeys(`#name`, "Rim ABBAS", chromedp.ByQuery),
			chromedp.Click(`#screen-submit`, chromedp.ByQuery),
			chromedp.WaitVisible(`#results .panel.hit`, chromedp.ByQuery),
			chromedp.Text(`#results h2`, count, chromedp.ByQuery),
			chromedp.Text(`#results`, results, chromedp.ByQuery),
		}
	}
	var count, results, party, after, count2, results2 string
	run(t, ctx,
		loginAs(base, "bob"),
		screen(&count, &results),
		chromedp.Click(`#results .panel.hit a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#linked`, chromedp.ByQuery),
		chromedp.Text(`main`, &party, chromedp.ByQuery),
		chromedp.SendKeys(`#linked input[name=reason]`, "two people of one name", chromedp.ByQuery),
		chromedp.Click(`#linked button`, chromedp.ByQuery),
		// The form is on the page before and after: wait for the
		// redirect to the page's #links first.
		waitURL("#links"),
		chromedp.WaitVisible(`#link-form`, chromedp.ByQuery),
		chromedp.Text(`#linked`, &after, chromedp.ByQuery),
		screen(&count2, &results2),
	)
	if count != "1 hit" || !strings.Contains(results, "ofac:21944") || !strings.Contains(results, "csl:21944") || !strings.Contains(results, "Also listed as") {
		t.Errorf("the party on two lists: %q\n%s", count, results)
	}
	if !strings.Contains(party, "The same party on other lists") || !strings.Contains(party, "the CSL copies OFAC's entry") {
		t.Errorf("party page:\n%s", party)
	}
	if !strings.Contains(after, "unlinked by bob") || !strings.Contains(after, "two people of one name") {
		t.Errorf("after the unlink:\n%s", after)
	}
	if count2 != "2 hits" {
		t.Errorf("after the unlink, screening shows %q:\n%s", count2, results2)
	}
}
