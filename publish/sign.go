package publish

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"warden"
)

// Key file names that GenerateKey writes.
const (
	PrivateKeyFile = "warden-signing-key.pem"
	PublicKeyFile  = "warden-signing-key.pub.pem"
)

// GenerateKey makes a new Ed25519 key pair in dir: the private key as a
// PKCS #8 PEM file readable by its owner only (0600), the public key as a
// PKIX PEM file. An existing key is ECONFLICT, never overwritten:
// replacing a signing key breaks every consumer that pinned it.
func GenerateKey(dir string) (privPath, pubPath string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", "", err
	}
	privPath, pubPath = filepath.Join(dir, PrivateKeyFile), filepath.Join(dir, PublicKeyFile)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	f, err := os.OpenFile(privPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return "", "", warden.Errorf(warden.ECONFLICT, "%s exists: a signing key is not replaced, since consumers pin its public key", privPath)
	}
	if err != nil {
		return "", "", err
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: privDER}); err != nil {
		f.Close()
		return "", "", err
	}
	if err := f.Close(); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(pubPath, EncodePublicKey(pub), 0o644); err != nil {
		return "", "", err
	}
	return privPath, pubPath, nil
}

// EncodePublicKey writes a public key as PKIX PEM, as served at
// /.well-known/warden-signing-key.
func EncodePublicKey(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err) // an Ed25519 key always marshals
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// LoadPrivateKey reads a private key file written by GenerateKey. A file
// that others may read is refused: the key signs what consumers trust.
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "signing key: %v", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, warden.Errorf(warden.EINVALID, "signing key %s may be read by others (mode %v); chmod 600 it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, warden.Errorf(warden.EINVALID, "signing key %s is not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "signing key %s: %v", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, warden.Errorf(warden.EINVALID, "signing key %s is not an Ed25519 key", path)
	}
	return priv, nil
}

// ParsePublicKey reads a PEM public key as EncodePublicKey writes it.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PUBLIC KEY" {
		return nil, warden.Errorf(warden.EINVALID, "public key: not a PEM public key")
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "public key: %v", err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, warden.Errorf(warden.EINVALID, "public key: not an Ed25519 key")
	}
	return pub, nil
}

// Sign returns the detached signature of manifest bytes: the Ed25519
// signature of exactly those bytes, base64 (standard, padded) and a newline.
func Sign(priv ed25519.PrivateKey, manifest []byte) []byte {
	sig := ed25519.Sign(priv, manifest)
	return []byte(base64.StdEncoding.EncodeToString(sig) + "\n")
}

// Signed adds manifest.json and manifest.json.sig to the set's files.
func (s *Set) Signed(priv ed25519.PrivateKey) *Set {
	m := s.Manifest.Encode()
	s.Files[ManifestName] = m
	s.Files[SignatureName] = Sign(priv, m)
	return s
}

// Verify checks a manifest's signature with pub, then every file it lists
// (read with open, by name) for size and SHA-256. Any difference is
// EINVALID naming the file; the manifest is returned only when all agree.
func Verify(pub ed25519.PublicKey, manifest, sig []byte, open func(name string) ([]byte, error)) (*Manifest, error) {
	m, err := VerifyManifest(pub, manifest, sig)
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		b, err := open(f.Name)
		if err != nil {
			return nil, warden.Errorf(warden.EINVALID, "%s: %v", f.Name, err)
		}
		if err := f.Check(b); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// VerifyManifest checks a manifest's signature with pub and decodes it, so
// that a consumer fetching the files (warden sync) trusts the list of
// names, sizes and digests before it downloads anything the manifest names.
func VerifyManifest(pub ed25519.PublicKey, manifest, sig []byte) (*Manifest, error) {
	raw, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(sig)))
	if err != nil || len(raw) != ed25519.SignatureSize {
		return nil, warden.Errorf(warden.EINVALID, "%s is not an Ed25519 signature", SignatureName)
	}
	if !ed25519.Verify(pub, manifest, raw) {
		return nil, warden.Errorf(warden.EINVALID, "%s: the signature does not match the manifest and key", ManifestName)
	}
	return DecodeManifest(manifest)
}

// Check compares b with the manifest entry: a file of another size or
// SHA-256 is EINVALID naming the file, since it is not what was signed.
func (f File) Check(b []byte) error {
	if got := Describe(f.Name, b); got != f {
		return warden.Errorf(warden.EINVALID, "%s: %d bytes with SHA-256 %s, the manifest says %d bytes with %s", f.Name, got.Size, got.SHA256, f.Size, f.SHA256)
	}
	return nil
}

// WriteDir writes the set's files into dir, creating it.
func (s *Set) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range s.Files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}
