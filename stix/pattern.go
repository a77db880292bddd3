package stix

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"warden"
)

// ErrUnsupported is the error (wrapped, with why) of a pattern that parses
// but compares nothing Warden screens on: the indicator is kept and shown,
// not used in screening.
var ErrUnsupported = errors.New("pattern not supported")

// Bounds of a pattern read: its length and the nesting of its brackets
// and parentheses.
const (
	maxPattern = 256 << 10
	maxDepth   = 64
)

// ParsePattern reads a STIX pattern and returns the values it observes,
// normalised and unique, in the order written. The grammar is STIX
// patterning's: observation expressions ([comparisons]) joined by AND, OR
// and FOLLOWEDBY, grouped in parentheses, with qualifiers (WITHIN n
// SECONDS, REPEATS n TIMES, START t'..' STOP t'..'), which are read and
// ignored; comparisons joined by AND and OR, grouped in parentheses, NOT
// and EXISTS; operators = != < <= > >= IN LIKE MATCHES ISSUBSET ISSUPERSET;
// strings with the escapes \' and \\, numbers, booleans, t'...', h'...'
// and b'...' literals. Keywords are read in any case.
//
// Each = or IN comparison (ISSUBSET too for IP addresses), not negated,
// on a path Warden screens on yields an observable: ipv4-addr:value,
// ipv6-addr:value, domain-name:value, url:value, email-addr:value,
// email-message:from_ref.value and sender_ref.value, file:hashes.MD5,
// SHA-1, SHA-256 and SHA-512, cryptocurrency-wallet:value (OpenCTI's), and
// network-traffic:src_ref.value and dst_ref.value (an address or domain).
// Every comparison of a pattern is taken as its own observable, also those
// joined by AND: screening flags what any of them sees. A value on such a
// path that is not of its kind (an IDN or single-label domain, a
// malformed address) is left out. A pattern that yields nothing returns
// ErrUnsupported (wrapped, with why: such a value, else the first
// comparison Warden does not screen on), so that the indicator is kept
// and reported, not used; a syntax error is EINVALID with the byte
// offset.
func ParsePattern(p string) ([]warden.Observable, error) {
	if len(p) > maxPattern {
		return nil, warden.Errorf(warden.EINVALID, "pattern: longer than %d bytes", maxPattern)
	}
	ps := &patternParser{s: p}
	if err := ps.parse(); err != nil {
		return nil, err
	}
	var (
		out      []warden.Observable
		seen     = map[warden.Observable]bool{}
		why, bad string
	)
	for _, c := range ps.comps {
		kind, ok := pathKind(c.path)
		switch {
		case !ok:
			why = first(why, c.path+" is not a property Warden screens on")
			continue
		case c.not:
			why = first(why, "NOT "+c.op+" on "+c.path+" names no value to screen on")
			continue
		case c.op != "=" && c.op != "IN" && !(c.op == "ISSUBSET" && (kind == warden.KindIPv4 || kind == warden.KindIPv6)):
			why = first(why, c.op+" on "+c.path+" names no value to screen on")
			continue
		}
		for _, v := range c.values {
			if !v.str {
				bad = first(bad, fmt.Sprintf("offset %d: %s compared with %s, not a string", c.at, c.path, v.text))
				continue
			}
			k := kind
			if k == "" { // network-traffic: an address or a domain
				if g, ok := Guess(v.text); ok && (g == warden.KindIPv4 || g == warden.KindIPv6 || g == warden.KindDomain) {
					k = g
				} else {
					bad = first(bad, fmt.Sprintf("offset %d: %s %q is not an IP address or domain", c.at, c.path, v.text))
					continue
				}
			}
			o, err := Normalise(k, v.text)
			if err != nil {
				bad = first(bad, fmt.Sprintf("offset %d: %s %q is not %s", c.at, c.path, v.text, kindText[k]))
				continue
			}
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	switch {
	case len(out) > 0:
		return out, nil
	case bad != "":
		why = bad
	case why == "":
		why = "it compares nothing"
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, why)
}

func first(have, s string) string {
	if have != "" {
		return have
	}
	return s
}

// pathKind maps an object path Warden screens on to the kind of its
// values; network-traffic's references give "" (an address or a domain,
// told by the value).
func pathKind(path string) (warden.IndicatorKind, bool) {
	switch path {
	case "ipv4-addr:value":
		return warden.KindIPv4, true
	case "ipv6-addr:value":
		return warden.KindIPv6, true
	case "domain-name:value":
		return warden.KindDomain, true
	case "url:value":
		return warden.KindURL, true
	case "email-addr:value", "email-message:from_ref.value", "email-message:sender_ref.value":
		return warden.KindEmail, true
	case "cryptocurrency-wallet:value":
		return warden.KindWallet, true
	case "network-traffic:src_ref.value", "network-traffic:dst_ref.value":
		return "", true
	}
	if h, ok := strings.CutPrefix(path, "file:hashes."); ok {
		switch strings.ReplaceAll(strings.ToUpper(h), "-", "") {
		case "MD5":
			return warden.KindMD5, true
		case "SHA1":
			return warden.KindSHA1, true
		case "SHA256":
			return warden.KindSHA256, true
		case "SHA512":
			return warden.KindSHA512, true
		}
	}
	return "", false
}

// Pattern returns the STIX pattern that observes o, its value escaped: =
// for a value, ISSUBSET for an IP range.
func Pattern(o warden.Observable) string {
	path, op := "", "="
	switch o.Kind {
	case warden.KindIPv4:
		path = "ipv4-addr:value"
	case warden.KindIPv6:
		path = "ipv6-addr:value"
	case warden.KindDomain:
		path = "domain-name:value"
	case warden.KindURL:
		path = "url:value"
	case warden.KindEmail:
		path = "email-addr:value"
	case warden.KindMD5:
		path = "file:hashes.MD5"
	case warden.KindSHA1:
		path = "file:hashes.'SHA-1'"
	case warden.KindSHA256:
		path = "file:hashes.'SHA-256'"
	case warden.KindSHA512:
		path = "file:hashes.'SHA-512'"
	case warden.KindWallet:
		path = "cryptocurrency-wallet:value"
	}
	if (o.Kind == warden.KindIPv4 || o.Kind == warden.KindIPv6) && strings.Contains(o.Value, "/") {
		op = "ISSUBSET"
	}
	return "[" + path + " " + op + " " + quoteString(o.Value) + "]"
}

// quoteString writes s as a pattern's string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// comparison is one comparison a pattern makes: the object path (type,
// colon, components joined by dots, list indexes as [*], quotes dropped),
// the operator in upper case, whether negated, the values compared with.
type comparison struct {
	at     int
	path   string
	op     string
	not    bool
	values []literal
}

// literal is a value of a pattern: a string (str), or another literal's
// text (a number, a boolean, t'...', h'...', b'...').
type literal struct {
	text string
	str  bool
}

// patternParser is a recursive-descent parser of STIX patterns over the
// bytes of s.
type patternParser struct {
	s     string
	i     int
	depth int
	comps []comparison
}

func (p *patternParser) errorf(at int, format string, args ...any) error {
	return warden.Errorf(warden.EINVALID, "pattern: offset %d: %s", at, fmt.Sprintf(format, args...))
}

func (p *patternParser) parse() error {
	p.ws()
	if p.i == len(p.s) {
		return p.errorf(0, "empty")
	}
	if err := p.observationOr(); err != nil {
		return err
	}
	p.ws()
	if p.i < len(p.s) {
		return p.errorf(p.i, "unexpected %q", p.rest())
	}
	return nil
}

// rest is a few bytes from the current offset, for error messages.
func (p *patternParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 12 {
		r = r[:12]
	}
	return r
}

func (p *patternParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// word returns the identifier at the current offset (after spaces)
// without consuming it.
func (p *patternParser) word() string {
	p.ws()
	j := p.i
	for j < len(p.s) && isWordByte(p.s[j]) {
		j++
	}
	return p.s[p.i:j]
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// keyword consumes the keyword k (any case) if it is next.
func (p *patternParser) keyword(k string) bool {
	if w := p.word(); strings.EqualFold(w, k) {
		p.i += len(w)
		return true
	}
	return false
}

// punct consumes the byte c if it is next.
func (p *patternParser) punct(c byte) bool {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *patternParser) expect(c byte) error {
	if !p.punct(c) {
		if p.i == len(p.s) {
			return p.errorf(p.i, "%q expected, the pattern ends", c)
		}
		return p.errorf(p.i, "%q expected, not %q", c, p.rest())
	}
	return nil
}

func (p *patternParser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf(p.i, "nested deeper than %d", maxDepth)
	}
	return nil
}

// observationOr: observationAnd {OR observationAnd}.
func (p *patternParser) observationOr() error {
	for {
		if err := p.observationAnd(); err != nil {
			return err
		}
		if !p.keyword("OR") {
			return nil
		}
	}
}

// observationAnd: observationFollowed {AND observationFollowed}.
func (p *patternParser) observationAnd() error {
	for {
		if err := p.observationFollowed(); err != nil {
			return err
		}
		if !p.keyword("AND") {
			return nil
		}
	}
}

// observationFollowed: observation {FOLLOWEDBY observation}.
func (p *patternParser) observationFollowed() error {
	for {
		if err := p.observation(); err != nil {
			return err
		}
		if !p.keyword("FOLLOWEDBY") {
			return nil
		}
	}
}

// observation: '[' comparisonOr ']' qualifiers | '(' observationOr ')'
// qualifiers.
func (p *patternParser) observation() error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	p.ws()
	switch {
	case p.punct('['):
		if err := p.comparisonOr(); err != nil {
			return err
		}
		if err := p.expect(']'); err != nil {
			return err
		}
	case p.punct('('):
		if err := p.observationOr(); err != nil {
			return err
		}
		if err := p.expect(')'); err != nil {
			return err
		}
	case p.i == len(p.s):
		return p.errorf(p.i, "an observation expression ([...]) expected, the pattern ends")
	default:
		return p.errorf(p.i, "an observation expression ([...]) expected, not %q", p.rest())
	}
	return p.qualifiers()
}

// qualifiers: {WITHIN number SECONDS | REPEATS int TIMES | START t'...' STOP
// t'...'}.
func (p *patternParser) qualifiers() error {
	for {
		p.ws()
		at := p.i
		switch {
		case p.keyword("WITHIN"):
			if v, err := p.literal(); err != nil {
				return err
			} else if v.str || !isNumber(v.text) {
				return p.errorf(at, "WITHIN takes a number of seconds")
			} else if !positive(v.text) {
				return p.errorf(at, "WITHIN takes a positive number of seconds, not %s", v.text)
			}
			if !p.keyword("SECONDS") {
				return p.errorf(p.i, "SECONDS expected")
			}
		case p.keyword("REPEATS"):
			if v, err := p.literal(); err != nil {
				return err
			} else if v.str || !isNumber(v.text) || strings.ContainsAny(v.text, ".eE") {
				return p.errorf(at, "REPEATS takes a whole number")
			} else if !positive(v.text) {
				return p.errorf(at, "REPEATS takes a positive whole number, not %s", v.text)
			}
			if !p.keyword("TIMES") {
				return p.errorf(p.i, "TIMES expected")
			}
		case p.keyword("START"):
			if v, err := p.literal(); err != nil {
				return err
			} else if !strings.HasPrefix(v.text, "t'") {
				return p.errorf(at, "START takes a timestamp t'...'")
			}
			if !p.keyword("STOP") {
				return p.errorf(p.i, "STOP expected")
			}
			if v, err := p.literal(); err != nil {
				return err
			} else if !strings.HasPrefix(v.text, "t'") {
				return p.errorf(at, "STOP takes a timestamp t'...'")
			}
		default:
			return nil
		}
	}
}

// comparisonOr: comparisonAnd {OR comparisonAnd}.
func (p *patternParser) comparisonOr() error {
	for {
		if err := p.comparisonAnd(); err != nil {
			return err
		}
		if !p.keyword("OR") {
			return nil
		}
	}
}

// comparisonAnd: comparison {AND comparison}.
func (p *patternParser) comparisonAnd() error {
	for {
		if err := p.comparison(); err != nil {
			return err
		}
		if !p.keyword("AND") {
			return nil
		}
	}
}

// comparison: '(' comparisonOr ')' | [NOT] EXISTS path | path [NOT] op
// value.
func (p *patternParser) comparison() error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	p.ws()
	if p.punct('(') {
		if err := p.comparisonOr(); err != nil {
			return err
		}
		return p.expect(')')
	}
	at := p.i
	not := false
	if !p.isPath() {
		not = p.keyword("NOT")
		if !p.keyword("EXISTS") {
			if not {
				return p.errorf(p.i, "EXISTS expected after NOT")
			}
			if p.i == len(p.s) {
				return p.errorf(p.i, "a comparison expected, the pattern ends")
			}
			return p.errorf(p.i, "an object path (type:property) expected, not %q", p.rest())
		}
		path, err := p.path()
		if err != nil {
			return err
		}
		p.comps = append(p.comps, comparison{at: at, path: path, op: "EXISTS", not: not})
		return nil
	}
	path, err := p.path()
	if err != nil {
		return err
	}
	c := comparison{at: at, path: path}
	c.not = p.keyword("NOT")
	c.op, err = p.operator()
	if err != nil {
		return err
	}
	if c.op == "IN" {
		if err := p.expect('('); err != nil {
			return err
		}
		for {
			v, err := p.literal()
			if err != nil {
				return err
			}
			c.values = append(c.values, v)
			if !p.punct(',') {
				break
			}
		}
		if err := p.expect(')'); err != nil {
			return err
		}
	} else {
		v, err := p.literal()
		if err != nil {
			return err
		}
		c.values = []literal{v}
	}
	p.comps = append(p.comps, c)
	return nil
}

// isPath reports whether an object path (a type and a colon) is next.
func (p *patternParser) isPath() bool {
	p.ws()
	j := p.i
	for j < len(p.s) && (isWordByte(p.s[j]) || p.s[j] == '-') {
		j++
	}
	return j > p.i && j < len(p.s) && p.s[j] == ':'
}

// path reads type:component{.component|[index]}, a component being a
// name or a quoted string, an index a whole number or *; it returns it
// with quotes dropped and indexes written [*].
func (p *patternParser) path() (string, error) {
	p.ws()
	var b strings.Builder
	j := p.i
	for j < len(p.s) && (isWordByte(p.s[j]) || p.s[j] == '-') {
		j++
	}
	typ := p.s[p.i:j]
	if typ == "" || typ[0] == '-' || typ[0] >= '0' && typ[0] <= '9' {
		return "", p.errorf(p.i, "an object type expected, not %q", p.rest())
	}
	if strings.ToLower(typ) != typ {
		return "", p.errorf(p.i, "an object type is lower case, not %q", typ)
	}
	b.WriteString(typ)
	b.WriteByte(':')
	p.i = j + 1 // the colon isPath saw
	if err := p.component(&b); err != nil {
		return "", err
	}
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '.':
			p.i++
			b.WriteByte('.')
			if err := p.component(&b); err != nil {
				return "", err
			}
		case '[':
			p.i++
			j := p.i
			for j < len(p.s) && (p.s[j] == '*' || '0' <= p.s[j] && p.s[j] <= '9') {
				j++
			}
			if j == p.i || j >= len(p.s) || p.s[j] != ']' || j-p.i > 1 && strings.Contains(p.s[p.i:j], "*") {
				return "", p.errorf(p.i, "a list index (a number or *) expected")
			}
			p.i = j + 1
			b.WriteString("[*]")
		default:
			return b.String(), nil
		}
	}
	return b.String(), nil
}

// component reads a property name or a quoted one ('SHA-256').
func (p *patternParser) component(b *strings.Builder) error {
	if p.i < len(p.s) && p.s[p.i] == '\'' {
		s, err := p.quoted()
		if err != nil {
			return err
		}
		if s == "" {
			return p.errorf(p.i, "an empty property name")
		}
		b.WriteString(s)
		return nil
	}
	j := p.i
	for j < len(p.s) && (isWordByte(p.s[j]) || p.s[j] == '-') {
		j++
	}
	if j == p.i {
		return p.errorf(p.i, "a property name expected")
	}
	b.WriteString(p.s[p.i:j])
	p.i = j
	return nil
}

// operator reads a comparison operator, in upper case.
func (p *patternParser) operator() (string, error) {
	p.ws()
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if strings.HasPrefix(p.s[p.i:], op) {
			p.i += len(op)
			return op, nil
		}
	}
	for _, op := range []string{"IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"} {
		if p.keyword(op) {
			return op, nil
		}
	}
	if p.i == len(p.s) {
		return "", p.errorf(p.i, "an operator expected, the pattern ends")
	}
	return "", p.errorf(p.i, "an operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) expected, not %q", p.rest())
}

// literal reads a string, a number, a boolean or a t'...', h'...' or b'...'
// literal.
func (p *patternParser) literal() (literal, error) {
	p.ws()
	at := p.i
	if p.i == len(p.s) {
		return literal{}, p.errorf(p.i, "a value expected, the pattern ends")
	}
	switch c := p.s[p.i]; {
	case c == '\'':
		s, err := p.quoted()
		return literal{text: s, str: true}, err
	case (c == 't' || c == 'h' || c == 'b') && p.i+1 < len(p.s) && p.s[p.i+1] == '\'':
		p.i++
		s, err := p.quoted()
		if err != nil {
			return literal{}, err
		}
		if c == 't' && !isTimestamp(s) {
			return literal{}, p.errorf(at, "t'%s' is not a timestamp", s)
		}
		return literal{text: string(c) + "'" + s + "'"}, nil
	case c == '-' || c == '+' || '0' <= c && c <= '9' || c == '.':
		j := p.i + 1
		for j < len(p.s) && (isWordByte(p.s[j]) || p.s[j] == '.' || (p.s[j] == '-' || p.s[j] == '+') && (p.s[j-1] == 'e' || p.s[j-1] == 'E')) {
			j++
		}
		t := p.s[p.i:j]
		if !isNumber(t) {
			return literal{}, p.errorf(at, "%q is not a number", t)
		}
		p.i = j
		return literal{text: t}, nil
	}
	if w := p.word(); strings.EqualFold(w, "true") || strings.EqualFold(w, "false") {
		p.i += len(w)
		return literal{text: strings.ToLower(w)}, nil
	}
	return literal{}, p.errorf(at, "a value ('string', number, true, false, t'...', h'...', b'...') expected, not %q", p.rest())
}

// quoted reads a quoted string at the current offset, unescaping \' and
// \\.
func (p *patternParser) quoted() (string, error) {
	at := p.i
	p.i++ // the quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '\\':
			if p.i+1 < len(p.s) && (p.s[p.i+1] == '\'' || p.s[p.i+1] == '\\') {
				b.WriteByte(p.s[p.i+1])
				p.i += 2
				continue
			}
			return "", p.errorf(p.i, `a backslash escapes only \' and \\`)
		case '\'':
			p.i++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.i++
	}
	return "", p.errorf(at, "a string not closed")
}

// isNumber reports whether t is an integer or a decimal number, signed,
// with an optional exponent.
func isNumber(t string) bool {
	t = strings.TrimLeft(t, "+-")
	mant, exp, hasExp := strings.Cut(strings.ToLower(t), "e")
	if hasExp {
		exp = strings.TrimLeft(exp, "+-")
		if exp == "" || strings.Trim(exp, "0123456789") != "" {
			return false
		}
	}
	ip, fp, _ := strings.Cut(mant, ".")
	if ip == "" && fp == "" || strings.Trim(ip, "0123456789") != "" || strings.Trim(fp, "0123456789") != "" {
		return false
	}
	return true
}

// positive reports whether t, a number isNumber accepts, is above zero:
// a count of seconds or of repeats.
func positive(t string) bool {
	f, err := strconv.ParseFloat(t, 64)
	return err == nil && f > 0
}

// isTimestamp reports whether s is an RFC 3339 UTC timestamp as STIX
// writes them.
func isTimestamp(s string) bool {
	if !strings.HasSuffix(s, "Z") || len(s) < 20 {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}
