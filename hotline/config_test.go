package hotline_test

import (
	"strings"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/store/storetest"
)

func TestValidation(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), hotline.Options{})
	ok := []warden.EscalationStep{step(0, "", person("alice"))}
	rot := warden.Rotation{Name: "r", TimeZone: "Europe/Paris", Start: t0, ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: []string{"alice"}}
	with := func(f func(*warden.Rotation)) warden.Rotation {
		r := rot
		f(&r)
		return r
	}
	tests := []struct {
		name string
		do   func() error
		want string
	}{
		{"policy without a name", func() error { _, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Steps: ok}); return err }, "needs a name"},
		{"policy without steps", func() error { _, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p"}); return err }, "no steps"},
		{"unknown person", func() error {
			_, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p", Steps: []warden.EscalationStep{step(0, "", person("mallory"))}})
			return err
		}, `no person "mallory"`},
		{"unknown rotation", func() error {
			_, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p", Steps: []warden.EscalationStep{step(0, "", warden.Target{Kind: warden.TargetRotation, ID: "9"})}})
			return err
		}, `no rotation "9"`},
		{"unknown endpoint", func() error {
			_, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p", Steps: []warden.EscalationStep{step(0, "", warden.Target{Kind: warden.TargetEndpoint, ID: "x"})}})
			return err
		}, `no endpoint "x"`},
		{"bad severity", func() error {
			_, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p", Steps: []warden.EscalationStep{step(0, "urgent", person("alice"))}})
			return err
		}, "not critical, high or low"},
		{"window ending before it starts", func() error {
			_, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p", Steps: ok, Windows: []warden.Window{{Kind: warden.WindowMaintenance, Start: t0, End: t0}}})
			return err
		}, "ends before it starts"},
		{"unknown time zone", func() error {
			_, err := e.s.CreateRotation(e.admin, with(func(r *warden.Rotation) { r.TimeZone = "Mars/Olympus" }))
			return err
		}, "unknown time zone"},
		{"shift length 0", func() error {
			_, err := e.s.CreateRotation(e.admin, with(func(r *warden.Rotation) { r.ShiftLength = 0 }))
			return err
		}, "a shift is 1 to 366 days, not 0"},
		{"no participants", func() error {
			_, err := e.s.CreateRotation(e.admin, with(func(r *warden.Rotation) { r.Participants = nil }))
			return err
		}, "has 0 participants"},
		{"override ending before it starts", func() error {
			_, err := e.s.CreateRotation(e.admin, with(func(r *warden.Rotation) {
				r.Overrides = []warden.Override{{Person: "bob", Start: t0, End: t0.Add(-time.Hour)}}
			}))
			return err
		}, "ends before it starts"},
		{"webhook not http", func() error {
			_, _, err := e.s.CreateEndpoint(e.admin, warden.Endpoint{Name: "x", Channel: warden.ChannelWebhook, Address: "gopher://x"})
			return err
		}, "http or https"},
		{"unparsable e-mail", func() error {
			_, _, err := e.s.CreateEndpoint(e.admin, warden.Endpoint{Name: "x", Channel: warden.ChannelEmail, Address: "duty at example"})
			return err
		}, "not an e-mail address"},
		{"raise without a summary", func() error { _, _, err := e.s.Raise(e.admin, hotline.RaiseInput{}); return err }, "needs a summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if warden.ErrorCode(err) != warden.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want invalid: ...%s...", err, tt.want)
			}
		})
	}
	if _, err := e.s.CreatePolicy(as("alice", warden.RoleAnalyst), warden.EscalationPolicy{Name: "p", Steps: ok}); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("an analyst creating a policy: %v, want forbidden", err)
	}
	if _, err := e.s.Policies(as("x", warden.RoleCounterpart)); warden.ErrorCode(err) != warden.EFORBIDDEN {
		t.Errorf("a counterpart reading policies: %v, want forbidden", err)
	}
	p, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p", Steps: ok})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreatePolicy(e.admin, warden.EscalationPolicy{Name: "p", Steps: ok}); warden.ErrorCode(err) != warden.ECONFLICT {
		t.Errorf("a second policy p: %v, want conflict", err)
	}
	p.Repeat = 2
	if got, err := e.s.UpdatePolicy(e.admin, p.ID, p); err != nil || got.Repeat != 2 || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("update: %+v, %v", got, err)
	}
}
