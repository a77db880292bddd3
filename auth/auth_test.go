package auth_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
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

// as returns a context acting as a principal of role.
func as(name string, role warden.Role, org string) context.Context {
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: name, Role: role, Org: org, Kind: "user"})
}

func newService(t *testing.T, db *store.DB) (*auth.Service, *time.Time) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	s := auth.New(db)
	s.Now = func() time.Time { return now }
	db.SetClock(s.Now)
	return s, &now
}

func TestTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, now := newService(t, db)
		admin := as("alice", warden.RoleAdmin, warden.HomeOrg)
		secret, _, err := s.CreateToken(admin, "payments", warden.RoleScreener, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		p, err := s.Authenticate(ctx, "Bearer "+secret)
		if err != nil || p.Name != "payments" || p.Role != warden.RoleScreener || p.Org != warden.HomeOrg || p.Kind != "token" {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
		if _, _, err := s.CreateToken(admin, "payments", warden.RoleScreener, "", nil); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("duplicate name: %v", err)
		}
		if _, _, err := s.CreateToken(as("bob", warden.RoleAnalyst, warden.HomeOrg), "x", warden.RoleScreener, "", nil); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("analyst creating a token: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, "x", warden.RoleScreener, "", nil); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("nobody creating a token: %v", err)
		}
		exp := now.Add(time.Hour)
		short, _, _ := s.CreateToken(admin, "short", warden.RoleScreener, "", &exp)
		for header, msg := range map[string]string{"": "a bearer token is required", "Basic " + secret: "a bearer token is required",
			"Bearer wdn_nope": "invalid token", "Bearer " + secret + "x": "invalid token", "Bearer not-a-warden-token": "invalid token"} {
			if _, err := s.Authenticate(ctx, header); warden.ErrorCode(err) != warden.EUNAUTHORIZED || !strings.Contains(err.Error(), msg) {
				t.Errorf("%q: %v, want unauthorized: %s", header, err, msg)
			}
		}
		*now = now.Add(2 * time.Hour)
		if _, err := s.Authenticate(ctx, "Bearer "+short); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("expired: %v", err)
		}
		if err := s.RevokeToken(admin, "payments", "rotated"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "Bearer "+secret); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("revoked: %v", err)
		}
		if err := s.RevokeToken(admin, "payments", ""); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("revoke twice: %v", err)
		}
		for _, bad := range []struct{ name, role, org string }{{"x", "wizard", ""}, {"", "screener", ""}, {"a b", "screener", ""}, {"x", "screener", "nowhere"}, {"x", "counterpart", "home"}} {
			if _, _, err := s.CreateToken(admin, bad.name, warden.Role(bad.role), bad.org, nil); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("bad token %+v: %v", bad, err)
			}
		}
		ts, _ := s.Tokens(admin)
		if len(ts) != 2 || ts[0].CreatedBy != "alice" {
			t.Errorf("tokens %+v", ts)
		}
		// Creating and revoking were audited, with the reason.
		evs, err := (&audit.Service{DB: db}).Events(admin, warden.AuditFilter{Action: "token."})
		if err != nil || len(evs) != 3 || evs[2].Action != "token.revoke" || evs[2].Reason != "rotated" || evs[0].Actor != "alice" {
			t.Errorf("audit %+v %v", evs, err)
		}
	})
}

func TestLoginLockoutAndSessions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, now := newService(t, db)
		s.LockAfter, s.LockFor = 3, 10*time.Minute
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		if _, err := s.CreateUser(op, "carol", warden.RoleAnalyst, "", "correct horse battery staple", ""); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := s.CreateUser(op, "dave", warden.RoleAnalyst, "", "short", ""); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("short password: %v", err)
		}
		cookie, csrf, err := s.Login(ctx, "carol", "correct horse battery staple")
		if err != nil || cookie == "" || csrf == "" {
			t.Fatalf("login: %v", err)
		}
		p, gotCSRF, err := s.Session(ctx, cookie)
		if err != nil || p.Name != "carol" || p.Role != warden.RoleAnalyst || gotCSRF != csrf {
			t.Fatalf("session: %+v %v", p, err)
		}
		if _, _, err := s.Login(ctx, "nobody", "correct horse battery staple"); warden.ErrorCode(err) != warden.EUNAUTHORIZED || !strings.Contains(err.Error(), "wrong name or password") {
			t.Errorf("unknown user: %v", err)
		}
		for i := 0; i < 3; i++ {
			if _, _, err := s.Login(ctx, "carol", "wrong password!"); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
				t.Fatalf("wrong password %d: %v", i, err)
			}
		}
		// Locked: even the right password fails until the lock ends.
		if _, _, err := s.Login(ctx, "carol", "correct horse battery staple"); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("locked: %v", err)
		}
		*now = now.Add(11 * time.Minute)
		if _, _, err := s.Login(ctx, "carol", "correct horse battery staple"); err != nil {
			t.Errorf("after the lock: %v", err)
		}
		// A new password ends the sessions.
		carol := warden.WithPrincipal(ctx, p)
		if _, err := s.SetPassword(carol, "carol", "correct horse battery staple", "copper meadow thirty owls"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Session(ctx, cookie); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("session after password change: %v", err)
		}
		if _, err := s.SetPassword(carol, "someone-else", "", "copper meadow thirty owls"); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("analyst setting another's password: %v", err)
		}
		// Sessions expire.
		cookie, _, _ = s.Login(ctx, "carol", "copper meadow thirty owls")
		*now = now.Add(s.SessionTTL + time.Second)
		if _, _, err := s.Session(ctx, cookie); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("expired session: %v", err)
		}
		// Disabled people cannot log in.
		cookie, _, _ = s.Login(ctx, "carol", "copper meadow thirty owls")
		if err := s.DisableUser(op, "carol", "left"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, "carol", "copper meadow thirty owls"); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("disabled login: %v", err)
		}
		if _, _, err := s.Session(ctx, cookie); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("disabled session: %v", err)
		}
		var actions []string
		db.AuditEvents(ctx, warden.AuditFilter{Actor: "carol"}, func(e warden.AuditEvent) error {
			actions = append(actions, e.Action)
			return nil
		})
		want := "login login.failed login.failed login.failed login.locked login user.passwd login login login.failed"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("carol's audit trail:\n got %s\nwant %s", got, want)
		}
		// An unknown name is refused like a wrong password, and audited.
		if _, _, err := s.Login(ctx, "mallory", "a guess at a passphrase"); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("unknown name: %v", err)
		}
		actions = nil
		db.AuditEvents(ctx, warden.AuditFilter{Actor: "mallory"}, func(e warden.AuditEvent) error {
			actions = append(actions, e.Action+" "+e.Object+" "+e.Reason)
			return nil
		})
		if len(actions) != 1 || actions[0] != "login.failed user:mallory no such person" {
			t.Errorf("unknown name's audit trail: %q", actions)
		}
		if n, err := audit.Verify(ctx, db); err != nil || n == 0 {
			t.Errorf("verify: %d %v", n, err)
		}
	})
}

func TestFourEyes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		for _, n := range []string{"alice", "bob"} {
			if _, err := s.CreateUser(op, n, warden.RoleAdmin, "", "a long admin passphrase", ""); err != nil {
				t.Fatal(err)
			}
		}
		alice, bob := as("alice", warden.RoleAdmin, warden.HomeOrg), as("bob", warden.RoleAdmin, warden.HomeOrg)
		ap, err := s.CreateUser(alice, "eve", warden.RoleAdmin, "", "a long admin passphrase", "new colleague")
		if err != nil || ap == nil || ap.Status != "pending" {
			t.Fatalf("propose: %+v %v", ap, err)
		}
		if _, err := db.User(context.Background(), "eve"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Fatalf("eve exists before approval: %v", err)
		}
		if _, err := s.Approvals.Decide(alice, ap.ID, true, ""); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("self-approval: %v", err)
		}
		if _, err := s.Approvals.Decide(as("carl", warden.RoleAnalyst, warden.HomeOrg), ap.ID, true, ""); warden.ErrorCode(err) != warden.EFORBIDDEN {
			t.Errorf("approval by the wrong role: %v", err)
		}
		got, err := s.Approvals.Decide(bob, ap.ID, true, "checked with HR")
		if err != nil || got.Status != "approved" || got.DecidedBy != "bob" {
			t.Fatalf("approve: %+v %v", got, err)
		}
		if strings.Contains(string(got.Payload), "password") {
			t.Errorf("payload shows the password hash: %s", got.Payload)
		}
		if u, err := db.User(context.Background(), "eve"); err != nil || u.Role != warden.RoleAdmin {
			t.Fatalf("eve after approval: %+v %v", u, err)
		}
		if _, err := s.Approvals.Decide(bob, ap.ID, false, ""); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("decide twice: %v", err)
		}
		ap2, _ := s.CreateUser(alice, "mallory", warden.RoleAdmin, "", "a long admin passphrase", "")
		if got, err := s.Approvals.Decide(bob, ap2.ID, false, "no"); err != nil || got.Status != "rejected" {
			t.Errorf("reject: %+v %v", got, err)
		}
		if _, err := db.User(context.Background(), "mallory"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("rejected user exists: %v", err)
		}
		// A non-admin is added at once.
		if ap, err := s.CreateUser(alice, "frank", warden.RoleAnalyst, "", "a long analyst passphrase", ""); err != nil || ap != nil {
			t.Errorf("analyst: %+v %v", ap, err)
		}
		var trail []string
		db.AuditEvents(context.Background(), warden.AuditFilter{After: 2}, func(e warden.AuditEvent) error {
			trail = append(trail, e.Actor+":"+e.Action)
			return nil
		})
		want := "alice:approval.propose bob:approval.approve bob:user.create alice:approval.propose bob:approval.reject alice:user.create"
		if got := strings.Join(trail, " "); got != want {
			t.Errorf("audit:\n got %s\nwant %s", got, want)
		}
	})
}

func TestCounterpartIsolation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		admin := as("alice", warden.RoleAdmin, warden.HomeOrg)
		for _, id := range []string{"ru-cert", "cn-cert"} {
			if _, err := s.CreateOrg(admin, id, strings.ToUpper(id), "counterpart"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateOrg(admin, "ru-cert", "again", "counterpart"); warden.ErrorCode(err) != warden.ECONFLICT {
			t.Errorf("duplicate org: %v", err)
		}
		ru := as("ivan", warden.RoleCounterpart, "ru-cert")
		if o, err := s.Org(ru, "ru-cert"); err != nil || o.ID != "ru-cert" {
			t.Errorf("own org: %+v %v", o, err)
		}
		for _, id := range []string{"cn-cert", "home", "no-such"} {
			if _, err := s.Org(ru, id); warden.ErrorCode(err) != warden.ENOTFOUND {
				t.Errorf("counterpart reading %s: %v (want not_found)", id, err)
			}
		}
		if os, err := s.Orgs(ru); err != nil || len(os) != 1 || os[0].ID != "ru-cert" {
			t.Errorf("counterpart's list: %+v %v", os, err)
		}
		if os, _ := s.Orgs(admin); len(os) != 3 {
			t.Errorf("admin's list: %+v", os)
		}
		if _, err := s.CreateUser(admin, "ivan", warden.RoleCounterpart, "home", "mossy counterpart lantern", ""); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("counterpart in the home org: %v", err)
		}
		if _, err := s.CreateUser(admin, "ivan", warden.RoleCounterpart, "ru-cert", "mossy counterpart lantern", ""); err != nil {
			t.Errorf("counterpart user: %v", err)
		}
	})
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery staple")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("%s %v", h, err)
	}
	h2, _ := auth.HashPassword("correct horse battery staple")
	if h == h2 {
		t.Error("no salt")
	}
	for _, tc := range []struct {
		hash, pw string
		ok       bool
	}{
		{h, "correct horse battery staple", true},
		{h, "correct horse batterx", false},
		{h, "", false},
		{strings.Replace(h, "argon2id", "argon2i", 1), "correct horse battery staple", false},
		{h[:len(h)-4], "correct horse battery staple", false},
		{"", "x", false},
		{"$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "x", false},
	} {
		if got := auth.VerifyPassword(tc.hash, tc.pw); got != tc.ok {
			t.Errorf("verify(%q, %q) = %v", tc.hash, tc.pw, got)
		}
	}
}

// TestLockedAnswersLikeUnknown: a locked account gets the same answer as
// an unknown name or a wrong password, after the same work (one argon2id
// verification, seen in the memory it allocates), and the refusal is
// audited as a lock-out.
func TestLockedAnswersLikeUnknown(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		s.LockAfter = 2
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		if _, err := s.CreateUser(op, "carol", warden.RoleAnalyst, "", "violet harbour lantern 42", ""); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			s.Login(ctx, "carol", "not her password at all")
		}
		// allocated returns the bytes a login allocates and its error.
		allocated := func(name, pw string) (uint64, error) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := s.Login(ctx, name, pw)
			runtime.ReadMemStats(&after)
			return after.TotalAlloc - before.TotalAlloc, err
		}
		const argon = 19 << 20 // argon2id's memory: one verification
		unknownBytes, unknown := allocated("nobody", "violet harbour lantern 42")
		lockedBytes, locked := allocated("carol", "violet harbour lantern 42")
		if warden.ErrorCode(locked) != warden.ErrorCode(unknown) || warden.ErrorMessage(locked) != warden.ErrorMessage(unknown) {
			t.Errorf("locked: %v; unknown: %v", locked, unknown)
		}
		if unknownBytes < argon || lockedBytes < argon {
			t.Errorf("work done: unknown name %d bytes, locked account %d bytes; one verification allocates %d", unknownBytes, lockedBytes, argon)
		}
		var last warden.AuditEvent
		db.AuditEvents(ctx, warden.AuditFilter{Actor: "carol"}, func(e warden.AuditEvent) error { last = e; return nil })
		if last.Action != "login.locked" {
			t.Errorf("last audit event %+v", last)
		}
	})
}

func TestPasswordRules(t *testing.T) {
	for _, tc := range []struct {
		name, user, pw string
		ok             bool
		others         []string // the chooser's and other people's names
	}{
		{"passphrase", "carol", "violet harbour lantern 42", true, nil},
		{"random", "carol", "k7#Qm2!vXr9$", true, nil},
		{"too short", "carol", "Xq7!mz", false, nil},
		{"twelve spaces", "carol", "            ", false, nil},
		{"one character", "carol", "aaaaaaaaaaaa", false, nil},
		{"digit run", "carol", "123456789012", false, nil},
		{"letter run", "carol", "abcdefghijklmn", false, nil},
		{"keyboard run", "carol", "qwertyuiopasdf", false, nil},
		{"common", "carol", "password1234", false, nil},
		{"own name", "carolinewood", "carolinewood1", false, nil},
		{"NUL", "carol", "violet harbour\x00lantern 42", false, nil},
		{"control character", "carol", "violet harbour\tlantern 42", false, nil},
		{"too long", "carol", strings.Repeat("violet harbour lantern ", 12), false, nil},
		{"Cyrillic repeated", "carol", strings.Repeat("Ж", 14), false, nil},
		{"accented letter repeated", "carol", strings.Repeat("é", 13), false, nil},
		{"decomposed accent repeated", "carol", strings.Repeat("e\u0301", 13), false, nil},
		{"no-break spaces", "carol", strings.Repeat("\u00a0", 12), false, nil},
		{"zero-width spaces", "carol", strings.Repeat("\u200b", 12), false, nil},
		{"zero-width space inside", "carol", "violet harbour\u200blantern 42", false, nil},
		{"soft hyphen inside", "carol", "violet harbour\u00adlantern 42", false, nil},
		{"ideographic spaces", "carol", strings.Repeat("\u3000", 12), false, nil},
		{"full-width digit run", "carol", "１２３４５６７８９０１２", false, nil},
		{"full-width letter run", "carol", "Ａｂｃｄｅｆｇｈｉｊｋｌ", false, nil},
		{"full-width common", "carol", "ｐａｓｓｗｏｒｄ１２３４", false, nil},
		{"case of a common one", "carol", "PASSWORD1234", false, nil},
		{"five distinct characters", "carol", "ab12!ab12!ab12!", false, nil},
		{"a repeated run before a short word", "carol", strings.Repeat("Ж", 8) + "k7#Qm", false, nil},
		{"Cyrillic passphrase", "carol", "фиолетовый гавань фонарь", true, nil},
		{"Greek passphrase", "carol", "θάλασσα φεγγάρι πέτρα", true, nil},
		// The reviewer's weak ones.
		{"Russian keyboard row", "carol", "йцукенгшщзхъ", false, nil},
		{"Russian password and digits", "carol", "пароль123456", false, nil},
		{"letters spaced out", "carol", "a b c d e f g h", false, nil},
		{"letter and counting digit", "carol", "x1x2x3x4x5x6x7", false, nil},
		{"the creator's name repeated", "carol", "admin2admin2admin2", false, []string{"admin2", "admin1"}},
		// More of the same kinds.
		{"Russian keyboard row shifted", "carol", "ФЫВАПРОЛДЖЭЯ", false, nil},
		{"German keyboard row", "carol", "qwertzuiopü+", false, nil},
		{"French keyboard row", "carol", "azertyuiop^$", false, nil},
		{"French unshifted digits", "carol", "&é\"'(-è_çà)=", false, nil},
		{"German password", "carol", "Passwort2024!", false, nil},
		{"French password", "carol", "motdepasse123", false, nil},
		{"Spanish password", "carol", "contraseña1234", false, nil},
		{"pinyin password", "carol", "mima12345678", false, nil},
		{"words spaced out", "carol", "p a s s w o r d 1", false, nil},
		{"keyboard run spaced out", "carol", "q w e r t y u i o p", false, nil},
		{"years spaced out", "carol", "1 9 8 4 1 9 8 5", false, nil},
		{"letters counting up", "carol", "a1b1c1d1e1f1g1", false, nil},
		{"counting past nine", "carol", "x8x9x10x11x12x13", false, nil},
		{"a word repeated", "carol", "lantern lantern lantern", false, nil},
		{"the chooser's name", "carol", "qzorblattvex42", false, []string{"qzorblattvex"}},
		{"another person's name", "carol", "Qzorblattvex42!", false, []string{"bob", "qzorblattvex"}},
		{"not a name in the system", "carol", "qzorblattvex42", true, []string{"bob"}},
		// Good passphrases in other languages still pass.
		{"German passphrase", "carol", "Schmetterling Wolke Fahrrad", true, nil},
		{"French passphrase", "carol", "grenouille velours cerise", true, nil},
		{"Spanish passphrase", "carol", "tortuga ventana naranja", true, nil},
		{"Russian passphrase", "carol", "медведь чайник облако", true, nil},
		{"Chinese passphrase", "carol", "星期天的咖啡馆有猫和雨伞", true, nil},
		{"pinyin passphrase", "carol", "xiongmao chuanghu yueliang", true, nil},
	} {
		err := auth.CheckPassword(tc.user, tc.pw, tc.others...)
		if (err == nil) != tc.ok || (err != nil && warden.ErrorCode(err) != warden.EINVALID) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestRelated(t *testing.T) {
	// alice created carl, who created dave; erin chose frank's password;
	// bob and alice were created by the operator, whose own creations are
	// not related through it.
	// alice also created gina; erin reset hugo's password too.
	controllers := map[string][]string{"alice": {"operator"}, "bob": {"operator"}, "carl": {"alice"}, "dave": {"carl"}, "frank": {"operator", "erin"},
		"gina": {"alice"}, "hugo": {"operator", "erin"}}
	for _, tc := range []struct {
		a, b    string
		related bool
	}{
		{"alice", "alice", true},
		{"alice", "carl", true},
		{"carl", "alice", true},
		{"alice", "dave", true},
		{"dave", "alice", true},
		{"erin", "frank", true},
		{"operator", "dave", true},
		{"alice", "bob", false},
		{"carl", "bob", false},
		{"carl", "frank", false},
		{"", "bob", true},
		{"bob", "", true},
		{"nobody", "bob", false},
		// Siblings: two people one person controls (other than the
		// operator) are that person's four eyes, not two.
		{"carl", "gina", true},
		{"dave", "gina", true},
		{"frank", "hugo", true},
		{"alice", "frank", false},
	} {
		if got := auth.Related(controllers, tc.a, tc.b); got != tc.related {
			t.Errorf("Related(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

// TestSecondPersonEveryAction proposes every registered four-eyes action,
// the enforcement's included, as a person and tries to decide it through
// every principal that person controls or is controlled by: each is
// refused. A different person of the role can decide it.
func TestSecondPersonEveryAction(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		enforcement.New(db, screening.New(db), s.Approvals)
		ctx := context.Background()
		op := warden.WithPrincipal(ctx, warden.Operator)
		const pw = "violet harbour lantern 42"
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
		for _, n := range []string{"alice", "bob"} {
			if _, err := s.CreateUser(op, n, warden.RoleAdmin, "", pw, ""); err != nil {
				t.Fatal(err)
			}
		}
		alice, bob := person("alice"), person("bob")
		approve := func(ap *warden.Approval, err error) {
			t.Helper()
			if err != nil || ap == nil {
				t.Fatalf("proposal: %+v %v", ap, err)
			}
			if _, err := s.Approvals.Decide(bob, ap.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		// token mints a token of role as the person in ctx, through bob.
		token := func(ctx context.Context, role warden.Role) context.Context {
			n++
			secret, ap, err := s.CreateToken(ctx, fmt.Sprintf("t%d", n), role, "", nil)
			if ap != nil {
				approve(ap, err)
			}
			p, err := s.Authenticate(context.Background(), "Bearer "+secret)
			if err != nil {
				t.Fatal(err)
			}
			return warden.WithPrincipal(context.Background(), p)
		}
		// user adds a person of role as the person in ctx, through bob.
		user := func(ctx context.Context, role warden.Role) context.Context {
			n++
			name := fmt.Sprintf("u%d", n)
			if ap, err := s.CreateUser(ctx, name, role, "", pw, ""); ap != nil || err != nil {
				approve(ap, err)
			}
			return person(name)
		}
		for action, role := range s.Approvals.Actions() {
			peer := warden.WithPrincipal(ctx, warden.Principal{Name: "peer-" + string(role), Role: role, Kind: "user", Org: warden.HomeOrg})
			paths := map[string]context.Context{
				"a token of the proposer":                  token(alice, role),
				"a person the proposer created":            user(alice, role),
				"a token of a person the proposer created": token(user(alice, warden.RoleAdmin), role),
			}
			if role == warden.RoleAdmin {
				paths["the proposer"] = alice
			}
			ap, err := s.Approvals.Propose(alice, action, "test:"+action, map[string]string{}, "")
			if err != nil || ap.ProposedByPerson != "alice" {
				t.Fatalf("%s: %+v %v", action, ap, err)
			}
			for path, ctx := range paths {
				if _, err := s.Approvals.Decide(ctx, ap.ID, true, ""); warden.ErrorCode(err) != warden.EFORBIDDEN {
					t.Errorf("%s decided by %s: %v", action, path, err)
				}
			}
			if got, err := s.Approvals.Decide(peer, ap.ID, false, "not now"); err != nil || got.Status != "rejected" {
				t.Errorf("%s rejected by a second person: %+v %v", action, got, err)
			}
		}
	})
}

// TestNamesIgnoreCase: people and tokens share one namespace in which
// names differing only in case are the same name, so that "Bob" cannot
// pass for "bob" in the audit trail or a proposal: taking one is a
// conflict, whether the other is a person or a token, and the command
// line's own name is refused in any case.
func TestNamesIgnoreCase(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		const pw = "violet harbour lantern 42"
		if _, err := s.CreateUser(op, "bob", warden.RoleAnalyst, "", pw, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CreateToken(op, "payments", warden.RoleScreener, "", nil); err != nil {
			t.Fatal(err)
		}
		user := func(name string) error { _, err := s.CreateUser(op, name, warden.RoleAnalyst, "", pw, ""); return err }
		token := func(name string) error {
			_, _, err := s.CreateToken(op, name, warden.RoleScreener, "", nil)
			return err
		}
		for _, tc := range []struct {
			what   string
			create func(string) error
			name   string
			want   string
		}{
			{"person", user, "Bob", warden.ECONFLICT},
			{"person", user, "BOB", warden.ECONFLICT},
			{"person", user, "Payments", warden.ECONFLICT},
			{"person", user, "Operator", warden.EINVALID},
			{"token", token, "PAYMENTS", warden.ECONFLICT},
			{"token", token, "bob", warden.ECONFLICT},
			{"token", token, "OPERATOR", warden.EINVALID},
			{"person", user, "bobby", ""},
			{"token", token, "payments-2", ""},
		} {
			if err := tc.create(tc.name); warden.ErrorCode(err) != tc.want {
				t.Errorf("%s %q: %v, want %q", tc.what, tc.name, err, tc.want)
			}
		}
	})
}

// TestLockoutCountsConcurrentFailures: failed logins of one person made at
// the same moment (from two nodes, or two requests of a guessing script)
// each count, so the lock-out comes after LockAfter of them however they
// interleave. The count was read before the change and written back, so
// failures made together counted as one.
func TestLockoutCountsConcurrentFailures(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		const tries = 8
		s.LockAfter, s.LockFor = tries, 10*time.Minute
		op := warden.WithPrincipal(context.Background(), warden.Operator)
		if _, err := s.CreateUser(op, "erin", warden.RoleAnalyst, "", "correct horse battery staple", ""); err != nil {
			t.Fatal(err)
		}
		// Two handles on PostgreSQL, as two nodes have; on SQLite, one.
		other := db
		if db.Driver() == "pgx" {
			var err error
			if other, err = store.Open(context.Background(), db.DSN()); err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			other.SetClock(s.Now)
		}
		s2 := auth.New(other)
		s2.Now, s2.LockAfter, s2.LockFor = s.Now, s.LockAfter, s.LockFor
		start := make(chan struct{})
		errs := make(chan error, tries)
		for i := range tries {
			svc := s
			if i%2 == 1 {
				svc = s2
			}
			go func() {
				<-start
				_, _, err := svc.Login(context.Background(), "erin", "wrong password!")
				errs <- err
			}()
		}
		close(start)
		for range tries {
			if err := <-errs; warden.ErrorCode(err) != warden.EUNAUTHORIZED {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, _, err := s.Login(context.Background(), "erin", "correct horse battery staple"); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
			t.Errorf("after %d failed logins at once the right password logs in (%v): they did not all count", tries, err)
		}
	})
}
