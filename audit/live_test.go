package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"warden"
	"warden/audit"
	"warden/store"
	"warden/store/storetest"
)

// TestVerifyWhileWriting: verifying the chain of a database that nodes
// keep writing to (`warden audit verify` beside running servers) passes:
// an event committed while the chain is read is not taken for one missing.
func TestVerifyWhileWriting(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if err := db.Audit(ctx, warden.NewAuditEvent(ctx, "test.write", fmt.Sprintf("w:%d-%d", g, i), "", nil)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		for range 40 {
			if _, err := audit.Verify(ctx, db); err != nil {
				t.Errorf("verify while writing: %v", err)
				break
			}
		}
		close(stop)
		wg.Wait()
		if _, err := audit.Verify(ctx, db); err != nil {
			t.Errorf("verify once the writers stopped: %v", err)
		}
	})
}
