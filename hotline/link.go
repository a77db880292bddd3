package hotline

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/store"
)

// A signed link acknowledges or resolves the alert of the notification it
// was sent with, once, until it expires. Its token is
// base64url(notification id, action, expiry, HMAC-SHA256 of those under
// the link key). The expiry is counted from when the message is built,
// each time it is sent: a notification held back by its method's delay,
// retried for hours or replayed from the dead letters arrives with a link
// that works for LinkTTL. The database keeps, for each (notification,
// action) used, the hash of the token: a second use, by that link or by
// another attempt's, is refused.

const (
	linkPayload = 8 + 1 + 8
	linkMAC     = 16
)

// linkActions maps the action byte of a token to its name.
var linkActions = map[byte]string{'a': "ack", 'r': "resolve"}

// token is the token of n's link for action, expiring LinkTTL from now.
func (s *Service) token(n warden.Notification, action string) string {
	b := make([]byte, linkPayload, linkPayload+linkMAC)
	binary.BigEndian.PutUint64(b, uint64(n.ID))
	b[8] = action[0]
	binary.BigEndian.PutUint64(b[9:], uint64(s.now().Add(s.o.LinkTTL).Unix()))
	return base64.RawURLEncoding.EncodeToString(append(b, s.mac(b)...))
}

func (s *Service) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, s.o.LinkKey)
	h.Write([]byte("warden hotline link\x00"))
	h.Write(payload)
	return h.Sum(nil)[:linkMAC]
}

func (s *Service) linkURL(n warden.Notification, action string) string {
	return strings.TrimSuffix(s.o.BaseURL, "/") + "/hotline/link/" + s.token(n, action)
}

// parsed is a checked link token.
type parsed struct {
	notification int64
	action       string
	hash         string
}

// parseLink checks a token's signature and expiry.
func (s *Service) parseLink(token string) (parsed, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != linkPayload+linkMAC || !hmac.Equal(b[linkPayload:], s.mac(b[:linkPayload])) {
		return parsed{}, warden.Errorf(warden.EINVALID, "this link is not valid")
	}
	action, ok := linkActions[b[8]]
	if !ok {
		return parsed{}, warden.Errorf(warden.EINVALID, "this link is not valid")
	}
	if exp := time.Unix(int64(binary.BigEndian.Uint64(b[9:])), 0); !s.now().Before(exp) {
		return parsed{}, warden.Errorf(warden.EINVALID, "this link expired at %s", exp.UTC().Format(time.RFC3339))
	}
	sum := sha256.Sum256([]byte(token))
	return parsed{notification: int64(binary.BigEndian.Uint64(b)), action: action, hash: hex.EncodeToString(sum[:])}, nil
}

// Link returns the alert a signed link is about and what it would do
// ("ack" or "resolve"), for the page that asks to confirm; EINVALID if the
// link is not valid, has expired or was used.
func (s *Service) Link(ctx context.Context, token string) (warden.Alert, string, error) {
	p, err := s.parseLink(token)
	if err != nil {
		return warden.Alert{}, "", err
	}
	used, err := s.db.LinkUsed(ctx, p.notification, p.action)
	if err != nil {
		return warden.Alert{}, "", err
	}
	if used {
		return warden.Alert{}, "", warden.Errorf(warden.EINVALID, "this link was used already")
	}
	n, err := s.db.Notification(ctx, p.notification)
	if err != nil {
		return warden.Alert{}, "", warden.Errorf(warden.EINVALID, "this link is not valid")
	}
	if err := s.checkHolder(ctx, n.Notification); err != nil {
		return warden.Alert{}, "", err
	}
	a, err := s.db.HotlineAlert(ctx, n.Alert)
	return a.Alert, p.action, err
}

// UseLink does what a signed link says, once: it acknowledges or resolves
// the alert, audited as "link:" and the person or endpoint the link was
// sent to. EINVALID if the link is not valid, has expired or was used;
// ECONFLICT if the alert is already past what the link does.
func (s *Service) UseLink(ctx context.Context, token string) (warden.Alert, error) {
	p, err := s.parseLink(token)
	if err != nil {
		return warden.Alert{}, err
	}
	n, err := s.db.Notification(ctx, p.notification)
	if err != nil || n.Alert == 0 {
		return warden.Alert{}, warden.Errorf(warden.EINVALID, "this link is not valid")
	}
	if err := s.checkHolder(ctx, n.Notification); err != nil {
		return warden.Alert{}, err
	}
	who := n.Person
	if n.Endpoint != 0 {
		es, err := s.db.Endpoints(ctx, n.Endpoint)
		if err != nil {
			return warden.Alert{}, err
		}
		who = es[0].Name
	}
	who = "link:" + who
	to, action := warden.AlertAcknowledged, "hotline.acknowledge"
	if p.action == "resolve" {
		to, action = warden.AlertResolved, "hotline.resolve"
	}
	ev := &warden.AuditEvent{Actor: who, ActorKind: "link", Org: warden.HomeOrg, Action: action, Object: alertObject(n.Alert), RequestID: warden.RequestID(ctx)}
	ev.Detail = []byte(`{"notification":` + strconv.FormatInt(n.ID, 10) + `}`)
	return s.setStatus(ctx, n.Alert, to, who, "by the link sent to "+warden.RedactAddress(n.Channel, n.Address), &store.LinkUse{Notification: n.ID, Action: p.action, TokenHash: p.hash, By: who}, ev)
}
