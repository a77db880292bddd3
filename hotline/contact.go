package hotline

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/notify"
	"warden/store"
)

// Verification of contact methods: a code sent through the method, entered
// back within codeTTL, in at most codeTries tries; at most codesPerHour
// codes to one address in an hour (whoever asks, in whatever letter case)
// and codesPerPerson codes for one person, so that no one can make the
// server mail-bomb an address.
const (
	codeTTL        = 15 * time.Minute
	codeTries      = 5
	codesPerHour   = 5
	codesPerPerson = 10
)

// SubscribableEvents are the notifications, besides alerts, that a person
// may take on a contact method. A liaison follows requests by theirs:
// what was sent, acknowledged, answered or refused, the extensions asked,
// the messages, and the deadlines.
var SubscribableEvents = []string{"hits.new", "case.flagged", "list.changed", "designation.published",
	"request.sent", "request.acknowledged", "request.answered", "request.refused", "request.extension_asked", "request.message",
	"request.deadline_missed", "request.deadline_approaching", "payment.blocked", "customer.hit", "intel.imported"}

// eventReveals maps each notification one can take to the permission
// that reads what it reveals: a person is told of an event only while
// their role may read its object elsewhere. The request events name a
// request and its counterpart: those who may read requests take them.
var eventReveals = map[string]warden.Action{
	"customer.hit":                 warden.ActCustomersRead,
	"hits.new":                     warden.ActCasesRead,
	"case.flagged":                 warden.ActCasesRead,
	"payment.blocked":              warden.ActCasesRead,
	"payment.held":                 warden.ActCasesRead,
	"designation.published":        warden.ActDesignationsRead,
	"list.changed":                 warden.ActListsRead,
	"request.sent":                 warden.ActRequestsRead,
	"request.acknowledged":         warden.ActRequestsRead,
	"request.answered":             warden.ActRequestsRead,
	"request.refused":              warden.ActRequestsRead,
	"request.extension_asked":      warden.ActRequestsRead,
	"request.message":              warden.ActRequestsRead,
	"request.deadline_missed":      warden.ActRequestsRead,
	"request.deadline_approaching": warden.ActRequestsRead,
	"intel.imported":               warden.ActIntelRead,
}

// mayKnow reports whether role may be told of an event of type typ.
func mayKnow(role warden.Role, typ string) bool {
	a, ok := eventReveals[typ]
	return ok && warden.Allowed(role, a)
}

// me returns the person behind the caller and the caller's role. Contact
// methods are managed (contact.manage) by a person signed in themselves:
// an API token acts for its owner in other things, but one handed to an
// outside system must not read, change or add where its owner is reached.
func me(ctx context.Context) (string, warden.Role, error) {
	p, err := warden.Authorize(ctx, warden.ActContactManage)
	if err != nil {
		return "", "", err
	}
	if p.Kind != "user" || p.Name == "" {
		return "", "", warden.Errorf(warden.EFORBIDDEN, "contact methods are managed by their person, signed in: not by an API token or the operator (%s)", p.Name)
	}
	return p.Name, p.Role, nil
}

// AddContactMethod adds a contact method of the caller's (contact.manage),
// audited, and sends it a verification code. It is used for nothing until
// the code is entered back (VerifyContactMethod).
func (s *Service) AddContactMethod(ctx context.Context, m warden.ContactMethod) (warden.ContactMethod, error) {
	person, role, err := me(ctx)
	if err != nil {
		return m, err
	}
	format, err := checkAddress(m.Channel, m.Address, m.Format)
	if err != nil {
		return m, err
	}
	if err := checkPersonal(m); err != nil {
		return m, err
	}
	if err := checkEvents(role, m.Events); err != nil {
		return m, err
	}
	if err := checkDelay(m.Delay); err != nil {
		return m, err
	}
	now := s.now()
	if err := s.checkCodes(ctx, person, m.Address, now); err != nil {
		return m, err
	}
	code := newCode()
	sm := store.ContactMethod{ContactMethod: warden.ContactMethod{Person: person, Channel: m.Channel, Address: m.Address, Format: format, Delay: m.Delay,
		Events: m.Events, CreatedAt: now}, CodeHash: codeHash(person, m.Address, code), CodeExpires: now.Add(codeTTL)}
	if sm.Events == nil {
		sm.Events = []string{}
	}
	verify := verification(sm.ContactMethod, code, now)
	ev := warden.NewAuditEvent(ctx, "contact.add", "", "", map[string]any{"channel": m.Channel, "address": m.Address})
	if err := s.db.CreateContactMethod(ctx, &sm, &verify, ev); err != nil {
		return sm.ContactMethod, err
	}
	s.enqueue(ctx, deliverJob(verify.Notification))
	return sm.ContactMethod, nil
}

// ResendCode sends a new verification code to an unverified contact
// method of the caller's (contact.manage), audited: the one to ask for
// after the code expired or was mistyped too often.
func (s *Service) ResendCode(ctx context.Context, id int64) error {
	person, _, err := me(ctx)
	if err != nil {
		return err
	}
	ms, err := s.db.ContactMethods(ctx, person, false)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ms, func(m store.ContactMethod) bool { return m.ID == id })
	if i < 0 {
		return warden.Errorf(warden.ENOTFOUND, "you have no contact method %d", id)
	}
	now, code := s.now(), newCode()
	if err := s.checkCodes(ctx, person, ms[i].Address, now); err != nil {
		return err
	}
	verify := verification(ms[i].ContactMethod, code, now)
	ev := warden.NewAuditEvent(ctx, "contact.code", contactObject(id), "", nil)
	if err := s.db.NewContactCode(ctx, id, person, codeHash(person, ms[i].Address, code), now, now.Add(codeTTL), &verify, ev); err != nil {
		return err
	}
	s.enqueue(ctx, deliverJob(verify.Notification))
	return nil
}

func contactObject(id int64) string { return "contact-method:" + strconv.FormatInt(id, 10) }

// verification is the notification that sends code to m.
func verification(m warden.ContactMethod, code string, now time.Time) store.Outgoing {
	return store.Outgoing{Notification: warden.Notification{Kind: "verify", Person: m.Person, Channel: m.Channel, Address: m.Address, Format: m.Format, DueAt: now},
		Subject: "Your Warden verification code",
		Body: fmt.Sprintf("Your Warden verification code is %s. Enter it on your contact methods page within %d minutes to receive hotline notifications here.",
			code, int(codeTTL.Minutes()))}
}

func newCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}

func codeHash(person, address, code string) string {
	sum := sha256.Sum256([]byte("warden contact code\x00" + person + "\x00" + address + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// checkPersonal refuses a personal webhook that is plainly not on the
// internet: a literal non-public address or a localhost name. They are
// refused when sent anyway (notify.Webhook.PublicOnly, on the address
// dialled); this says so while the person is there to read it.
func checkPersonal(m warden.ContactMethod) error {
	if m.Channel != warden.ChannelWebhook {
		return nil
	}
	u, err := url.Parse(m.Address)
	if err != nil {
		return warden.Errorf(warden.EINVALID, "webhook URL %q must be an http or https URL", m.Address)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	ip, err := netip.ParseAddr(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || err == nil && !notify.Public(ip) {
		return warden.Errorf(warden.EINVALID, "webhook %s is not on the internet: a personal webhook must be reachable there (an admin can set up an endpoint for an internal system)", u.Scheme+"://"+u.Host)
	}
	return nil
}

// checkCodes refuses a verification code to person's address at now if
// codesPerHour were sent to that address (in any letter case, for anyone)
// in the hour before, or codesPerPerson for person, whether to methods
// still there or to ones deleted and added again.
func (s *Service) checkCodes(ctx context.Context, person, address string, now time.Time) error {
	mine, there, err := s.db.CodesSent(ctx, person, address, now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if there >= codesPerHour {
		return warden.Errorf(warden.ERATELIMITED, "%d codes were sent to %s in the last hour: try again later", there, address)
	}
	if mine >= codesPerPerson {
		return warden.Errorf(warden.ERATELIMITED, "%d codes were sent for you in the last hour: try again later", mine)
	}
	return nil
}

// checkEvents refuses a notification one cannot take (EINVALID) and those
// that would tell role what it may not read (EFORBIDDEN), naming them.
func checkEvents(role warden.Role, events []string) error {
	var refused []string
	for _, e := range events {
		if !slices.Contains(SubscribableEvents, e) {
			return warden.Errorf(warden.EINVALID, "%q is not a notification one can take: they are %s", e, strings.Join(SubscribableEvents, ", "))
		}
		if !mayKnow(role, e) {
			refused = append(refused, e)
		}
	}
	if len(refused) > 0 {
		return warden.Errorf(warden.EFORBIDDEN, "role %s may not take %s: they reveal what the role may not read", role, strings.Join(refused, ", "))
	}
	return nil
}

func checkDelay(d warden.Duration) error {
	if d < 0 || d.Std() > 24*time.Hour {
		return warden.Errorf(warden.EINVALID, "a contact method's delay is between 0 and 24h, not %s", d.Std())
	}
	return nil
}

// ContactMethods lists the caller's contact methods (contact.manage).
func (s *Service) ContactMethods(ctx context.Context) ([]warden.ContactMethod, error) {
	person, _, err := me(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := s.db.ContactMethods(ctx, person, false)
	out := make([]warden.ContactMethod, len(ms))
	for i, m := range ms {
		out[i] = m.ContactMethod
	}
	return out, err
}

// VerifyContactMethod checks a code entered for one of the caller's
// contact methods (contact.manage); the method is verified if it matches.
// EINVALID for a wrong code (each counts), an expired one, or after five
// wrong ones: then a new code is needed (ResendCode).
func (s *Service) VerifyContactMethod(ctx context.Context, id int64, code string) (warden.ContactMethod, error) {
	person, _, err := me(ctx)
	if err != nil {
		return warden.ContactMethod{}, err
	}
	ms, err := s.db.ContactMethods(ctx, person, false)
	if err != nil {
		return warden.ContactMethod{}, err
	}
	i := slices.IndexFunc(ms, func(m store.ContactMethod) bool { return m.ID == id })
	if i < 0 {
		return warden.ContactMethod{}, warden.Errorf(warden.ENOTFOUND, "you have no contact method %d", id)
	}
	// A mistyped code (not six digits) is no guess: it costs no try.
	code = strings.TrimSpace(code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return warden.ContactMethod{}, warden.Errorf(warden.EINVALID, "a code is six digits, as in the message sent")
	}
	ev := warden.NewAuditEvent(ctx, "contact.verify", contactObject(id), "", nil)
	m, err := s.db.CheckContactCode(ctx, id, person, codeHash(person, ms[i].Address, code), s.now(), codeTries, ev)
	return m.ContactMethod, err
}

// UpdateContactMethod sets the delay and the subscribed notifications of
// one of the caller's contact methods (contact.manage), audited.
func (s *Service) UpdateContactMethod(ctx context.Context, id int64, delay warden.Duration, events []string) (warden.ContactMethod, error) {
	person, role, err := me(ctx)
	if err != nil {
		return warden.ContactMethod{}, err
	}
	if err := checkEvents(role, events); err != nil {
		return warden.ContactMethod{}, err
	}
	if err := checkDelay(delay); err != nil {
		return warden.ContactMethod{}, err
	}
	if events == nil {
		events = []string{}
	}
	ev := warden.NewAuditEvent(ctx, "contact.update", contactObject(id), "", map[string]any{"delay": delay, "events": events})
	if err := s.db.UpdateContactMethod(ctx, id, person, delay, events, ev); err != nil {
		return warden.ContactMethod{}, err
	}
	ms, err := s.db.ContactMethods(ctx, person, false)
	if err != nil {
		return warden.ContactMethod{}, err
	}
	for _, m := range ms {
		if m.ID == id {
			return m.ContactMethod, nil
		}
	}
	return warden.ContactMethod{}, warden.Errorf(warden.ENOTFOUND, "you have no contact method %d", id)
}

// DeleteContactMethod removes one of the caller's contact methods
// (contact.manage), audited; what was still to be sent through it is
// cancelled.
func (s *Service) DeleteContactMethod(ctx context.Context, id int64) error {
	person, _, err := me(ctx)
	if err != nil {
		return err
	}
	return s.db.DeleteContactMethod(ctx, id, person, warden.NewAuditEvent(ctx, "contact.delete", contactObject(id), "", nil))
}
