package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warden/sources/sourcetest"
)

// TestTxIndicatorScreening: warden tx screen, customer import and customer
// rescreen check parties against the intelligence indicators as the API
// does: a payment or customer carrying an indicator's domain is held, not
// cleared.
func TestTxIndicatorScreening(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	importJSON(t, db, "--list", "ofac", sourcetest.OFACSample(t, "ofac"))
	customers := filepath.Join(dir, "customers.csv")
	os.WriteFile(customers, []byte("id,name,domain\nK1,Jane Doe,shop.evil.example\n"), 0o600)
	if code, _, errOut := cli(t, db, "customer", "import", "--input", customers); code != 0 || !strings.Contains(errOut, "1 customers: 1 cleared") {
		t.Fatalf("customer before the indicator: %d %s", code, errOut)
	}
	bundle := filepath.Join(dir, "c2.json")
	os.WriteFile(bundle, []byte(`{"type":"bundle","id":"bundle--6c1d6a34-1a0a-4f39-9a3c-3b0b9a0b7a32","objects":[
		{"type":"indicator","spec_version":"2.1","id":"indicator--0b0b6b8f-3e7a-4c4c-9d6f-0d4b4a1c2e12","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",
		 "name":"Phishing domain","pattern":"[domain-name:value = 'evil.example']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}`), 0o600)
	if code, out, errs := cli(t, db, "intel", "import", bundle, "--tlp", "green"); code != 0 {
		t.Fatalf("intel import: %d %s %s", code, out, errs)
	}
	payments := filepath.Join(dir, "payments.csv")
	os.WriteFile(payments, []byte("reference,currency,minor,role,name,country,domain\nt1,USD,1250,originator,Jane Doe,US,\nt1,USD,1250,beneficiary,Shop,DE,shop.evil.example\n"), 0o600)
	if code, out, errOut := cli(t, db, "tx", "screen", "--input", payments); code != 0 || !strings.Contains(out, `"decision":"held"`) || !strings.Contains(out, "indicator--0b0b6b8f-3e7a-4c4c-9d6f-0d4b4a1c2e12") {
		t.Errorf("tx screen: %d %s %s", code, out, errOut)
	}
	os.WriteFile(customers, []byte("id,name,domain\nK2,Hans Meier,evil.example\n"), 0o600)
	if code, _, errOut := cli(t, db, "customer", "import", "--input", customers); code != 0 || !strings.Contains(errOut, "1 customers: 0 cleared, 1 held") {
		t.Errorf("customer import: %d %s", code, errOut)
	}
	if code, out, errOut := cli(t, db, "customer", "rescreen"); code != 0 || !strings.Contains(out, "1 cleared customers screened again: 1 changed (1 held") {
		t.Errorf("customer rescreen: %d %s %s", code, out, errOut)
	}
}
