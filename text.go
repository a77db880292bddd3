package warden

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextKind says which characters a field that a person or a client sends
// may hold. Every such field (payment references, accounts, holders,
// customer ids, licence numbers, names, reasons) is checked by CheckText
// before it is stored: what is stored is later shown to analysts, in
// pages, CSV reports and the audit log, and must read there as it was
// screened.
type TextKind int

// The kinds of text.
const (
	// TextID is an identifier (a payment reference, an account, a wallet,
	// a customer id, a licence number, a country code): one line, and no
	// format character at all, not even a directional mark, since two
	// identifiers that look alike must be the same identifier.
	TextID TextKind = iota
	// TextName is a name (a party's, a company's, a licence's issuer): one
	// line; the invisible format characters that reorder nothing are
	// allowed: the joiners (U+200C, U+200D) and the directional marks
	// (U+200E, U+200F, U+061C) that Persian, Arabic, Hebrew and Indic
	// names are written with, and the zero-width spaces and soft hyphens
	// that screening reads names without (so a name hiding one is screened
	// as shown, not refused).
	TextName
	// TextNote is prose (a reason): a name's characters plus line feeds,
	// carriage returns and tabs, which forms send for multi-line text.
	TextNote
)

// CheckText rejects, as EINVALID naming field, a value that is not valid
// UTF-8, is longer than max characters, or holds a character that would
// make it show otherwise than it reads: control characters (NUL, ESC, CR
// outside a note), the line and paragraph separators U+2028 and U+2029,
// the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), which reorder the text shown after them ("\u202e0-NEB"
// shows as "BEN-0"), and, in an identifier, any other format character
// (directional marks, zero-width spaces, soft hyphens, byte-order marks).
func CheckText(kind TextKind, field, v string, max int) error {
	if !utf8.ValidString(v) {
		return Errorf(EINVALID, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return Errorf(EINVALID, "%s is %d characters long; the limit is %d", field, n, max)
	}
	for _, r := range v {
		if why := refused(kind, r); why != "" {
			return Errorf(EINVALID, "%s holds %U, %s", field, r, why)
		}
	}
	return nil
}

// refused says why r may not be in text of kind; "" if it may.
func refused(kind TextKind, r rune) string {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		if kind == TextNote {
			return ""
		}
		return "a line break or tab, in a one-line field"
	case unicode.IsControl(r):
		return "a control character"
	case r == '\u2028' || r == '\u2029':
		return "a line or paragraph separator"
	case r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069':
		return "a bidirectional control, which changes the order in which text is shown"
	case unicode.Is(unicode.Cf, r) && kind == TextID:
		return "an invisible format character, not allowed in an identifier"
	}
	return ""
}

// Invisible reports whether r shows as nothing, or changes how the text
// around it is shown, so that two strings that differ by it look alike:
// control characters other than line feeds, carriage returns and tabs,
// format characters (zero-width spaces and joiners, soft hyphens,
// byte-order marks, directional marks, embeddings, overrides and
// isolates), the other default-ignorable code points (Hangul fillers,
// the combining grapheme joiner), variation selectors, and the line and
// paragraph separators. Names may hold some of them (CheckText's
// TextName); pages and reports show them through Visible or a marker of
// their own.
func Invisible(r rune) bool {
	if r == '\n' || r == '\r' || r == '\t' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector, unicode.Zl, unicode.Zp)
}

// Blank reports whether s, required text, says nothing: it holds no
// letter, digit, punctuation or symbol once spaces and invisible
// characters (Invisible: zero-width spaces and joiners, Hangul fillers,
// ...) are left out; the Braille blank U+2800, a symbol that shows as
// nothing, counts as blank too. A name, title or reason that is blank is
// missing, however long it is.
func Blank(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r != '\u2800' && !Invisible(r) && unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S)
	})
}

// Visible is s with every Invisible character written as its code point
// between angle brackets ("John<U+200B>Smith"), for text that is shown
// to a person where no markup can set the marker apart, such as a CSV
// report: an analyst then sees that two names that would look alike are
// not the same, and no directional mark turns the text around.
func Visible(s string) string {
	if !strings.ContainsFunc(s, Invisible) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if Invisible(r) {
			fmt.Fprintf(&b, "<%U>", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
