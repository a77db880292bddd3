package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// populate makes a database with a few audited changes.
func populate(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "w.db")
	steps := []struct {
		in   string
		args []string
	}{
		{"a long admin passphrase\n", []string{"user", "add", "alice", "--role", "admin"}},
		{"a long analyst passphrase\n", []string{"user", "add", "bob", "--role", "analyst"}},
		{"", []string{"token", "create", "--role", "screener", "--name", "payments"}},
		{"", []string{"org", "add", "ru-cert", "Russian CERT"}},
		{"", []string{"token", "revoke", "--reason", "rotated", "payments"}},
	}
	for _, s := range steps {
		if code, _, errOut := cliIn(t, db, s.in, s.args...); code != 0 {
			t.Fatalf("%v: %d %s", s.args, code, errOut)
		}
	}
	return db
}

// copyDB copies the SQLite database file src, closed, with its write-ahead
// log if it left one, to a new folder and returns the copy's path.
func copyDB(t *testing.T, src string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), filepath.Base(src))
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(src + suffix)
		if suffix != "" && os.IsNotExist(err) {
			continue
		}
		if err == nil {
			err = os.WriteFile(db+suffix, b, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestAuditVerify(t *testing.T) {
	tamper := []struct {
		name, sql, bad string
	}{
		{"edited", `UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3`, "audit event 3: altered"},
		{"edited detail", `UPDATE audit_events SET detail = '{"role":"admin"}' WHERE seq = 2`, "audit event 2: altered"},
		{"re-hashed after editing", `UPDATE audit_events SET actor = 'mallory', hash = 'f00' WHERE seq = 2`, "audit event 2"},
		{"removed", `DELETE FROM audit_events WHERE seq = 2`, "audit event 2: missing"},
		{"removed last", `DELETE FROM audit_events WHERE seq = 5`, "audit event 5: missing"},
		{"reordered", `UPDATE audit_events SET seq = -3 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = -3`, "audit event 3"},
		{"events emptied", `DELETE FROM audit_events`, "audit event 1: missing"},
		{"events and head emptied", `DELETE FROM audit_events; DELETE FROM audit_head`, "audit chain is missing"},
		{"head emptied", `DELETE FROM audit_head`, "head is missing"},
		{"head dropped", `DROP TABLE audit_head`, "head is missing"},
		{"events dropped", `DROP TABLE audit_events`, "the audit log's events table is missing"},
		{"head hash edited", `UPDATE audit_head SET hash = 'zz'`, "the chain's head records hash zz for event 5, but event 5 hashes to "},
		{"head moved back", `UPDATE audit_head SET seq = 3`, "the chain's head is event 3, but the events run to 5"},
		{"head moved on", `UPDATE audit_head SET seq = 7`, "audit event 6: missing: the chain's head is event 7, but the last stored event is 5"},
	}
	// One populated database, copied for each tampering: populate hashes
	// two passwords with argon2id, a second each under the race detector.
	orig := populate(t)
	code, out, errOut := cli(t, orig, "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact: 5 events") {
		t.Fatalf("untouched: %d %q %q", code, out, errOut)
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			db := copyDB(t, orig)
			raw, err := sql.Open("sqlite", db)
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range strings.Split(tc.sql, ";") {
				if _, err := raw.Exec(stmt); err != nil {
					t.Fatal(err)
				}
			}
			raw.Close()
			code, out, errOut := cli(t, db, "audit", "verify")
			if code == 0 || !strings.Contains(errOut, tc.bad) {
				t.Errorf("after %s: exit %d, stdout %q, stderr %q; want failure naming %q", tc.name, code, out, errOut, tc.bad)
			}
			// What the database driver said is no business of the reader.
			for _, internal := range []string{"sql", "SQL", "no such", "(1)"} {
				if strings.Contains(errOut, internal) {
					t.Errorf("after %s: stderr %q tells the driver's words (%q)", tc.name, errOut, internal)
				}
			}
		})
	}
}

func TestAuditExport(t *testing.T) {
	db := populate(t)
	code, out, _ := cli(t, db, "audit", "export")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 5 || !strings.Contains(lines[0], `"action":"user.create"`) || !strings.Contains(lines[4], `"reason":"rotated"`) {
		t.Fatalf("export: %d\n%s", code, out)
	}
	if strings.Contains(out, "argon2id") || strings.Contains(out, "wdn_") {
		t.Error("the export holds a secret")
	}
	// The export is itself audited.
	if code, out, _ := cli(t, db, "audit", "verify"); code != 0 || !strings.Contains(out, "6 events") {
		t.Errorf("after export: %d %s", code, out)
	}
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if code, _, errOut := cliIn(t, db, "short\n", "user", "add", "x", "--role", "admin"); code == 0 || !strings.Contains(errOut, "12 to 256") {
		t.Errorf("short password: %d %s", code, errOut)
	}
	if code, _, errOut := cliIn(t, db, "a long analyst passphrase\n", "user", "add", "x", "--role", "wizard"); code != 2 || !strings.Contains(errOut, "--role") {
		t.Errorf("bad role: %d %s", code, errOut)
	}
	if code, _, errOut := cliIn(t, db, "a long analyst passphrase\n", "user", "add", "x", "--role", "analyst"); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	if code, _, errOut := cliIn(t, db, "a long analyst passphrase\n", "user", "add", "x", "--role", "analyst"); code == 0 || !strings.Contains(errOut, "exists") {
		t.Errorf("add twice: %d %s", code, errOut)
	}
	// Changing a password needs the current one, then the new one.
	for _, tc := range []struct {
		in, name string
		args     []string
		ok       bool
		errOut   string
	}{
		{"a new passphrase in one line\n", "without the current password", []string{"x"}, false, "2 passwords"},
		{"not the password\namber quarry nine swallows\n", "a wrong current password", []string{"x"}, false, "current password is wrong"},
		{"a long analyst passphrase\n123456789012\n", "a guessable new password", []string{"x"}, false, "too easy to guess"},
		{"a long analyst passphrase\namber quarry nine swallows\n", "changed", []string{"x"}, true, ""},
		{"copper meadow thirty owls\n", "reset", []string{"--reset", "x"}, true, ""},
		{"copper meadow thirty owls\n", "reset of nobody", []string{"--reset", "nobody"}, false, "no user"},
	} {
		code, out, errOut := cliIn(t, db, tc.in, append([]string{"user", "passwd"}, tc.args...)...)
		if tc.ok && (code != 0 || !strings.Contains(out, "changed")) || !tc.ok && (code == 0 || !strings.Contains(errOut, tc.errOut)) {
			t.Errorf("passwd, %s: %d %s %s", tc.name, code, out, errOut)
		}
	}
	if code, out, _ := cli(t, db, "user", "list"); code != 0 || !strings.Contains(out, "x ") || !strings.Contains(out, "analyst") {
		t.Errorf("list: %s", out)
	}
}
