package warden

import "time"

// Role is what a person or API client may do. The platform's permission
// table (docs/security.md, as it grows) says which role may do what.
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

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleSanctionsOfficer, RoleAnalyst, RoleScreener, RoleLiaison, RoleCounterpart, RoleAuditor:
		return true
	}
	return false
}

// Token is an API client's bearer token as stored: only a hash of the secret
// is kept.
type Token struct {
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Principal is who makes a request.
type Principal struct {
	Name string
	Role Role
}
