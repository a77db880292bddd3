package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCasesCLI works a held payment's case from the command line: listed,
// claimed (and refused to a second analyst), noted with a file, cleared,
// shown with its history, found among decided cases, its false positive
// listed and revoked.
func TestCasesCLI(t *testing.T) {
	dir := t.TempDir()
	db := screenDB(t)
	for _, u := range []string{"bob", "carol"} {
		if code, _, errOut := cliIn(t, db, "a long analyst passphrase "+u+"\n", "user", "add", u, "--role", "analyst"); code != 0 {
			t.Fatalf("user add %s: %s", u, errOut)
		}
	}
	in := filepath.Join(dir, "payments.csv")
	os.WriteFile(in, []byte("reference,currency,minor,role,name,country,birth_date,account,wallet,identifiers\ninv-7,USD,250000,beneficiary,Turashev Holdings,,,CY-1,,\n"), 0o600)
	if code, _, errOut := cli(t, db, "tx", "screen", "--input", in); code != 0 || !strings.Contains(errOut, "1 held") {
		t.Fatalf("tx screen: %d %s", code, errOut)
	}
	answer := filepath.Join(dir, "answer.txt")
	os.WriteFile(answer, []byte("The bank: the beneficiary is a bakery in Limassol, registered 2019."), 0o600)
	for _, st := range []struct {
		args     []string
		ok       bool
		want     string // in stdout (ok) or stderr
		wantCode int
	}{
		{[]string{"cases", "list"}, true, "Turashev Holdings", 0},
		{[]string{"cases", "list", "--q", "turashev", "--source", "payment", "--format", "csv"}, true, "inv-7", 0},
		{[]string{"cases", "list", "--source", "customer"}, true, "0 of 0 cases", 0},
		{[]string{"cases", "claim", "1", "--as", "bob"}, true, "assigned to bob", 0},
		{[]string{"cases", "claim", "1", "--as", "carol"}, false, "assigned to bob", 1},
		{[]string{"cases", "clear", "1", "--as", "carol", "--reason", "a bakery"}, false, "assigned to bob", 1},
		{[]string{"cases", "note", "1", "--as", "bob", "--file", answer, "asked", "the", "bank"}, true, "attached answer.txt", 0},
		{[]string{"cases", "clear", "1", "--as", "bob"}, false, "needs a reason", 1},
		{[]string{"cases", "clear", "1", "--as", "bob", "--reason", "a bakery in Limassol"}, true, "case 1: cleared", 0},
		{[]string{"cases", "list", "--status", "cleared"}, true, "1 of 1 cases", 0},
		{[]string{"cases", "show", "1"}, true, `"action": "claimed"`, 0},
		{[]string{"cases", "good-guys"}, true, "1 remembered", 0},
		{[]string{"cases", "revoke", "1", "--reason", "the bank withdrew its answer"}, true, "revoked", 0},
		{[]string{"cases", "show", "x"}, false, "integer", 2},
		{[]string{"cases", "frobnicate"}, false, "cases list|show", 2},
	} {
		code, out, errOut := cli(t, db, st.args...)
		got := out
		if !st.ok {
			got = errOut
		}
		if code != st.wantCode || !strings.Contains(got, st.want) {
			t.Errorf("%s: %d\n%s\n%s", strings.Join(st.args, " "), code, out, errOut)
		}
	}
	_, out, _ := cli(t, db, "cases", "show", "1")
	for _, want := range []string{`"text": "asked the bank"`, `"name": "answer.txt"`, `"action": "false positive revoked"`, `"name": "Turashev Holdings"`} {
		if !strings.Contains(out, want) {
			t.Errorf("show: no %s in\n%s", want, out)
		}
	}
}
