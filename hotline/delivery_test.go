package hotline_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/store"
	"warden/store/storetest"
)

func TestVerifyContactMethod(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		ctx := as("dave", warden.RoleAnalyst)
		add := func(addr string) warden.ContactMethod {
			m, err := e.s.AddContactMethod(ctx, warden.ContactMethod{Channel: warden.ChannelEmail, Address: addr})
			if err != nil {
				t.Fatal(err)
			}
			e.run()
			return m
		}
		wrong := func(code string) string { // a code that is not code
			if code == "000000" {
				return "000001"
			}
			return "000000"
		}
		m := add("dave@example.org")
		code := e.code("dave@example.org")
		for i := 1; i <= 5; i++ {
			if _, err := e.s.VerifyContactMethod(ctx, m.ID, wrong(code)); warden.ErrorCode(err) != warden.EINVALID {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if _, err := e.s.VerifyContactMethod(ctx, m.ID, code); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "new code") {
			t.Fatalf("right code after five wrong ones: %v", err)
		}
		if err := e.s.ResendCode(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		e.run()
		got, err := e.s.VerifyContactMethod(ctx, m.ID, e.code("dave@example.org"))
		if err != nil || !got.Verified {
			t.Fatalf("new code: %+v, %v", got, err)
		}

		late := add("dave2@example.org")
		e.clk.Add(15 * time.Minute)
		if _, err := e.s.VerifyContactMethod(ctx, late.ID, e.code("dave2@example.org")); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("expired code: %v", err)
		}
		if _, err := e.s.VerifyContactMethod(as("bob", warden.RoleAnalyst), late.ID, "123456"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("someone else's method: %v, want not found", err)
		}
		for _, bad := range []warden.ContactMethod{{Channel: warden.ChannelEmail, Address: "not an address"}, {Channel: warden.ChannelWebhook, Address: "ftp://x"},
			{Channel: "pager", Address: "x"}, {Channel: warden.ChannelEmail, Address: "d@example.org", Events: []string{"nonsense"}}} {
			if _, err := e.s.AddContactMethod(ctx, bad); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("%+v: %v, want invalid", bad, err)
			}
		}
		ms, _ := e.s.ContactMethods(ctx)
		if len(ms) != 2 || !ms[0].Verified || ms[1].Verified {
			t.Errorf("methods: %+v", ms)
		}
		if err := e.s.DeleteContactMethod(ctx, late.ID); err != nil {
			t.Fatal(err)
		}
		// The code is not kept in the notification once sent.
		ns, _ := db.NotificationsWith(context.Background(), warden.NotificationDelivered, time.Time{})
		for _, n := range ns {
			if n.Kind == "verify" && n.Body != "" {
				t.Errorf("notification %d keeps its code: %q", n.ID, n.Body)
			}
		}
	})
}

func TestDeliveryRetryDeadReplay(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		// No jitter: the two notifications' retries come in a known order.
		e := newEnv(t, db, hotline.Options{Attempts: 3, Jitter: func(int64) int64 { return 0 }})
		ep, secret, err := e.s.CreateEndpoint(e.admin, warden.Endpoint{Name: "counterpart 24/7", Org: "ua", Channel: warden.ChannelWebhook, Address: "https://ua.example.org/hook"})
		if err != nil || len(secret) != 64 {
			t.Fatalf("endpoint: %v, secret %q", err, secret)
		}
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"), warden.Target{Kind: warden.TargetEndpoint, ID: "1"})}})
		e.rec.fail["alice@example.org"] = 1 // 500, then 200
		e.rec.fail[ep.Address] = -1         // never answers
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.play([]moment{{0, nil}, {15 * time.Second, []string{"alice@example.org"}}, {30 * time.Second, nil}})
		dead, err := e.s.DeadLetters(e.admin)
		if err != nil || len(dead) != 1 || dead[0].Endpoint != ep.ID || dead[0].Attempts != 3 || !strings.Contains(dead[0].LastError, "500") {
			t.Fatalf("dead letters: %+v, %v", dead, err)
		}
		if _, err := e.s.DeadLetters(as("alice", warden.RoleAnalyst)); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("an analyst reading dead letters: %v", err)
		}
		if _, err := e.s.Replay(e.admin, ns(e, al.ID)[0].ID); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("replaying a delivered notification: %v", err)
		}
		e.rec.fail[ep.Address] = 0
		if _, err := e.s.Replay(e.admin, dead[0].ID); err != nil {
			t.Fatal(err)
		}
		e.play([]moment{{0, []string{ep.Address}}})
		got := e.rec.to(ep.Address)[0].m
		if !slices.Equal(got.Secrets, []string{secret}) || got.DeliveryID == "" || got.Event != "alert.triggered" || got.AckURL == "" {
			t.Errorf("endpoint message: %+v", got)
		}
		want := "triggered, escalated, notified, notified, failed, failed, delivered, failed, dead, replayed, delivered"
		if got := e.logKinds(al.ID); got != want {
			t.Errorf("log: %s\nwant %s", got, want)
		}
		var b strings.Builder
		e.s.Metrics.WriteTo(&b)
		for _, s := range []string{`{channel="webhook",outcome="dead"} 1`, `{channel="webhook",outcome="failed"} 2`, `{channel="email",outcome="failed"} 1`} {
			if !strings.Contains(b.String(), s) {
				t.Errorf("metrics lack %s:\n%s", s, b.String())
			}
		}

		// A permanent failure is dead at once.
		gone, _, err := e.s.CreateEndpoint(e.admin, warden.Endpoint{Name: "closed mailbox", Channel: warden.ChannelEmail, Address: "gone@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		gp := e.policy(warden.EscalationPolicy{Name: "gone", Steps: []warden.EscalationStep{step(0, "", warden.Target{Kind: warden.TargetEndpoint, ID: "2"})}})
		ga := e.raise(hotline.RaiseInput{Policy: gp.ID})
		e.run()
		if n := ns(e, ga.ID); len(n) != 1 || n[0].Endpoint != gone.ID || n[0].Status != warden.NotificationDead || n[0].Attempts != 1 {
			t.Errorf("permanent failure: %+v", n)
		}

		// A rotation signs with both secrets until it is finished.
		if _, err := e.s.RotateSecret(e.admin, ep.ID, "the-next-secret-0123"); err != nil {
			t.Fatal(err)
		}
		e.raise(hotline.RaiseInput{Policy: p.ID})
		e.rec.reset()
		e.run()
		if got := e.rec.to(ep.Address); len(got) != 1 || !slices.Equal(got[0].m.Secrets, []string{secret, "the-next-secret-0123"}) {
			t.Errorf("during rotation: %+v", got)
		}
		if _, err := e.s.FinishRotation(e.admin, ep.ID); err != nil {
			t.Fatal(err)
		}
		eps, _ := e.s.Endpoints(e.admin)
		if eps[0].Rotating || eps[0].Secret != "" {
			t.Errorf("endpoint after rotation: %+v", eps[0])
		}
	})
}

func ns(e *env, alert int64) []warden.Notification {
	e.t.Helper()
	out, err := e.s.Notifications(e.admin, alert)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestLinks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{LinkTTL: 24 * time.Hour})
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"))}})
		al := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.run()
		m := e.rec.to("alice@example.org")[0].m
		if !strings.HasPrefix(m.AckURL, "http://warden.test/hotline/link/") || !strings.Contains(m.Text, m.AckURL) || !strings.Contains(m.HTML, "Acknowledge") {
			t.Fatalf("message: %+v", m)
		}
		ack := strings.TrimPrefix(m.AckURL, "http://warden.test/hotline/link/")
		resolve := strings.TrimPrefix(m.ResolveURL, "http://warden.test/hotline/link/")
		ctx := context.Background()
		tampered := []byte(ack)
		tampered[3] ^= 1
		for _, bad := range []string{string(tampered), "", "abc", ack[:len(ack)-2]} {
			if _, _, err := e.s.Link(ctx, bad); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("Link(%q): %v, want invalid", bad, err)
			}
			if _, err := e.s.UseLink(ctx, bad); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("UseLink(%q): %v, want invalid", bad, err)
			}
		}
		a, action, err := e.s.Link(ctx, ack)
		if err != nil || action != "ack" || a.ID != al.ID {
			t.Fatalf("Link: %+v %q %v", a, action, err)
		}
		e.clk.Add(time.Minute)
		a, err = e.s.UseLink(ctx, ack)
		if err != nil || a.Status != warden.AlertAcknowledged || a.AckedBy != "link:alice" {
			t.Fatalf("UseLink: %+v, %v", a, err)
		}
		if _, err := e.s.UseLink(ctx, ack); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("second use: %v, want invalid", err)
		}
		if _, _, err := e.s.Link(ctx, ack); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("Link after use: %v, want invalid", err)
		}
		if a, err := e.s.UseLink(ctx, resolve); err != nil || a.Status != warden.AlertResolved {
			t.Fatalf("resolve link: %+v, %v", a, err)
		}
		var actors []string
		db.AuditEvents(ctx, warden.AuditFilter{Object: "alert:1"}, func(ev warden.AuditEvent) error {
			actors = append(actors, ev.Actor+" "+ev.Action)
			return nil
		})
		if want := []string{"alice hotline.raise", "link:alice hotline.acknowledge", "link:alice hotline.resolve"}; !slices.Equal(actors, want) {
			t.Errorf("audited %v, want %v", actors, want)
		}

		e.raise(hotline.RaiseInput{Policy: p.ID})
		e.rec.reset()
		e.run()
		old := strings.TrimPrefix(e.rec.to("alice@example.org")[0].m.AckURL, "http://warden.test/hotline/link/")
		e.clk.Add(24 * time.Hour)
		if _, err := e.s.UseLink(ctx, old); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "expired") {
			t.Errorf("expired link: %v", err)
		}
	})
}

func TestHandleEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		ctx := context.Background()
		crit := e.policy(warden.EscalationPolicy{Name: "payments", Steps: []warden.EscalationStep{step(0, "", person("alice")), step(time.Minute, warden.SeverityCritical, person("bob"))}})
		if _, err := e.s.CreateTrigger(e.admin, warden.Trigger{Event: "payment.blocked", Severity: warden.SeverityCritical, Policy: crit.ID, Enabled: true,
			MinAmount: []warden.Money{{Currency: "USD", Minor: 1_000_000}}}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []warden.Trigger{{Event: "nothing.happened", Severity: warden.SeverityLow, Policy: crit.ID}, {Event: "list.changed", Severity: warden.SeverityLow, Policy: 99},
			{Event: "list.changed", Severity: "urgent", Policy: crit.ID}, {Event: "list.changed", Severity: warden.SeverityLow, Policy: crit.ID, MinAmount: []warden.Money{{Currency: "USD", Minor: 1}}}} {
			if _, err := e.s.CreateTrigger(e.admin, bad); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("trigger %+v: %v, want invalid", bad, err)
			}
		}
		if _, err := e.s.UpdateContactMethod(as("carol", warden.RoleAnalyst), 3, 0, []string{"list.changed", "hits.new"}); err != nil {
			t.Fatal(err)
		}
		event := func(typ, object string, payload any) {
			b, _ := json.Marshal(payload)
			if err := db.RecordEvent(ctx, warden.DomainEvent{Type: typ, Object: object, Payload: b}, nil); err != nil {
				t.Fatal(err)
			}
		}
		pay := func(cur string, minor int64) map[string]any {
			return map[string]any{"reference": "p-" + cur, "amount": warden.Money{Currency: cur, Minor: minor}}
		}
		event("payment.blocked", "payment:1", pay("USD", 999_999))   // below
		event("payment.blocked", "payment:2", pay("USD", 1_000_000)) // at the threshold
		event("payment.blocked", "payment:3", pay("EUR", 5_000_000)) // no threshold in EUR
		event("list.changed", "list:ofac", map[string]any{"list": "ofac", "version": 7})
		event("payment.held", "tx:p-held", pay("GBP", 100)) // a new possible hit: hits.new
		if n, err := e.s.HandleEvents(ctx); err != nil || n != 5 {
			t.Fatalf("HandleEvents: %d, %v", n, err)
		}
		if n, err := e.s.HandleEvents(ctx); err != nil || n != 0 {
			t.Fatalf("HandleEvents again: %d, %v", n, err)
		}
		as, _ := e.s.Alerts(e.admin, hotline.AlertFilter{})
		if len(as) != 1 || as[0].Object != "payment:2" || as[0].Severity != warden.SeverityCritical || as[0].Source != "event:2" || !strings.Contains(as[0].Summary, "USD 10000.00") {
			t.Fatalf("alerts: %+v", as)
		}
		e.play([]moment{{0, []string{"alice@example.org"}}, {time.Minute, []string{"bob@example.org"}}})
		all, _ := db.NotificationsWith(ctx, warden.NotificationDelivered, time.Time{})
		var subs []string
		for _, n := range all {
			if n.Kind == "list.changed" || n.Kind == "payment.held" {
				subs = append(subs, n.Address+" "+n.Subject)
			}
		}
		slices.Sort(subs)
		if want := []string{"carol@example.org Warden: list ofac changed (version 7)", "carol@example.org Warden: payment p-GBP of GBP 1.00 held"}; !slices.Equal(subs, want) {
			t.Errorf("subscriptions delivered: %v, want %v", subs, want)
		}
	})
}
