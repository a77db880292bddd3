package auth_test

import (
	"context"
	"testing"
	"time"

	"warden"
	"warden/auth"
	"warden/store"
	"warden/store/storetest"
)

func TestTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		secret, err := auth.CreateToken(ctx, db, "payments", warden.RoleScreener, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		p, err := auth.Authenticate(ctx, db, "Bearer "+secret, now)
		if err != nil || p.Name != "payments" || p.Role != warden.RoleScreener {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
		if err := auth.Require(p, warden.RoleScreener, warden.RoleAdmin); err != nil {
			t.Error(err)
		}
		if err := auth.Require(p, warden.RoleAdmin); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("require admin: %v", err)
		}
		if _, err := auth.CreateToken(ctx, db, "payments", warden.RoleScreener, nil, now); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("duplicate name: %v", err)
		}
		exp := now.Add(time.Hour)
		short, _ := auth.CreateToken(ctx, db, "short", warden.RoleScreener, &exp, now)
		for _, tc := range []struct {
			header string
			at     time.Time
		}{
			{"", now},
			{"Bearer wdn_nope", now},
			{"Basic " + secret, now},
			{"Bearer " + short, now.Add(2 * time.Hour)},
		} {
			if _, err := auth.Authenticate(ctx, db, tc.header, tc.at); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
				t.Errorf("%q: %v", tc.header, err)
			}
		}
		if err := db.RevokeToken(ctx, "payments", now); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Authenticate(ctx, db, "Bearer "+secret, now); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("revoked: %v", err)
		}
		if err := db.RevokeToken(ctx, "payments", now); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("revoke twice: %v", err)
		}
		if _, err := auth.CreateToken(ctx, db, "x", "wizard", nil, now); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("bad role: %v", err)
		}
		ts, _ := db.Tokens(ctx)
		if len(ts) != 2 {
			t.Errorf("tokens %+v", ts)
		}
	})
}
