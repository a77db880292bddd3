package auth

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"warden"
	"warden/store"
)

// ActionUserCreate is the four-eyes action of adding an admin.
const ActionUserCreate = "user.create"

// newUser is a person to add, as a proposal stores it (with the password
// already hashed).
type newUser struct {
	Name         string      `json:"name"`
	Role         warden.Role `json:"role"`
	Org          string      `json:"org"`
	PasswordHash string      `json:"password_hash"`
}

// CreateUser adds a person. Needs users.manage. Adding an admin from the
// API or UI needs a second admin: it returns the pending approval instead
// (the operator at the command line adds admins directly, to bootstrap).
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
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	if _, err := s.DB.User(ctx, name); err == nil {
		return nil, warden.Errorf(warden.ECONFLICT, "a user named %q exists", name)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	u := newUser{Name: name, Role: role, Org: org, PasswordHash: hash}
	if role == warden.RoleAdmin && p.Kind != "operator" {
		a, err := s.Approvals.Propose(ctx, ActionUserCreate, "user:"+name, u, reason)
		return &a, err
	}
	ev := warden.NewAuditEvent(ctx, ActionUserCreate, "user:"+name, reason, map[string]any{"role": role, "org": org})
	return nil, s.DB.CreateUser(ctx, warden.User{Name: name, Role: role, Org: org, PasswordHash: hash, CreatedAt: s.now()}, ev)
}

func (s *Service) applyUserCreate(ctx context.Context, a warden.Approval) error {
	var u newUser
	if err := json.Unmarshal(a.Payload, &u); err != nil {
		return err
	}
	return s.DB.InsertUser(ctx, warden.User{Name: u.Name, Role: u.Role, Org: u.Org, PasswordHash: u.PasswordHash, CreatedAt: s.now()})
}

// SetPassword changes a person's password and ends their sessions. Needs
// users.manage, or to be that person.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	p, ok := warden.PrincipalFrom(ctx)
	if !ok || p.Kind != "user" || p.Name != name {
		if _, err := warden.Authorize(ctx, warden.ActUsersManage); err != nil {
			return err
		}
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.DB.SetPassword(ctx, name, hash, warden.NewAuditEvent(ctx, "user.passwd", "user:"+name, "", nil))
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

// Users lists people. Needs users.read.
func (s *Service) Users(ctx context.Context) ([]warden.User, error) {
	if _, err := warden.Authorize(ctx, warden.ActUsersRead); err != nil {
		return nil, err
	}
	return s.DB.Users(ctx)
}

// Login checks a person's password and opens a session, returning the
// session's cookie value and its CSRF token. Unknown names and wrong
// passwords get the same answer in the same time; LockAfter failures in a
// row lock the person out for LockFor. Every attempt is audited.
func (s *Service) Login(ctx context.Context, name, password string) (cookie, csrf string, err error) {
	bad := warden.Errorf(warden.EUNAUTHORIZED, "wrong name or password")
	as := warden.WithPrincipal(ctx, warden.Principal{Name: name, Kind: "user"})
	if len(name) > 100 || len(password) > maxPassword {
		return "", "", bad
	}
	u, err := s.DB.User(ctx, name)
	if warden.ErrorCode(err) == warden.ENOTFOUND {
		VerifyPassword(dummyHash, password)
		s.DB.Audit(as, warden.NewAuditEvent(as, "login.failed", "user:"+name, "no such person", nil))
		return "", "", bad
	}
	if err != nil {
		return "", "", err
	}
	as = warden.WithPrincipal(ctx, warden.Principal{Name: u.Name, Role: u.Role, Org: u.Org, Kind: "user"})
	now := s.now()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		s.DB.Audit(as, warden.NewAuditEvent(as, "login.locked", "user:"+u.Name, "", nil))
		return "", "", warden.Errorf(warden.EUNAUTHORIZED, "too many failed logins: locked until %s", u.LockedUntil.UTC().Format("15:04 MST"))
	}
	if !VerifyPassword(u.PasswordHash, password) || u.DisabledAt != nil {
		failed := u.FailedLogins + 1
		var until *time.Time
		if failed >= s.LockAfter {
			t := now.Add(s.LockFor)
			until, failed = &t, 0
		}
		ev := warden.NewAuditEvent(as, "login.failed", "user:"+u.Name, "", map[string]any{"locked_until": until})
		if err := s.DB.SetLoginFailures(ctx, u.Name, failed, until, ev); err != nil {
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
	if err := s.DB.CreateSession(ctx, Hash(cookie), store.Session{User: u, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL)}); err != nil {
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
	return warden.Principal{Name: ss.User.Name, Role: ss.User.Role, Org: ss.User.Org, Kind: "user"}, ss.CSRF, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, cookie string) error {
	if err := s.DB.DeleteSession(ctx, Hash(cookie)); err != nil {
		return err
	}
	p, _ := warden.PrincipalFrom(ctx)
	return s.DB.Audit(ctx, warden.NewAuditEvent(ctx, "logout", "user:"+p.Name, "", nil))
}
