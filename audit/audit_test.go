package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"warden"
	"warden/audit"
	"warden/auth"
	"warden/store"
	"warden/store/storetest"
)

// TestChainUnderConcurrency: changes made at once from several goroutines
// still form one unbroken chain, each change with its event.
func TestChainUnderConcurrency(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		svc := auth.New(db)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					if _, _, err := svc.CreateToken(ctx, fmt.Sprintf("t%d-%d", g, i), warden.RoleScreener, "", nil); err != nil {
						errs <- err
					}
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		n, err := audit.Verify(ctx, db)
		if err != nil || n != 40 {
			t.Fatalf("verify: %d events, %v", n, err)
		}
		evs, err := (&audit.Service{DB: db}).Events(ctx, warden.AuditFilter{Action: "token.create", Limit: 5})
		if err != nil || len(evs) != 5 || evs[0].Seq != 1 || evs[0].Actor != "operator" || evs[0].Prev != "" || evs[1].Prev != evs[0].Hash {
			t.Errorf("events: %+v %v", evs, err)
		}
		if _, err := (&audit.Service{DB: db}).Events(warden.WithPrincipal(context.Background(), warden.Principal{Name: "x", Role: warden.RoleAnalyst}), warden.AuditFilter{}); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("analyst reading the audit log: %v", err)
		}
	})
}
