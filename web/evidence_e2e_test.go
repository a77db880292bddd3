package web_test

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/evidence/pdftext"
	"warden/screening"
	"warden/store/storetest"
	"warden/web"
)

// TestBrowserScreeningEvidence: an analyst screens a name on the screening
// page, follows the result to its evidence page, which names the list
// version and its date, and downloads the PDF, which holds them too.
func TestBrowserScreeningEvidence(t *testing.T) {
	ctx := browser(t)
	db := storetest.OpenSQLite(t)
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	for v, date := range []string{"2024-07-02", "2026-11-20"} {
		im, err := db.BeginImport(op, "ofac", "test", false)
		if err != nil {
			t.Fatal(err)
		}
		im.Put(&warden.Entity{SourceID: "26663", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim Viktorovich", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}})
		if v == 1 {
			im.Put(&warden.Entity{SourceID: "99", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "Someone Else", Kind: warden.NamePrimary}}})
		}
		if _, err := im.Commit(warden.SourceMeta{Published: date}); err != nil {
			t.Fatal(err)
		}
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(op); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	if _, err := a.CreateUser(op, "bob", warden.RoleAnalyst, "", "amber quarry nine swallows bob", ""); err != nil {
		t.Fatal(err)
	}
	ws := web.NewTestServer(db, sc, a)
	ws.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewServer(ws.Handler())
	t.Cleanup(srv.Close)

	var lists, pdf64 string
	run(t, ctx,
		loginAs(srv.URL, "bob"),
		chromedp.Navigate(srv.URL+"/screen"),
		chromedp.WaitVisible(`#name`, chromedp.ByQuery),
		chromedp.SendKeys(`#name`, "Maksim Yakubets", chromedp.ByQuery),
		chromedp.Click(`#screen-submit`, chromedp.ByQuery),
		chromedp.WaitVisible(`#evidence-link`, chromedp.ByQuery),
		chromedp.Click(`#evidence-link`, chromedp.ByQuery),
		chromedp.WaitVisible(`#evidence #lists`, chromedp.ByQuery),
		chromedp.Text(`#evidence #lists`, &lists, chromedp.ByQuery),
		evaluateAsync(`fetch(document.querySelector('#pdf').href).then(r => r.ok && r.headers.get('Content-Type') === 'application/pdf' ? r.arrayBuffer() : Promise.reject(r.status))
			.then(b => { let s = ''; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s) })`, &pdf64),
	)
	if !strings.Contains(lists, "ofac") || !strings.Contains(lists, "2026-11-20") {
		t.Errorf("the evidence page's lists: %q", lists)
	}
	b, err := base64.StdEncoding.DecodeString(pdf64)
	if err != nil {
		t.Fatal(err)
	}
	text, err := pdftext.Text(b)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Screening evidence", "ofac", "2026-11-20", "bob (user, role analyst)", "Maksim Yakubets", "YAKUBETS, Maksim Viktorovich"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the downloaded PDF lacks %q:\n%s", want, text)
		}
	}
	// Version 2 was searched, not version 1.
	if !strings.Contains(flat, "ofac 2 2026-11-20") {
		t.Errorf("the PDF does not name ofac version 2 with its date:\n%s", text)
	}
}
