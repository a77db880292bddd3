package textio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"plain", []byte("a,b\r\n"), "a,b\r\n"},
		{"bom", []byte("\xEF\xBB\xBFa,b\n"), "a,b\n"},
		{"ctrl-z trailer", []byte("a,b\r\n\x1A"), "a,b\r\n"},
		{"ctrl-z inside kept", []byte("a\x1Ab\n"), "a\x1Ab\n"},
		{"windows-1252", []byte("Caf\xe9 M\xfcller\n"), "Café Müller\n"},
		{"utf-8 kept", []byte("Café Müller\n"), "Café Müller\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(tt.in), iotest.OneByteReader(bytes.NewReader(tt.in))} {
				tr, err := Text(r)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

func TestTextRejects(t *testing.T) {
	if _, err := Text(bytes.NewReader([]byte{0xFF, 0xFE, 'a', 0})); err == nil {
		t.Error("UTF-16 accepted")
	}
	long := strings.Repeat("x", MaxLine+10)
	tr, err := Text(strings.NewReader(long))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(tr); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("over-long line: err = %v, want ErrLineTooLong", err)
	}
}

func TestMaybeGzipBounded(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(bytes.Repeat([]byte{'a'}, 1000))
	zw.Close()
	r, err := MaybeGzip(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || len(got) != 1000 {
		t.Fatalf("got %d bytes, err %v", len(got), err)
	}
	if _, err := io.ReadAll(Limit(strings.NewReader("abcdef"), 3)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Limit: err = %v, want ErrTooLarge", err)
	}
	plain, _ := MaybeGzip(strings.NewReader("hello"))
	if b, _ := io.ReadAll(plain); string(b) != "hello" {
		t.Errorf("plain passthrough = %q", b)
	}
}
