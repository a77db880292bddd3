package warden

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes are stable strings that clients may rely on. The web layer maps
// each to one HTTP status in one place; the CLI prints them.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ERATELIMITED  = "rate_limited"
	ETOOLARGE     = "too_large"   // a request body over its size limit
	EUNAVAILABLE  = "unavailable" // not configured on this server (no signing key)
	EINTERNAL     = "internal"
)

// Error is the one error type that carries a code across layers. Message is
// safe to show to a user; anything internal stays in the wrapped error.
type Error struct {
	Code    string
	Message string
	Err     error
	full    string // Errorf's text with its causes, for operators
}

// Error returns the message with the wrapped error's text, for operators'
// logs and the CLI.
func (e *Error) Error() string {
	if e.full != "" {
		return e.full
	}
	if e.Err != nil && !strings.Contains(e.Message, e.Err.Error()) {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap lets errors.Is and errors.As see the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a code and a formatted message. A %w verb in
// format wraps its operand as the cause: Error() shows the cause's text, but
// Message, which users see, shows only a cause's own user-safe Message (when
// it is or wraps an *Error) and leaves out any other cause's text (a
// driver's, the file system's), which may tell internals.
func Errorf(code, format string, args ...any) *Error {
	full := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: full.Error(), full: full.Error(), Err: errors.Unwrap(full)}
	if e.Err == nil {
		if _, ok := full.(interface{ Unwrap() []error }); ok {
			e.Err = full // several %w: keep them all for errors.Is
		}
	}
	wrapped := wrapVerbs(format)
	if len(wrapped) == 0 {
		return e
	}
	safe := []byte(format)
	out := append([]any(nil), args...)
	for _, w := range wrapped {
		safe[w.verb] = 's'
		if w.arg >= len(out) {
			continue
		}
		var we *Error
		if err, ok := out[w.arg].(error); ok && errors.As(err, &we) {
			out[w.arg] = we.Message
		} else {
			out[w.arg] = causeMark
		}
	}
	msg := fmt.Sprintf(string(safe), out...)
	msg = strings.ReplaceAll(msg, ": "+causeMark, "")
	msg = strings.ReplaceAll(msg, causeMark, "")
	e.Message = strings.TrimSpace(msg)
	return e
}

// causeMark stands for a cause left out of a message.
const causeMark = "\x00cause\x00"

// wrapVerb is a %w verb in a format: the index of its 'w' and of its operand.
type wrapVerb struct{ verb, arg int }

// wrapVerbs finds the %w verbs of a format and the operands they take,
// following fmt's rules: %% takes none, '*' width or precision one, and
// [n] sets the next operand.
func wrapVerbs(format string) []wrapVerb {
	var out []wrapVerb
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		for i++; i < len(format); i++ {
			c := format[i]
			switch {
			case c == '[':
				if j := strings.IndexByte(format[i:], ']'); j > 0 {
					n := 0
					fmt.Sscanf(format[i+1:i+j], "%d", &n)
					arg, i = n-1, i+j
				}
				continue
			case c == '*':
				arg++
				continue
			case strings.IndexByte("+-# 0.", c) >= 0 || c >= '1' && c <= '9':
				continue
			case c == '%':
			case c == 'w':
				out = append(out, wrapVerb{i, arg})
				arg++
			default:
				arg++
			}
			break
		}
	}
	return out
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL
// for any other non-nil error, so unknown failures are never shown as the
// caller's fault.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, and a generic text for anything else so internals never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
