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
	ETOOLARGE     = "too_large" // a request body over its size limit
	EINTERNAL     = "internal"
)

// Error is the one error type that carries a code across layers. Message is
// safe to show to a user; anything internal stays in the wrapped error.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error returns the message, followed by the wrapped error for operators.
func (e *Error) Error() string {
	if e.Err != nil && !strings.Contains(e.Message, e.Err.Error()) {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap lets errors.Is and errors.As see the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a code and a formatted, user-safe message.
// A %w verb in format wraps its operand as the cause.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: err.Error()}
	if u := errors.Unwrap(err); u != nil {
		e.Err = u
		e.Message = err.Error()
	}
	return e
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
