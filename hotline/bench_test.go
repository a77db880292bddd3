package hotline_test

import (
	"context"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/store/storetest"
)

// BenchmarkFireDue measures firing due steps one by one, as a single
// worker would: each op is one step of one alert fired (its conditional
// update, notification and log lines in one transaction). 10,000 open
// alerts on 3-step policies make 30,000 such steps.
func BenchmarkFireDue(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := storetest.OpenSQLite(b)
			if engine == "postgres" {
				db = storetest.OpenPostgres(b)
			}
			e := newEnv(b, db, hotline.Options{})
			p := e.policy(warden.EscalationPolicy{Steps: []warden.EscalationStep{step(time.Minute, "", person("alice")), step(time.Minute, "", person("bob")),
				step(time.Minute, "", person("carol"))}})
			ctx := as("alice", warden.RoleAnalyst)
			ids := make([]int64, b.N)
			for i := range b.N {
				a, _, err := e.s.Raise(ctx, hotline.RaiseInput{Summary: "load", Policy: p.ID})
				if err != nil {
					b.Fatal(err)
				}
				ids[i] = a.ID
			}
			e.clk.Add(time.Minute)
			b.ResetTimer()
			for _, id := range ids {
				if err := e.s.Fire(context.Background(), id, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
