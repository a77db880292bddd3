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

// moment is a point of a clock-driven scenario: after moving the clock by
// advance, the engine delivers exactly to.
type moment struct {
	advance time.Duration
	to      []string
}

func (e *env) play(ms []moment) {
	e.t.Helper()
	for i, m := range ms {
		e.clk.Add(m.advance)
		e.rec.reset()
		e.run()
		if got := e.rec.alerts(); !slices.Equal(got, m.to) {
			e.t.Fatalf("moment %d (%s after t0): delivered to %v, want %v", i, e.clk.Now().Sub(t0), got, m.to)
		}
	}
}

func TestEscalation(t *testing.T) {
	a, b, c := "alice@example.org", "bob@example.org", "carol@example.org"
	steps := []warden.EscalationStep{step(0, "", person("alice")), step(5*time.Minute, warden.SeverityHigh, person("bob")), step(10*time.Minute, "", person("carol"))}
	tests := []struct {
		name     string
		severity warden.Severity
		repeat   int
		moments  []moment
	}{
		{"every step at its delay, not before", warden.SeverityHigh, 0, []moment{
			{0, []string{a}}, {5*time.Minute - time.Second, nil}, {time.Second, []string{b}},
			{10*time.Minute - time.Second, nil}, {time.Second, []string{c}}, {24 * time.Hour, nil}}},
		{"a repeat starts again at the first step", warden.SeverityCritical, 1, []moment{
			{0, []string{a}}, {5 * time.Minute, []string{b}}, {10 * time.Minute, []string{c, a}},
			{5 * time.Minute, []string{b}}, {10 * time.Minute, []string{c}}, {24 * time.Hour, nil}}},
		{"a low alert skips the high step; the next delay counts from the last fired", warden.SeverityLow, 0, []moment{
			{0, []string{a}}, {5 * time.Minute, nil}, {5*time.Minute - time.Second, nil}, {time.Second, []string{c}}, {24 * time.Hour, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				e := newEnv(t, db, hotline.Options{})
				p := e.policy(warden.EscalationPolicy{Steps: steps, Repeat: tt.repeat})
				al := e.raise(hotline.RaiseInput{Severity: tt.severity, Policy: p.ID})
				e.play(tt.moments)
				if got := e.alert(al.ID); got.Status != warden.AlertTriggered || got.NextAt != nil {
					t.Errorf("after the last step: %s, next at %v; want triggered with nothing due", got.Status, got.NextAt)
				}
			})
		})
	}
}

func TestAcknowledgeStopsEscalation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		e.method("alice", warden.ChannelWebhook, "https://chat.example.org/alice", 5*time.Minute)
		e.rec.reset()
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice")), step(10*time.Minute, "", person("bob"))}, Repeat: 3})
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.play([]moment{{0, []string{"alice@example.org"}}})
		e.clk.Add(2 * time.Minute)
		got, err := e.s.Acknowledge(as("alice", warden.RoleAnalyst), al.ID, "on it")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != warden.AlertAcknowledged || got.AckedBy != "alice" || got.NextAt != nil {
			t.Fatalf("acknowledged: %+v", got)
		}
		// The webhook, held back five minutes, is cancelled; no step fires.
		e.play([]moment{{5 * time.Minute, nil}, {time.Hour, nil}})
		ns, _ := e.s.Notifications(e.admin, al.ID)
		if len(ns) != 2 || ns[0].Status != warden.NotificationDelivered || ns[1].Status != warden.NotificationCancelled {
			t.Errorf("notifications: %+v", ns)
		}
		if _, err := e.s.Acknowledge(e.admin, al.ID, ""); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("second acknowledgement: %v, want conflict", err)
		}
		if got, err := e.s.Resolve(as("bob", warden.RoleAnalyst), al.ID, "fixed"); err != nil || got.Status != warden.AlertResolved || got.ResolvedBy != "bob" {
			t.Fatalf("resolve: %+v, %v", got, err)
		}
		if _, err := e.s.Acknowledge(e.admin, al.ID, ""); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("acknowledging a resolved alert: %v, want conflict", err)
		}
		want := "triggered, escalated, notified, notified, delivered, acknowledged, resolved"
		if got := e.logKinds(al.ID); got != want {
			t.Errorf("log: %s\nwant %s", got, want)
		}
		var b strings.Builder
		e.s.Metrics.WriteTo(&b)
		for _, s := range []string{`warden_hotline_time_to_ack_seconds_bucket{le="120"} 1`, `warden_hotline_time_to_ack_seconds_sum 120`, `warden_notifications_total{channel="email",outcome="delivered"}`} {
			if !strings.Contains(b.String(), s) {
				t.Errorf("metrics lack %s:\n%s", s, b.String())
			}
		}
		var audited []string
		db.AuditEvents(context.Background(), warden.AuditFilter{Object: "alert:1"}, func(ev warden.AuditEvent) error {
			audited = append(audited, ev.Actor+" "+ev.Action)
			return nil
		})
		if want := []string{"alice hotline.raise", "alice hotline.acknowledge", "bob hotline.resolve"}; !slices.Equal(audited, want) {
			t.Errorf("audited %v, want %v", audited, want)
		}
	})
}

func TestEscalateTo(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice")), step(time.Hour, "", person("bob")),
			step(time.Hour, "", person("carol"))}})
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.play([]moment{{0, []string{"alice@example.org"}}})
		if _, err := e.s.Acknowledge(e.admin, al.ID, ""); err != nil {
			t.Fatal(err)
		}
		e.clk.Add(time.Minute)
		if _, err := e.s.EscalateTo(e.admin, al.ID, 3); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("step 3 of 3: %v, want invalid", err)
		}
		got, err := e.s.EscalateTo(as("alice", warden.RoleAnalyst), al.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != warden.AlertTriggered || got.Step != 2 || got.NextAt == nil || !got.NextAt.Equal(t0.Add(time.Minute+time.Hour)) {
			t.Fatalf("after escalating to step 1: %+v", got)
		}
		// Step 1's notification is due now, the next step an hour later.
		e.play([]moment{{0, []string{"bob@example.org"}}, {time.Hour - time.Second, nil}, {time.Second, []string{"carol@example.org"}}})
		if _, err := e.s.EscalateTo(as("dave", warden.RoleScreener), al.ID, 0); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("a screener escalating: %v, want forbidden", err)
		}
		if !strings.Contains(e.logKinds(al.ID), "escalated by hand") {
			t.Errorf("log: %s", e.logKinds(al.ID))
		}
	})
}

func TestWindows(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		steps := []warden.EscalationStep{step(0, "", person("alice")), step(10*time.Minute, "", person("bob"))}
		quiet := e.policy(warden.EscalationPolicy{Name: "quiet", Steps: steps,
			Windows: []warden.Window{{Kind: warden.WindowSuppression, Start: t0.Add(-time.Hour), End: t0.Add(time.Hour), Reason: "known noisy import"}}})
		maint := e.policy(warden.EscalationPolicy{Name: "maintenance", Steps: steps,
			Windows: []warden.Window{{Kind: warden.WindowMaintenance, Start: t0.Add(-time.Minute), End: t0.Add(30 * time.Minute)}}})
		s := e.raise(hotline.RaiseInput{Policy: quiet.ID})
		if s.Status != warden.AlertSuppressed || s.NextAt != nil {
			t.Fatalf("raised in a suppression window: %+v", s)
		}
		m := e.raise(hotline.RaiseInput{Policy: maint.ID})
		if m.NextAt == nil || !m.NextAt.Equal(t0.Add(30*time.Minute)) {
			t.Fatalf("raised in maintenance: next at %v, want the window's end", m.NextAt)
		}
		e.play([]moment{{0, nil}, {30*time.Minute - time.Second, nil}, {time.Second, []string{"alice@example.org"}}, {10 * time.Minute, []string{"bob@example.org"}}, {24 * time.Hour, nil}})
		if got := e.logKinds(s.ID); got != "suppressed" {
			t.Errorf("suppressed alert's log: %s", got)
		}
	})
}

func TestPerMethodDelayAndUnverified(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		e.method("alice", warden.ChannelWebhook, "https://chat.example.org/alice", 3*time.Minute)
		// dave's only method is never verified: he is never notified.
		if _, err := e.s.AddContactMethod(as("dave", warden.RoleAnalyst), warden.ContactMethod{Channel: warden.ChannelEmail, Address: "dave@example.org"}); err != nil {
			t.Fatal(err)
		}
		e.run()
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"), person("dave"))}})
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.play([]moment{{0, []string{"alice@example.org"}}, {3*time.Minute - time.Second, nil}, {time.Second, []string{"https://chat.example.org/alice"}}})
		if got := e.logKinds(al.ID); !strings.Contains(got, "no contact method") {
			t.Errorf("log: %s", got)
		}
	})
}

func TestDedupKey(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"))}})
		ctx := as("alice", warden.RoleAnalyst)
		in := hotline.RaiseInput{Summary: "payment gateway down", DedupKey: "gw-1"} // Policy 0: the only one
		a, created, err := e.s.Raise(ctx, in)
		if err != nil || !created {
			t.Fatalf("first raise: %v, created %v", err, created)
		}
		b, created, err := e.s.Raise(ctx, in)
		if err != nil || created || b.ID != a.ID {
			t.Fatalf("second raise: %v, created %v, id %d, want %d", err, created, b.ID, a.ID)
		}
		if _, err := e.s.Resolve(ctx, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		c, created, err := e.s.Raise(ctx, in)
		if err != nil || !created || c.ID == a.ID {
			t.Fatalf("raise after resolving: %v, created %v, id %d", err, created, c.ID)
		}
		e.policy(warden.EscalationPolicy{Name: "second", Steps: []warden.EscalationStep{step(0, "", person("bob"))}})
		if _, _, err := e.s.Raise(ctx, hotline.RaiseInput{Summary: "x"}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("no policy among two: %v, want invalid", err)
		}
	})
}

func TestFireOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(time.Minute, "", person("alice"), person("bob")), step(time.Hour, "", person("carol"))}})
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		ctx := context.Background()
		if err := e.s.Fire(ctx, al.ID, 0, 0); err != nil {
			t.Fatal(err)
		}
		if ns, _ := e.s.Notifications(e.admin, al.ID); len(ns) != 0 {
			t.Fatalf("a step fired before it was due: %+v", ns)
		}
		e.clk.Add(time.Minute)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- e.s.Fire(ctx, al.ID, 0, 0)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := e.s.Fire(ctx, al.ID, 0, 0); err != nil {
			t.Fatal(err)
		}
		ns, _ := e.s.Notifications(e.admin, al.ID)
		if len(ns) != 2 {
			t.Fatalf("%d notifications, want 2 (alice, bob): %+v", len(ns), ns)
		}
		if got := e.alert(al.ID); got.Step != 1 || !got.NextAt.Equal(t0.Add(61*time.Minute)) {
			t.Errorf("after firing: step %d, next %v", got.Step, got.NextAt)
		}
		if got := strings.Count(e.logKinds(al.ID), "escalated"); got != 1 {
			t.Errorf("%d escalated lines, want 1", got)
		}
	})
}

// TestSeverityPicksPolicy: an alert that names no policy goes to the one
// policy taking its severity; two taking it, or none among several, is a
// clear refusal.
func TestSeverityPicksPolicy(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		duty := e.policy(warden.EscalationPolicy{Name: "duty officer", Severities: []warden.Severity{warden.SeverityCritical, warden.SeverityHigh}, Steps: []warden.EscalationStep{step(0, "", person("alice"))}})
		mailbox := e.policy(warden.EscalationPolicy{Name: "mailbox", Severities: []warden.Severity{warden.SeverityLow}, Steps: []warden.EscalationStep{step(0, "", person("bob"))}})
		ctx := as("alice", warden.RoleAnalyst)
		for _, c := range []struct {
			sev  warden.Severity
			want int64
		}{{warden.SeverityCritical, duty.ID}, {warden.SeverityHigh, duty.ID}, {warden.SeverityLow, mailbox.ID}} {
			a, _, err := e.s.Raise(ctx, hotline.RaiseInput{Summary: "x", Severity: c.sev})
			if err != nil || a.Policy != c.want {
				t.Errorf("%s: policy %d, %v; want %d", c.sev, a.Policy, err, c.want)
			}
		}
		e.policy(warden.EscalationPolicy{Name: "also low", Severities: []warden.Severity{warden.SeverityLow}, Steps: []warden.EscalationStep{step(0, "", person("carol"))}})
		if _, _, err := e.s.Raise(ctx, hotline.RaiseInput{Summary: "x", Severity: warden.SeverityLow}); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "all take low") {
			t.Errorf("two policies take low: %v", err)
		}
		if _, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "bad", Severities: []warden.Severity{"urgent"}, Steps: []warden.EscalationStep{step(0, "", person("carol"))}}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("severity urgent: %v, want invalid", err)
		}
	})
}
