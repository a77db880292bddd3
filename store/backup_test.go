package store_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"warden"
	"warden/audit"
	"warden/auth"
	"warden/enforcement"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

// busy writes payments (some blocked into the ledger) and audited changes
// to db until stop is closed, and returns how many it wrote.
func busy(t *testing.T, db *store.DB, stop chan struct{}) func() int64 {
	t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
	if err != nil {
		t.Fatal(err)
	}
	const wallet = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
	im.Put(&warden.Entity{SourceID: "1", Schema: warden.SchemaOrganization, Names: []warden.Name{{Full: "EVIL CORP LTD", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"},
		Identifiers: []warden.Identifier{{Type: warden.IDCrypto, Value: wallet, Currency: "XBT"}}})
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
	sc := screening.New(db)
	if _, err := sc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(db)
	enf := enforcement.New(db, sc, a.Approvals)
	payer := warden.WithPrincipal(context.Background(), warden.Principal{Name: "payments", Role: warden.RoleScreener, Org: warden.HomeOrg, Kind: "client"})
	var n atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			party := warden.TxParty{Role: "beneficiary", Name: "Jane Roe"}
			if i%2 == 0 {
				party = warden.TxParty{Role: "beneficiary", Wallet: wallet}
			}
			if _, _, err := enf.Screen(payer, warden.Transaction{Reference: fmt.Sprintf("busy-%d", i), Amount: warden.Money{Currency: "USD", Minor: int64(100 + i)},
				Parties: []warden.TxParty{{Role: "originator", Name: "John Doe", Country: "US"}, party}}); err != nil {
				t.Error(err)
				return
			}
			if _, err := a.CreateOrg(ctx, fmt.Sprintf("org-%d", i), "Org", "counterpart"); err != nil {
				t.Error(err)
				return
			}
			n.Add(2)
		}
	}()
	return func() int64 { close(stop); wg.Wait(); return n.Load() }
}

// TestBackupBusySQLite backs up a SQLite database while payments and
// audited changes are written to it, restores the backup elsewhere, and
// finds the backup's counts and an intact audit chain there; a restore
// over a database needs force.
func TestBackupBusySQLite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stop := make(chan struct{})
	wait := busy(t, db, stop)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if c := rowsIn(t, db, "ledger"); c >= 5 || time.Now().After(deadline) {
			break
		}
	}
	backup := filepath.Join(dir, "backup.db")
	got, err := store.Backup(ctx, db, backup)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // the writer carries on
	written := wait()
	if _, err := store.Backup(ctx, db, backup); warden.ErrorCode(err) != warden.ECONFLICT {
		t.Errorf("a backup over a file: %v", err)
	}

	inBackup := countsOf(got)
	if inBackup["ledger"] == 0 || inBackup["audit_events"] == 0 || inBackup["audit_events"] >= rowsIn(t, db, "audit_events") {
		t.Errorf("backup of %d writes: %d ledger rows, %d audit events; the live database has %d", written, inBackup["ledger"], inBackup["audit_events"], rowsIn(t, db, "audit_events"))
	}
	restored := filepath.Join(dir, "restored.db")
	if err := store.Restore(ctx, backup, restored, false); err != nil {
		t.Fatal(err)
	}
	r, err := store.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.Count(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range countsOf(c) {
		if inBackup[name] != n {
			t.Errorf("%s: %d rows restored, %d in the backup", name, n, inBackup[name])
		}
	}
	if n, err := audit.Verify(ctx, r); err != nil || n != inBackup["audit_events"] {
		t.Errorf("audit verify on the restored database: %d %v; want %d", n, err, inBackup["audit_events"])
	}
	r.Close()
	if err := store.Restore(ctx, backup, restored, false); warden.ErrorCode(err) != warden.ECONFLICT {
		t.Errorf("a restore over a database without force: %v", err)
	}
	if err := store.Restore(ctx, backup, restored, true); err != nil {
		t.Errorf("a restore over a database with force: %v", err)
	}
	if err := store.Restore(ctx, backup, "postgres://127.0.0.1/x", false); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("a SQLite backup into PostgreSQL: %v", err)
	}
}

// TestBackupPostgres dumps a PostgreSQL database with pg_dump while a
// writer carries on, checks the dump, restores it with pg_restore into a
// new database, and finds one moment of it: every table's count between
// those before and after the dump, and an intact audit chain.
func TestBackupPostgres(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not on PATH")
	}
	ctx := context.Background()
	db := withJobs(t, storetest.OpenPostgres(t))
	stop := make(chan struct{})
	wait := busy(t, db, stop)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if c := rowsIn(t, db, "ledger"); c >= 5 || time.Now().After(deadline) {
			break
		}
	}
	// The dump is taken while the writer carries on: what it holds is
	// one moment between the counts before and after it.
	before, err := store.Count(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "warden.dump")
	listed, err := store.Backup(ctx, db, file)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if wait() == 0 {
		t.Fatal("nothing written")
	}
	after, err := store.Count(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(after) {
		t.Errorf("the backup counted %d tables, the database has %d", len(listed), len(after))
	}
	if countsOf(after)["audit_events"] <= countsOf(before)["audit_events"] {
		t.Fatalf("the writer wrote nothing while the dump was taken: %d audit events before, %d after", countsOf(before)["audit_events"], countsOf(after)["audit_events"])
	}

	// A new, empty database to restore into.
	target := storetest.NewPostgresDatabase(t, db.DSN())
	if err := store.Restore(ctx, file, target, false); err != nil {
		t.Fatal(err)
	}
	r, err := store.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := store.Count(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := countsOf(before), countsOf(after)
	if len(got) != len(after) {
		t.Errorf("restored %d tables, the database has %d", len(got), len(after))
	}
	inDump, err := store.BackupCounts(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	dumped := countsOf(inDump)
	for table, n := range countsOf(got) {
		if n < lo[table] || n > hi[table] {
			t.Errorf("restored %s: %d rows, not between %d (before the dump) and %d (after)", table, n, lo[table], hi[table])
		}
		// Backup counted the snapshot it dumped, and the dump holds as
		// many rows; schema_migrations gains nothing as the copy opens.
		if n != countsOf(listed)[table] || n != dumped[table] {
			t.Errorf("restored %s: %d rows; the snapshot dumped had %d, the dump holds %d", table, n, countsOf(listed)[table], dumped[table])
		}
	}
	if n, err := audit.Verify(ctx, r); err != nil || n != countsOf(got)["audit_events"] || n == 0 {
		t.Errorf("audit verify on the restored database: %d %v", n, err)
	}
	if err := store.Restore(ctx, file, target, false); warden.ErrorCode(err) != warden.ECONFLICT {
		t.Errorf("a restore into a database with tables: %v", err)
	}
}

func countsOf(cs []store.TableCount) map[string]int64 {
	m := map[string]int64{}
	for _, c := range cs {
		m[c.Name] = c.Rows
	}
	return m
}

// rowsIn counts table's rows in db.
func rowsIn(t *testing.T, db *store.DB, table string) int64 {
	t.Helper()
	c, err := store.Count(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return countsOf(c)[table]
}
