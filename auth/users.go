package auth

import (
	"context"
	"encoding/json"
	"strings"

	"warden"
)

// ActionUserCreate is the four-eyes action of adding a person of a
// privileged role (admin, sanctions officer).
const ActionUserCreate = "user.create"

// newUser is a person to add, as a proposal stores it (with the password
// already hashed).
type newUser struct {
	Name         string      `json:"name"`
	Role         warden.Role `json:"role"`
	Org          string      `json:"org"`
	PasswordHash string      `json:"password_hash"`
}

// CreateUser adds a person, recording the person behind the principal in
// ctx as their creator (who also chose their first password). Needs
// users.manage. Adding an admin or a sanctions officer from the API or UI
// needs a second admin: it returns the pending approval instead (the
// operator at the command line adds them directly, to bootstrap).
func (s *Service) CreateUser(ctx context.Context, name string, role warden.Role, org, password, reason string) (*warden.Approval, error) {
	p, err := warden.Authorize(ctx, warden.ActUsersManage)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if err := checkName("user", name); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, warden.Errorf(warden.EINVALID, "unknown role %q", role)
	}
	if org == "" {
		org = warden.HomeOrg
	}
	if err := s.checkRoleOrg(ctx, role, org); err != nil {
		return nil, err
	}
	if err := s.checkPassword(ctx, name, password); err != nil {
		return nil, err
	}
	if err := s.DB.NameTaken(ctx, name); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	u := newUser{Name: name, Role: role, Org: org, PasswordHash: hash}
	if privileged(role) && p.Kind != "operator" {
		a, err := s.Approvals.Propose(ctx, ActionUserCreate, "user:"+name, u, reason)
		if err != nil {
			return nil, err
		}
		return &a, nil
	}
	by := p.PersonName()
	ev := warden.NewAuditEvent(ctx, ActionUserCreate, "user:"+name, reason, map[string]any{"role": role, "org": org, "created_by": by})
	return nil, s.DB.CreateUser(ctx, warden.User{Name: name, Role: role, Org: org, PasswordHash: hash, CreatedAt: s.now(), CreatedBy: by, PasswordSetBy: by}, ev)
}

// checkPassword is CheckPassword for person name's password chosen by
// the person behind the principal in ctx, with the chooser's name and
// every person's as names a password must not be made of: whoever can
// guess it from the names in the system should not get in.
func (s *Service) checkPassword(ctx context.Context, name, password string) error {
	p, _ := warden.PrincipalFrom(ctx)
	people, err := s.DB.Users(ctx)
	if err != nil {
		return err
	}
	names := []string{p.PersonName()}
	for _, u := range people {
		names = append(names, u.Name)
	}
	return CheckPassword(name, password, names...)
}

// applyUserCreate adds an approved person, created by the person who
// proposed it (who chose the password).
func (s *Service) applyUserCreate(ctx context.Context, a warden.Approval) error {
	var u newUser
	if err := json.Unmarshal(a.Payload, &u); err != nil {
		return err
	}
	return s.DB.InsertUser(ctx, warden.User{Name: u.Name, Role: u.Role, Org: u.Org, PasswordHash: u.PasswordHash, CreatedAt: s.now(),
		CreatedBy: a.ProposedByPerson, PasswordSetBy: a.ProposedByPerson})
}

// ActionPasswordReset is the four-eyes action of resetting the password
// of a privileged person (admin, sanctions officer): whoever resets it
// can act as that person, so a second admin must agree.
const ActionPasswordReset = "user.passwd.reset"

// newPassword is a reset, as a proposal stores it (with the password
// already hashed).
type newPassword struct {
	Name         string `json:"name"`
	PasswordHash string `json:"password_hash"`
}

// SetPassword changes person name's password to password and ends their
// sessions. A person changing their own (through any principal acting for
// them) must give the current password; a wrong one counts as a failed
// login. Anyone else's password is reset, with users.manage and without
// the current one (audited as user.passwd.reset): the one who resets it
// knows it, so controls that person for four-eyes for ever (even after
// the person changes it: they could have made that change themselves).
// Resetting an admin's or a sanctions officer's from the API or UI needs
// a second admin: it returns the pending approval instead (the operator
// at the command line resets directly, to recover a locked-out admin).
func (s *Service) SetPassword(ctx context.Context, name, current, password string) (*warden.Approval, error) {
	p, ok := warden.PrincipalFrom(ctx)
	if !ok {
		return nil, warden.Errorf(warden.EUNAUTHORIZED, "authentication required")
	}
	own := p.PersonName() == name
	if !own {
		if _, err := warden.Authorize(ctx, warden.ActUsersManage); err != nil {
			return nil, err
		}
	}
	if own && current == "" {
		return nil, warden.Errorf(warden.EINVALID, "changing your own password needs your current password")
	}
	u, err := s.DB.User(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := s.checkPassword(ctx, name, password); err != nil {
		return nil, err
	}
	if own && !VerifyPassword(u.PasswordHash, current) {
		if err := s.failed(ctx, u, "user.passwd.failed"); err != nil {
			return nil, err
		}
		return nil, warden.Errorf(warden.EFORBIDDEN, "the current password is wrong")
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	if own {
		return nil, s.DB.SetPassword(ctx, name, hash, name, warden.NewAuditEvent(ctx, "user.passwd", "user:"+name, "", map[string]string{"password_set_by": name}))
	}
	by := p.PersonName()
	if privileged(u.Role) && p.Kind != "operator" {
		a, err := s.Approvals.Propose(ctx, ActionPasswordReset, "user:"+name, newPassword{Name: name, PasswordHash: hash}, "")
		if err != nil {
			return nil, err
		}
		return &a, nil
	}
	return nil, s.DB.SetPassword(ctx, name, hash, by, warden.NewAuditEvent(ctx, ActionPasswordReset, "user:"+name, "", map[string]string{"password_set_by": by, "role": string(u.Role)}))
}

// applyPasswordReset sets an approved reset: the password the proposer
// chose, so the proposer controls the person from now on.
func (s *Service) applyPasswordReset(ctx context.Context, a warden.Approval) error {
	var pw newPassword
	if err := json.Unmarshal(a.Payload, &pw); err != nil {
		return err
	}
	return s.DB.ResetPassword(ctx, pw.Name, pw.PasswordHash, a.ProposedByPerson)
}

// failed records a failed password check of u, audited as action by the
// principal in ctx, and locks u out after LockAfter in a row.
//
// The count is kept by the database, not read here and written back: two
// nodes (or two requests) failing the same person's logins at once must
// each count, or guessing in parallel would never lock anyone out.
func (s *Service) failed(ctx context.Context, u warden.User, action string) error {
	_, err := s.DB.RecordLoginFailure(ctx, u.Name, s.LockAfter, s.now().Add(s.LockFor), warden.NewAuditEvent(ctx, action, "user:"+u.Name, "", nil))
	return err
}

// DisableUser stops a person from logging in. Needs users.manage.
func (s *Service) DisableUser(ctx context.Context, name, reason string) error {
	p, err := warden.Authorize(ctx, warden.ActUsersManage)
	if err != nil {
		return err
	}
	if p.Kind == "user" && p.Name == name {
		return warden.Errorf(warden.EINVALID, "you cannot disable yourself")
	}
	return s.DB.DisableUser(ctx, name, s.now(), warden.NewAuditEvent(ctx, "user.disable", "user:"+name, reason, nil))
}

// User returns one person; ENOTFOUND if there is none. Needs users.read.
func (s *Service) User(ctx context.Context, name string) (warden.User, error) {
	if _, err := warden.Authorize(ctx, warden.ActUsersRead); err != nil {
		return warden.User{}, err
	}
	return s.DB.User(ctx, name)
}

// Users lists people. Needs users.read.
func (s *Service) Users(ctx context.Context) ([]warden.User, error) {
	if _, err := warden.Authorize(ctx, warden.ActUsersRead); err != nil {
		return nil, err
	}
	return s.DB.Users(ctx)
}

// Login checks a person's password and opens a session, returning the
// session's cookie value and its CSRF token. Unknown names, wrong
// passwords, disabled and locked-out people get the same answer after the
// same work (one argon2id verification), so the answer does not tell
// which names exist; LockAfter failures in a row lock the person out for
// LockFor. Every attempt is audited, a refused one as login.failed or,
// while locked out, login.locked.
func (s *Service) Login(ctx context.Context, name, password string) (cookie, csrf string, err error) {
	bad := warden.Errorf(warden.EUNAUTHORIZED, "wrong name or password")
	as := warden.WithPrincipal(ctx, warden.Principal{Name: name, Kind: "user"})
	if len(name) > 100 || len(password) > maxPassword {
		return "", "", bad
	}
	u, err := s.DB.User(ctx, name)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		VerifyPassword(dummyHash(), password)
		s.DB.Audit(as, warden.NewAuditEvent(as, "login.failed", "user:"+name, "no such person", nil))
		return "", "", bad
	}
	if err != nil {
		return "", "", err
	}
	as = warden.WithPrincipal(ctx, warden.Principal{Name: u.Name, Role: u.Role, Org: u.Org, Kind: "user"})
	now := s.now()
	right := VerifyPassword(u.PasswordHash, password)
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		if err := s.DB.Audit(as, warden.NewAuditEvent(as, "login.locked", "user:"+u.Name, "", map[string]any{"locked_until": u.LockedUntil})); err != nil {
			return "", "", err
		}
		return "", "", bad
	}
	if !right || u.DisabledAt != nil {
		if err := s.failed(as, u, "login.failed"); err != nil {
			return "", "", err
		}
		return "", "", bad
	}
	if cookie, err = randomSecret(); err != nil {
		return "", "", err
	}
	if csrf, err = randomSecret(); err != nil {
		return "", "", err
	}
	if err := s.DB.CreateSession(ctx, Hash(cookie), warden.Session{User: u, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL)}); err != nil {
		return "", "", err
	}
	if err := s.DB.SetLoginFailures(ctx, u.Name, 0, nil, warden.NewAuditEvent(as, "login", "user:"+u.Name, "", nil)); err != nil {
		return "", "", err
	}
	return cookie, csrf, nil
}

// Session returns who holds a session cookie and the session's CSRF
// token; EUNAUTHORIZED if the session is unknown, expired, or its person
// disabled.
func (s *Service) Session(ctx context.Context, cookie string) (warden.Principal, string, error) {
	if cookie == "" || len(cookie) > 100 {
		return warden.Principal{}, "", warden.Errorf(warden.EUNAUTHORIZED, "not logged in")
	}
	ss, err := s.DB.Session(ctx, Hash(cookie))
	switch {
	case warden.ErrorCode(err) == warden.ENOTFOUND:
		return warden.Principal{}, "", warden.Errorf(warden.EUNAUTHORIZED, "not logged in")
	case err != nil:
		return warden.Principal{}, "", err
	case !s.now().Before(ss.ExpiresAt) || ss.User.DisabledAt != nil:
		return warden.Principal{}, "", warden.Errorf(warden.EUNAUTHORIZED, "session expired")
	}
	return warden.Principal{Name: ss.User.Name, Role: ss.User.Role, Org: ss.User.Org, Kind: "user", Person: ss.User.Name}, ss.CSRF, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, cookie string) error {
	if err := s.DB.DeleteSession(ctx, Hash(cookie)); err != nil {
		return err
	}
	p, _ := warden.PrincipalFrom(ctx)
	return s.DB.Audit(ctx, warden.NewAuditEvent(ctx, "logout", "user:"+p.Name, "", nil))
}
