package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/store"
)

// TestPolicyCommand: policy check reads a file as a proposal would;
// policy show prints the policy in force (the shipped default before one
// is installed, then the stored one) and its history; policy propose
// records a four-eyes proposal as the operator, which changes nothing
// until a second sanctions officer approves it.
func TestPolicyCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	os.WriteFile(good, []byte(`{"default":"hold","lists":{"ofac":{"default":"reject"}}}`), 0o600)
	os.WriteFile(bad, []byte(`{"default":"hold","lists":{"ofac":{"default":"freeze"}}}`), 0o600)
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout, or stderr when code is not 0
	}{
		{[]string{"policy", "check", good}, 0, "a valid policy naming 1 lists"},
		{[]string{"policy", "check", bad}, 1, `bad.json: policy: list ofac: default: action must be block, reject, hold or flag, not "freeze"`},
		{[]string{"policy", "check"}, 2, "name one policy file"},
		{[]string{"policy", "show"}, 0, "No policy stored"},
		{[]string{"policy", "show"}, 0, "csl Entity List (EL) - Bureau of Industry and Security flag"},
		{[]string{"policy", "propose", good}, 2, "--reason is required"},
		{[]string{"policy"}, 2, "policy show"},
	} {
		code, out, errOut := cli(t, db, tc.args...)
		got := out
		if tc.code != 0 {
			got = errOut
		}
		got = strings.Join(strings.Fields(got), " ") // tabwriter's columns
		if code != tc.code || !strings.Contains(got, tc.out) {
			t.Errorf("%v: %d %q %q; want %d with %q", tc.args, code, out, errOut, tc.code, tc.out)
		}
	}

	// Installed as warden serve installs it, then a proposal.
	s, err = store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	svc := enforcement.New(s, nil, auth.New(s).Approvals)
	_, _, err = svc.UseStoredPolicy(warden.WithPrincipal(context.Background(), warden.Operator), enforcement.DefaultPolicy(), "default")
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := cli(t, db, "policy", "propose", good, "--reason", "reject OFAC hits"); code != 0 || !strings.Contains(out, "proposal 1:") {
		t.Fatalf("propose: %d %s %s", code, out, errOut)
	}
	if code, out, _ := cli(t, db, "policy", "show"); code != 0 || !strings.Contains(out, "Version 1") || !strings.Contains(strings.Join(strings.Fields(out), " "), "ofac (default) block") {
		t.Errorf("show after proposing: %d %s", code, out)
	}
	if code, out, _ := cli(t, db, "policy", "show", "--history"); code != 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), "UTC default operator") {
		t.Errorf("history: %d %s", code, out)
	}
	if code, out, _ := cli(t, db, "policy", "show", "--json"); code != 0 || !strings.Contains(out, `"case_deadline_days": 5`) {
		t.Errorf("show --json: %d %s", code, out)
	}
}
