// Package pdftext reads the text back out of the PDFs package evidence
// writes, for tests in any package: it inflates the content streams and
// decodes the strings shown (UTF-16BE, as the Unicode fonts write them).
// It is no general PDF reader.
package pdftext

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"
)

var (
	streamRe = regexp.MustCompile(`(?:^|[^d])stream\r?\n`) // not endstream
	showRe   = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// Text returns the text shown on the pages of pdf, one string shown per
// line, in the order drawn; an error if pdf is not a PDF.
func Text(pdf []byte) (string, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-1024):], []byte("%%EOF")) {
		return "", fmt.Errorf("not a PDF: no %%PDF- header or %%%%EOF trailer")
	}
	var out strings.Builder
	for _, m := range streamRe.FindAllSubmatchIndex(pdf, -1) {
		// The stream's dictionary is what lies between its object's
		// "obj" and the stream keyword.
		dict := string(pdf[bytes.LastIndex(pdf[:m[0]], []byte(" obj"))+1 : m[0]])
		start := m[1]
		end := bytes.Index(pdf[start:], []byte("endstream"))
		if end < 0 {
			return "", fmt.Errorf("a stream without endstream")
		}
		data := pdf[start : start+end]
		if strings.Contains(dict, "/FlateDecode") {
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				continue // a font or an image, not text
			}
			if data, err = io.ReadAll(r); err != nil && len(data) == 0 {
				continue
			}
		}
		for _, s := range showRe.FindAllSubmatch(data, -1) {
			out.WriteString(decode(unescape(s[1])))
			out.WriteByte('\n')
		}
	}
	return out.String(), nil
}

// unescape undoes a PDF literal string's escapes.
func unescape(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		switch c := b[i]; c {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default:
			if c >= '0' && c <= '7' {
				v := 0
				for k := 0; k < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7'; k++ {
					v = v*8 + int(b[i]-'0')
					i++
				}
				i--
				out = append(out, byte(v))
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}

// decode reads UTF-16BE (the Unicode fonts' strings); other strings are
// taken as they are.
func decode(b []byte) string {
	if len(b)%2 != 0 || len(b) == 0 {
		return string(b)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}
