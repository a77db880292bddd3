package auth_test

import (
	"context"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestDisabledPersonStopsEverywhere: disabling a person stops their
// tokens at once (an admin token included, its owner looked up at every
// request), and a disabled person can neither propose nor decide a
// four-eyes action through any principal, nor can a pending proposal of
// theirs be approved (it can still be rejected). Tokens of other people
// and of the operator are untouched.
func TestDisabledPersonStopsEverywhere(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		op := warden.WithPrincipal(ctx, warden.Operator)
		const pw = "violet harbour lantern 42"
		for _, n := range []string{"admin1", "admin2", "admin3", "admin4"} {
			if _, err := s.CreateUser(op, n, warden.RoleAdmin, "", pw, ""); err != nil {
				t.Fatal(err)
			}
		}
		person := func(name string) context.Context {
			cookie, _, err := s.Login(ctx, name, pw)
			if err != nil {
				t.Fatal(err)
			}
			p, _, err := s.Session(ctx, cookie)
			if err != nil {
				t.Fatal(err)
			}
			return warden.WithPrincipal(ctx, p)
		}
		admin1, admin2, admin3 := person("admin1"), person("admin2"), person("admin3")
		// token mints a token as the person in ctx, approved by admin4
		// when it needs a second admin, and returns its secret.
		token := func(ctx context.Context, name string, role warden.Role) string {
			secret, ap, err := s.CreateToken(ctx, name, role, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if ap != nil {
				if _, err := s.Approvals.Decide(person("admin4"), ap.ID, true, ""); err != nil {
					t.Fatal(err)
				}
			}
			return secret
		}
		a1Admin := token(admin1, "a1-admin", warden.RoleAdmin)
		a1Screener := token(admin1, "a1-screener", warden.RoleScreener)
		a2Admin := token(admin2, "a2-admin", warden.RoleAdmin)
		opToken := token(op, "op-screener", warden.RoleScreener)
		a1, err := s.Authenticate(ctx, "Bearer "+a1Admin)
		if err != nil {
			t.Fatal(err)
		}
		a1Token := warden.WithPrincipal(ctx, a1)
		// A proposal of admin1's, made before admin1 is disabled.
		early, err := s.CreateUser(admin1, "early", warden.RoleAdmin, "", pw, "")
		if err != nil || early == nil {
			t.Fatalf("proposal: %+v %v", early, err)
		}
		early2, _ := s.CreateUser(a1Token, "early2", warden.RoleAdmin, "", pw, "")

		if err := s.DisableUser(admin2, "admin1", "left"); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name, secret string
			want         string
		}{
			{"a1-admin", a1Admin, warden.EUNAUTHORIZED},
			{"a1-screener", a1Screener, warden.EUNAUTHORIZED},
			{"a2-admin", a2Admin, ""},
			{"op-screener", opToken, ""},
		} {
			_, err := s.Authenticate(ctx, "Bearer "+tc.secret)
			if warden.ErrorCode(err) != tc.want {
				t.Errorf("token %s after its owner's disabling: %v, want %q", tc.name, err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "disabled") {
				t.Errorf("token %s: %q does not say why", tc.name, err)
			}
		}

		// admin3 proposes an admin; neither admin1's session principal
		// nor its token (as held before the disabling) can decide it.
		ap, err := s.CreateUser(admin3, "newadm", warden.RoleAdmin, "", pw, "")
		if err != nil || ap == nil {
			t.Fatalf("proposal: %+v %v", ap, err)
		}
		for path, ctx := range map[string]context.Context{"session": admin1, "token": a1Token} {
			for _, approve := range []bool{true, false} {
				if _, err := s.Approvals.Decide(ctx, ap.ID, approve, ""); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
					t.Errorf("disabled admin1's %s deciding (approve %v): %v", path, approve, err)
				}
			}
			// Nor propose.
			if got, err := s.CreateUser(ctx, "ghost-"+path, warden.RoleAdmin, "", pw, ""); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
				t.Errorf("disabled admin1's %s proposing: %+v %v", path, got, err)
			}
		}
		if _, err := db.User(ctx, "newadm"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("newadm exists: %v", err)
		}
		if got, err := s.Approvals.Decide(admin2, ap.ID, true, ""); err != nil || got.Status != "approved" {
			t.Errorf("an active admin approving: %+v %v", got, err)
		}

		// admin1's pending proposals cannot be approved any more, only
		// rejected.
		for _, p := range []*warden.Approval{early, early2} {
			if p == nil {
				t.Fatal("no proposal")
			}
			_, err := s.Approvals.Decide(admin3, p.ID, true, "")
			if warden.ErrorCode(err) != warden.EFORBIDDEN || !strings.Contains(err.Error(), "disabled") {
				t.Errorf("approving disabled admin1's proposal %d: %v", p.ID, err)
			}
			if got, err := s.Approvals.Decide(admin3, p.ID, false, "admin1 left"); err != nil || got.Status != "rejected" {
				t.Errorf("rejecting disabled admin1's proposal %d: %+v %v", p.ID, got, err)
			}
		}
		for _, n := range []string{"early", "early2"} {
			if _, err := db.User(ctx, n); warden.ErrorCode(err) != warden.ENOTFOUND {
				t.Errorf("%s exists: %v", n, err)
			}
		}
	})
}
