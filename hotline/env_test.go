package hotline_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"warden"
	"warden/hotline"
	"warden/store"
)

// t0 is when every test starts: a Monday morning.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is the injected clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sent is one message a recorder received.
type sent struct {
	at time.Time
	n  warden.Notification
	m  hotline.Message
}

// recorder is a Sender that records what it is given and fails for the
// addresses told to, a number of times each (-1: always).
type recorder struct {
	mu   sync.Mutex
	clk  *clock
	sent []sent
	fail map[string]int
}

func (r *recorder) Send(_ context.Context, n warden.Notification, m hotline.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.HasPrefix(n.Address, "gone") {
		return fmt.Errorf("%s: no such mailbox: %w", n.Address, hotline.ErrPermanent)
	}
	if f := r.fail[n.Address]; f != 0 {
		if f > 0 {
			r.fail[n.Address] = f - 1
		}
		return fmt.Errorf("%s answered 500", n.Address)
	}
	r.sent = append(r.sent, sent{at: r.clk.Now(), n: n, m: m})
	return nil
}

// to returns the alert messages delivered to address, in order.
func (r *recorder) to(address string) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, s := range r.sent {
		if s.n.Address == address {
			out = append(out, s)
		}
	}
	return out
}

// alerts returns the addresses that alert messages went to, in order.
func (r *recorder) alerts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.sent {
		if s.n.Kind == "alert" {
			out = append(out, s.n.Address)
		}
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = nil
}

// env is a hotline on a database, with people alice, bob and carol
// (analysts), each with a verified e-mail address <name>@example.org.
type env struct {
	t     testing.TB
	db    *store.DB
	s     *hotline.Service
	clk   *clock
	rec   *recorder
	admin context.Context
}

func as(name string, role warden.Role) context.Context {
	return warden.WithPrincipal(context.Background(), warden.Principal{Name: name, Role: role, Org: warden.HomeOrg, Kind: "user"})
}

func newEnv(t testing.TB, db *store.DB, o hotline.Options) *env {
	t.Helper()
	clk := &clock{t: t0}
	rec := &recorder{clk: clk, fail: map[string]int{}}
	db.SetClock(clk.Now)
	o.Now, o.BaseURL = clk.Now, "http://warden.test"
	o.Senders = map[warden.Channel]hotline.Sender{warden.ChannelEmail: rec, warden.ChannelWebhook: rec}
	e := &env{t: t, db: db, s: hotline.New(db, o), clk: clk, rec: rec, admin: as("root", warden.RoleAdmin)}
	for _, name := range []string{"root", "alice", "bob", "carol", "dave"} {
		role := warden.RoleAnalyst
		if name == "root" {
			role = warden.RoleAdmin
		}
		if err := db.CreateUser(context.Background(), warden.User{Name: name, Role: role, Org: warden.HomeOrg, CreatedAt: t0, CreatedBy: "operator", PasswordSetBy: "operator"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"alice", "bob", "carol"} {
		e.method(name, warden.ChannelEmail, name+"@example.org", 0)
	}
	rec.reset()
	return e
}

var codeRE = regexp.MustCompile(`code is (\d{6})`)

// code returns the last verification code sent to address.
func (e *env) code(address string) string {
	e.t.Helper()
	ms := e.rec.to(address)
	for i := len(ms) - 1; i >= 0; i-- {
		if m := codeRE.FindStringSubmatch(ms[i].m.Text); m != nil {
			return m[1]
		}
	}
	e.t.Fatalf("no code was sent to %s", address)
	return ""
}

// method adds a verified contact method of person's.
func (e *env) method(person string, ch warden.Channel, address string, delay time.Duration) warden.ContactMethod {
	e.t.Helper()
	ctx := as(person, warden.RoleAnalyst)
	m, err := e.s.AddContactMethod(ctx, warden.ContactMethod{Channel: ch, Address: address, Delay: warden.Duration(delay)})
	if err != nil {
		e.t.Fatal(err)
	}
	e.run()
	m, err = e.s.VerifyContactMethod(ctx, m.ID, e.code(address))
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// run does what is due now.
func (e *env) run() (fired, delivered int) {
	e.t.Helper()
	f, d, err := e.s.RunDue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return f, d
}

func person(name string) warden.Target { return warden.Target{Kind: warden.TargetPerson, ID: name} }

func step(delay time.Duration, min warden.Severity, targets ...warden.Target) warden.EscalationStep {
	return warden.EscalationStep{Delay: warden.Duration(delay), Targets: targets, MinSeverity: min}
}

func (e *env) policy(p warden.EscalationPolicy) warden.EscalationPolicy {
	e.t.Helper()
	if p.Name == "" {
		p.Name = "duty"
	}
	p, err := e.s.CreatePolicy(e.admin, p)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) raise(in hotline.RaiseInput) warden.Alert {
	e.t.Helper()
	if in.Summary == "" {
		in.Summary = "counterpart missed a deadline"
	}
	a, _, err := e.s.Raise(as("alice", warden.RoleAnalyst), in)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) alert(id int64) warden.Alert {
	e.t.Helper()
	a, err := e.s.Alert(e.admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// logKinds returns the kinds of an alert's log lines, in order.
func (e *env) logKinds(alert int64) string {
	e.t.Helper()
	ls, err := e.s.Log(e.admin, hotline.LogFilter{Alert: alert})
	if err != nil {
		e.t.Fatal(err)
	}
	var ks []string
	for _, l := range ls {
		ks = append(ks, l.Kind)
	}
	return strings.Join(ks, ", ")
}
