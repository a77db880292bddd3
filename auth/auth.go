// Package auth is who may do what: people with passwords and sessions, API
// clients with bearer tokens acting for a person, organisations, and
// four-eyes approvals between different persons. The role checks every
// service applies are warden.Authorize. Secrets are shown once and stored
// only as hashes: token secrets (256 random bits) as SHA-256, passwords as
// argon2id, session cookies as SHA-256.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"warden"
	"warden/store"
)

// prefix marks Warden tokens, so that leaked ones are easy to find.
const prefix = "wdn_"

// Service holds the rules for identities. Its methods authorise the
// principal in their context and audit every change.
type Service struct {
	DB *store.DB
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// LockAfter failed logins in a row lock a person out for LockFor.
	LockAfter int
	LockFor   time.Duration
	// SessionTTL is how long a session lasts.
	SessionTTL time.Duration
	// Approvals holds the actions that need a second person; New makes it
	// and registers adding privileged people, creating privileged tokens
	// and resetting privileged people's passwords.
	Approvals *Approvals
}

// New returns a Service with the default lock-out (5 failures, 15
// minutes) and session lifetime (12 hours).
func New(db *store.DB) *Service {
	s := &Service{DB: db, LockAfter: 5, LockFor: 15 * time.Minute, SessionTTL: 12 * time.Hour}
	s.Approvals = NewApprovals(db, s.now)
	s.Approvals.Handle(ActionUserCreate, warden.RoleAdmin, s.applyUserCreate)
	s.Approvals.Handle(ActionTokenCreate, warden.RoleAdmin, s.applyTokenCreate)
	s.Approvals.Handle(ActionPasswordReset, warden.RoleAdmin, s.applyPasswordReset)
	return s
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Hash returns the stored form of a token secret or session cookie.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$`)

// checkName accepts names of people, tokens and organisations: 1 to 100
// letters, digits and . _ @ -, so they are safe in URLs and logs; and,
// but for an organisation, not the command line's name in any case, which
// the audit trail shows for the operator.
func checkName(what, name string) error {
	if !namePattern.MatchString(name) {
		return warden.Errorf(warden.EINVALID, "a %s name needs 1 to 100 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", what)
	}
	if what != "organisation" && strings.EqualFold(name, warden.Operator.Name) {
		return warden.Errorf(warden.EINVALID, "%q is the command line's name; choose another", name)
	}
	return nil
}

// ActionTokenCreate is the four-eyes action of creating a token of a
// privileged role.
const ActionTokenCreate = "token.create"

// newToken is a token to create, as a proposal stores it (with the
// secret already hashed).
type newToken struct {
	Name      string      `json:"name"`
	Role      warden.Role `json:"role"`
	Org       string      `json:"org"`
	ExpiresAt *time.Time  `json:"expires_at,omitempty"`
	Hash      string      `json:"token_hash"`
}

// privileged reports whether creating a principal of role, person or
// token, needs a second admin: admins can do anything, and sanctions
// officers are the second pair of eyes of releases and designations.
func privileged(role warden.Role) bool {
	return role == warden.RoleAdmin || role == warden.RoleSanctionsOfficer
}

// CreateToken makes a new token for an API client, acting for the person
// behind the principal in ctx, and returns its secret, which is shown once
// and never stored. Needs tokens.manage. A token of a privileged role
// (admin, sanctions officer) asked for from the API or UI needs a second
// admin: the secret is returned with the pending approval and works once
// the approval is given (the operator at the command line creates such
// tokens directly, to bootstrap).
func (s *Service) CreateToken(ctx context.Context, name string, role warden.Role, org string, expires *time.Time) (string, *warden.Approval, error) {
	p, err := warden.Authorize(ctx, warden.ActTokensManage)
	if err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if err := checkName("token", name); err != nil {
		return "", nil, err
	}
	if err := s.DB.NameTaken(ctx, name); err != nil {
		return "", nil, err
	}
	if !role.Valid() {
		return "", nil, warden.Errorf(warden.EINVALID, "unknown role %q", role)
	}
	if org == "" {
		org = warden.HomeOrg
	}
	if err := s.checkRoleOrg(ctx, role, org); err != nil {
		return "", nil, err
	}
	now := s.now()
	if expires != nil && !expires.After(now) {
		return "", nil, warden.Errorf(warden.EINVALID, "expiry %s is not in the future", expires.Format(time.RFC3339))
	}
	r, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	secret := prefix + r
	if privileged(role) && p.Kind != "operator" {
		a, err := s.Approvals.Propose(ctx, ActionTokenCreate, "token:"+name, newToken{Name: name, Role: role, Org: org, ExpiresAt: expires, Hash: Hash(secret)}, "")
		if err != nil {
			return "", nil, err
		}
		return secret, &a, nil
	}
	t := warden.Token{Name: name, Role: role, Org: org, CreatedAt: now, CreatedBy: p.PersonName(), Owner: p.PersonName(), ExpiresAt: expires}
	ev := warden.NewAuditEvent(ctx, "token.create", "token:"+name, "", map[string]any{"role": role, "org": org, "expires_at": expires, "owner": t.Owner})
	if err := s.DB.CreateToken(ctx, t, Hash(secret), ev); err != nil {
		return "", nil, err
	}
	return secret, nil, nil
}

// applyTokenCreate creates an approved token, acting for the person who
// proposed it.
func (s *Service) applyTokenCreate(ctx context.Context, a warden.Approval) error {
	var t newToken
	if err := json.Unmarshal(a.Payload, &t); err != nil {
		return err
	}
	return s.DB.InsertToken(ctx, warden.Token{Name: t.Name, Role: t.Role, Org: t.Org, CreatedAt: s.now(), CreatedBy: a.ProposedByPerson, Owner: a.ProposedByPerson, ExpiresAt: t.ExpiresAt}, t.Hash)
}

// checkRoleOrg keeps counterparts in counterpart organisations and
// everyone else in the home one.
func (s *Service) checkRoleOrg(ctx context.Context, role warden.Role, org string) error {
	o, err := s.DB.Org(ctx, org)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		return warden.Errorf(warden.EINVALID, "no organisation %q", org)
	}
	if err != nil {
		return err
	}
	if (role == warden.RoleCounterpart) != (o.Kind == "counterpart") {
		return warden.Errorf(warden.EINVALID, "role %s cannot belong to %s organisation %q", role, o.Kind, org)
	}
	return nil
}

// RevokeToken revokes the named token. Needs tokens.manage.
func (s *Service) RevokeToken(ctx context.Context, name, reason string) error {
	if _, err := warden.Authorize(ctx, warden.ActTokensManage); err != nil {
		return err
	}
	return s.DB.RevokeToken(ctx, name, s.now(), warden.NewAuditEvent(ctx, "token.revoke", "token:"+name, reason, nil))
}

// Tokens lists the tokens, never their secrets. Needs tokens.read.
func (s *Service) Tokens(ctx context.Context) ([]warden.Token, error) {
	if _, err := warden.Authorize(ctx, warden.ActTokensRead); err != nil {
		return nil, err
	}
	ts, err := s.DB.Tokens(ctx)
	if ts == nil {
		ts = []warden.Token{}
	}
	return ts, err
}

// Authenticate returns who holds the bearer token in an Authorization header
// value. EUNAUTHORIZED for a missing, unknown, expired or revoked token,
// and for a token whose owner has been disabled: a token acts for its
// person, so it stops with them (checked at every request, with the token
// in one lookup).
func (s *Service) Authenticate(ctx context.Context, header string) (warden.Principal, error) {
	secret, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "a bearer token is required")
	}
	if !strings.HasPrefix(strings.TrimSpace(secret), prefix) {
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "invalid token")
	}
	t, ownerDisabled, err := s.DB.TokenByHash(ctx, Hash(strings.TrimSpace(secret)))
	switch {
	case warden.ErrorCode(err) == warden.ENOTFOUND:
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "invalid token")
	case err != nil:
		return warden.Principal{}, err
	case t.RevokedAt != nil:
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "token revoked")
	case t.ExpiresAt != nil && !s.now().Before(*t.ExpiresAt):
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "token expired")
	case ownerDisabled != nil:
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "the token's person has been disabled")
	}
	return warden.Principal{Name: t.Name, Role: t.Role, Org: t.Org, Kind: "token", Person: t.Owner}, nil
}

// CreateOrg adds an organisation. Needs orgs.manage.
func (s *Service) CreateOrg(ctx context.Context, id, name, kind string) (warden.Organisation, error) {
	if _, err := warden.Authorize(ctx, warden.ActOrgsManage); err != nil {
		return warden.Organisation{}, err
	}
	if err := checkName("organisation", id); err != nil {
		return warden.Organisation{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return warden.Organisation{}, warden.Errorf(warden.EINVALID, "an organisation needs a name of 1 to 200 characters")
	}
	if kind != "counterpart" {
		return warden.Organisation{}, warden.Errorf(warden.EINVALID, "kind must be \"counterpart\" (there is one home organisation)")
	}
	o := warden.Organisation{ID: id, Name: name, Kind: kind, CreatedAt: s.now()}
	return o, s.DB.CreateOrg(ctx, o, warden.NewAuditEvent(ctx, "org.create", "org:"+id, "", map[string]string{"name": name, "kind": kind}))
}

// Orgs lists the organisations the principal may see: a counterpart only
// its own. Needs orgs.read.
func (s *Service) Orgs(ctx context.Context) ([]warden.Organisation, error) {
	p, err := warden.Authorize(ctx, warden.ActOrgsRead)
	if err != nil {
		return nil, err
	}
	all, err := s.DB.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, o := range all {
		if warden.Sees(p, o.ID) {
			out = append(out, o)
		}
	}
	return out, nil
}

// Org returns one organisation; ENOTFOUND also when the principal may not
// learn that it exists. Needs orgs.read.
func (s *Service) Org(ctx context.Context, id string) (warden.Organisation, error) {
	p, err := warden.Authorize(ctx, warden.ActOrgsRead)
	if err != nil {
		return warden.Organisation{}, err
	}
	if !warden.Sees(p, id) {
		return warden.Organisation{}, warden.Errorf(warden.ENOTFOUND, "no organisation %q", id)
	}
	return s.DB.Org(ctx, id)
}
