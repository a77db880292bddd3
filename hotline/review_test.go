package hotline_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/store"
	"warden/store/storetest"
)

// TestEventsNeedReadPermission: a person takes only the notifications
// whose objects their role may read, checked when subscribing and, with
// the role as it is now, when sending; alerts raised by triggers and
// subscription bodies carry a summary and where to look, not the event's
// payload.
func TestEventsNeedReadPermission(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		ctx := context.Background()
		// sam is a screener: GET /v1/customers is 403 for him.
		if err := db.CreateUser(ctx, warden.User{Name: "sam", Role: warden.RoleScreener, Org: warden.HomeOrg, CreatedAt: t0, CreatedBy: "operator", PasswordSetBy: "operator"}, nil); err != nil {
			t.Fatal(err)
		}
		sam := as("sam", warden.RoleScreener)
		for _, c := range []struct {
			events []string
			code   string
			names  string
		}{
			{[]string{"customer.hit"}, warden.EFORBIDDEN, "customer.hit"},
			{[]string{"payment.blocked", "hits.new", "case.flagged"}, warden.EFORBIDDEN, "payment.blocked, hits.new, case.flagged"},
			// A screener reads the lists (its hits link to party pages):
			// list.changed is its to take, designation.published not.
			{[]string{"designation.published", "list.changed"}, warden.EFORBIDDEN, "take designation.published:"},
			{[]string{"nothing.happened"}, warden.EINVALID, "nothing.happened"},
		} {
			_, err := e.s.AddContactMethod(sam, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "sam@example.org", Events: c.events})
			if warden.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.names) {
				t.Errorf("screener taking %v: %v, want %s naming %s", c.events, err, c.code, c.names)
			}
		}
		if _, err := e.s.UpdateContactMethod(as("alice", warden.RoleScreener), 1, 0, []string{"customer.hit"}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("update to customer.hit as a screener: %v, want forbidden", err)
		}
		// carol (an analyst) takes customer.hit; so did sam while his
		// principal said analyst: his role in the users table is what counts
		// when the event is sent.
		if _, err := e.s.UpdateContactMethod(as("carol", warden.RoleAnalyst), 3, 0, []string{"customer.hit"}); err != nil {
			t.Fatal(err)
		}
		samAsAnalyst := as("sam", warden.RoleAnalyst)
		m, err := e.s.AddContactMethod(samAsAnalyst, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "sam@example.org", Events: []string{"customer.hit"}})
		if err != nil {
			t.Fatal(err)
		}
		e.run()
		if _, err := e.s.VerifyContactMethod(samAsAnalyst, m.ID, e.code("sam@example.org")); err != nil {
			t.Fatal(err)
		}
		pol := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"))}})
		if _, err := e.s.CreateTrigger(e.admin, warden.Trigger{Event: "customer.hit", Severity: warden.SeverityHigh, Policy: pol.ID, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		e.rec.reset()
		payload, _ := json.Marshal(warden.CustomerEvent{Customer: "C-779", Name: "Ivan Secretname", Decision: "held"})
		if err := db.RecordEvent(ctx, warden.DomainEvent{Type: "customer.hit", Object: "customer:C-779", Payload: payload}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.HandleEvents(ctx); err != nil {
			t.Fatal(err)
		}
		e.run()
		if got := e.rec.to("sam@example.org"); len(got) != 0 {
			t.Errorf("sam, a screener now, was told: %+v", got[0].m)
		}
		got := e.rec.to("carol@example.org")
		if len(got) != 1 {
			t.Fatalf("carol got %d notifications, want 1", len(got))
		}
		if body := got[0].m.Text; strings.Contains(body, "Secretname") || !strings.Contains(body, "customer C-779") {
			t.Errorf("subscription body: %q, want the summary and the object, no payload", body)
		}
		as, err := e.s.Alerts(e.admin, hotline.AlertFilter{})
		if err != nil || len(as) != 1 {
			t.Fatalf("alerts: %+v, %v", as, err)
		}
		if a := as[0]; strings.Contains(a.Details, "Secretname") || a.Details != "See customer C-779 in Warden." || a.Object != "customer:C-779" {
			t.Errorf("trigger's alert: details %q, object %q", a.Details, a.Object)
		}
	})
}

// TestRotationBounds: hostile rotations are refused at once, and the shift
// arithmetic answers quickly for any time, however far from the start.
func TestRotationBounds(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), hotline.Options{})
	good := warden.Rotation{Name: "r", TimeZone: "Europe/Paris", Start: t0, ShiftLength: 1, ShiftUnit: warden.ShiftHours, Participants: []string{"alice", "bob"}}
	with := func(f func(*warden.Rotation)) warden.Rotation {
		r := good
		f(&r)
		return r
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "alice"
	}
	overrides := make([]warden.Override, 1001)
	for i := range overrides {
		overrides[i] = warden.Override{Person: "bob", Start: t0.Add(time.Duration(i) * time.Hour), End: t0.Add(time.Duration(i)*time.Hour + time.Minute)}
	}
	for _, c := range []struct {
		name string
		r    warden.Rotation
		want string
	}{
		{"start in year 1", with(func(r *warden.Rotation) { r.Start = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC) }), "between 2000-01-01 and 2200-01-01"},
		{"start in 2300", with(func(r *warden.Rotation) { r.Start = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC) }), "between 2000-01-01 and 2200-01-01"},
		{"2^51 hours", with(func(r *warden.Rotation) { r.ShiftLength = 1 << 51 }), "1 to 8760 hours"},
		{"367 days", with(func(r *warden.Rotation) { r.ShiftUnit, r.ShiftLength = warden.ShiftDays, 367 }), "1 to 366 days"},
		{"53 weeks", with(func(r *warden.Rotation) { r.ShiftUnit, r.ShiftLength = warden.ShiftWeeks, 53 }), "1 to 52 weeks"},
		{"negative length", with(func(r *warden.Rotation) { r.ShiftLength = -1 }), "1 to 8760 hours"},
		{"101 participants", with(func(r *warden.Rotation) { r.Participants = many }), "1 to 100"},
		{"1001 overrides", with(func(r *warden.Rotation) { r.Overrides = overrides }), "at most 1000"},
		{"override of two years", with(func(r *warden.Rotation) {
			r.Overrides = []warden.Override{{Person: "bob", Start: t0, End: t0.AddDate(2, 0, 0)}}
		}), "longer than a year"},
		{"override in year 1", with(func(r *warden.Rotation) {
			r.Overrides = []warden.Override{{Person: "bob", Start: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)}}
		}), "between 2000-01-01 and 2200-01-01"},
		{"time zone Local", with(func(r *warden.Rotation) { r.TimeZone = "Local" }), "not an IANA name"},
		{"no time zone", with(func(r *warden.Rotation) { r.TimeZone = "" }), "not an IANA name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.CreateRotation(e.admin, c.r)
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want invalid: ...%s...", err, c.want)
			}
			// ShiftAt itself refuses it rather than spin or divide by zero.
			if _, _, err := hotline.ShiftAt(c.r, t0); c.name != "1001 overrides" && c.name != "override of two years" && c.name != "override in year 1" && warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("ShiftAt: %v, want invalid", err)
			}
		})
	}
	if _, err := e.s.CreateRotation(e.admin, with(func(r *warden.Rotation) { r.TimeZone = "UTC" })); err != nil {
		t.Errorf("UTC: %v", err)
	}
	// Far from the start, in both directions, for every unit.
	for _, unit := range []warden.ShiftUnit{warden.ShiftHours, warden.ShiftDays, warden.ShiftWeeks} {
		r := with(func(r *warden.Rotation) { r.ShiftUnit = unit })
		for _, at := range []time.Time{time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC), t0.Add(-time.Second)} {
			now, next, err := hotline.ShiftAt(r, at)
			if err != nil || now.Start.After(at) || !now.End.After(at) || !next.Start.Equal(now.End) || now.Person == next.Person {
				t.Errorf("%s at %s: now %+v, next %+v, %v", unit, at, now, next, err)
			}
		}
	}
}

// TestContactMethodsNotByToken: an API token, which acts for its owner
// elsewhere, and the operator manage no one's contact methods.
func TestContactMethodsNotByToken(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), hotline.Options{})
	token := warden.WithPrincipal(context.Background(), warden.Principal{Name: "gateway", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "token", Person: "root"})
	operator := warden.WithPrincipal(context.Background(), warden.Operator)
	for name, ctx := range map[string]context.Context{"token": token, "operator": operator} {
		for op, err := range map[string]error{
			"list": func() error { _, err := e.s.ContactMethods(ctx); return err }(),
			"add": func() error {
				_, err := e.s.AddContactMethod(ctx, warden.ContactMethod{Channel: warden.ChannelWebhook, Address: "https://evil.example/x"})
				return err
			}(),
			"verify": func() error { _, err := e.s.VerifyContactMethod(ctx, 1, "000000"); return err }(),
			"resend": e.s.ResendCode(ctx, 1),
			"update": func() error { _, err := e.s.UpdateContactMethod(ctx, 1, 0, nil); return err }(),
			"delete": e.s.DeleteContactMethod(ctx, 1),
		} {
			if warden.ErrorCode(err) != warden.EFORBIDDEN || !strings.Contains(err.Error(), "signed in") {
				t.Errorf("%s %s: %v, want forbidden", name, op, err)
			}
		}
	}
	if ms, err := e.s.ContactMethods(as("alice", warden.RoleAnalyst)); err != nil || len(ms) != 1 {
		t.Errorf("alice's own: %+v, %v", ms, err)
	}
}

// TestSuppressedDoesNotDedup: an alert suppressed in a window does not
// swallow later raises with its dedup key: raised after the window, the
// key makes a new alert that escalates.
func TestSuppressedDoesNotDedup(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("alice"))},
			Windows: []warden.Window{{Kind: warden.WindowSuppression, Start: t0.Add(-time.Hour), End: t0.Add(time.Hour)}}})
		in := hotline.RaiseInput{Summary: "gateway down", Policy: p.ID, DedupKey: "gw"}
		s := e.raise(in)
		if s.Status != warden.AlertSuppressed {
			t.Fatalf("in the window: %s", s.Status)
		}
		// A retry in the window is the same suppressed alert, not a pile.
		e.clk.Add(30 * time.Minute)
		if again, created, err := e.s.Raise(as("alice", warden.RoleAnalyst), in); err != nil || created || again.ID != s.ID {
			t.Fatalf("again in the window: %+v, created %v, %v", again, created, err)
		}
		e.clk.Add(90 * time.Minute)
		a, created, err := e.s.Raise(as("alice", warden.RoleAnalyst), in)
		if err != nil || !created || a.ID == s.ID || a.Status != warden.AlertTriggered {
			t.Fatalf("after the window: %+v, created %v, %v", a, created, err)
		}
		e.rec.reset()
		e.run()
		if got := e.rec.alerts(); len(got) != 1 || got[0] != "alice@example.org" {
			t.Errorf("notified: %v", got)
		}
		// The open alert now deduplicates; the suppressed one is resolved,
		// not acknowledged.
		if b, created, err := e.s.Raise(as("alice", warden.RoleAnalyst), in); err != nil || created || b.ID != a.ID {
			t.Errorf("raise again: %+v, created %v, %v", b, created, err)
		}
		if _, err := e.s.Acknowledge(e.admin, s.ID, ""); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("acknowledge the suppressed alert: %v, want conflict", err)
		}
		if r, err := e.s.Resolve(e.admin, s.ID, ""); err != nil || r.Status != warden.AlertResolved {
			t.Errorf("resolve the suppressed alert: %+v, %v", r, err)
		}
	})
}

// TestLinkExpiryFromSending: a link sent late (the method's delay, a
// retry) works for LinkTTL from when it is sent, not from when its
// notification was made.
func TestLinkExpiryFromSending(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{LinkTTL: time.Hour})
		e.method("dave", warden.ChannelEmail, "dave@example.org", 3*time.Hour)
		p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(0, "", person("dave"))}})
		a := e.raise(hotline.RaiseInput{Policy: p.ID})
		e.run()
		e.clk.Add(3 * time.Hour)
		e.rec.reset()
		e.run()
		got := e.rec.to("dave@example.org")
		if len(got) != 1 {
			t.Fatalf("%d messages to dave", len(got))
		}
		e.clk.Add(30 * time.Minute)
		token := got[0].m.AckURL[strings.LastIndex(got[0].m.AckURL, "/")+1:]
		if b, err := e.s.UseLink(context.Background(), token); err != nil || b.ID != a.ID || b.Status != warden.AlertAcknowledged {
			t.Errorf("the link half an hour after it arrived: %+v, %v", b, err)
		}
	})
}

// TestRaiseInput: what an alert says is checked as text: characters
// counted as characters, no control characters, a one-line summary, an
// object that is kind:id; lists have a default and a maximum length.
func TestRaiseInput(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), hotline.Options{})
	e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(time.Hour, "", person("alice"))}})
	ctx := as("alice", warden.RoleAnalyst)
	for _, c := range []struct {
		name string
		in   hotline.RaiseInput
		want string // "" for accepted
	}{
		{"300 é", hotline.RaiseInput{Summary: strings.Repeat("é", 300)}, ""},
		{"501 characters", hotline.RaiseInput{Summary: strings.Repeat("é", 501)}, "limit is 500"},
		{"NUL in the summary", hotline.RaiseInput{Summary: "a\x00b"}, "control character"},
		{"two lines", hotline.RaiseInput{Summary: "a\nb"}, "one-line"},
		{"escape in the details", hotline.RaiseInput{Summary: "s", Details: "a\x1b[31m"}, "control character"},
		{"lines in the details", hotline.RaiseInput{Summary: "s", Details: "first\nsecond"}, ""},
		{"object with a space", hotline.RaiseInput{Summary: "s", Object: "case 3"}, "kind:id"},
		{"object with NUL", hotline.RaiseInput{Summary: "s", Object: "case:3\x00"}, "kind:id"},
		{"object too long", hotline.RaiseInput{Summary: "s", Object: "case:" + strings.Repeat("9", 200)}, "kind:id"},
		{"object", hotline.RaiseInput{Summary: "s", Object: "customer:C-779/2.a_b"}, ""},
		{"dedup key with NUL", hotline.RaiseInput{Summary: "s", DedupKey: "k\x00"}, "control character"},
	} {
		_, _, err := e.s.Raise(ctx, c.in)
		if c.want == "" && err != nil || c.want != "" && (warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := e.s.Alerts(e.admin, hotline.AlertFilter{Status: "bogus"}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("status bogus: %v, want invalid", err)
	}
	for _, n := range []int{-1, hotline.MaxLimit + 1} {
		if _, err := e.s.Alerts(e.admin, hotline.AlertFilter{Limit: n}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("alerts limit %d: %v, want invalid", n, err)
		}
		if _, err := e.s.Log(e.admin, hotline.LogFilter{Limit: n}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("log limit %d: %v, want invalid", n, err)
		}
	}
	for range hotline.DefaultLimit {
		if _, _, err := e.s.Raise(ctx, hotline.RaiseInput{Summary: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	if as, err := e.s.Alerts(e.admin, hotline.AlertFilter{}); err != nil || len(as) != hotline.DefaultLimit {
		t.Errorf("alerts without a limit: %d, %v; want %d", len(as), err, hotline.DefaultLimit)
	}
	if ls, err := e.s.Log(e.admin, hotline.LogFilter{}); err != nil || len(ls) != hotline.DefaultLimit {
		t.Errorf("log without a limit: %d, %v; want %d", len(ls), err, hotline.DefaultLimit)
	}
}

// TestEscalateStepNumbers: a step that is not there is named as the
// pages number steps, from 1.
func TestEscalateStepNumbers(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), hotline.Options{})
	p := e.policy(warden.EscalationPolicy{Name: "main", Steps: []warden.EscalationStep{step(0, "", person("alice")), step(time.Minute, "", person("bob"))}})
	a := e.raise(hotline.RaiseInput{Policy: p.ID})
	_, err := e.s.EscalateTo(e.admin, a.ID, 8)
	if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), `policy "main" has steps 1 to 2: there is no step 9`) {
		t.Errorf("escalate to the ninth step: %v", err)
	}
}

// TestContactCodes: a wrong code is audited as a failure; codes to one
// address are capped per hour, across deleting and adding the method
// again; deleting a method cancels its codes still to be sent, dead ones
// included, so that no replay sends them.
func TestContactCodes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, hotline.Options{})
		dave := as("dave", warden.RoleAnalyst)
		m, err := e.s.AddContactMethod(dave, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "dave@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		e.run()
		// A mistyped code costs no try and is not audited; a wrong one is.
		if _, err := e.s.VerifyContactMethod(dave, m.ID, "12ab"); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "six digits") {
			t.Fatalf("mistyped code: %v", err)
		}
		wrong := "000000"
		if e.code("dave@example.org") == wrong {
			wrong = "111111"
		}
		if _, err := e.s.VerifyContactMethod(dave, m.ID, wrong); warden.ErrorCode(err) != warden.EINVALID {
			t.Fatalf("wrong code: %v", err)
		}
		if _, err := e.s.VerifyContactMethod(dave, m.ID, e.code("dave@example.org")); err != nil {
			t.Fatal(err)
		}
		var actions []string
		err = db.AuditEvents(context.Background(), warden.AuditFilter{Action: "contact.verify", Object: "contact-method:" + jsonInt(m.ID)}, func(ev warden.AuditEvent) error {
			actions = append(actions, ev.Action)
			return nil
		})
		if err == nil {
			err = db.AuditEvents(context.Background(), warden.AuditFilter{Action: "contact.verify.failed", Object: "contact-method:" + jsonInt(m.ID)}, func(ev warden.AuditEvent) error {
				actions = append(actions, ev.Action)
				return nil
			})
		}
		if err != nil || strings.Join(actions, " ") != "contact.verify contact.verify.failed" {
			t.Errorf("audited: %v, %v; want one contact.verify and one contact.verify.failed", actions, err)
		}

		// Five codes an hour to one address: one with the method, four
		// resent, then none, even to the method deleted and added again.
		w, err := e.s.AddContactMethod(dave, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "dave2@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			if err := e.s.ResendCode(dave, w.ID); err != nil {
				t.Fatalf("resend %d: %v", i+1, err)
			}
		}
		if err := e.s.ResendCode(dave, w.ID); warden.ErrorCode(err) != warden.ERATELIMITED {
			t.Errorf("sixth code: %v, want rate limited", err)
		}
		if err := e.s.DeleteContactMethod(dave, w.ID); err != nil {
			t.Fatal(err)
		}
		for _, addr := range []string{"dave2@example.org", "Dave2@Example.ORG", "DAVE2@EXAMPLE.ORG"} {
			if _, err := e.s.AddContactMethod(dave, warden.ContactMethod{Channel: warden.ChannelEmail, Address: addr}); warden.ErrorCode(err) != warden.ERATELIMITED {
				t.Errorf("added again as %s: %v, want rate limited", addr, err)
			}
		}
		// Nor for someone else: the cap is the address's.
		if _, err := e.s.AddContactMethod(as("carol", warden.RoleAnalyst), warden.ContactMethod{Channel: warden.ChannelEmail, Address: "dave2@EXAMPLE.org"}); warden.ErrorCode(err) != warden.ERATELIMITED {
			t.Errorf("carol adding dave's address: %v, want rate limited", err)
		}
		pending, _ := db.NotificationsWith(context.Background(), warden.NotificationPending, time.Time{})
		for _, n := range pending {
			if n.Address == "dave2@example.org" {
				t.Errorf("a code to the deleted method is still pending: %+v", n.Notification)
			}
		}
		e.clk.Add(time.Hour + time.Second)
		if _, err := e.s.AddContactMethod(dave, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "dave2@example.org"}); err != nil {
			t.Errorf("an hour later: %v", err)
		}

		// A code that went dead is cancelled with its method: no replay.
		g, err := e.s.AddContactMethod(dave, warden.ContactMethod{Channel: warden.ChannelEmail, Address: "gone@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		e.run()
		dead, _ := e.s.DeadLetters(e.admin)
		if len(dead) != 1 || dead[0].Address != "gone@example.org" {
			t.Fatalf("dead letters: %+v", dead)
		}
		if err := e.s.DeleteContactMethod(dave, g.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Replay(e.admin, dead[0].ID); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("replay of the deleted method's code: %v, want conflict", err)
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestOnCallSkipsDisabled: the on-call answer agrees with the engine: a
// disabled person's shift shows the next participant who is not, naming
// the disabled one; and times outside 2000-2200 are refused, not answered
// with shifts JSON cannot carry.
func TestOnCallSkipsDisabled(t *testing.T) {
	db := storetest.OpenSQLite(t)
	e := newEnv(t, db, hotline.Options{})
	if _, err := e.s.CreateRotation(e.admin, warden.Rotation{Name: "primary", TimeZone: "UTC", Start: t0, ShiftLength: 1, ShiftUnit: warden.ShiftDays,
		Participants: []string{"bob", "carol", "alice"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.DisableUser(context.Background(), "bob", t0, nil); err != nil {
		t.Fatal(err)
	}
	oc, err := e.s.OnCall(e.admin, t0.Add(time.Hour))
	if err != nil || len(oc) != 1 {
		t.Fatalf("on call: %+v %v", oc, err)
	}
	if now, next := oc[0].Now, oc[0].Next; now.Person != "carol" || now.Instead != "bob" || next.Person != "carol" || next.Instead != "" {
		t.Errorf("now %+v, next %+v; want carol for bob, then carol", now, next)
	}
	for _, at := range []time.Time{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if _, err := e.s.OnCall(e.admin, at); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("on call at %s: %v, want invalid", at, err)
		}
	}
}

// TestPersonalWebhookNotInternal: a personal webhook at a literal
// non-public address or a localhost name is refused when added, with a
// message, rather than left to die at sending.
func TestPersonalWebhookNotInternal(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), hotline.Options{})
	me := as("erin", warden.RoleAnalyst)
	for _, u := range []string{"http://127.0.0.1:18090/x", "http://localhost/hook", "http://api.localhost/hook", "http://[::1]:80/", "http://10.1.2.3/", "http://169.254.169.254/latest", "http://100.100.100.200/"} {
		if _, err := e.s.AddContactMethod(me, warden.ContactMethod{Channel: warden.ChannelWebhook, Address: u}); warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), "not on the internet") {
			t.Errorf("%s: %v, want invalid", u, err)
		}
	}
	if _, err := e.s.AddContactMethod(me, warden.ContactMethod{Channel: warden.ChannelWebhook, Address: "https://hooks.example.org/services/T0/B0/x"}); err != nil {
		t.Errorf("a public webhook: %v", err)
	}
}
