// Package auth issues and checks API clients' bearer tokens. Secrets are
// random, shown once, and stored only as SHA-256 hashes: a 256-bit random
// secret needs no slow hash.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"warden"
	"warden/store"
)

// prefix marks Warden tokens, so that leaked ones are easy to find.
const prefix = "wdn_"

// Hash returns the stored form of a token secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a new token for an API client and returns its secret,
// which is shown once and never stored.
func CreateToken(ctx context.Context, db *store.DB, name string, role warden.Role, expires *time.Time, now time.Time) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", warden.Errorf(warden.EINVALID, "a token needs a name of 1 to 100 characters")
	}
	if !role.Valid() {
		return "", warden.Errorf(warden.EINVALID, "unknown role %q", role)
	}
	if expires != nil && !expires.After(now) {
		return "", warden.Errorf(warden.EINVALID, "expiry %s is not in the future", expires.Format(time.RFC3339))
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	secret := prefix + base64.RawURLEncoding.EncodeToString(b)
	t := warden.Token{Name: name, Role: role, CreatedAt: now, ExpiresAt: expires}
	if err := db.CreateToken(ctx, t, Hash(secret)); err != nil {
		return "", err
	}
	return secret, nil
}

// Authenticate returns who holds the bearer token in an Authorization header
// value. EUNAUTHORIZED for a missing, unknown, expired or revoked token.
func Authenticate(ctx context.Context, db *store.DB, header string, now time.Time) (warden.Principal, error) {
	secret, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || !strings.HasPrefix(secret, prefix) {
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "a bearer token is required")
	}
	t, err := db.TokenByHash(ctx, Hash(strings.TrimSpace(secret)))
	switch {
	case warden.ErrorCode(err) == warden.ENOTFOUND:
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "invalid token")
	case err != nil:
		return warden.Principal{}, err
	case t.RevokedAt != nil:
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "token revoked")
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "token expired")
	}
	return warden.Principal{Name: t.Name, Role: t.Role}, nil
}

// Require returns EFORBIDDEN unless p holds one of roles.
func Require(p warden.Principal, roles ...warden.Role) error {
	for _, r := range roles {
		if p.Role == r {
			return nil
		}
	}
	return warden.Errorf(warden.EFORBIDDEN, "role %s may not do this", p.Role)
}
