package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/ingest"
	"warden/screening"
	"warden/snapshot"
	"warden/sources"
	"warden/sources/sourcetest"
	"warden/store/storetest"
	"warden/web"
)

// browser starts headless Chromium (Debian's chromium package), or skips
// the test, saying so, when it is not installed. It fails the test on any
// Content-Security-Policy violation the pages cause. The whole test must
// be done within 90 s.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 90*time.Second)
}

// browserFor is browser for a test that may take up to timeout: a walk
// through many pages, on a machine other tests share.
func browserFor(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("no chromium on PATH; skipping browser tests (CI installs Debian's chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1366, 900), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	var mu sync.Mutex
	var violations []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && strings.Contains(e.Entry.Text, "Content Security Policy") {
			mu.Lock()
			violations = append(violations, e.Entry.Text)
			mu.Unlock()
		}
	})
	if err := chromedp.Run(ctx, cdplog.Enable()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, v := range violations {
			t.Errorf("CSP violation: %s", v)
		}
	})
	return ctx
}

// ofacFiles writes the OFAC list that the tests' servers hold to a new
// folder and returns it: the bundled snapshot's files, or under the race
// detector (as CI runs) the OFAC sample, which holds every party the tests
// look for (see sourcetest.OFACSample). There the import and the index of
// the whole list took 30 s of CPU for each test, and a browser test's 90 s
// ran out before its first page.
func ofacFiles(t *testing.T) string {
	if raceEnabled {
		return sourcetest.OFACSample(t, "ofac")
	}
	return sourcetest.OFAC(t)
}

// ofacParties is the number of parties in the list of ofacFiles.
func ofacParties() int {
	if raceEnabled {
		return 2062
	}
	return 15443
}

// uiServer is a real server over the OFAC list (see ofacFiles) as of the
// bundled snapshot's date, with an admin and an analyst who can log in.
func uiServer(t *testing.T) (string, *web.Server) {
	t.Helper()
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	paths, err := sources.Expand([]string{ofacFiles(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Import(ctx, db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: warden.Input{Paths: paths}, Published: snapshot.Date}, nil); err != nil {
		t.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	for _, u := range []struct {
		name string
		role warden.Role
	}{{"alice", warden.RoleAdmin}, {"bob", warden.RoleAnalyst}, {"olga", warden.RoleSanctionsOfficer}} {
		if _, err := a.CreateUser(ctx, u.name, u.role, "", "amber quarry nine swallows "+u.name, ""); err != nil {
			t.Fatal(err)
		}
	}
	ws := web.NewTestServer(db, sc, a)
	ws.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)
	return srv.URL, ws
}

func loginAs(base, name string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/"),
		chromedp.WaitVisible(`#password`, chromedp.ByQuery),
		chromedp.SendKeys(`#name`, name, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "amber quarry nine swallows "+name, chromedp.ByQuery),
		chromedp.Submit(`#password`, chromedp.ByQuery),
		chromedp.WaitVisible(`header.top`, chromedp.ByQuery),
	}
}

func logout() chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Click(`header.top .who button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#password`, chromedp.ByQuery),
	}
}

func TestBrowser(t *testing.T) {
	ctx := browser(t)
	base, _ := uiServer(t)
	var dashboard, results, party, hits, screenURL, forbidden, nav, heading string
	var nodes []*cdp.Node
	var inPlace bool
	steps := []struct {
		name string
		do   chromedp.Tasks
	}{
		// Login lands on the dashboard with the bundled list.
		{"login as admin", chromedp.Tasks{loginAs(base, "alice"), chromedp.Text(`main`, &dashboard, chromedp.ByQuery)}},
		// Party search, then the party page.
		{"party search", chromedp.Tasks{
			chromedp.Navigate(base + "/parties"),
			chromedp.SendKeys(`#q`, "Tornado Cash", chromedp.ByQuery),
			chromedp.Submit(`#q`, chromedp.ByQuery),
			chromedp.WaitVisible(`table tbody a`, chromedp.ByQuery),
			chromedp.Text(`table tbody`, &results, chromedp.ByQuery),
		}},
		{"party page", chromedp.Tasks{
			chromedp.Click(`table tbody a`, chromedp.ByQuery),
			chromedp.WaitVisible(`#history`, chromedp.ByQuery), // the JSON is behind a toggle
			chromedp.Text(`main`, &party, chromedp.ByQuery),
		}},
		// Screening in Cyrillic, answered in place by htmx.
		{"screening", chromedp.Tasks{
			chromedp.Navigate(base + "/screen"),
			chromedp.Evaluate(`window.stayed = true`, nil),
			chromedp.SendKeys(`#name`, "Якубец Максим Викторович", chromedp.ByQuery),
			chromedp.Click(`#screen-submit`, chromedp.ByQuery),
			chromedp.WaitVisible(`#results .hit`, chromedp.ByQuery),
			chromedp.Nodes(`#results .hit`, &nodes, chromedp.ByQueryAll),
			chromedp.Text(`#results`, &hits, chromedp.ByQuery),
			chromedp.Location(&screenURL),
			chromedp.Evaluate(`window.stayed === true`, &inPlace),
		}},
		{"logout", logout()},
		// An analyst may not manage users: no link, and the page is refused.
		{"login as analyst", chromedp.Tasks{loginAs(base, "bob"), chromedp.Text(`header.top nav`, &nav, chromedp.ByQuery)}},
		{"forbidden page", chromedp.Tasks{
			chromedp.Navigate(base + "/admin/users"),
			chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
			chromedp.Text(`main h1`, &heading, chromedp.ByQuery),
			chromedp.Text(`main`, &forbidden, chromedp.ByQuery),
		}},
	}
	for _, st := range steps {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Run(sctx, st.do)
		cancel()
		if err != nil {
			var html string
			chromedp.Run(ctx, chromedp.OuterHTML(`body`, &html, chromedp.ByQuery))
			t.Fatalf("%s: %v\npage: %s", st.name, err, html)
		}
	}
	// The dashboard writes counts with thousands separators (15,443).
	if n := ofacParties(); !strings.Contains(dashboard, "ofac") || !strings.Contains(dashboard, fmt.Sprintf("%d,%03d", n/1000, n%1000)) {
		t.Errorf("dashboard: %q", dashboard)
	}
	if !strings.Contains(results, "TORNADO CASH") {
		t.Errorf("party search: %q", results)
	}
	if !strings.Contains(party, "TORNADO CASH") || !strings.Contains(party, "Identifiers") || !strings.Contains(party, "CYBER2") {
		t.Errorf("party page: %q", party)
	}
	if len(nodes) == 0 || !strings.HasSuffix(screenURL, "/screen") || !inPlace {
		t.Fatalf("screening: %d hits at %s, answered in place: %v", len(nodes), screenURL, inPlace)
	}
	if !strings.Contains(hits, "YAKUBETS") || !strings.Contains(hits, "match") {
		t.Errorf("screening hits: %q", hits)
	}
	if strings.Contains(nav, "Users") || !strings.Contains(nav, "Screening") {
		t.Errorf("analyst's navigation: %q", nav)
	}
	if heading != "Forbidden" || !strings.Contains(forbidden, "may not users.read") {
		t.Errorf("forbidden page: %q %q", heading, forbidden)
	}
}

// run runs browser steps, failing with the page when one fails.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action) {
	t.Helper()
	for i, st := range steps {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Run(sctx, st)
		cancel()
		if err != nil {
			var html string
			chromedp.Run(ctx, chromedp.OuterHTML(`body`, &html, chromedp.ByQuery))
			t.Fatalf("step %d: %v\npage: %s", i, err, html)
		}
	}
}

// TestBrowserReviewQueue: an analyst confirms a held payment's hit on the
// review-queue page; the blocking shows on the ledger page and in the
// printable initial report.
func TestBrowserReviewQueue(t *testing.T) {
	ctx := browser(t)
	base, ws := uiServer(t)
	client := warden.WithPrincipal(context.Background(), warden.Principal{Name: "payments", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "token"})
	held, _, err := ws.Enforcement.Screen(client, warden.Transaction{Reference: "inv-7", Amount: warden.Money{Currency: "USD", Minor: 250000},
		Parties: []warden.TxParty{{Role: "originator", Name: "Jane Doe", Account: "US-1"}, {Role: "beneficiary", Name: "Turashev Holdings", Account: "CY-1"}}})
	if err != nil || held.Decision != warden.DecisionHeld {
		t.Fatalf("held payment: %+v %v", held, err)
	}
	var queue, flash, after, ledger, report, owned string
	run(t, ctx,
		loginAs(base, "bob"),
		chromedp.Navigate(base+"/cases"),
		chromedp.WaitVisible(`section.case`, chromedp.ByQuery),
		chromedp.Text(`main`, &queue, chromedp.ByQuery),
		chromedp.SendKeys(`section.case input[name=reason]`, "beneficial owner confirmed", chromedp.ByQuery),
		chromedp.Click(`section.case button[value=confirm]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &flash, chromedp.ByQuery),
		chromedp.Text(`main`, &after, chromedp.ByQuery),
		chromedp.Navigate(base+"/ledger"),
		chromedp.WaitVisible(`#entries`, chromedp.ByQuery),
		chromedp.Text(`main`, &ledger, chromedp.ByQuery),
		chromedp.Click(`a[href="/v1/reports/initial?format=html"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`article.report table`, chromedp.ByQuery),
		chromedp.Text(`article.report`, &report, chromedp.ByQuery),
		// The 50% rule, recorded on the ownership page.
		chromedp.Navigate(base+"/ownership"),
		chromedp.WaitVisible(`#owner`, chromedp.ByQuery),
		chromedp.SendKeys(`#owner`, "ofac:26670", chromedp.ByQuery),
		chromedp.SendKeys(`#owned`, "Limassol Shell Trading Ltd", chromedp.ByQuery),
		chromedp.SendKeys(`#percent`, "60", chromedp.ByQuery),
		chromedp.Submit(`#percent`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`#ownership`, &owned, chromedp.ByQuery),
	)
	if !strings.Contains(owned, "Limassol Shell Trading Ltd") || !strings.Contains(owned, "blocked owned 60% by TURASHEV, Igor Olegovich (ofac:26670), listed under CYBER2") {
		t.Errorf("ownership page: %q", owned)
	}
	// A licence, a release proposed by the analyst and approved by a
	// sanctions officer, all on the licences page.
	var licenceFlash, proposeFlash, approveFlash, balances string
	run(t, ctx,
		logout(),
		loginAs(base, "olga"),
		chromedp.Navigate(base+"/licences"),
		chromedp.WaitVisible(`#licence-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#l-number`, "GL-CYBER-7", chromedp.ByQuery),
		chromedp.SendKeys(`#l-issuer`, "OFAC", chromedp.ByQuery),
		chromedp.SendKeys(`#l-programs`, "CYBER2", chromedp.ByQuery),
		chromedp.Click(`#licence-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &licenceFlash, chromedp.ByQuery),
		logout(),
		loginAs(base, "bob"),
		chromedp.Navigate(base+"/licences"),
		chromedp.WaitVisible(`#release-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#r-entity`, "ofac:26670", chromedp.ByQuery),
		chromedp.SendKeys(`#r-holder`, "CY-1", chromedp.ByQuery),
		chromedp.SendKeys(`#r-currency`, "USD", chromedp.ByQuery),
		chromedp.SendKeys(`#r-amount`, "1,000.00", chromedp.ByQuery),
		chromedp.SendKeys(`#r-licence`, "GL-CYBER-7", chromedp.ByQuery),
		chromedp.SendKeys(`#r-reason`, "wind-down under the general licence", chromedp.ByQuery),
		chromedp.Click(`#release-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &proposeFlash, chromedp.ByQuery),
		logout(),
		loginAs(base, "olga"),
		chromedp.Navigate(base+"/licences"),
		chromedp.WaitVisible(`#pending`, chromedp.ByQuery),
		chromedp.Click(`#pending button[value=approve]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`.flash.ok`, &approveFlash, chromedp.ByQuery),
		chromedp.Navigate(base+"/ledger"),
		chromedp.WaitVisible(`#balances`, chromedp.ByQuery),
		chromedp.Text(`#balances`, &balances, chromedp.ByQuery),
	)
	if !strings.Contains(licenceFlash, "GL-CYBER-7") || !strings.Contains(proposeFlash, "Proposed releasing USD 1000.00") || !strings.Contains(approveFlash, "approved") {
		t.Errorf("licence %q, proposal %q, approval %q", licenceFlash, proposeFlash, approveFlash)
	}
	if !strings.Contains(balances, "USD 1500.00") {
		t.Errorf("balance after the release: %q", balances)
	}
	d, _, err := ws.Enforcement.Screen(client, warden.Transaction{Reference: "inv-8", Amount: warden.Money{Currency: "EUR", Minor: 100},
		Parties: []warden.TxParty{{Role: "beneficiary", Name: "LIMASSOL SHELL TRADING LTD"}}})
	if err != nil || d.Decision != warden.DecisionBlocked {
		t.Errorf("payment to the owned company: %+v %v", d, err)
	}
	if !strings.Contains(queue, "Turashev Holdings") || !strings.Contains(queue, "TURASHEV, Igor Olegovich") || !strings.Contains(queue, "USD 2500.00") {
		t.Errorf("queue: %q", queue)
	}
	if !strings.Contains(flash, "inv-7 is blocked") || !strings.Contains(after, "Nothing to review") {
		t.Errorf("after confirming: %q / %q", flash, after)
	}
	if !strings.Contains(ledger, "USD 2500.00") || !strings.Contains(ledger, "CY-1") || !strings.Contains(ledger, "case 1 confirmed") {
		t.Errorf("ledger page: %q", ledger)
	}
	if !strings.Contains(report, "Initial reports of blocked property") || !strings.Contains(report, "inv-7") || !strings.Contains(report, "due in") {
		t.Errorf("initial report: %q", report)
	}
	if d, err := ws.Enforcement.Transaction(warden.WithPrincipal(context.Background(), warden.Operator), "inv-7"); err != nil || d.Status != warden.DecisionBlocked {
		t.Errorf("payment after the case: %+v %v", d, err)
	}
}
