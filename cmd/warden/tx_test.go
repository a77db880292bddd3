package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden"
)

func TestTxScreen(t *testing.T) {
	dir := t.TempDir()
	db := screenDB(t)
	csvIn := filepath.Join(dir, "payments.csv")
	os.WriteFile(csvIn, []byte(`reference,currency,minor,role,name,country,birth_date,account,wallet,identifiers
t1,USD,1250000,originator,Jane Doe,US,,US-001,,
t1,USD,1250000,beneficiary,,,,,0x47CE0C6eD5B0Ce3d3A51fdb1C52DC66a7c3c2936,
t2,EUR,990,originator,Jane Doe,US,,US-001,,
t2,EUR,990,beneficiary,Hans Meier,DE,,DE-1,,
`), 0o600)
	code, out, errOut := cli(t, db, "tx", "screen", "--input", csvIn)
	if code != 0 {
		t.Fatalf("tx screen: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var d1, d2 warden.TxDecision
	json.Unmarshal([]byte(lines[0]), &d1)
	json.Unmarshal([]byte(lines[1]), &d2)
	if len(lines) != 2 || d1.Decision != "blocked" || d1.Hits[0].EntityID != "ofac:39796" || d2.Decision != "cleared" {
		t.Errorf("decisions:\n%s", out)
	}
	if !strings.Contains(errOut, "2 payments: 1 cleared, 0 held, 1 blocked, 0 rejected") {
		t.Errorf("summary: %s", errOut)
	}
	// JSON lines; the repeated reference answers as before.
	jsonIn := filepath.Join(dir, "payments.jsonl")
	os.WriteFile(jsonIn, []byte(`{"reference":"t1","amount":{"currency":"USD","minor":1250000},"parties":[{"role":"originator","name":"Jane Doe","country":"US","account":"US-001"},{"role":"beneficiary","wallet":"0x47CE0C6eD5B0Ce3d3A51fdb1C52DC66a7c3c2936"}]}
{"reference":"t3","amount":{"currency":"USD","minor":5},"parties":[{"role":"beneficiary","name":"TORNADO CASH"}]}
`), 0o600)
	// TORNADO CASH by name alone is held for an analyst: only an exact
	// wallet or identifier, or a corroborated name, blocks by itself.
	code, out, errOut = cli(t, db, "tx", "screen", "--input", jsonIn)
	if code != 0 || strings.Count(out, `"decision":"blocked"`) != 1 || strings.Count(out, `"decision":"held"`) != 1 {
		t.Errorf("jsonl: %d %s %s", code, out, errOut)
	}
	// Bad input names the line.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("reference,currency,minor,role,name\nt9,USD,12.50,originator,Jane Doe\n"), 0o600)
	if code, _, errOut := cli(t, db, "tx", "screen", "--input", bad); code == 0 || !strings.Contains(errOut, "bad.csv:2") {
		t.Errorf("malformed amount: %d %s", code, errOut)
	}
	os.WriteFile(bad, []byte("reference,currency,minor,role,name\nt9,XXX,1250,originator,Jane Doe\n"), 0o600)
	if code, _, errOut := cli(t, db, "tx", "screen", "--input", bad); code == 0 || !strings.Contains(errOut, "bad.csv:2") || !strings.Contains(errOut, "unknown currency") {
		t.Errorf("unknown currency: %d %s", code, errOut)
	}
	policy := filepath.Join(dir, "policy.json")
	os.WriteFile(policy, []byte(`{"default":"freeze"}`), 0o600)
	if code, _, errOut := cli(t, db, "tx", "screen", "--policy", policy, "--input", csvIn); code == 0 || !strings.Contains(errOut, "block, reject, hold or flag") {
		t.Errorf("bad policy: %d %s", code, errOut)
	}
	// Each decision is audited.
	if code, out, _ := cli(t, db, "audit", "export"); code != 0 || strings.Count(out, `"action":"transaction.screen"`) != 3 {
		t.Errorf("audit: %s", out)
	}
}

func TestCustomerImport(t *testing.T) {
	dir := t.TempDir()
	db := screenDB(t)
	in := filepath.Join(dir, "customers.csv")
	os.WriteFile(in, []byte("id,name,country,wallet\nK1,Jane Doe,US,\nK2,,,0x47CE0C6eD5B0Ce3d3A51fdb1C52DC66a7c3c2936\n"), 0o600)
	out := filepath.Join(dir, "results.jsonl")
	code, _, errOut := cli(t, db, "customer", "import", "--input", in, "--output", out)
	if code != 0 || !strings.Contains(errOut, "2 customers: 1 cleared, 0 held, 1 blocked, 0 rejected, 0 already registered, 0 errors") {
		t.Fatalf("customer import: %d %s", code, errOut)
	}
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"id":"K1","decision":"cleared"`) || !strings.Contains(lines[1], `"line":3,"id":"K2","decision":"blocked"`) {
		t.Errorf("results:\n%s", b)
	}
	// A bad row is reported with its line, the others still onboarded, and
	// the command fails.
	os.WriteFile(in, []byte("id,name,schema\nK3,Hans Meier,Person\nK4,Boaty,Vessel\n"), 0o600)
	code, stdout, errOut := cli(t, db, "customer", "import", "--input", in)
	if code == 0 || !strings.Contains(stdout, `"line":3,"id":"K4","hits":0,"error":`) || !strings.Contains(stdout, `"id":"K3","decision":"cleared"`) || !strings.Contains(errOut, "1 of 2 rows") {
		t.Errorf("bad row: %d %s %s", code, stdout, errOut)
	}
	if code, stdout, errOut := cli(t, db, "customer", "rescreen"); code != 0 || !strings.Contains(stdout, "2 cleared customers screened again: 0 changed") {
		t.Errorf("rescreen: %d %s %s", code, stdout, errOut)
	}
	if code, _, errOut := cli(t, db, "customer", "import"); code == 0 || !strings.Contains(errOut, "--input") {
		t.Errorf("no input: %d %s", code, errOut)
	}
}
