package warden

import (
	"context"
	"time"
)

// Role is what a person or API client may do. The permission table
// (Permissions, and docs/security.md which a test keeps equal to it) says
// which role may do what.
type Role string

// Roles.
const (
	RoleAdmin            Role = "admin"
	RoleSanctionsOfficer Role = "sanctions-officer"
	RoleAnalyst          Role = "analyst"
	RoleScreener         Role = "screener"
	RoleLiaison          Role = "liaison"
	RoleCounterpart      Role = "counterpart"
	RoleAuditor          Role = "auditor"
)

// Roles lists every role, in the order the permission table shows them.
var Roles = []Role{RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison, RoleCounterpart, RoleAuditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// HomeOrg is the organisation that runs Warden. People and clients belong
// to it unless they belong to a counterpart.
const HomeOrg = "home"

// Organisation is a party people and clients belong to: the home
// organisation that runs Warden, or a foreign counterpart, whose people see
// only what is addressed to it.
type Organisation struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"` // "home" or "counterpart"
	CreatedAt time.Time `json:"created_at"`
}

// Token is an API client's bearer token as stored: only a hash of the secret
// is kept.
type Token struct {
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	Org       string     `json:"org"`
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by,omitempty"` // the person who created it ("operator" at the command line)
	Owner     string     `json:"owner,omitempty"`      // the person it acts for: for four-eyes, it is that person
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// User is a person who logs in to the web UI with a password. The password
// is stored only as an argon2id hash, which never leaves the store layer's
// callers in auth.
type User struct {
	Name         string     `json:"name"`
	Role         Role       `json:"role"`
	Org          string     `json:"org"`
	CreatedAt    time.Time  `json:"created_at"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
	FailedLogins int        `json:"failed_logins"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
	// CreatedBy is the person who added this one ("operator" at the
	// command line); PasswordSetBy the person who chose the current
	// password, this one's own name once they change it themselves. Who
	// controls this person for four-eyes is kept apart, for ever
	// (store.DB.Controllers, auth.Related): a later change of password
	// does not undo an earlier reset.
	CreatedBy     string `json:"created_by,omitempty"`
	PasswordSetBy string `json:"-"`
	PasswordHash  string `json:"-"`
}

// Principal is who makes a request: a person (Kind "user"), an API client
// ("token") or an operator at the command line ("operator").
type Principal struct {
	Name string
	Role Role
	Org  string
	Kind string
	// Person is who is behind the principal: a person's own name, the
	// owner of a token, "operator" for the operator. Four-eyes control
	// compares persons, never principals, so that a token cannot be the
	// second pair of eyes of the person it acts for.
	Person string
}

// PersonName returns the person behind p: p.Person, or, when it is not
// set, the name of a person or "operator" for the operator. It is "" for
// a token that acts for nobody known.
func (p Principal) PersonName() string {
	switch {
	case p.Person != "":
		return p.Person
	case p.Kind == "user":
		return p.Name
	case p.Kind == "operator":
		return Operator.Name
	}
	return ""
}

// Operator is the principal of commands run on the server itself (warden
// user add, warden import): whoever can run them already controls the
// database, so they act as admin, and are audited as the operator.
var Operator = Principal{Name: "operator", Role: RoleAdmin, Org: HomeOrg, Kind: "operator", Person: "operator"}

type principalKey struct{}

// WithPrincipal returns ctx carrying p, for the service layer to authorise
// and audit against.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal ctx carries, and whether it carries
// one.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the id of the request it serves, so
// that audit events and logs can name it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Session is a logged-in person's session as stored (under the hash of its
// cookie value, which is never stored).
type Session struct {
	User      User
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}
