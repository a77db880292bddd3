package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/intel"
	"warden/sources/sourcetest"
	"warden/store/storetest"
	"warden/web"
)

// TestBrowserIntel: analyst bob imports the Poison Ivy report by the
// upload form and reads the import's report; records an incident and an
// indicator of 198.51.100.7 in their forms and relates the indicator to
// the incident from its page; the incident's page shows its TLP badge in
// TLP 2.0's amber on black and the graph, loaded as an image, with the
// indicator's node.
func TestBrowserIntel(t *testing.T) {
	ctx := browser(t)
	bundle := sourcetest.Data(t, "reference/stix2/examples/threat-reports/poisonivy.json")
	db := storetest.OpenSQLite(t)
	a := auth.New(db)
	if _, err := a.CreateUser(warden.WithPrincipal(context.Background(), warden.Operator), "bob", warden.RoleAnalyst, "", "amber quarry nine swallows bob", ""); err != nil {
		t.Fatal(err)
	}
	ws := web.NewTestServer(db, nil, a)
	if ws.Intel == nil {
		ws.Intel = intel.New(db)
	}
	ws.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	base := srv.URL

	var nav, heading, total, added, incidentURL, indicatorURL, edges, badge, badgeColour, graph string
	var graphWidth int
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Text(`header.top nav`, &nav, chromedp.ByQuery),
		chromedp.Navigate(base+"/intel/import"),
		chromedp.WaitVisible(`#import-form`, chromedp.ByQuery),
		chromedp.SetUploadFiles(`#i-bundle`, []string{bundle}, chromedp.ByQuery),
		chromedp.Click(`#i-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#report`, chromedp.ByQuery),
		chromedp.Text(`#report h2`, &heading, chromedp.ByQuery),
		chromedp.Text(`#r-total`, &total, chromedp.ByQuery),
		chromedp.Text(`#r-added`, &added, chromedp.ByQuery),

		chromedp.Navigate(base+"/intel/incidents"),
		chromedp.WaitVisible(`#record-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-name`, "Ransomware at the water utility", chromedp.ByQuery),
		chromedp.SendKeys(`#f-description`, "Files encrypted; ransom asked in BTC.", chromedp.ByQuery),
		chromedp.SendKeys(`#f-first`, "2026-03-01", chromedp.ByQuery),
		chromedp.SendKeys(`#f-victims`, "Springfield Water", chromedp.ByQuery),
		chromedp.Click(`#f-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#identity`, chromedp.ByQuery),
		chromedp.Location(&incidentURL),

		chromedp.Navigate(base+"/intel/indicators"),
		chromedp.WaitVisible(`#record-form`, chromedp.ByQuery),
		chromedp.SetValue(`#f-kind`, "ipv4", chromedp.ByQuery),
		chromedp.SendKeys(`#f-value`, "198.51.100.7", chromedp.ByQuery),
		chromedp.Click(`#f-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#relate-form`, chromedp.ByQuery),
		chromedp.Location(&indicatorURL),
	)
	incident := incidentURL[strings.LastIndex(incidentURL, "/")+1:]
	indicator := indicatorURL[strings.LastIndex(indicatorURL, "/")+1:]
	if !strings.HasPrefix(incident, "incident--") || !strings.HasPrefix(indicator, "indicator--") {
		t.Fatalf("recorded at %s and %s", incidentURL, indicatorURL)
	}
	run(t, ctx,
		chromedp.SetValue(`#r-type`, "indicates", chromedp.ByQuery),
		chromedp.SendKeys(`#r-target`, incident, chromedp.ByQuery),
		chromedp.Click(`#r-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#edges a[href="/intel/objects/`+incident+`"]`, chromedp.ByQuery),

		chromedp.Navigate(incidentURL),
		chromedp.WaitVisible(`#graph-img`, chromedp.ByQuery),
		chromedp.Poll(`(() => { const i = document.querySelector('#graph-img'); return i.complete && i.naturalWidth; })()`, &graphWidth),
		chromedp.Text(`#edges`, &edges, chromedp.ByQuery),
		chromedp.Text(`#tlp-badge`, &badge, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('#tlp-badge .tlp')).color + ' on ' + getComputedStyle(document.querySelector('#tlp-badge .tlp')).backgroundColor`, &badgeColour),
		evaluateAsync(`fetch(document.querySelector('#graph-img').src).then(r => r.text())`, &graph),
	)
	if !strings.Contains(nav, "Intelligence") {
		t.Errorf("analyst's navigation: %q", nav)
	}
	if n, _ := strconv.Atoi(strings.TrimSpace(added)); !strings.HasPrefix(heading, "Imported") || n == 0 || strings.TrimSpace(total) == "0" {
		t.Errorf("Poison Ivy's import report: %q, %s objects, %s new", heading, total, added)
	}
	if graphWidth <= 0 {
		t.Errorf("the graph image did not load: naturalWidth %d", graphWidth)
	}
	if !strings.Contains(graph, `data-id="`+indicator+`"`) || !strings.Contains(graph, "198.51.100.7") || !strings.Contains(graph, "indicates") {
		t.Errorf("the graph lacks the indicator's node or the edge:\n%s", graph)
	}
	if !strings.Contains(edges, "indicates") || !strings.Contains(edges, "198.51.100.7") {
		t.Errorf("the incident's edges: %q", edges)
	}
	if strings.TrimSpace(badge) != "TLP:AMBER" || badgeColour != "rgb(255, 192, 0) on rgb(0, 0, 0)" {
		t.Errorf("TLP badge %q in %s", badge, badgeColour)
	}
}
