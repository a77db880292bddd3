package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"warden"
	"warden/auth"
	"warden/hotline"
	"warden/internal/hotlinerun"
	"warden/jobs"
	"warden/notify"
	"warden/notify/notifytest"
	"warden/store/storetest"
	"warden/web"
)

// TestBrowserHotline: an alert raised by hand on the alerts page reaches
// the person on call by e-mail, through the real engine (River on the
// test's SQLite database, e-mail to an in-process SMTP server over
// STARTTLS); the signed link in the e-mail, opened in the browser,
// acknowledges the alert; the alert's page shows the timeline.
func TestBrowserHotline(t *testing.T) {
	ctx := browser(t)
	db := storetest.OpenSQLite(t)
	op := warden.WithPrincipal(context.Background(), warden.Operator)
	a := auth.New(db)
	for _, u := range []struct {
		name string
		role warden.Role
	}{{"alice", warden.RoleAdmin}, {"dave", warden.RoleAnalyst}} {
		if _, err := a.CreateUser(op, u.name, u.role, "", "amber quarry nine swallows "+u.name, ""); err != nil {
			t.Fatal(err)
		}
	}
	smtp := notifytest.NewSMTP(t)
	host, port := smtp.Addr()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	ws := web.NewTestServer(db, nil, a)
	ws.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ws.Hotline = hotline.New(db, hotline.Options{BaseURL: base, Log: ws.Log,
		Senders: hotlinerun.Senders(&notify.Email{Host: host, Port: port, From: "Warden hotline <hotline@warden.example>", TLSConfig: smtp.TLSConfig()}, &notify.Webhook{})})
	q, err := hotlinerun.Open(context.Background(), db, ws.Hotline, 200*time.Millisecond, jobs.Config{PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(stop)
	})
	srv.Config.Handler = ws.Handler()
	srv.Start()
	t.Cleanup(srv.Close)

	// Dave is on call in the only rotation; his e-mail is verified with
	// the code the engine mails him.
	h := ws.Hotline
	if _, err := h.CreateRotation(op, warden.Rotation{Name: "Primary", TimeZone: "Europe/Paris", Start: time.Now().Add(-time.Hour), ShiftLength: 1, ShiftUnit: warden.ShiftWeeks, Participants: []string{"dave"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.CreatePolicy(op, warden.EscalationPolicy{Name: "Cooperation", Steps: []warden.EscalationStep{{Targets: []warden.Target{{Kind: warden.TargetRotation, ID: "1"}}}}}); err != nil {
		t.Fatal(err)
	}
	dave := warden.WithPrincipal(context.Background(), warden.Principal{Name: "dave", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user"})
	m, err := h.AddContactMethod(dave, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "dave@warden.example"})
	if err != nil {
		t.Fatal(err)
	}
	mails := smtp.WaitFor(1, 10*time.Second)
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(mails[0].Text)
	if _, err := h.VerifyContactMethod(dave, m.ID, code); err != nil {
		t.Fatalf("verify with %q from %q: %v", code, mails[0].Text, err)
	}

	// Alice raises the alert by hand.
	var status string
	run(t, ctx,
		loginAs(base, "alice"),
		chromedp.Click(`header.top nav a[href="/hotline/alerts"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#raise-form`, chromedp.ByQuery),
		chromedp.SendKeys(`#a-summary`, "ru-cert missed the deadline of request 7", chromedp.ByQuery),
		chromedp.SetValue(`#a-severity`, "critical", chromedp.ByQuery),
		chromedp.SendKeys(`#a-object`, "request:7", chromedp.ByQuery),
		chromedp.Click(`#a-raise`, chromedp.ByQuery),
		chromedp.WaitVisible(`#alert-status`, chromedp.ByQuery),
		chromedp.Text(`#alert-status`, &status, chromedp.ByQuery),
	)
	if status != "triggered" {
		t.Errorf("raised: %q", status)
	}

	// The e-mail reaches dave, with the signed links.
	mails = smtp.WaitFor(2, 10*time.Second)
	alert := mails[1]
	if alert.To[0] != "dave@warden.example" || !strings.Contains(alert.Subject, "ru-cert missed the deadline") || !alert.TLS || alert.HTML == "" {
		t.Fatalf("the alert's e-mail: to %v, subject %q, TLS %v\n%s", alert.To, alert.Subject, alert.TLS, alert.Text)
	}
	ack := regexp.MustCompile(`Acknowledge: (` + regexp.QuoteMeta(base) + `/hotline/link/[A-Za-z0-9_-]+)`).FindStringSubmatch(alert.Text)
	if ack == nil || !strings.Contains(alert.HTML, ack[1]) {
		t.Fatalf("no acknowledge link in the e-mail:\n%s", alert.Text)
	}
	if page := base + "/hotline/alerts/"; !strings.Contains(alert.Text, page) || !strings.Contains(alert.HTML, page) {
		t.Errorf("no link to the alert's page in the e-mail:\n%s", alert.Text)
	}

	// Dave opens the acknowledge link and confirms; the alert's page
	// shows what happened, in order.
	var done, timeline string
	run(t, ctx,
		logout(),
		chromedp.Navigate(ack[1]),
		chromedp.WaitVisible(`#link-do`, chromedp.ByQuery),
		chromedp.Click(`#link-do`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash.ok`, chromedp.ByQuery),
		chromedp.Text(`main`, &done, chromedp.ByQuery),
		loginAs(base, "alice"),
		chromedp.Navigate(base+"/hotline/alerts/1"),
		chromedp.WaitVisible(`#timeline`, chromedp.ByQuery),
		chromedp.Text(`#alert-status`, &status, chromedp.ByQuery),
		chromedp.Text(`#timeline`, &timeline, chromedp.ByQuery),
	)
	if !strings.Contains(done, "Alert 1 is acknowledged") {
		t.Errorf("after the link: %q", done)
	}
	if status != "acknowledged" {
		t.Errorf("alert status %q", status)
	}
	at := -1
	for _, kind := range []string{"triggered", "notified", "delivered", "link used", "acknowledged"} {
		i := strings.Index(timeline[at+1:], kind)
		if i < 0 {
			t.Errorf("timeline lacks %q after position %d:\n%s", kind, at, timeline)
			break
		}
		at += 1 + i
	}
	if !strings.Contains(timeline, "link:dave") {
		t.Errorf("the acknowledgement is not dave's by link:\n%s", timeline)
	}
}
