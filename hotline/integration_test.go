package hotline_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"regexp"
	"strings"
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

// The tests in this file run the hotline as a server does, wired by
// internal/hotlinerun as warden serve wires it: the real job engine
// (River, through package jobs) on the test's database, notify's real
// senders, and real SMTP and HTTP receivers in process. Time is the
// machine's, since River's is: delays are a few hundred milliseconds and
// every wait polls for a condition with a deadline.

// rig is a hotline running on the job engine, with an SMTP server its
// e-mail goes to.
type rig struct {
	t     testing.TB
	db    *store.DB
	s     *hotline.Service
	q     *jobs.Queue
	smtp  *notifytest.SMTPServer
	raw   *sql.DB // the test's own connection, to read River's tables
	admin context.Context
}

// rigConfig is what a rig's engine runs with.
type rigConfig struct {
	attempts    int           // delivery attempts before dead
	hookTimeout time.Duration // a webhook's answer
	poll        time.Duration // the job engine's poll interval
	every       time.Duration // reconcile and events
	retry       time.Duration // first retry's backoff bound
	workers     int
	people      []string // analysts, each with a verified e-mail <name>@example.org
}

func newRig(t testing.TB, db *store.DB, c rigConfig) *rig {
	t.Helper()
	ctx := context.Background()
	smtp := notifytest.NewSMTP(t)
	host, port := smtp.Addr()
	s := hotline.New(db, hotline.Options{
		BaseURL:  "http://warden.test",
		Attempts: c.attempts,
		// The hotline's retries, at its own backoff, shortened.
		RetryBase: c.retry, RetryMax: 4 * c.retry,
		Senders: hotlinerun.Senders(&notify.Email{Host: host, Port: port, From: "hotline@warden.test", TLSConfig: smtp.TLSConfig()},
			&notify.Webhook{Timeout: c.hookTimeout}),
	})
	q, err := hotlinerun.Open(ctx, db, s, c.every, jobs.Config{MaxWorkers: c.workers, PollInterval: c.poll, RetryBase: c.retry, RetryMax: 4 * c.retry, ID: "rig"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open(db.Driver(), db.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	r := &rig{t: t, db: db, s: s, q: q, smtp: smtp, raw: raw, admin: as("root", warden.RoleAdmin)}
	for _, name := range append([]string{"root"}, c.people...) {
		role := warden.RoleAnalyst
		if name == "root" {
			role = warden.RoleAdmin
		}
		err := db.CreateUser(ctx, warden.User{Name: name, Role: role, Org: warden.HomeOrg, CreatedAt: time.Now(), CreatedBy: "operator", PasswordSetBy: "operator"}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
	for _, name := range c.people {
		r.verifiedEmail(name)
	}
	return r
}

var mailCode = regexp.MustCompile(`code is (\d{6})`)

// verifiedEmail adds person's e-mail address and verifies it with the code
// the engine mails to it.
func (r *rig) verifiedEmail(person string) {
	r.t.Helper()
	ctx := as(person, warden.RoleAnalyst)
	address := person + "@example.org"
	m, err := r.s.AddContactMethod(ctx, warden.ContactMethod{Channel: warden.ChannelEmail, Address: address})
	if err != nil {
		r.t.Fatal(err)
	}
	code := ""
	poll(r.t, 10*time.Second, "the verification code mailed to "+address, func() bool {
		for _, m := range r.smtp.Messages() {
			if c := mailCode.FindStringSubmatch(m.Text); c != nil && len(m.To) == 1 && m.To[0] == address {
				code = c[1]
			}
		}
		return code != ""
	})
	if _, err := r.s.VerifyContactMethod(ctx, m.ID, code); err != nil {
		r.t.Fatal(err)
	}
}

// endpoint stores a webhook endpoint to url.
func (r *rig) endpoint(name, url string) warden.Endpoint {
	r.t.Helper()
	e, _, err := r.s.CreateEndpoint(r.admin, warden.Endpoint{Name: name, Channel: warden.ChannelWebhook, Address: url, Format: warden.FormatGeneric, Secret: "s3cret-s3cret-s3cret"})
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

func (r *rig) policy(name string, repeat int, steps ...warden.EscalationStep) warden.EscalationPolicy {
	r.t.Helper()
	p, err := r.s.CreatePolicy(r.admin, warden.EscalationPolicy{Name: name, Steps: steps, Repeat: repeat})
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *rig) raise(policy int64, summary string) warden.Alert {
	r.t.Helper()
	a, _, err := r.s.Raise(as("root", warden.RoleAdmin), hotline.RaiseInput{Summary: summary, Severity: warden.SeverityHigh, Policy: policy})
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

func (r *rig) notifications(alert int64) []warden.Notification {
	r.t.Helper()
	ns, err := r.s.Notifications(r.admin, alert)
	if err != nil {
		r.t.Fatal(err)
	}
	return ns
}

// settled reports whether every notification of alert is delivered, dead
// or cancelled.
func (r *rig) settled(alert int64, want int) bool {
	ns := r.notifications(alert)
	if len(ns) < want {
		return false
	}
	for _, n := range ns {
		switch n.Status {
		case warden.NotificationPending, warden.NotificationFailed:
			return false
		}
	}
	return true
}

// idle reports whether the job engine has no hotline work left but its
// periodic jobs: every fire and delivery job inserted has run.
func (r *rig) idle() bool {
	r.t.Helper()
	var n int
	err := r.raw.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind IN ('hotline.fire', 'hotline.deliver')
		AND state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&n)
	if err != nil {
		r.t.Fatal(err)
	}
	return n == 0
}

func (r *rig) logKinds(alert int64) []string {
	r.t.Helper()
	ls, err := r.s.Log(r.admin, hotline.LogFilter{Alert: alert})
	if err != nil {
		r.t.Fatal(err)
	}
	var ks []string
	for _, l := range ls {
		ks = append(ks, l.Kind)
	}
	return ks
}

// poll waits until cond holds, failing the test after timeout.
func poll(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func endpointTarget(e warden.Endpoint) warden.Target {
	return warden.Target{Kind: warden.TargetEndpoint, ID: fmt.Sprint(e.ID)}
}

func TestEngine(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		r := newRig(t, db, rigConfig{attempts: 3, hookTimeout: 300 * time.Millisecond, poll: 20 * time.Millisecond,
			every: 200 * time.Millisecond, retry: 20 * time.Millisecond, people: []string{"alice"}})

		t.Run("steps", func(t *testing.T) {
			first, last := notifytest.NewWebhook(t), notifytest.NewWebhook(t)
			first.SetSecret("s3cret-s3cret-s3cret")
			p := r.policy("three steps", 0,
				step(0, "", endpointTarget(r.endpoint("first", first.URL))),
				step(150*time.Millisecond, "", person("alice")),
				step(150*time.Millisecond, "", endpointTarget(r.endpoint("last", last.URL))))
			mails := len(r.smtp.Messages())
			a := r.raise(p.ID, "counterpart missed a deadline")
			poll(t, 10*time.Second, "three steps delivered", func() bool { return r.settled(a.ID, 3) })
			ns := r.notifications(a.ID)
			if len(ns) != 3 {
				t.Fatalf("%d notifications, want 3: %+v", len(ns), ns)
			}
			due := a.CreatedAt.Truncate(time.Microsecond) // as stored
			for i, n := range ns {
				if n.Step != i || n.Status != warden.NotificationDelivered || n.Attempts != 1 {
					t.Errorf("notification %d: step %d, %s after %d attempts; want step %d delivered after 1", n.ID, n.Step, n.Status, n.Attempts, i)
				}
				if i > 0 {
					due = due.Add(150 * time.Millisecond)
				}
				if !n.DueAt.Equal(due) || n.CreatedAt.Before(n.DueAt) {
					t.Errorf("step %d due %s (want %s), fired %s: before its time", i, n.DueAt, due, n.CreatedAt)
				}
			}
			if got := first.Count(fmt.Sprintf("warden-n-%d", ns[0].ID)); got != 1 {
				t.Errorf("first endpoint got step 1 %d times, want 1", got)
			}
			if rs := first.Requests(); len(rs) != 1 || !rs[0].Valid || rs[0].Event != "alert.triggered" {
				t.Errorf("first endpoint's requests: %+v, want one signed alert.triggered", rs)
			}
			var got []notifytest.Mail
			for _, m := range r.smtp.Messages()[mails:] {
				if m.Delivery == fmt.Sprintf("warden-n-%d", ns[1].ID) {
					got = append(got, m)
				}
			}
			if len(got) != 1 || got[0].To[0] != "alice@example.org" || !got[0].TLS || !strings.Contains(got[0].Text, "counterpart missed a deadline") || !strings.Contains(got[0].HTML, "/hotline/link/") {
				t.Errorf("alice's mails for step 2: %+v, want one over TLS with the summary and the links", got)
			}
			if got := last.Count(fmt.Sprintf("warden-n-%d", ns[2].ID)); got != 1 || len(last.Requests()) != 1 {
				t.Errorf("last endpoint got step 3 %d times in %d requests, want once", got, len(last.Requests()))
			}
			if a, err := r.s.Alert(r.admin, a.ID); err != nil {
				t.Fatal(err)
			} else if a.NextAt != nil || a.Status != warden.AlertTriggered {
				t.Errorf("after the last step: %s, next %v; want triggered with nothing next", a.Status, a.NextAt)
			}
		})

		t.Run("acknowledged", func(t *testing.T) {
			hook := notifytest.NewWebhook(t)
			e := r.endpoint("ack", hook.URL)
			p := r.policy("acknowledged", 2, step(0, "", endpointTarget(e)), step(time.Second, "", endpointTarget(e)))
			a := r.raise(p.ID, "blocked payment above threshold")
			poll(t, 10*time.Second, "step 1 delivered", func() bool { return r.settled(a.ID, 1) })
			if _, err := r.s.Acknowledge(as("alice", warden.RoleAnalyst), a.ID, "on it"); err != nil {
				t.Fatal(err)
			}
			// Step 2's job, due a second after the alert, runs and finds
			// the alert acknowledged.
			poll(t, 10*time.Second, "the job engine idle", r.idle)
			if ns := r.notifications(a.ID); len(ns) != 1 || len(hook.Requests()) != 1 {
				t.Errorf("%d notifications, %d requests after acknowledging; want 1 and 1", len(ns), len(hook.Requests()))
			}
			if ks := strings.Join(r.logKinds(a.ID), ", "); strings.Count(ks, "escalated") != 1 || !strings.HasSuffix(ks, "acknowledged") {
				t.Errorf("log: %s; want one escalation, acknowledged last", ks)
			}
		})

		t.Run("retried", func(t *testing.T) {
			hook := notifytest.NewWebhook(t)
			hook.Fail(1, http.StatusInternalServerError)
			p := r.policy("retried", 0, step(0, "", endpointTarget(r.endpoint("flaky", hook.URL))))
			a := r.raise(p.ID, "list changed")
			poll(t, 10*time.Second, "delivered", func() bool { return r.settled(a.ID, 1) })
			n := r.notifications(a.ID)[0]
			id := fmt.Sprintf("warden-n-%d", n.ID)
			var statuses []int
			for _, q := range hook.Requests() {
				if q.Delivery == id {
					statuses = append(statuses, q.Status)
				}
			}
			if n.Status != warden.NotificationDelivered || n.Attempts != 2 || hook.Count(id) != 1 || fmt.Sprint(statuses) != "[500 200]" {
				t.Errorf("%s after %d attempts, answers %v, delivered %d times; want delivered after 500 then 200, once", n.Status, n.Attempts, statuses, hook.Count(id))
			}
			if ks := strings.Join(r.logKinds(a.ID), ", "); !strings.HasSuffix(ks, "failed, delivered") {
				t.Errorf("log: %s; want failed, delivered last", ks)
			}
		})

		t.Run("dead letter", func(t *testing.T) {
			hook := notifytest.NewWebhook(t)
			hook.Hang()
			p := r.policy("dead", 0, step(0, "", endpointTarget(r.endpoint("silent", hook.URL))))
			a := r.raise(p.ID, "designation published")
			poll(t, 15*time.Second, "dead", func() bool { return r.settled(a.ID, 1) })
			n := r.notifications(a.ID)[0]
			if n.Status != warden.NotificationDead || n.Attempts != 3 || len(hook.Requests()) != 3 {
				t.Fatalf("%s after %d attempts, %d requests; want dead after 3", n.Status, n.Attempts, len(hook.Requests()))
			}
			dead, err := r.s.DeadLetters(r.admin)
			if err != nil {
				t.Fatal(err)
			}
			if !containsNotification(dead, n.ID) {
				t.Fatalf("dead letters %+v lack notification %d", dead, n.ID)
			}
			hook.Heal()
			if _, err := r.s.Replay(r.admin, n.ID); err != nil {
				t.Fatal(err)
			}
			poll(t, 10*time.Second, "replayed", func() bool { return r.settled(a.ID, 1) })
			id := fmt.Sprintf("warden-n-%d", n.ID)
			if n := r.notifications(a.ID)[0]; n.Status != warden.NotificationDelivered || hook.Count(id) != 1 {
				t.Errorf("after replay: %s, delivered %d times; want delivered once", n.Status, hook.Count(id))
			}
			dead, err = r.s.DeadLetters(r.admin)
			if err != nil {
				t.Fatal(err)
			}
			if containsNotification(dead, n.ID) {
				t.Errorf("notification %d is still a dead letter after its replay was delivered", n.ID)
			}
			if ks := strings.Join(r.logKinds(a.ID), ", "); !strings.HasSuffix(ks, "failed, failed, dead, replayed, delivered") {
				t.Errorf("log: %s; want failed twice, dead, replayed, delivered", ks)
			}
		})
	})
}

func containsNotification(ns []warden.Notification, id int64) bool {
	for _, n := range ns {
		if n.ID == id {
			return true
		}
	}
	return false
}
