package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/audit"
	"warden/store"
	"warden/store/storetest"
)

// twoHandles runs fn with two handles on one database, as two processes
// (a server and a CLI, or two nodes) have them: two opens of one SQLite
// file; two of one PostgreSQL schema; and two of one schema on a server
// whose settings a DBA chose (the PostgreSQL ones skipped without a
// server). With default_transaction_isolation serializable, a change that
// waited for the audit chain's lock read the largest case and event ids as
// they were before it waited, and failed on a duplicate key (store.Open
// now keeps its sessions at READ COMMITTED). With a lock_timeout, a wait
// for the chain's lock is cancelled while another writer holds it: the
// committer's group is refused as a whole (another writer got there
// first), redone change by change, and each change retried until it gets
// the lock.
func twoHandles(t *testing.T, fn func(t *testing.T, a, b *store.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "w.db")
		fn(t, open(t, path), open(t, path))
	})
	t.Run("postgres", func(t *testing.T) {
		a := storetest.OpenPostgres(t)
		fn(t, a, open(t, a.DSN()))
	})
	t.Run("postgres-serializable", func(t *testing.T) {
		a := storetest.OpenPostgres(t)
		stop := holdChainLock(t, a.DSN(), 300*time.Millisecond)
		fn(t, a, open(t, a.DSN()+"&default_transaction_isolation=serializable"))
		stop()
	})
	t.Run("postgres-lock-timeout", func(t *testing.T) {
		a := storetest.OpenPostgres(t)
		stop := holdChainLock(t, a.DSN(), 500*time.Millisecond)
		fn(t, open(t, a.DSN()+"&lock_timeout=200ms"), open(t, a.DSN()+"&lock_timeout=200ms"))
		stop()
	})
}

// holdChainLock holds the audit chain's lock and writes a domain event
// under it, as an import of a list does while it commits: twice, for hold
// each time, the first from the start, with a pause of hold between.
func holdChainLock(t *testing.T, dsn string, hold time.Duration) (stop func()) {
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	take := func() *sql.Tx {
		tx, err := raw.Begin()
		if err == nil {
			_, err = tx.Exec(`SELECT pg_advisory_xact_lock(7202)`)
		}
		if err == nil {
			_, err = tx.Exec(`INSERT INTO events (id, type, object, payload, created_at)
				VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM events), 'list.changed', 'list:test', '{}', '2026-11-30T00:00:00.000000Z')`)
		}
		if err != nil {
			t.Error(err)
		}
		return tx
	}
	// The first hold starts before the load does.
	tx := take()
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; ; i++ {
			time.Sleep(hold)
			tx.Commit()
			if i == 2 {
				return
			}
			select {
			case <-quit:
				return
			case <-time.After(hold):
			}
			tx = take()
		}
	}()
	return func() {
		close(quit)
		<-done
		raw.Close()
	}
}

func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// handleLoad is what a load on a handle wrote, by kind.
type handleLoad struct {
	mu                                     sync.Mutex
	cleared, held, blocked, customers, bad int
	audits                                 int
	refs                                   []string // the payments refused, which must have left nothing
}

// loadHandle writes, from workers goroutines on db, rounds of: a payment
// (held with a case, blocked with a ledger entry, or cleared), a customer
// onboarded, an audit event of its own, and every fifth round a blocking
// the ledger refuses (beyond warden.MaxBalance) after its transaction row
// is written, so that the committer rolls back to that change's savepoint
// inside a group of good ones.
func loadHandle(t *testing.T, db *store.DB, name string, workers, rounds int, l *handleLoad) {
	ctx := warden.WithPrincipal(context.Background(), warden.Principal{Name: name, Kind: "token", Role: warden.RoleScreener, Org: warden.HomeOrg})
	now := time.Now().UTC()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				ref := fmt.Sprintf("%s-%d-%d", name, w, i)
				amount := warden.Money{Currency: "USD", Minor: int64(100 + i)}
				d := &warden.TxDecision{Reference: ref, Decision: warden.DecisionCleared, Status: warden.DecisionCleared, Amount: amount, DecidedAt: now}
				var cases []warden.PendingCase
				var entries []warden.LedgerEntry
				switch i % 3 {
				case 0: // first: it writes a case and an event while a test holds the chain lock
					d.Decision, d.Status = warden.DecisionHeld, warden.DecisionHeld
					cases = []warden.PendingCase{{Case: warden.Case{Reference: ref, Party: 1, Counterparty: "cp-" + ref, Name: "Ivan Petrov",
						Holder: "bank", EntityID: "us_ofac_sdn:1", Score: 0.9, Status: warden.CaseOpen, CreatedAt: now}, EntityHash: "h"}}
				case 1:
					d.Decision, d.Status = warden.DecisionBlocked, warden.DecisionBlocked
					entries = []warden.LedgerEntry{{Kind: warden.LedgerBlock, Holder: "bank", EntityID: "us_ofac_sdn:2", Program: "CYBER2",
						Amount: amount, Reference: ref, Time: now, Actor: name}}
				}
				ev := warden.NewAuditEvent(ctx, "tx.screen", "tx:"+ref, "", nil)
				if _, err := db.RecordTransaction(ctx, d, "hash-"+ref, cases, entries, ev); err != nil {
					t.Errorf("payment %s: %v", ref, err)
					return
				}
				cid := "c-" + ref
				cd := &warden.TxDecision{Reference: warden.CustomerReference(cid), Decision: warden.DecisionCleared, Status: warden.DecisionCleared, DecidedAt: now}
				c := &warden.Customer{ID: cid, Name: "Customer " + ref, OnboardedAt: now, OnboardedBy: name}
				if _, err := db.RecordCustomer(ctx, c, cd, "hash-"+cid, nil, warden.NewAuditEvent(ctx, "customer.onboard", "customer:"+cid, "", nil)); err != nil {
					t.Errorf("customer %s: %v", cid, err)
					return
				}
				if err := db.Audit(ctx, warden.NewAuditEvent(ctx, "test.ping", ref, "", nil)); err != nil {
					t.Errorf("audit %s: %v", ref, err)
					return
				}
				bad := ""
				if i%5 == 4 {
					bad = "bad-" + ref
					bd := &warden.TxDecision{Reference: bad, Decision: warden.DecisionBlocked, Status: warden.DecisionBlocked, DecidedAt: now,
						Amount: warden.Money{Currency: "USD", Minor: warden.MaxBalance + 1}}
					_, err := db.RecordTransaction(ctx, bd, "hash-"+bad, nil, []warden.LedgerEntry{{Kind: warden.LedgerBlock, Holder: "bank",
						EntityID: "us_ofac_sdn:3", Program: "CYBER2", Amount: bd.Amount, Reference: bad, Time: now, Actor: name}},
						warden.NewAuditEvent(ctx, "tx.screen", "tx:"+bad, "", nil))
					if warden.ErrorCode(err) != warden.EINVALID {
						t.Errorf("a blocking beyond the maximum balance: %v, want EINVALID", err)
					}
				}
				l.mu.Lock()
				switch d.Decision {
				case warden.DecisionCleared:
					l.cleared++
				case warden.DecisionHeld:
					l.held++
				case warden.DecisionBlocked:
					l.blocked++
				}
				l.customers++
				l.audits += 3
				if bad != "" {
					l.bad++
					l.refs = append(l.refs, bad)
				}
				l.mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// TestTwoHandlesUnderLoad: two handles on one database (as two nodes, or a
// server and a CLI) write payments, ledger entries, cases, customers and
// audit events at once, with refused changes among them; every change
// answered as done is stored once, every refused one left nothing, ids
// (ledger, cases, domain events) are unique, and the audit chain verifies.
func TestTwoHandlesUnderLoad(t *testing.T) {
	twoHandles(t, func(t *testing.T, a, b *store.DB) {
		ctx := context.Background()
		const workers, rounds = 4, 6
		var la, lb handleLoad
		var wg sync.WaitGroup
		wg.Go(func() { loadHandle(t, a, "a", workers, rounds, &la) })
		wg.Go(func() { loadHandle(t, b, "b", workers, rounds, &lb) })
		wg.Wait()
		if t.Failed() {
			return
		}
		raw, err := sql.Open(map[string]string{"sqlite": "sqlite", "pgx": "pgx"}[a.Driver()], a.DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		count := func(q string) int {
			t.Helper()
			var n int
			if err := raw.QueryRow(q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		payments := la.cleared + la.held + la.blocked + lb.cleared + lb.held + lb.blocked
		for _, c := range []struct {
			what string
			q    string
			want int
		}{
			{"payments", `SELECT COUNT(*) FROM transactions WHERE reference NOT LIKE 'customer:%'`, payments},
			{"customers", `SELECT COUNT(*) FROM customers`, la.customers + lb.customers},
			{"ledger entries", `SELECT COUNT(*) FROM ledger`, la.blocked + lb.blocked},
			{"distinct ledger seqs", `SELECT COUNT(DISTINCT seq) FROM ledger`, la.blocked + lb.blocked},
			{"cases", `SELECT COUNT(*) FROM cases`, la.held + lb.held},
			{"distinct case ids", `SELECT COUNT(DISTINCT id) FROM cases`, la.held + lb.held},
			// payment.blocked and payment.held, one each; a cleared
			// customer has none.
			{"domain events", `SELECT COUNT(*) FROM events WHERE type LIKE 'payment.%'`, la.held + la.blocked + lb.held + lb.blocked},
			{"events with an id of their own", `SELECT COUNT(DISTINCT id) - COUNT(*) FROM events`, 0},
			{"refused payments stored", `SELECT COUNT(*) FROM transactions WHERE reference LIKE 'bad-%'`, 0},
			{"refused payments' audit events", `SELECT COUNT(*) FROM audit_events WHERE object LIKE 'tx:bad-%'`, 0},
		} {
			if got := count(c.q); got != c.want {
				t.Errorf("%s: %d, want %d", c.what, got, c.want)
			}
		}
		if la.bad+lb.bad == 0 {
			t.Error("no refused change was tried")
		}
		n, err := audit.Verify(ctx, b)
		if err != nil {
			t.Fatalf("audit chain: %v", err)
		}
		if want := int64(la.audits + lb.audits); n != want {
			t.Errorf("%d audit events, want %d", n, want)
		}
	})
}
