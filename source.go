package warden

import (
	"context"
	"fmt"
	"io"
)

// Sink receives what a list parser reads. Parsers call Put once per party and
// Warn for anything they skipped or could not map; delta formats call Delete.
// An error returned by Put or Delete stops the parse.
type Sink interface {
	Put(e *Entity) error
	Delete(sourceID string) error
	Warn(w Warning)
}

// Warning is something a parser noticed that does not fail an import, such as
// an orphan address row or an unknown country name.
type Warning struct {
	Pos string `json:"pos"` // file:line or element path
	Msg string `json:"msg"`
}

func (w Warning) String() string { return w.Pos + ": " + w.Msg }

// Input is the set of files a parser reads. Open lets the caller count bytes
// for a progress bar, or serve files from an embedded snapshot.
type Input struct {
	Paths []string
	Open  func(path string) (io.ReadCloser, error)
}

// SourceMeta is what a parser learnt about the list as a whole.
type SourceMeta struct {
	// Published is the list's own date (ISO 8601), where the files state it.
	Published string
	// Components names each file of a multi-file format that was read,
	// by its lower-case base name (OFAC CSV: "sdn.csv", "alt.csv", ...),
	// true when it ended with the format's end-of-file mark (OFAC's 0x1A
	// byte). A file cut at a line break still parses, so the lost mark,
	// where the list's files have always had it, is what tells it was cut.
	Components map[string]bool
}

// Parser reads one list format. Formats that carry changes rather than whole
// lists (FtM delta) report Delta true; their parties are applied on top of the
// list's current version instead of replacing it.
type Parser interface {
	Parse(ctx context.Context, in Input, sink Sink) (SourceMeta, error)
}

// ParseError is a malformed row or element. Its position names the file and
// line (or element path) so the user can find it.
type ParseError struct {
	Pos string
	Err error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s: %v", e.Pos, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

// Invalid wraps a parse failure as an EINVALID error, so the CLI and API
// report it as the input's fault.
func Invalid(pos string, err error) error {
	pe := &ParseError{Pos: pos, Err: err}
	return &Error{Code: EINVALID, Message: pe.Error(), Err: pe}
}

// SyncState is what the last sync fetched from a publication URL, so that
// the next one asks conditionally and knows the content it had.
type SyncState struct {
	URL          string
	ETag         string
	LastModified string
	SHA256       string
}
