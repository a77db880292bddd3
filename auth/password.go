package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"warden"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, one
// lane), about 30 ms per hash on this project's machine. They are stored
// with each hash, so they can be raised without invalidating passwords.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// Password limits: long enough to be a passphrase, short enough that
// hashing cannot be turned into a denial of service.
const (
	minPassword = 12
	maxPassword = 256
)

// CheckPassword rejects passwords too short or too long to accept.
func CheckPassword(pw string) error {
	if n := len([]rune(pw)); n < minPassword || len(pw) > maxPassword {
		return warden.Errorf(warden.EINVALID, "a password needs %d to %d characters", minPassword, maxPassword)
	}
	return nil
}

// HashPassword returns pw's argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches hash, in time that does not
// depend on where they differ.
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a login names no user, so that an
// unknown name takes as long as a wrong password.
var dummyHash, _ = HashPassword("not a password of anyone")
