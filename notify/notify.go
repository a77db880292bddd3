// Package notify delivers the hotline's notifications: e-mail over SMTP
// (STARTTLS, plain-text and HTML parts) and webhooks (Warden's own JSON, or
// shapes that Slack's and Microsoft Teams' incoming webhooks accept).
//
// A channel sends one message and says how it went: nil when the receiver
// took it, an error wrapping ErrPermanent when trying again cannot help (an
// SMTP 5xx reply, an HTTP 4xx other than 408 and 429, a redirect), and any
// other error when a later attempt may succeed (a 4xx SMTP reply, an HTTP
// 5xx, 408 or 429, a timeout, a refused connection). The hotline engine
// retries the temporary failures with backoff and dead-letters the
// permanent ones at once. Channels do not retry by themselves.
//
// # Webhook signatures
//
// Every webhook request carries the headers
//
//	X-Warden-Delivery:  warden-n-42         (the same on every retry of a notification)
//	X-Warden-Event:     alert.triggered
//	X-Warden-Timestamp: 1767225600          (Unix seconds when the request was sent)
//	X-Warden-Signature: v1=5257a869…[,v1=…]
//
// Each v1 value is the lower-case hex HMAC-SHA256, keyed with an endpoint
// secret, of the timestamp, a full stop and the raw request body:
//
//	hex(HMAC-SHA256(secret, timestamp + "." + body))
//
// While a secret is being rotated the request is signed with both the
// current and the next secret, one v1 value each, so that a receiver
// accepts it whichever of the two it holds; once the receivers have
// switched, the old secret is dropped. A receiver computes the HMAC over
// the bytes it received (before any JSON decoding), compares it in constant
// time with each v1 value, and refuses timestamps more than a few minutes
// from its own clock, so that a captured request cannot be replayed later.
// It deduplicates by X-Warden-Delivery, since a delivery whose answer was
// lost is sent again. VerifySignature does all of this for Go receivers.
package notify

import (
	"errors"
	"strings"

	"warden"
)

// ErrPermanent marks a delivery failure that another attempt cannot cure,
// so that the engine dead-letters the notification at once instead of
// retrying it.
var ErrPermanent = errors.New("permanent delivery failure")

// permanent marks err as a failure another attempt cannot cure: it is
// ErrPermanent to errors.Is, and reads as err alone (the log shows why,
// not a label after it).
func permanent(err error) error { return permanentError{err} }

type permanentError struct{ error }

func (e permanentError) Unwrap() error        { return e.error }
func (e permanentError) Is(target error) bool { return target == ErrPermanent }

// Message is what a channel delivers: the words, the alert it is about,
// the links that act on it, and for webhooks the signing secrets. It has
// the fields of hotline.Message, which the hotline converts from, so that
// this package does not depend on the engine.
type Message struct {
	Subject string
	Text    string // plain text; the channels add the links themselves
	// HTML, when set, is the e-mail's HTML part as given: markup the caller
	// built with html/template. When empty, Email renders one from Subject,
	// Text, Alert and the links, escaping all of them.
	HTML       string
	Alert      *warden.Alert
	Event      string // "alert.triggered", "alert.escalated", "verify", or a domain event type
	AckURL     string // signed one-time link that acknowledges the alert
	ResolveURL string // signed one-time link that resolves it
	Secrets    []string
	DeliveryID string // unique per notification and the same on every retry: "warden-n-<id>"
}

// oneLine replaces the line breaks and other control characters of s with
// spaces, so that text from data cannot start a new header line or break a
// chat message's title.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r < ' ' || r == 0x7f || r == '\u2028' || r == '\u2029'
	}), " ")
}
