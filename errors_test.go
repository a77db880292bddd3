package warden_test

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"warden"
	"warden/web"
)

func TestErrorf(t *testing.T) {
	inner := warden.Errorf(warden.ENOTFOUND, "list %q not found", "un")
	tests := []struct {
		name          string
		err           *warden.Error
		message, full string
		cause         error
	}{
		{"no cause", warden.Errorf(warden.EINVALID, "bad %d", 3), "bad 3", "bad 3", nil},
		{"foreign cause left out", warden.Errorf(warden.ECONFLICT, "list %q: %w", "un", io.ErrUnexpectedEOF),
			`list "un"`, `list "un": unexpected EOF`, io.ErrUnexpectedEOF},
		{"cause first", warden.Errorf(warden.EINVALID, "%w while reading %s", io.EOF, "f"), "while reading f", "EOF while reading f", io.EOF},
		{"an *Error's message kept", warden.Errorf(warden.EINVALID, "sources: %w", inner),
			`sources: list "un" not found`, `sources: list "un" not found`, inner},
		{"an *Error further down", warden.Errorf(warden.EINVALID, "a: %w", fmt.Errorf("b: %w", inner)),
			`a: list "un" not found`, `a: b: list "un" not found`, inner},
		{"an *Error's own cause left out", warden.Errorf(warden.EINVALID, "a: %w", warden.Errorf(warden.EINTERNAL, "b: %w", io.EOF)),
			"a: b", "a: b: EOF", io.EOF},
		{"percent and star", warden.Errorf(warden.EINVALID, "100%% %*d: %w", 3, 7, io.EOF), "100%   7", "100%   7: EOF", io.EOF},
		{"explicit index", warden.Errorf(warden.EINVALID, "%[2]s: %[1]w", io.EOF, "x"), "x", "x: EOF", io.EOF},
	}
	for _, tt := range tests {
		if tt.err.Message != tt.message || tt.err.Error() != tt.full {
			t.Errorf("%s: Message %q, Error() %q; want %q, %q", tt.name, tt.err.Message, tt.err.Error(), tt.message, tt.full)
		}
		if tt.cause != nil && !errors.Is(tt.err, tt.cause) {
			t.Errorf("%s: errors.Is lost the cause", tt.name)
		}
	}
}

// TestDriverErrorNotShown: a database driver's error wrapped with Errorf
// reaches the operator's log but never the HTTP problem body.
func TestDriverErrorNotShown(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, drv := db.Exec(`INSERT INTO list_versions (list) VALUES ('un')`)
	if drv == nil {
		t.Fatal("no driver error")
	}
	for _, code := range []string{warden.ECONFLICT, warden.EINVALID, warden.EINTERNAL} {
		err := warden.Errorf(code, "list %q was changed by another import; try again: %w", "un", drv)
		var logs strings.Builder
		s := &web.Server{Log: slog.New(slog.NewTextHandler(&logs, nil))}
		rec := httptest.NewRecorder()
		s.Error(rec, httptest.NewRequest("POST", "/v1/x", nil), err)
		body := rec.Body.String()
		if strings.Contains(body, drv.Error()) || strings.Contains(body, "no such table") {
			t.Errorf("%s: the problem body shows the driver's error: %s", code, body)
		}
		if code != warden.EINTERNAL && !strings.Contains(body, "try again") {
			t.Errorf("%s: the problem body lost the message: %s", code, body)
		}
		if !strings.Contains(err.Error(), "no such table") {
			t.Errorf("%s: Error() lost the cause for operators: %s", code, err)
		}
	}
}
