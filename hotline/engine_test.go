package hotline_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/store"
	"warden/store/storetest"
)

// logDetails returns the details of an alert's log lines of kind.
func (e *env) logDetails(alert int64, kind string) []string {
	e.t.Helper()
	ls, err := e.s.Log(e.admin, hotline.LogFilter{Alert: alert})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		if l.Kind == kind {
			out = append(out, l.Detail)
		}
	}
	return out
}

// TestDisabledPeople: a disabled person is refused as a target, a
// participant or an override; at fire time they are skipped with a log
// line (a rotation pages its next participant who is not disabled); their
// contact methods are not used; a link sent to them before is refused.
func TestDisabledPeople(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		ctx := context.Background()
		// bob is on call today, carol tomorrow.
		r, err := e.s.CreateRotation(e.admin, warden.Rotation{Name: "primary", TimeZone: "UTC", Start: t0, ShiftLength: 1, ShiftUnit: warden.ShiftDays,
			Participants: []string{"bob", "carol", "alice"}})
		if err != nil {
			t.Fatal(err)
		}
		rot := warden.Target{Kind: warden.TargetRotation, ID: "1"}
		if r.ID != 1 {
			t.Fatalf("rotation %d, want 1", r.ID)
		}
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("bob"), rot)}})
		before := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.run()
		ms := e.rec.to("bob@example.org")
		if len(ms) != 1 {
			t.Fatalf("bob got %d messages before he was disabled, want 1", len(ms))
		}
		link := ms[0].m.ResolveURL[strings.LastIndex(ms[0].m.ResolveURL, "/")+1:]

		if err := db.DisableUser(ctx, "bob", t0, nil); err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"target": func() error {
				_, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "b", Steps: []warden.EscalationStep{step(0, "", person("bob"))}})
				return err
			}(),
			"participant": func() error {
				_, err := e.s.CreateRotation(e.admin, warden.Rotation{Name: "b", TimeZone: "UTC", Start: t0, ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: []string{"bob"}})
				return err
			}(),
			"unknown participant": func() error {
				_, err := e.s.CreateRotation(e.admin, warden.Rotation{Name: "z", TimeZone: "UTC", Start: t0, ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: []string{"zed"}})
				return err
			}(),
			"override": func() error {
				_, err := e.s.CreateRotation(e.admin, warden.Rotation{Name: "o", TimeZone: "UTC", Start: t0, ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: []string{"carol"},
					Overrides: []warden.Override{{Person: "bob", Start: t0, End: t0.Add(time.Hour)}}})
				return err
			}(),
		} {
			want := "bob is disabled"
			if name == "unknown participant" {
				want = `no person "zed"`
			}
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want invalid: %s", name, err, want)
			}
		}

		if _, err := e.s.UseLink(context.Background(), link); warden.ErrorCode(err) != warden.EFORBIDDEN || !strings.Contains(err.Error(), "this person is disabled") {
			t.Errorf("bob's link after he was disabled: %v, want forbidden", err)
		}
		if _, _, err := e.s.Link(context.Background(), link); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("bob's link shown after he was disabled: %v, want forbidden", err)
		}
		if got := e.alert(before.ID); got.Status != warden.AlertTriggered {
			t.Errorf("alert after bob's link: %s, want triggered", got.Status)
		}
		if ms, err := db.ContactMethods(ctx, "", true); err != nil || slices.ContainsFunc(ms, func(m store.ContactMethod) bool { return m.Person == "bob" }) {
			t.Errorf("verified methods list bob's after he was disabled (%v)", err)
		}

		e.rec.reset()
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.run()
		if got := e.rec.alerts(); !slices.Equal(got, []string{"carol@example.org"}) {
			t.Errorf("paged %v, want carol only", got)
		}
		want := []string{"bob is disabled", `bob is disabled: paging carol, next in "primary"`}
		if got := e.logDetails(al.ID, "disabled"); !slices.Equal(got, want) {
			t.Errorf("log: %q, want %q", got, want)
		}
	})
}

// counter is an Enqueuer that counts the jobs it is given.
type counter struct {
	mu   sync.Mutex
	jobs []hotline.Job
}

func (c *counter) InsertMany(_ context.Context, jobs []hotline.Job) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jobs = append(c.jobs, jobs...)
	return nil
}

func (c *counter) take() []hotline.Job {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.jobs
	c.jobs = nil
	return out
}

// TestPolicyLosesSteps: an alert due at a step its policy no longer has
// (the policy was shortened) moves on once, to its next round or to its
// end, with a log line; it is not left due, so reconcile does not schedule
// it again and again.
func TestPolicyLosesSteps(t *testing.T) {
	tests := []struct {
		name   string
		repeat int
		kind   string
		detail string
		fired  int
		paged  []string
	}{
		{"no round left: the escalation ends", 0, "escalation ended", `the policy "duty" has no step 3 any more (it has 1)`, 1, nil},
		{"a round left: it begins, at once", 1, "escalated", `the policy "duty" has no step 3 any more (it has 1): round 2 begins at step 1 at 2026-03-02T09:10:00Z`,
			2, []string{"alice@example.org"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				jobs := &counter{}
				e := newEnv(t, db, hotline.Options{Jobs: jobs})
				steps := []warden.EscalationStep{step(0, "", person("alice")), step(5*time.Minute, "", person("bob")), step(5*time.Minute, "", person("carol"))}
				p := e.policy(warden.EscalationPolicy{Steps: steps, Repeat: tt.repeat})
				al := e.raise(hotline.RaiseInput{Policy: p.ID})
				e.play([]moment{{0, []string{"alice@example.org"}}, {5 * time.Minute, []string{"bob@example.org"}}})
				p.Steps = steps[:1]
				if _, err := e.s.UpdatePolicy(e.admin, p.ID, p); err != nil {
					t.Fatal(err)
				}
				e.clk.Add(5 * time.Minute)
				jobs.take()
				e.rec.reset()
				if fired, _ := e.run(); fired != tt.fired {
					t.Errorf("fired %d, want %d", fired, tt.fired)
				}
				if got := e.rec.alerts(); !slices.Equal(got, tt.paged) {
					t.Errorf("paged %v, want %v", got, tt.paged)
				}
				if got := e.logDetails(al.ID, tt.kind); !slices.Contains(got, tt.detail) {
					t.Errorf("%s lines %q, want %q", tt.kind, got, tt.detail)
				}
				if got := e.alert(al.ID); got.NextAt != nil || got.Status != warden.AlertTriggered {
					t.Errorf("alert %s, next at %v; want triggered with nothing due", got.Status, got.NextAt)
				}
				for range 3 {
					jobs.take()
					n, err := e.s.Reconcile(context.Background())
					if err != nil || n != 0 {
						t.Fatalf("reconcile scheduled %d (%v), want 0: nothing is due", n, err)
					}
				}
				e.play([]moment{{time.Hour, nil}})
			})
		})
	}
}

// TestRetryBackoff: a failed delivery is tried again after 15 s, doubling
// to an hour, less a jitter of at most a fifth; the default attempts last
// about two hours; the log says when the next attempt is due, and that is
// when the job engine retries it (RetryAt).
func TestRetryBackoff(t *testing.T) {
	full := []time.Duration{15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour}
	tests := []struct {
		name   string
		jitter func(int64) int64
		wait   func(d time.Duration) time.Duration
	}{
		{"no jitter drawn", func(int64) int64 { return 0 }, func(d time.Duration) time.Duration { return d }},
		{"the most jitter", func(n int64) int64 { return n - 1 }, func(d time.Duration) time.Duration { return d - d/5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				e := newEnv(t, db, hotline.Options{Jitter: tt.jitter})
				ctx := context.Background()
				e.rec.fail["alice@example.org"] = -1
				p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"))}})
				al := e.raise(hotline.RaiseInput{Policy: p.ID})
				e.run()
				start := e.clk.Now()
				for i, d := range full {
					ns, err := e.s.Notifications(e.admin, al.ID)
					if err != nil || len(ns) != 1 {
						t.Fatalf("notifications %v, %v", ns, err)
					}
					n := ns[0]
					if n.Status != warden.NotificationFailed || n.Attempts != i+1 {
						t.Fatalf("after attempt %d: %s after %d attempts", i+1, n.Status, n.Attempts)
					}
					if got, want := n.DueAt.Sub(e.clk.Now()), tt.wait(d); got != want {
						t.Errorf("wait after attempt %d: %s, want %s", i+1, got, want)
					}
					if got := e.s.RetryAt(ctx, n.ID, i+1); !got.Equal(n.DueAt) {
						t.Errorf("the job engine retries attempt %d at %s, the hotline said %s", i+1, got, n.DueAt)
					}
					lines := e.logDetails(al.ID, "failed")
					if want := "next after " + n.DueAt.Format(time.RFC3339); len(lines) != i+1 || !strings.HasSuffix(lines[i], want) {
						t.Errorf("log after attempt %d: %q, want it to end %q", i+1, lines, want)
					}
					e.clk.Add(n.DueAt.Sub(e.clk.Now()))
					e.run()
				}
				ns, _ := e.s.Notifications(e.admin, al.ID)
				if ns[0].Status != warden.NotificationDead || ns[0].Attempts != hotline.DefaultAttempts {
					t.Errorf("%s after %d attempts, want dead after %d", ns[0].Status, ns[0].Attempts, hotline.DefaultAttempts)
				}
				if budget := e.clk.Now().Sub(start); budget < 99*time.Minute || budget > 125*time.Minute {
					t.Errorf("tried for %s, want about two hours", budget)
				}
			})
		})
	}
}

// TestReplayRefused: a dead notification is not sent again when what it
// says is no longer true: its alert was acknowledged or resolved, or it
// carried a verification code, which is not kept once it is dead.
func TestReplayRefused(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{Attempts: 1})
		ctx := context.Background()
		e.rec.fail["bob@example.org"] = -1
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("bob"))}})
		for _, to := range []warden.AlertStatus{warden.AlertAcknowledged, warden.AlertResolved} {
			al := e.raise(hotline.RaiseInput{Policy: p.ID})
			e.run()
			ns, _ := e.s.Notifications(e.admin, al.ID)
			if len(ns) != 1 || ns[0].Status != warden.NotificationDead {
				t.Fatalf("notifications %+v, want one dead", ns)
			}
			var err error
			if to == warden.AlertAcknowledged {
				_, err = e.s.Acknowledge(e.admin, al.ID, "")
			} else {
				_, err = e.s.Resolve(e.admin, al.ID, "")
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.s.Replay(e.admin, ns[0].ID); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(err.Error(), "is "+string(to)) {
				t.Errorf("replay for an alert %s: %v, want conflict", to, err)
			}
		}

		// dave's code never arrives: the dead notification keeps no code.
		dave := as("dave", warden.RoleAnalyst)
		e.rec.fail["dave@example.org"] = -1
		m, err := e.s.AddContactMethod(dave, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "dave@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		e.run()
		dead, err := db.NotificationsWith(ctx, warden.NotificationDead, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(dead, func(o store.Outgoing) bool { return o.Kind == "verify" })
		if i < 0 || dead[i].Body != "" {
			t.Fatalf("dead verification: %+v, want one without its body", dead)
		}
		code := dead[i].ID
		if _, err := e.s.Replay(e.admin, code); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(err.Error(), "ask for a new one") {
			t.Errorf("replay of a code: %v, want conflict", err)
		}
		e.rec.fail["dave@example.org"] = 0
		if err := e.s.ResendCode(dave, m.ID); err != nil {
			t.Fatal(err)
		}
		e.run()
		if _, err := e.s.VerifyContactMethod(dave, m.ID, e.code("dave@example.org")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Replay(e.admin, code); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(err.Error(), "verified already") {
			t.Errorf("replay of a code to a verified method: %v, want conflict", err)
		}
		if err := e.s.DeleteContactMethod(dave, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Replay(e.admin, code); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("replay of a code to a deleted method: %v, want conflict", err)
		}
	})
}

// TestWebhookAddressesRedacted: a webhook's URL carries its token, so the
// log and the answers to a role that does not manage the hotline show it
// as scheme://host/…; an admin sees it whole.
func TestWebhookAddressesRedacted(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		e.method("alice", warden.ChannelWebhook, "https://chat.example.org/alice?token=SECRET1", 0)
		hook := "https://hooks.example.org/services/T0/SECRET2"
		ep, _, err := e.s.CreateEndpoint(e.admin, warden.Endpoint{Name: "chat", Org: "ua", Channel: warden.ChannelWebhook, Address: hook})
		if err != nil {
			t.Fatal(err)
		}
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"), warden.Target{Kind: warden.TargetEndpoint, ID: "1"})}})
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.run()
		ls, err := e.s.Log(e.admin, hotline.LogFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if strings.Contains(l.Detail, "SECRET") {
				t.Errorf("log line %s %q shows a webhook's token", l.Kind, l.Detail)
			}
		}
		if got := e.logDetails(al.ID, "delivered"); !slices.Contains(got, "webhook to https://hooks.example.org/…") {
			t.Errorf("delivered lines %q", got)
		}
		for _, c := range []struct {
			who        context.Context
			alice, end string
		}{
			{as("bob", warden.RoleAnalyst), "https://chat.example.org/…", "https://hooks.example.org/…"},
			{e.admin, "https://chat.example.org/alice?token=SECRET1", hook},
		} {
			ns, err := e.s.Notifications(c.who, al.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range ns {
				if n.Channel == warden.ChannelWebhook {
					got = append(got, n.Address)
				}
			}
			if want := []string{c.alice, c.end}; !slices.Equal(got, want) {
				t.Errorf("webhook notifications shown as %q, want %q", got, want)
			}
			es, err := e.s.Endpoints(c.who)
			if err != nil || len(es) != 1 || es[0].ID != ep.ID || es[0].Address != c.end {
				t.Errorf("endpoints shown as %+v (%v), want %s", es, err, c.end)
			}
		}
	})
}
