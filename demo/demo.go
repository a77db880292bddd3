package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"time"

	"warden"
	"warden/auth"
	"warden/cooperation"
	"warden/designation"
	"warden/enforcement"
	"warden/hotline"
	"warden/intel"
	"warden/screening"
	"warden/store"
)

// Services are the services the demo goes through, wired as warden serve
// wires them, all on the demo's clock. The demo acts through them as the
// people it creates; it never writes a row itself.
type Services struct {
	DB           *store.DB
	Auth         *auth.Service
	Screening    *screening.Service
	Enforcement  *enforcement.Service
	Designations *designation.Service
	Cooperation  *cooperation.Service
	Hotline      *hotline.Service
	Intel        *intel.Service
}

// Clock is the demo's clock: the story is played from a time in the past
// up to now, so that deadlines, escalations and acknowledgements have
// happened by the time a person looks. Every service reads it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// set moves the clock to t; never backwards.
func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

// Mailbox is where the demo's e-mail goes: the hotline's e-mail channel
// delivers into it, and the people of the story read their codes and
// signed links from it. Nothing leaves the process.
type Mailbox struct {
	mu   sync.Mutex
	msgs []Mail
}

// Mail is one message delivered to the mailbox.
type Mail struct {
	To      string
	Subject string
	Text    string
	AckURL  string
	Event   string
}

var _ hotline.Sender = (*Mailbox)(nil)

// Send delivers n into the mailbox (hotline.Sender).
func (m *Mailbox) Send(_ context.Context, n warden.Notification, msg hotline.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, Mail{To: n.Address, Subject: msg.Subject, Text: msg.Text, AckURL: msg.AckURL, Event: msg.Event})
	return nil
}

// Mails returns the messages delivered so far, oldest first.
func (m *Mailbox) Mails() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.msgs...)
}

// Config is what Wire needs besides the database.
type Config struct {
	// BaseURL is where people reach Warden, for the hotline's signed
	// links (http://localhost:8080 if empty).
	BaseURL string
	// LinkKey signs the hotline's links: the key of the server that will
	// serve the demo when it is given one (--hotline-link-key), else the
	// database's persisted key, which a server uses by default.
	LinkKey []byte
}

// Wire builds the services over db as warden serve does (the hotline
// with the server's link key, so that the links the demo e-mails stay
// valid for the server), on clock (db's too), with e-mail delivered to
// mailbox.
func Wire(ctx context.Context, db *store.DB, cfg Config, clock *Clock, mailbox *Mailbox) (*Services, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost:8080"
	}
	key := cfg.LinkKey
	if key == nil {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		var err error
		if key, err = db.HotlineLinkKey(ctx, fresh); err != nil {
			return nil, err
		}
	}
	// The store stamps what it writes too (domain events, audit events,
	// updates): on the story's clock, so that a request's timeline shows
	// when each step happened in the story.
	db.SetClock(clock.Now)
	s := &Services{DB: db}
	s.Screening = screening.New(db)
	s.Auth = auth.New(db)
	s.Auth.Now = clock.Now
	s.Enforcement = enforcement.New(db, s.Screening, s.Auth.Approvals)
	s.Enforcement.Now = clock.Now
	policy, err := enforcement.LoadPolicy("")
	if err != nil {
		return nil, err
	}
	s.Enforcement.Policy = policy
	if _, _, err := s.Enforcement.UseStoredPolicy(warden.WithPrincipal(ctx, warden.Operator), policy, "default"); err != nil {
		return nil, err
	}
	s.Designations = designation.New(db, s.Auth.Approvals)
	s.Designations.Now = clock.Now
	s.Hotline = hotline.New(db, hotline.Options{Now: clock.Now, BaseURL: cfg.BaseURL, LinkKey: key,
		Senders: map[warden.Channel]hotline.Sender{warden.ChannelEmail: mailbox}})
	s.Cooperation = cooperation.New(db, s.Designations)
	s.Cooperation.Now = clock.Now
	s.Intel = intel.New(db)
	s.Intel.Now = clock.Now
	s.Intel.Designator = s.Designations
	s.Enforcement.Indicators = s.Intel
	return s, nil
}

// ErrBuilt is the error of Run on a database that holds the demo already.
var ErrBuilt = warden.Errorf(warden.ECONFLICT, "this database holds the demo already")

// Fresh returns EINVALID if db has people of its own (not the demo's):
// the demo adds people with passwords it prints, which belong in a
// database of their own, never in an installation in use.
func Fresh(ctx context.Context, db *store.DB) error {
	us, err := db.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range us {
		if !slices.ContainsFunc(Users, func(d User) bool { return d.Name == u.Name }) {
			return warden.Errorf(warden.EINVALID, "not a fresh database: it has people of its own (%s); the demo is built in a database of its own (another --db)", u.Name)
		}
	}
	return nil
}

// Built reports whether db holds the demo: its counterpart organisation
// or one of its people.
func Built(ctx context.Context, db *store.DB) (bool, error) {
	if _, err := db.Org(ctx, CounterpartOrg); err == nil {
		return true, nil
	} else if warden.ErrorCode(err) != warden.ENOTFOUND {
		return false, err
	}
	for _, u := range Users {
		if _, err := db.User(ctx, u.Name); err == nil {
			return true, nil
		} else if warden.ErrorCode(err) != warden.ENOTFOUND {
			return false, err
		}
	}
	return false, nil
}

// Credential is a person the demo created and the password drawn for
// them.
type Credential struct {
	User
	Password string
}

// Result is what the demo built: the people and their passwords, and the
// ids of the story's records, for the pages a newcomer opens and for the
// tests.
type Result struct {
	People []Credential
	// Token is the counterpart's API token (TokenName), which reads its
	// TAXII collection; shown once.
	Token        string
	Request      int64
	Incident     string // STIX ids
	Actor        string
	Indicators   []string
	RedIndicator string
	InternalNote string
	Report       string // the STIX report announcing the designations
	Collection   string
	Alerts       []int64 // the hotline alerts the missed deadlines raised
	Referral     int64
	Designations []int64 // the company's and the employee's, published
	Superseded   []int64 // the referral's bare proposals, rejected
	Payment      string  // the blocked payment's reference
	Customer     string  // the held customer's id
	Start, End   time.Time

	// Relationships are the AMBER relationships shared (STIX ids): each
	// indicator indicates the incident, the incident is attributed to
	// the actor, and the actor to the company and to the employee.
	Relationships []string
	// Company and Employee are the designated parties' STIX identities,
	// shared.
	Company, Employee string
}

// as is a context acting as person u, as a session of theirs would.
func as(ctx context.Context, u User) context.Context {
	return warden.WithPrincipal(ctx, warden.Principal{Name: u.Name, Role: warden.Role(u.Role), Org: u.Org, Kind: "user", Person: u.Name})
}

// person returns the story's person of role (the n-th of them).
func person(role warden.Role, n int) User {
	for _, u := range Users {
		if u.Role == string(role) {
			if n == 0 {
				return u
			}
			n--
		}
	}
	panic(fmt.Sprintf("demo: no person of role %s", role))
}
