package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrSignature is what VerifySignature's errors wrap, so that a receiver
// can answer every refusal the same way (401) whatever its reason.
var ErrSignature = errors.New("webhook signature refused")

// signatureVersion prefixes each signature in X-Warden-Signature, so that
// a later scheme can be added beside it without breaking receivers.
const signatureVersion = "v1="

// sign returns the X-Warden-Signature value for body sent at timestamp:
// one v1 signature per secret, or "" when there is none.
func sign(secrets []string, timestamp string, body []byte) string {
	var sigs []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		sigs = append(sigs, signatureVersion+hex.EncodeToString(mac(s, timestamp, body)))
	}
	return strings.Join(sigs, ",")
}

// mac is HMAC-SHA256 keyed with secret over timestamp "." body.
func mac(secret, timestamp string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(timestamp))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// VerifySignature checks a Warden webhook request as a receiver: header is
// its X-Warden-Signature, timestamp its X-Warden-Timestamp and body the raw
// bytes received. It accepts the request when one of the header's v1
// signatures is the HMAC of timestamp and body under secret (compared in
// constant time) and the timestamp is within tolerance of now either way,
// which stops a captured request from being replayed later. Every refusal
// wraps ErrSignature.
func VerifySignature(secret, header, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	if secret == "" {
		return fmt.Errorf("%w: no secret to verify with", ErrSignature)
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrSignature, timestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp is %s away from now, more than the %s allowed", ErrSignature, d.Round(time.Second), tolerance)
	}
	want := mac(secret, timestamp, body)
	found := false
	for part := range strings.SplitSeq(header, ",") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), signatureVersion)
		if !ok {
			continue
		}
		found = true
		got, err := hex.DecodeString(v)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	if !found {
		return fmt.Errorf("%w: no v1 signature in the header", ErrSignature)
	}
	return fmt.Errorf("%w: no v1 signature matches the secret", ErrSignature)
}
