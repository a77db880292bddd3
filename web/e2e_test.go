package web_test

import (
	"context"
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
	"warden/store/storetest"
	"warden/web"
)

// browser starts headless Chromium (Debian's chromium package), or skips
// the test, saying so, when it is not installed. It fails the test on any
// Content-Security-Policy violation the pages cause.
func browser(t *testing.T) context.Context {
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
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
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

// uiServer is a real server over the bundled OFAC snapshot with an admin
// and an analyst who can log in.
func uiServer(t *testing.T) string {
	t.Helper()
	db := storetest.OpenSQLite(t)
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := ingest.Import(ctx, db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: snapshot.Input(), Published: snapshot.Date}, nil); err != nil {
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
	}{{"alice", warden.RoleAdmin}, {"bob", warden.RoleAnalyst}} {
		if _, err := a.CreateUser(ctx, u.name, u.role, "", "a long passphrase for "+u.name, ""); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer((&web.Server{DB: db, Screening: sc, Auth: a, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func loginAs(base, name string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/"),
		chromedp.WaitVisible(`#password`, chromedp.ByQuery),
		chromedp.SendKeys(`#name`, name, chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "a long passphrase for "+name, chromedp.ByQuery),
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
	base := uiServer(t)
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
			chromedp.WaitVisible(`pre`, chromedp.ByQuery),
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
	if !strings.Contains(dashboard, "ofac") || !strings.Contains(dashboard, "15443") {
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
