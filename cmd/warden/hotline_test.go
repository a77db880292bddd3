package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/hotline"
	"warden/store"
)

// TestHotlineCLI: the operator raises an alert (once per dedup key),
// acknowledges and resolves it, and asks who is on call; usage errors
// exit 2 and change nothing.
func TestHotlineCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	sdb, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"alice", "bob"} {
		if _, err := auth.New(sdb).CreateUser(ctx, n, warden.RoleAnalyst, "", "amber quarry nine swallows "+n, ""); err != nil {
			t.Fatal(err)
		}
	}
	s := hotline.New(sdb, hotline.Options{})
	rot, err := s.CreateRotation(ctx, warden.Rotation{Name: "Primary", TimeZone: "Europe/Paris", Start: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		ShiftLength: 1, ShiftUnit: warden.ShiftDays, Participants: []string{"alice", "bob"}})
	if err == nil {
		_, err = s.CreatePolicy(ctx, warden.EscalationPolicy{Name: "Default", Steps: []warden.EscalationStep{{Targets: []warden.Target{{Kind: warden.TargetRotation, ID: "1"}}}}})
	}
	sdb.Close()
	if err != nil || rot.ID != 1 {
		t.Fatal(rot, err)
	}

	raise := []string{"hotline", "raise", "--summary", "ru-cert missed request 7", "--severity", "critical", "--policy", "1", "--object", "request:7", "--dedup-key", "req-7"}
	var a, again warden.Alert
	code, out, errs := cli(t, db, raise...)
	if json.Unmarshal([]byte(out), &a); code != 0 || a.ID != 1 || a.Status != warden.AlertTriggered || a.Source != "cli" || a.CreatedBy != "operator" {
		t.Fatalf("raise: %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, db, raise...)
	if json.Unmarshal([]byte(out), &again); code != 0 || again.ID != 1 || !strings.Contains(errs, "open already") {
		t.Errorf("raise again: %d %s %s", code, out, errs)
	}
	if code, out, _ := cli(t, db, "hotline", "ack", "1", "--note", "on it"); code != 0 || !strings.Contains(out, `"status": "acknowledged"`) {
		t.Errorf("ack: %d %s", code, out)
	}
	if code, _, errs := cli(t, db, "hotline", "ack", "1"); code != 1 || errs == "" {
		t.Errorf("ack twice: %d %s", code, errs)
	}
	if code, out, _ := cli(t, db, "hotline", "resolve", "1"); code != 0 || !strings.Contains(out, `"status": "resolved"`) {
		t.Errorf("resolve: %d %s", code, out)
	}
	// 10:00 UTC on 3 March is 11:00 in Paris, after the 10:00 Paris
	// hand-off: bob's day, alice's next.
	code, out, _ = cli(t, db, "hotline", "oncall", "--at", "2026-03-03T10:00:00Z")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 2 || strings.Join(strings.Fields(lines[1]), " ") != "Primary bob 2026-03-04T09:00:00Z alice" {
		t.Errorf("oncall: %d %q", code, out)
	}
	for _, args := range [][]string{{"raise"}, {"ack"}, {"ack", "x"}, {"resolve", "1", "2"}, {"oncall", "--at", "tomorrow"}, {"page"}, {}} {
		if code, _, errs := cli(t, db, append([]string{"hotline"}, args...)...); code != 2 {
			t.Errorf("hotline %v: exit %d %s", args, code, errs)
		}
	}
}

// TestHotlineOptions: serve's hotline flags are checked before anything
// starts, and the link key file is made once and read back the same, so
// that links survive a restart and every node signs alike.
func TestHotlineOptions(t *testing.T) {
	dir := t.TempDir()
	opts := func(args ...string) (hotline.Options, error) {
		fs := newFlags("serve", "", io.Discard)
		c := hotlineFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c.options(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	for _, args := range [][]string{
		{"--smtp-host", "mail.example", "--smtp-tls", "sometimes", "--smtp-from", "w@example.org"},
		{"--smtp-host", "mail.example"},
		{"--base-url", "ftp://warden.example"},
		{"--base-url", "warden.example"},
		{"--hotline-attempts", "0"},
		{"--hotline-every", "0s"},
		{"--hotline-workers", "0"},
		{"--hotline-claim-for", "0s"},
	} {
		if _, err := opts(args...); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v", args, err)
		}
	}
	key := filepath.Join(dir, "link.key")
	o1, err := opts("--hotline-link-key", key, "--base-url", "https://warden.example/", "--smtp-host", "mail.example", "--smtp-from", "w@example.org")
	if err != nil {
		t.Fatal(err)
	}
	o2, err := opts("--hotline-link-key", key, "--hotline-claim-for", "45s")
	if err != nil || len(o1.LinkKey) != 32 || string(o1.LinkKey) != string(o2.LinkKey) {
		t.Errorf("link key: %x then %x, %v", o1.LinkKey, o2.LinkKey, err)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("link key file: %v %v", st, err)
	}
	if o1.ClaimFor != hotline.DefaultClaimFor || o2.ClaimFor != 45*time.Second {
		t.Errorf("claim for %s and %s, want %s and 45s", o1.ClaimFor, o2.ClaimFor, hotline.DefaultClaimFor)
	}
	if o1.BaseURL != "https://warden.example" || o1.Senders[warden.ChannelEmail] == nil || o2.Senders[warden.ChannelEmail] != nil || o1.Senders[warden.ChannelWebhook] == nil {
		t.Errorf("options: %+v", o1)
	}
	os.WriteFile(key, []byte("short\n"), 0o600)
	if _, err := opts("--hotline-link-key", key); !errors.Is(err, errUsage) {
		t.Errorf("a short key: %v", err)
	}
}
