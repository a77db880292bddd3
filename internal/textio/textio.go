// Package textio prepares list files for parsing: it strips byte-order marks
// and the DOS end-of-file byte, turns legacy single-byte encodings into UTF-8,
// bounds line length and decompressed size, and reports positions.
package textio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// MaxDecompressed bounds what a compressed input may expand to, so a zip or
// gzip bomb fails with a clear error instead of exhausting memory.
const MaxDecompressed = 1 << 30

// MaxLine bounds a single line of a text file.
const MaxLine = 4 << 20

// ErrTooLarge is returned when an input exceeds a size bound.
var ErrTooLarge = errors.New("input exceeds size limit")

// ErrLineTooLong is returned when a line exceeds MaxLine.
var ErrLineTooLong = errors.New("line too long")

// Text wraps r so that it yields clean UTF-8: a UTF-8 or UTF-16 BOM is
// dropped, input that is not valid UTF-8 is read as Windows-1252 (the encoding
// of legacy CSV exports), a trailing 0x1A byte is dropped, and lines longer
// than MaxLine fail.
func Text(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, fmt.Errorf("UTF-16 input is not supported; save the file as UTF-8")
	}
	if !validPrefix(head) {
		src = charmap.Windows1252.NewDecoder().Reader(br)
	}
	return &lineLimiter{r: &eofTrimmer{br: bufio.NewReader(src)}}, nil
}

// validPrefix reports whether b is valid UTF-8, allowing a rune cut at its end.
func validPrefix(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		b = b[n:]
	}
	return true
}

// eofTrimmer drops 0x1A (Ctrl-Z) bytes that stand at the very end of input;
// 0x1A bytes followed by anything else are kept.
type eofTrimmer struct{ br *bufio.Reader }

func (t *eofTrimmer) Read(p []byte) (int, error) {
	n, err := t.br.Read(p)
	end := n
	for end > 0 && p[end-1] == 0x1A {
		end--
	}
	if end == n || err != nil {
		if err == io.EOF && end < n {
			return end, io.EOF
		}
		return n, err
	}
	rest, perr := t.br.Peek(4096)
	if perr != io.EOF {
		return n, nil
	}
	for _, c := range rest {
		if c != 0x1A {
			return n, nil
		}
	}
	t.br.Discard(len(rest))
	return end, io.EOF
}

// lineLimiter fails when a line runs past MaxLine bytes.
type lineLimiter struct {
	r   io.Reader
	run int
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
			continue
		}
		l.run++
		if l.run > MaxLine {
			return 0, ErrLineTooLong
		}
	}
	return n, err
}

// Limit returns a reader that fails with ErrTooLarge once more than max bytes
// have been read from r.
func Limit(r io.Reader, max int64) io.Reader { return &limited{r: r, left: max} }

type limited struct {
	r    io.Reader
	left int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, ErrTooLarge
	}
	return n, err
}

// MaybeGzip returns r decompressed when it starts with the gzip magic bytes,
// bounded by MaxDecompressed, and r itself otherwise.
func MaybeGzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return Limit(zr, MaxDecompressed), nil
	}
	return br, nil
}
