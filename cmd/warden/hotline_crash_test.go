package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/internal/hotlinerun"
	"warden/jobs"
	"warden/notify"
	"warden/notify/notifytest"
	"warden/store"
	"warden/store/storetest"
)

// hotlineWorld is a hotline set up in a database for `warden serve`
// processes to run: a webhook endpoint and an analyst, alice, with a
// verified e-mail address, whose mail and webhooks go to receivers in the
// test. The test raises alerts through its own hotline.Service, which
// inserts their jobs into the database's River queue as a server's would,
// but works none.
type hotlineWorld struct {
	t    *testing.T
	dsn  string // what --db names
	db   *store.DB
	s    *hotline.Service
	smtp *notifytest.SMTPServer
	hook *notifytest.WebhookServer
	root context.Context
	ep   warden.Endpoint
}

func newHotlineWorld(t *testing.T, dsn string, db *store.DB) *hotlineWorld {
	t.Helper()
	ctx := context.Background()
	w := &hotlineWorld{t: t, dsn: dsn, db: db, smtp: notifytest.NewSMTP(t, notifytest.WithoutTLS()), hook: notifytest.NewWebhook(t),
		root: warden.WithPrincipal(ctx, warden.Principal{Name: "root", Role: warden.RoleAdmin, Org: warden.HomeOrg, Kind: "user"})}
	host, port := w.smtp.Addr()
	w.s = hotline.New(db, hotline.Options{BaseURL: "http://warden.test",
		Senders: hotlinerun.Senders(&notify.Email{Host: host, Port: port, From: "hotline@warden.test", TLS: notify.TLSNone}, &notify.Webhook{})})
	q, err := jobs.Open(ctx, db, jobs.Config{}) // inserts only
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(ctx) })
	w.s.SetJobs(hotlinerun.Enqueuer{Queue: q, Attempts: w.s.Attempts()})
	for _, u := range []warden.User{{Name: "root", Role: warden.RoleAdmin}, {Name: "alice", Role: warden.RoleAnalyst}} {
		u.Org, u.CreatedAt, u.CreatedBy, u.PasswordSetBy = warden.HomeOrg, time.Now(), "operator", "operator"
		if err := db.CreateUser(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	alice := warden.WithPrincipal(ctx, warden.Principal{Name: "alice", Role: warden.RoleAnalyst, Org: warden.HomeOrg, Kind: "user"})
	m, err := w.s.AddContactMethod(alice, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "alice@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.s.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	mails := w.smtp.WaitFor(1, 10*time.Second)
	code := regexp.MustCompile(`code is (\d{6})`).FindStringSubmatch(mails[len(mails)-1].Text)
	if code == nil {
		t.Fatalf("no verification code mailed: %+v", mails)
	}
	if _, err := w.s.VerifyContactMethod(alice, m.ID, code[1]); err != nil {
		t.Fatal(err)
	}
	w.ep, _, err = w.s.CreateEndpoint(w.root, warden.Endpoint{Name: "counterpart", Channel: warden.ChannelWebhook, Address: w.hook.URL, Format: warden.FormatGeneric, Secret: "counterpart-secret-1"})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// policy stores a policy of two steps: after first, the endpoint and
// alice's e-mail; then, after second, the endpoint again. An alert on it
// makes three notifications.
func (w *hotlineWorld) policy(first, second time.Duration) int64 {
	w.t.Helper()
	ep := warden.Target{Kind: warden.TargetEndpoint, ID: strconv.FormatInt(w.ep.ID, 10)}
	p, err := w.s.CreatePolicy(w.root, warden.EscalationPolicy{Name: fmt.Sprintf("policy %s %s", first, second), Steps: []warden.EscalationStep{
		{Delay: warden.Duration(first), Targets: []warden.Target{ep, {Kind: warden.TargetPerson, ID: "alice"}}},
		{Delay: warden.Duration(second), Targets: []warden.Target{ep}},
	}})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

func (w *hotlineWorld) raise(policy int64, summary string) warden.Alert {
	w.t.Helper()
	a, _, err := w.s.Raise(w.root, hotline.RaiseInput{Summary: summary, Severity: warden.SeverityCritical, Policy: policy})
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// serveArgs runs `warden serve` on w's database with its receivers.
func (w *hotlineWorld) serveArgs() []string {
	host, port := w.smtp.Addr()
	return []string{"--db", w.dsn, "serve", "--addr", "127.0.0.1:0", "--no-snapshot", "--base-url", "http://warden.test",
		"--smtp-host", host, "--smtp-port", strconv.Itoa(port), "--smtp-from", "hotline@warden.test", "--smtp-tls", "none",
		"--hotline-every", "200ms", "--hotline-rescue-after", "4s"}
}

// delivered counts, for each notification of alerts, the deliveries the
// receivers took (2xx webhooks, accepted mail), by X-Warden-Delivery.
func (w *hotlineWorld) delivered(alerts []warden.Alert) (per map[string]int, notifications int) {
	w.t.Helper()
	per = map[string]int{}
	for _, a := range alerts {
		ns, err := w.s.Notifications(w.root, a.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, n := range ns {
			id := fmt.Sprintf("warden-n-%d", n.ID)
			per[id] = w.hook.Count(id) + w.smtp.Count(id)
			notifications++
		}
	}
	return per, notifications
}

// settled reports whether alerts have want notifications, all delivered.
func (w *hotlineWorld) settled(alerts []warden.Alert, want int) bool {
	w.t.Helper()
	n := 0
	for _, a := range alerts {
		ns, err := w.s.Notifications(w.root, a.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, x := range ns {
			if x.Status != warden.NotificationDelivered {
				return false
			}
			n++
		}
	}
	return n == want
}

// startProcess runs this test binary as `warden args...` in a process of
// its own, which the test may kill, and returns it once it serves.
func startProcess(t *testing.T, args []string) (*exec.Cmd, string) {
	t.Helper()
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WARDEN_TEST_MAIN="+string(a))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://" + listening(t, stderr)
	waitReady(t, base)
	return cmd, base
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// hotlineEngines runs fn on a SQLite file and on a PostgreSQL schema
// (skipped without WARDEN_TEST_POSTGRES).
func hotlineEngines(t *testing.T, fn func(t *testing.T, dsn string, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "w.db")
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, dsn, db)
	})
	t.Run("postgres", func(t *testing.T) {
		db := storetest.OpenPostgres(t)
		fn(t, db.DSN(), db)
	})
}

// TestHotlineKilledBeforeDue: alerts are raised, their jobs in the queue,
// and the server is killed with SIGKILL before their steps are due; once
// they are, a restarted server sends every due notification exactly once.
func TestHotlineKilledBeforeDue(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	hotlineEngines(t, func(t *testing.T, dsn string, db *store.DB) {
		w := newHotlineWorld(t, dsn, db)
		p := w.policy(3*time.Second, time.Second)
		mails := len(w.smtp.Messages()) // the verification code
		cmd, _ := startProcess(t, w.serveArgs())
		var alerts []warden.Alert
		for i := range 4 {
			alerts = append(alerts, w.raise(p, fmt.Sprintf("deadline missed %d", i)))
		}
		kill(t, cmd)
		first, last := *alerts[0].NextAt, *alerts[len(alerts)-1].NextAt
		if !time.Now().Before(first) {
			t.Fatalf("the server was killed after the first step was due (%s): the machine is too slow for this test's delays", first)
		}
		// Wait, with no server, until every step of every alert is due.
		time.Sleep(time.Until(last.Add(time.Second)))
		if per, _ := w.delivered(alerts); len(w.hook.Requests()) != 0 || len(w.smtp.Messages()) != mails {
			t.Fatalf("delivered while no server ran: %v", per)
		}
		start := time.Now()
		startProcess(t, w.serveArgs())
		want := 3 * len(alerts)
		poll(t, 30*time.Second, "every notification delivered after the restart", func() bool { return w.settled(alerts, want) })
		per, n := w.delivered(alerts)
		for id, c := range per {
			if c != 1 {
				t.Errorf("%s delivered %d times, want once", id, c)
			}
		}
		if n != want {
			t.Errorf("%d notifications, want %d (3 per alert)", n, want)
		}
		t.Logf("%d notifications due while the server was dead, delivered once each within %s of the restart", n, time.Since(start).Round(time.Millisecond))
	})
}

// poll waits until cond holds, failing the test after timeout.
func poll(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHotlineKilledWhileSending: the server is killed with SIGKILL while
// the webhooks of due steps are in flight (the receiver holds its
// answers). A restarted server takes them over once the dead one's claims
// run out (--hotline-claim-for) and every notification arrives at least
// once; a notification the receiver saw twice came both times with the
// same X-Warden-Delivery, by which a receiver drops the second.
func TestHotlineKilledWhileSending(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	hotlineEngines(t, func(t *testing.T, dsn string, db *store.DB) {
		w := newHotlineWorld(t, dsn, db)
		p := w.policy(time.Second, time.Second)
		args := append(w.serveArgs(), "--hotline-claim-for", "2s")
		cmd, _ := startProcess(t, args)
		w.hook.Hang()
		var alerts []warden.Alert
		for i := range 4 {
			alerts = append(alerts, w.raise(p, fmt.Sprintf("payment blocked %d", i)))
		}
		// The first step of each alert sends one webhook, held by the
		// receiver.
		if got := w.hook.WaitFor(len(alerts), 20*time.Second); len(got) < len(alerts) {
			t.Fatalf("%d webhooks in flight, want %d", len(got), len(alerts))
		}
		kill(t, cmd)
		held := len(w.hook.Requests())
		w.hook.Heal()
		start := time.Now()
		startProcess(t, args)
		want := 3 * len(alerts)
		poll(t, 30*time.Second, "every notification delivered after the restart", func() bool { return w.settled(alerts, want) })
		per, n := w.delivered(alerts)
		for id, c := range per {
			if c < 1 {
				t.Errorf("%s not delivered", id)
			}
		}
		if n != want {
			t.Errorf("%d notifications, want %d (3 per alert)", n, want)
		}
		// Every request the receiver saw carried the delivery id of one of
		// the alerts' notifications; count those it saw more than once.
		seen := map[string]int{}
		for _, r := range w.hook.Requests() {
			if _, ok := per[r.Delivery]; !ok {
				t.Errorf("a webhook with delivery id %q, no notification's", r.Delivery)
			}
			seen[r.Delivery]++
		}
		dup := 0
		for _, c := range seen {
			if c > 1 {
				dup++
			}
		}
		t.Logf("%d webhooks held when the server was killed; after the restart all %d notifications delivered within %s; %d webhook notifications received more than once (same X-Warden-Delivery each time)",
			held, n, time.Since(start).Round(time.Millisecond), dup)
	})
}
