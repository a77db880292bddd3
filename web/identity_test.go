package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"warden"
	"warden/enforcement"
	"warden/store/storetest"
)

// client calls the API as one principal: a person's session (cookie and
// CSRF token) or a bearer token.
type client struct {
	name         string
	token        string
	cookie, csrf string
	p            *platform
	t            *testing.T
}

func (c *client) call(method, path string, body any) (int, []byte) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.p.srv.URL+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// identities builds the people and tokens of the four-eyes test on a
// platform: bootstrapped people (created by the operator) and helpers that
// mint tokens and add people through the API, approving through an
// unrelated admin when the API asks for it.
type identities struct {
	t   *testing.T
	p   *platform
	bob *client // an admin unrelated to everyone the test creates
	n   int
}

// Passwords of the tests: the one people are created with, one an admin
// resets, one a person then chooses themselves.
const (
	testPassword  = "violet harbour lantern 42"
	resetPassword = "amber quarry nine swallows"
	ownPassword   = "copper meadow thirty owls"
)

// bootstrap adds a person at the command line (as the operator) and logs
// them in.
func (id *identities) bootstrap(name string, role warden.Role) *client {
	id.t.Helper()
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	if _, err := id.p.s.Auth.CreateUser(ctx, name, role, "", testPassword, "bootstrap"); err != nil {
		id.t.Fatal(err)
	}
	return id.login(name, testPassword)
}

func (id *identities) login(name, pw string) *client {
	id.t.Helper()
	cookie, csrf, err := id.p.s.Auth.Login(context.Background(), name, pw)
	if err != nil {
		id.t.Fatalf("login %s: %v", name, err)
	}
	return &client{name: name, cookie: cookie, csrf: csrf, p: id.p, t: id.t}
}

// approve has bob approve a pending proposal and fails the test if he
// cannot.
func (id *identities) approve(body []byte) {
	id.t.Helper()
	var pending struct{ Approval warden.Approval }
	json.Unmarshal(body, &pending)
	if code, b := id.bob.call("POST", fmt.Sprintf("/v1/approvals/%d/approve", pending.Approval.ID), map[string]string{"reason": "checked"}); code != 200 {
		id.t.Fatalf("an unrelated admin approving: %d %s", code, b)
	}
}

// mint has c create a token of role (through bob's approval when the API
// proposes it) and returns a client using it.
func (id *identities) mint(c *client, role warden.Role) *client {
	id.t.Helper()
	id.n++
	name := fmt.Sprintf("%s-token-%d", c.name, id.n)
	code, b := c.call("POST", "/v1/tokens", map[string]any{"name": name, "role": role})
	var created struct{ Token string }
	json.Unmarshal(b, &created)
	switch code {
	case 201:
	case 202:
		id.approve(b)
	default:
		id.t.Fatalf("%s minting a %s token: %d %s", c.name, role, code, b)
	}
	return &client{name: name, token: created.Token, p: id.p, t: id.t}
}

// create has c add a person of role (through bob's approval when the API
// proposes it) and returns them logged in.
func (id *identities) create(c *client, role warden.Role) *client {
	id.t.Helper()
	id.n++
	name := fmt.Sprintf("%s-made-%d", c.name, id.n)
	code, b := c.call("POST", "/v1/users", map[string]any{"name": name, "role": role, "password": testPassword})
	switch code {
	case 201:
	case 202:
		id.approve(b)
	default:
		id.t.Fatalf("%s adding a %s: %d %s", c.name, role, code, b)
	}
	return id.login(name, testPassword)
}

// reset has c reset person name's password to pw (through bob's approval
// when the API proposes it).
func (id *identities) reset(c *client, name, pw string) {
	id.t.Helper()
	switch code, b := c.call("PUT", "/v1/users/"+name+"/password", map[string]string{"password": pw}); code {
	case 204:
	case 202:
		id.approve(b)
	default:
		id.t.Fatalf("%s resetting %s's password: %d %s", c.name, name, code, b)
	}
}

// TestFourEyesEveryPath tries every way one person could approve their own
// proposal, for every registered four-eyes action: as the proposer, with a
// token the proposer minted, as a person the proposer created or whose
// password the proposer reset (also after that person changed it
// themselves, over the API or on the account page), with a token such a
// person minted, as a sibling (a person the proposer's creator created),
// and as the proposer's creator. Each is refused and changes nothing; a different
// person then approves it, which carries it out. An action registered
// later (designations, policy changes) that this test does not know how to
// propose over the API is proposed at the service level and tried the
// same way, then rejected by a different person.
func TestFourEyesEveryPath(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	id := &identities{t: t, p: p}
	id.bob = id.bootstrap("bob", warden.RoleAdmin)
	alice := id.bootstrap("alice", warden.RoleAdmin)
	peers := map[warden.Role]*client{warden.RoleAdmin: id.bob}

	// Blocked funds and a licence to release them under.
	if resp := p.do(t, "POST", "/v1/transactions", p.tokens[warden.RoleScreener], "application/json",
		`{"reference":"r1","amount":{"currency":"EUR","minor":463175},"parties":[{"role":"beneficiary","name":"Maksim Yakubets","country":"RU","account":"BEN-0"}]}`); resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("blocking: %d %s", resp.StatusCode, b)
	}
	if resp := p.do(t, "POST", "/v1/licences", p.tokens[warden.RoleSanctionsOfficer], "application/json",
		`{"number":"GL-1","issuer":"OFAC","kind":"general","programs":["CYBER2"]}`); resp.StatusCode != 201 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("licence: %d %s", resp.StatusCode, b)
	}
	blocked := func() int64 {
		var l struct{ Balances []warden.Balance }
		resp := p.do(t, "GET", "/v1/blocked-property?currency=EUR", p.tokens[warden.RoleAuditor], "", "")
		json.NewDecoder(resp.Body).Decode(&l)
		if len(l.Balances) != 1 {
			t.Fatalf("balances %+v", l.Balances)
		}
		return l.Balances[0].Amount.Minor
	}

	// What each action's proposal is over the API, and how to see that it
	// took effect (or did not).
	type action struct {
		propose func(c *client) (int, []byte)
		done    func() bool
	}
	var user, secret string // the last proposed admin and token
	var before int64        // the blocked balance before the last proposed release
	var days int            // the false_positive_days of the last proposed policy
	actions := map[string]action{
		"user.create": {
			propose: func(c *client) (int, []byte) {
				id.n++
				user = fmt.Sprintf("new-admin-%d", id.n)
				return c.call("POST", "/v1/users", map[string]any{"name": user, "role": "admin", "password": testPassword})
			},
			done: func() bool { _, err := p.db.User(context.Background(), user); return err == nil },
		},
		"token.create": {
			propose: func(c *client) (int, []byte) {
				id.n++
				code, b := c.call("POST", "/v1/tokens", map[string]any{"name": fmt.Sprintf("new-officer-token-%d", id.n), "role": "sanctions-officer"})
				var created struct{ Token string }
				json.Unmarshal(b, &created)
				secret = created.Token
				return code, b
			},
			done: func() bool { return p.do(t, "GET", "/v1/me", secret, "", "").StatusCode == 200 },
		},
		enforcement.ActionRelease: {
			propose: func(c *client) (int, []byte) {
				before = blocked()
				return c.call("POST", "/v1/releases", map[string]any{"holder": "BEN-0", "entity_id": "ofac:26663",
					"amount": map[string]any{"currency": "EUR", "minor": 100}, "licence": "GL-1", "reason": "wind-down"})
			},
			done: func() bool { return blocked() != before },
		},
		enforcement.ActionPolicy: {
			propose: func(c *client) (int, []byte) {
				id.n++
				days = 100 + id.n
				pol := enforcement.DefaultPolicy()
				pol.FalsePositiveDays = days
				return c.call("POST", "/v1/policy/proposals", map[string]any{"policy": pol, "reason": "remember false positives less long"})
			},
			done: func() bool {
				var pv warden.PolicyVersion
				p.call(t, "GET", "/v1/policy", p.tokens[warden.RoleAuditor], "", &pv)
				return strings.Contains(string(pv.Policy), fmt.Sprintf(`"false_positive_days":%d`, days))
			},
		},
	}

	// An action of another role, standing for those to come: it is never
	// carried out, only tried and rejected.
	p.s.Auth.Approvals.Handle("test.later", warden.RoleAnalyst, func(context.Context, warden.Approval) error {
		t.Error("test.later was carried out")
		return nil
	})
	registered := p.s.Auth.Approvals.Actions()
	for name := range actions {
		if _, ok := registered[name]; !ok {
			t.Errorf("%s is not a four-eyes action", name)
		}
	}
	// carl is an admin alice created: alice controls him.
	carl := id.create(alice, warden.RoleAdmin)
	for name, role := range registered {
		a, known := actions[name]
		if !known {
			a.propose = func(c *client) (int, []byte) {
				who, _, err := p.s.Auth.Session(context.Background(), c.cookie)
				if err != nil {
					t.Fatal(err)
				}
				ap, err := p.s.Auth.Approvals.Propose(warden.WithPrincipal(context.Background(), who), name, "test:"+name, map[string]string{}, "generic")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(map[string]any{"approval": ap})
				return 202, b
			}
			a.done = func() bool { return false }
		}
		if peers[role] == nil {
			peers[role] = id.bootstrap("peer-"+string(role), role)
		}
		for _, proposer := range []*client{alice, carl} {
			// The paths to one person approving their own proposal.
			paths := map[string]*client{}
			if role == warden.RoleAdmin {
				paths["the proposer"] = proposer
			}
			paths["a token the proposer minted"] = id.mint(proposer, role)
			made := id.create(proposer, role)
			paths["a person the proposer created"] = made
			maker := id.create(proposer, warden.RoleAdmin)
			paths["a token minted by a person the proposer created"] = id.mint(maker, role)
			// victim is a person the operator added and proposer reset.
			victim := func(role warden.Role) *client {
				id.n++
				v := id.bootstrap(fmt.Sprintf("victim-%s-%d", role, id.n), role)
				id.reset(proposer, v.name, resetPassword)
				return id.login(v.name, resetPassword)
			}
			paths["a person whose password the proposer reset"] = victim(role)
			// Changing it themselves afterwards does not end the control:
			// the proposer knew the reset password, so could have made
			// that change.
			v := victim(role)
			if code, b := v.call("PUT", "/v1/users/"+v.name+"/password", map[string]string{"current_password": resetPassword, "password": ownPassword}); code != 204 {
				t.Fatalf("%s changing their own password: %d %s", v.name, code, b)
			}
			paths["a person whose password the proposer reset, changed since over the API"] = id.login(v.name, ownPassword)
			v = victim(role)
			if code, b := v.form("/account", url.Values{"current_password": {resetPassword}, "password": {ownPassword}}); code != 303 {
				t.Fatalf("%s changing their own password on the account page: %d %s", v.name, code, b)
			}
			paths["a person whose password the proposer reset, changed since on the account page"] = id.login(v.name, ownPassword)
			paths["a token minted by a person whose password the proposer reset"] = id.mint(victim(warden.RoleAdmin), role)
			if proposer == carl {
				paths["the proposer's creator, by a token"] = id.mint(alice, role)
				paths["a person the proposer's creator created"] = id.create(alice, role)
				paths["a token minted by a person the proposer's creator created"] = id.mint(id.create(alice, warden.RoleAdmin), role)
			}
			code, b := a.propose(proposer)
			if code != 202 {
				t.Fatalf("%s by %s: %d %s", name, proposer.name, code, b)
			}
			var pending struct{ Approval warden.Approval }
			json.Unmarshal(b, &pending)
			approve := fmt.Sprintf("/v1/approvals/%d/approve", pending.Approval.ID)
			for path, c := range paths {
				if code, b := c.call("POST", approve, map[string]string{"reason": "looks fine"}); code != 403 {
					t.Errorf("%s proposed by %s, approved by %s (%s): %d %s", name, proposer.name, path, c.name, code, b)
				}
				if a.done() {
					t.Errorf("%s took effect after %s approved it", name, path)
				}
			}
			if !known {
				reject := strings.Replace(approve, "/approve", "/reject", 1)
				if code, b := peers[role].call("POST", reject, map[string]string{"reason": "not needed"}); code != 200 {
					t.Errorf("%s proposed by %s, rejected by an unrelated %s: %d %s", name, proposer.name, role, code, b)
				}
				continue
			}
			if code, b := peers[role].call("POST", approve, map[string]string{"reason": "checked"}); code != 200 {
				t.Errorf("%s proposed by %s, approved by an unrelated %s: %d %s", name, proposer.name, role, code, b)
			} else if !a.done() {
				t.Errorf("%s approved but not carried out", name)
			}
		}
	}
}

// TestOwnPasswordNeedsCurrent: changing one's own password over the API
// needs the current one; an admin resets another person's without it, and
// both are audited.
func TestOwnPasswordNeedsCurrent(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	id := &identities{t: t, p: p}
	carol := id.bootstrap("carol", warden.RoleAnalyst)
	admin := id.bootstrap("alice", warden.RoleAdmin)
	for _, tc := range []struct {
		name string
		c    *client
		body map[string]string
		want int
	}{
		{"no current password", carol, map[string]string{"password": "amber quarry nine swallows"}, 400},
		{"wrong current password", carol, map[string]string{"current_password": "not the password", "password": "amber quarry nine swallows"}, 403},
		{"weak new password", carol, map[string]string{"current_password": testPassword, "password": "123456789012"}, 400},
		{"own, with the current password", carol, map[string]string{"current_password": testPassword, "password": "amber quarry nine swallows"}, 204},
		{"an admin's reset", admin, map[string]string{"password": "copper meadow thirty owls"}, 204},
	} {
		if code, b := tc.c.call("PUT", "/v1/users/carol/password", tc.body); code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, code, b, tc.want)
		}
	}
	carol = id.login("carol", "copper meadow thirty owls")
	// The account page's form does the same for the signed-in person.
	if code, _ := carol.form("/account", url.Values{"password": {"amber quarry nine swallows"}}); code != 400 {
		t.Errorf("the form without the current password: %d", code)
	}
	if code, _ := carol.form("/account", url.Values{"current_password": {"copper meadow thirty owls"}, "password": {"amber quarry nine swallows"}}); code != 303 {
		t.Errorf("the form: %d", code)
	}
	id.login("carol", "amber quarry nine swallows")
	var trail []string
	p.db.AuditEvents(context.Background(), warden.AuditFilter{Object: "user:carol"}, func(e warden.AuditEvent) error {
		trail = append(trail, e.Actor+":"+e.Action)
		return nil
	})
	if got := strings.Join(trail, " "); !strings.Contains(got, "carol:user.passwd.failed carol:user.passwd alice:user.passwd.reset carol:login carol:user.passwd") {
		t.Errorf("audit: %s", got)
	}
}

// form posts a UI form as c and returns the status and the page.
func (c *client) form(path string, values url.Values) (int, string) {
	c.t.Helper()
	values.Set("csrf", c.csrf)
	req, _ := http.NewRequest("POST", c.p.srv.URL+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestUsersPageFourEyes: on the users and tokens pages, adding a sanctions
// officer and creating an admin token are proposals, which the proposer
// cannot approve and a second admin can.
func TestUsersPageFourEyes(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	id := &identities{t: t, p: p}
	alice, bob := id.bootstrap("alice", warden.RoleAdmin), id.bootstrap("bob", warden.RoleAdmin)
	code, page := alice.form("/admin/users", url.Values{"name": {"olga"}, "role": {"sanctions-officer"}, "org": {"home"}, "password": {testPassword}})
	if code != 202 || !strings.Contains(page, "needs a second admin&#39;s approval (proposal 1)") {
		t.Fatalf("adding an officer: %d %s", code, between(page, `<main id="main">`, "</form>"))
	}
	code, page = alice.form("/admin/tokens", url.Values{"op": {"create"}, "name": {"ops"}, "role": {"admin"}})
	secret := between(page, `<p class="secret" id="secret">`, "<")
	if code != 200 || !strings.Contains(page, "proposal 2") || !strings.HasPrefix(secret, "wdn_") {
		t.Fatalf("creating an admin token: %d %s", code, between(page, `<main id="main">`, "</form>"))
	}
	if resp := p.do(t, "GET", "/v1/me", secret, "", ""); resp.StatusCode != 401 {
		t.Errorf("the token before approval: %d", resp.StatusCode)
	}
	for _, n := range []string{"1", "2"} {
		if code, _ := alice.form("/admin/approvals/"+n, url.Values{"op": {"approve"}}); code != 403 {
			t.Errorf("alice approving proposal %s: %d", n, code)
		}
		if code, page := bob.form("/admin/approvals/"+n, url.Values{"op": {"approve"}}); code != 200 || !strings.Contains(page, "Proposal "+n+" approved.") {
			t.Errorf("bob approving proposal %s: %d", n, code)
		}
	}
	if u, err := p.db.User(context.Background(), "olga"); err != nil || u.Role != warden.RoleSanctionsOfficer || u.CreatedBy != "alice" {
		t.Errorf("olga: %+v %v", u, err)
	}
	var me struct{ Name, Role, Person string }
	json.NewDecoder(p.do(t, "GET", "/v1/me", secret, "", "").Body).Decode(&me)
	if me.Name != "ops" || me.Role != "admin" || me.Person != "alice" {
		t.Errorf("the token after approval: %+v", me)
	}
}

// TestProposalShowsPayload: the 202 answer of a privileged creation or
// reset shows what is proposed (name, role, organisation), never a hash
// or a secret other than the token's own, shown once.
func TestProposalShowsPayload(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	id := &identities{t: t, p: p}
	alice := id.bootstrap("alice", warden.RoleAdmin)
	id.bootstrap("bob", warden.RoleAdmin)
	for _, tc := range []struct {
		name, method, path string
		body               map[string]any
		want               map[string]any
	}{
		{"user.create", "POST", "/v1/users", map[string]any{"name": "olga", "role": "sanctions-officer", "password": testPassword},
			map[string]any{"name": "olga", "role": "sanctions-officer", "org": "home"}},
		{"token.create", "POST", "/v1/tokens", map[string]any{"name": "ops", "role": "admin"},
			map[string]any{"name": "ops", "role": "admin", "org": "home"}},
		{"user.passwd.reset", "PUT", "/v1/users/bob/password", map[string]any{"password": resetPassword},
			map[string]any{"name": "bob"}},
	} {
		code, b := alice.call(tc.method, tc.path, tc.body)
		var got struct {
			Approval struct {
				Action  string
				Payload map[string]any
			}
		}
		if err := json.Unmarshal(b, &got); code != 202 || err != nil {
			t.Errorf("%s: %d %s", tc.name, code, b)
			continue
		}
		if got.Approval.Action != tc.name || fmt.Sprint(got.Approval.Payload) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %s %v, want %v", tc.name, got.Approval.Action, got.Approval.Payload, tc.want)
		}
		if s := string(b); strings.Contains(s, "$argon2id$") || strings.Contains(s, "hash") {
			t.Errorf("%s shows a hash: %s", tc.name, s)
		}
	}
}

// TestPasswordResetFourEyes: resetting an admin's or a sanctions
// officer's password from the API is a proposal a second admin approves;
// until then the old password stands, and the reset is audited with both
// persons. Anyone else's is reset at once.
func TestPasswordResetFourEyes(t *testing.T) {
	p := newPlatform(t, storetest.OpenSQLite(t), nil)
	id := &identities{t: t, p: p}
	alice := id.bootstrap("alice", warden.RoleAdmin)
	carol := id.bootstrap("carol", warden.RoleAdmin)
	id.bootstrap("bob", warden.RoleAdmin)
	id.bootstrap("so2", warden.RoleSanctionsOfficer)
	id.bootstrap("ann", warden.RoleAnalyst)
	for _, tc := range []struct {
		person string
		want   int
	}{{"bob", 202}, {"so2", 202}, {"ann", 204}} {
		code, b := alice.call("PUT", "/v1/users/"+tc.person+"/password", map[string]string{"password": resetPassword})
		if code != tc.want {
			t.Fatalf("resetting %s: %d %s", tc.person, code, b)
		}
		if code == 204 {
			id.login(tc.person, resetPassword)
			continue
		}
		var pending struct{ Approval warden.Approval }
		json.Unmarshal(b, &pending)
		id.login(tc.person, testPassword) // unchanged while pending
		approve := fmt.Sprintf("/v1/approvals/%d/approve", pending.Approval.ID)
		if code, b := alice.call("POST", approve, nil); code != 403 {
			t.Errorf("alice approving her reset of %s: %d %s", tc.person, code, b)
		}
		if code, b := carol.call("POST", approve, map[string]string{"reason": "asked by phone"}); code != 200 {
			t.Fatalf("carol approving: %d %s", code, b)
		}
		if _, _, err := p.s.Auth.Login(context.Background(), tc.person, testPassword); err == nil {
			t.Errorf("%s's old password still works", tc.person)
		}
		id.login(tc.person, resetPassword)
		var trail []string
		p.db.AuditEvents(context.Background(), warden.AuditFilter{Action: "user.passwd.reset"}, func(e warden.AuditEvent) error {
			if e.Object == "user:"+tc.person {
				trail = append(trail, e.Actor+":"+e.Action+" "+string(e.Detail))
			}
			return nil
		})
		if len(trail) != 1 || !strings.Contains(trail[0], `"proposed_by_person":"alice"`) || !strings.Contains(trail[0], `"approved_by_person":"carol"`) {
			t.Errorf("audit of %s's reset: %q", tc.person, trail)
		}
	}
}
