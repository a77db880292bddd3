package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"warden/internal/fixture"
	"warden/store"
	"warden/store/storetest"
)

// TestStoreMigrateKilled: `warden store migrate` from SQLite to PostgreSQL
// of a database every feature wrote to (every table but fixture.Empty has
// rows), in batches of five rows, is killed with SIGKILL part way; run again, it
// carries on from its last batch, and the copy's counts equal the
// source's and its audit chain verifies.
func TestStoreMigrateKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "w.db")
	db, err := store.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Fill(t, db)
	filled, err := store.Count(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if u := fixture.Unfilled(filled); len(u) > 0 {
		t.Errorf("the fixture leaves tables empty that the copy should be tested on: %v", u)
	}
	db.Close()
	dst := storetest.OpenPostgres(t)
	if code, _, errs := cli(t, src, "store", "migrate"); code != 2 || !strings.Contains(errs, "--to") {
		t.Errorf("without --to: exit %d: %s", code, errs)
	}

	args, _ := json.Marshal([]string{"store", "migrate", "--from", "sqlite:" + src, "--to", dst.DSN(), "--batch", "5"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WARDEN_TEST_MAIN="+string(args))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	conn, err := sql.Open("pgx", dst.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var copied int64
	for deadline := time.Now().Add(60 * time.Second); copied < 300; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("the copy ended (%v) before it was killed, at %d rows", err, copied)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("60 s and %d rows copied", copied)
		}
		conn.QueryRow(`SELECT COALESCE(SUM(rows), 0) FROM store_migration_progress`).Scan(&copied)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited

	code, out, errs := cli(t, "", "store", "migrate", "--from", src, "--to", dst.DSN())
	if code != 0 || !strings.Contains(out, "carried on") || !strings.Contains(out, "every count equal") || !strings.Contains(errs, "audit_events") {
		t.Fatalf("the second run: exit %d\n%s\n%s", code, out, errs)
	}
	s, err := store.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want, _ := store.Count(ctx, s)
	got, err := store.Count(ctx, dst)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts on the copy:\n%v\nwant\n%v", got, want)
	}
	var events int64
	for _, c := range want {
		if c.Name == "audit_events" {
			events = c.Rows
		}
	}
	if !strings.Contains(out, fmt.Sprintf("audit chain intact on the copy: %d events", events)) {
		t.Errorf("want %d events verified: %s", events, out)
	}
}

// TestBackupRestoreCLI: warden backup of a SQLite database and warden
// restore of it elsewhere, which refuses to replace a database without
// --force.
func TestBackupRestoreCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	for _, name := range []string{"a", "b"} {
		if code, _, errs := cli(t, db, "--create", "token", "create", "--role", "screener", "--name", name); code != 0 {
			t.Fatal(errs)
		}
	}
	backup := filepath.Join(dir, "backup.db")
	code, out, errs := cli(t, db, "backup", "--output", backup)
	if code != 0 || !strings.Contains(out, "audit chain intact: 2 events") || !strings.Contains(errs, "api_tokens") {
		t.Fatalf("backup: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := cli(t, db, "backup", "--output", backup); code != 1 || !strings.Contains(errs, "exists") {
		t.Errorf("backup over a file: exit %d: %s", code, errs)
	}
	other := filepath.Join(dir, "other.db")
	code, out, errs = cli(t, other, "restore", "--input", backup)
	if code != 0 || !strings.Contains(out, "audit chain intact: 2 events") {
		t.Fatalf("restore: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := cli(t, other, "restore", "--input", backup); code != 1 || !strings.Contains(errs, "--force") {
		t.Errorf("restore over a database: exit %d: %s", code, errs)
	}
	if code, out, errs := cli(t, other, "restore", "--input", backup, "--force"); code != 0 || !strings.Contains(out, "audit chain intact: 2 events") {
		t.Errorf("restore --force: exit %d: %s %s", code, out, errs)
	}
	// The restore is the chain's third event.
	if code, out, errs := cli(t, other, "audit", "verify"); code != 0 || !strings.Contains(out, "3 events") {
		t.Errorf("audit verify after the restore: exit %d: %s %s", code, out, errs)
	}
	if code, _, errs := cli(t, other, "restore", "--input", db+"-nothing"); code != 1 || errs == "" {
		t.Errorf("restore of no file: exit %d: %s", code, errs)
	}
}

// TestBackupRestoreCLIPostgres: warden backup of a PostgreSQL database
// (pg_dump on a counted snapshot) and warden restore of the dump into a
// new database, whose counts are compared with the dump's rows.
func TestBackupRestoreCLIPostgres(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not on PATH")
	}
	dsn := storetest.EmptyPostgres(t)
	for _, name := range []string{"a", "b"} {
		if code, _, errs := cli(t, dsn, "token", "create", "--role", "screener", "--name", name); code != 0 {
			t.Fatal(errs)
		}
	}
	dump := filepath.Join(t.TempDir(), "warden.dump")
	code, out, errs := cli(t, dsn, "backup", "--output", dump)
	if code != 0 || !strings.Contains(out, "as many of each as the snapshot it dumped held") || !regexp.MustCompile(`api_tokens\s+2\b`).MatchString(errs) {
		t.Fatalf("backup: exit %d\n%s\n%s", code, out, errs)
	}
	target := storetest.NewPostgresDatabase(t, dsn) // the dump's schema, in a new database
	code, out, errs = cli(t, target, "restore", "--input", dump)
	if code != 0 || !strings.Contains(out, "audit chain intact: 2 events") || !regexp.MustCompile(`api_tokens\s+2\b`).MatchString(errs) {
		t.Fatalf("restore: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := cli(t, target, "restore", "--input", dump); code != 1 || !strings.Contains(errs, "empty database") {
		t.Errorf("a restore into a database with tables: exit %d: %s", code, errs)
	}
}

// TestBackupRestoreFilled: warden backup of a SQLite database every
// feature wrote to (every table but fixture.Empty has rows), and warden
// restore of it elsewhere: both report the source's tables, rows and
// audit events, and the restored database has the source's rows in every
// table, with the restore recorded after the audit chain, which verifies.
func TestBackupRestoreFilled(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "w.db")
	db, err := store.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Fill(t, db)
	want, err := store.Count(ctx, db)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if u := fixture.Unfilled(want); len(u) > 0 {
		t.Errorf("the fixture leaves tables empty that the backup should be tested on: %v", u)
	}
	var rows, events int64
	for _, c := range want {
		rows += c.Rows
		if c.Name == "audit_events" {
			events = c.Rows
		}
	}
	said := fmt.Sprintf("%d tables, %d rows; audit chain intact: %d events", len(want), rows, events)

	backup := filepath.Join(dir, "backup.db")
	if code, out, errs := cli(t, src, "backup", "--output", backup); code != 0 || !strings.Contains(out, said) {
		t.Fatalf("backup: exit %d, want %q\n%s\n%s", code, said, out, errs)
	}
	other := filepath.Join(dir, "other.db")
	if code, out, errs := cli(t, other, "restore", "--input", backup); code != 0 || !strings.Contains(out, said) {
		t.Fatalf("restore: exit %d, want %q\n%s\n%s", code, said, out, errs)
	}
	r, err := store.OpenSource(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.Count(ctx, r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if want[i].Name == "audit_events" {
			want[i].Rows++ // the restore's
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts of the restored database:\n%v\nwant\n%v", got, want)
	}
	if code, out, errs := cli(t, other, "audit", "verify"); code != 0 || !strings.Contains(out, fmt.Sprintf("%d events", events+1)) {
		t.Errorf("audit verify after the restore: exit %d: %s %s", code, out, errs)
	}
}
