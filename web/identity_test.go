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

const testPassword = "violet harbour lantern 42"

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

// TestFourEyesEveryPath tries every way one person could approve their own
// proposal, for every registered four-eyes action: as the proposer, with a
// token the proposer minted, as a person the proposer created or whose
// password the proposer set, with a token such a person minted, and as the
// proposer's creator. Each is refused and changes nothing; a different
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
		`{"reference":"r1","amount":{"currency":"EUR","minor":463175},"parties":[{"role":"beneficiary","name":"Maksim Yakubets","account":"BEN-0"}]}`); resp.StatusCode != 200 {
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
			victim := id.bootstrap(fmt.Sprintf("victim-%s-%d", role, id.n), role)
			if code, b := proposer.call("PUT", "/v1/users/"+victim.name+"/password", map[string]string{"password": "amber quarry nine swallows"}); code != 204 {
				t.Fatalf("reset: %d %s", code, b)
			}
			paths["a person whose password the proposer set"] = id.login(victim.name, "amber quarry nine swallows")
			if proposer == carl {
				paths["the proposer's creator, by a token"] = id.mint(alice, role)
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
