package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"warden"
	"warden/internal/textio"
)

// Request body limits.
const (
	maxJSONBody = 64 << 10
	maxFormBody = 64 << 10
)

func urlPath(r *http.Request) string { return url.QueryEscape(r.URL.RequestURI()) }

// decodeJSON reads a small JSON body into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decode(w, r, maxJSONBody, v)
}

// idAndReason reads a decision's {id} path value and its optional JSON
// body {"reason": "..."}; what names the object for the error.
func idAndReason(w http.ResponseWriter, r *http.Request, what string) (int64, string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, "", warden.Errorf(warden.EINVALID, "%s id must be an integer", what)
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			return 0, "", err
		}
	}
	return id, req.Reason, nil
}

// queryLimit reads the limit query parameter: 1 to 1000, 0 if absent.
func queryLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := parseDigits(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, warden.Errorf(warden.EINVALID, "limit must be between 1 and 1000")
	}
	return int(n), nil
}

// maxQueryValue is the longest query parameter value, in characters.
const maxQueryValue = 4096

// checkQuery checks a request's query string against its route, in one
// place for every route (wrap calls it), so that what the route table
// documents is what is enforced. Every value must be one line of text
// with no control character, no bidirectional control and at most
// maxQueryValue characters (warden.CheckText's TextName). An API route
// also takes only the parameters its table entry declares, each once,
// its integers written as plain digits ("10") and its numbers as plain
// decimals ("0.5"): strconv would also read "+10", "0x1p-1", "1_0",
// "5e-1", "inf" and "nan", which the documentation does not promise.
// Pages are not held to declared parameters, since their forms and
// paging links carry their own. Each refusal is EINVALID naming the
// parameter.
func checkQuery(rt route, raw string) error {
	if raw == "" {
		return nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return warden.Errorf(warden.EINVALID, "malformed query string: %v", err)
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if err := warden.CheckText(warden.TextID, "a query parameter's name", name, 100); err != nil {
			return err
		}
		field := name + " (query parameter)"
		for _, v := range q[name] {
			if err := warden.CheckText(warden.TextName, field, v, maxQueryValue); err != nil {
				return err
			}
		}
		if rt.ui {
			continue
		}
		i := slices.IndexFunc(rt.params, func(p param) bool { return p.name == name })
		if i < 0 {
			return warden.Errorf(warden.EINVALID, "%s is not taken by %s %s (it takes %s)", field, rt.method, rt.path, paramNames(rt.params))
		}
		if n := len(q[name]); n > 1 {
			return warden.Errorf(warden.EINVALID, "%s is given %d times; give it once", field, n)
		}
		v := q[name][0]
		if v == "" {
			continue
		}
		switch rt.params[i].typ {
		case "integer":
			if _, err := parseDigits(v); err != nil {
				return warden.Errorf(warden.EINVALID, "%s must be a whole number written in digits, such as 10", field)
			}
		case "number":
			whole, frac, dot := strings.Cut(v, ".")
			if !digits(whole) || dot && !digits(frac) {
				return warden.Errorf(warden.EINVALID, "%s must be a decimal number written in digits, such as 0.5", field)
			}
		}
	}
	return nil
}

// paramNames lists a route's query parameters for an error message.
func paramNames(ps []param) string {
	if len(ps) == 0 {
		return "none"
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.name
	}
	return strings.Join(names, ", ")
}

// digits reports whether s is one or more ASCII digits, and nothing else.
func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// parseDigits reads a non-negative integer written in plain digits (no
// sign, no base prefix, no underscores), as query parameters and forms
// give them; EINVALID otherwise or out of range.
func parseDigits(v string) (int64, error) {
	if !digits(v) {
		return 0, warden.Errorf(warden.EINVALID, "%q is not a whole number written in digits", v)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, warden.Errorf(warden.EINVALID, "%s is out of range", v)
	}
	return n, nil
}

// jsonString is v as JSON, for templates.
func jsonString(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return strings.TrimSpace(string(b))
}

// decode reads a JSON body of at most max bytes into v, rejecting unknown
// fields and trailing data. A body over max is ETOOLARGE (413). A body that
// is not valid UTF-8 is EINVALID before it is decoded: encoding/json would
// silently turn its bad bytes into U+FFFD, screening a name nobody sent.
// Decoding errors name the JSON field and the expected JSON type, never a
// Go type.
func decode(w http.ResponseWriter, r *http.Request, max int64, v any) error {
	body, err := readBody(w, r, max)
	if err != nil {
		return err
	}
	if !utf8.Valid(body) {
		return warden.Errorf(warden.EINVALID, "body is not valid UTF-8")
	}
	if err := textio.UniqueKeys(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return warden.Errorf(warden.EINVALID, "malformed JSON: data after the object")
	}
	return nil
}

// readBody reads a request body of at most max bytes; a larger one is
// ETOOLARGE (413).
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, warden.Errorf(warden.ETOOLARGE, "request body larger than %d bytes", max)
	}
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "reading the request body: %w", err)
	}
	return body, nil
}

// jsonError describes a decoding error of body in the client's terms:
// where the JSON is malformed, or which element, with its indexes
// ("parties[1].identifiers[0]", which encoding/json does not say), holds
// what instead of which JSON type, or a number out of range.
func jsonError(body []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return warden.Errorf(warden.EINVALID, "empty body: a JSON object is expected")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return warden.Errorf(warden.EINVALID, "malformed JSON: the body ends too early")
	case errors.As(err, &syn):
		return warden.Errorf(warden.EINVALID, "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := pathAt(body, typ.Offset)
		if field == "" {
			field = typ.Field
		}
		if field == "" {
			field = "the body"
		}
		want := jsonType(typ.Type)
		if lit, ok := strings.CutPrefix(typ.Value, "number "); ok {
			integral := strings.Trim(lit, "-0123456789") == ""
			switch {
			case want == "a number" || want == "an integer" && integral:
				return warden.Errorf(warden.EINVALID, "%s is out of range", field)
			case want == "an integer":
				return warden.Errorf(warden.EINVALID, "%s must be an integer, not %s", field, lit)
			}
			return warden.Errorf(warden.EINVALID, "%s must be %s, not a number", field, want)
		}
		return warden.Errorf(warden.EINVALID, "%s must be %s, not %s", field, want, article(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return warden.Errorf(warden.EINVALID, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	var we *warden.Error
	if errors.As(err, &we) { // from a type's own UnmarshalJSON
		return warden.Errorf(warden.EINVALID, "%s", we.Message)
	}
	return warden.Errorf(warden.EINVALID, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// article puts "a" or "an" before the name of a JSON type ("string",
// "number", "object", "array"); true and false come as "bool".
func article(value string) string {
	switch value {
	case "object", "array":
		return "an " + value
	case "bool":
		return "true or false"
	case "string", "number":
		return "a " + value
	}
	return value
}

// pathAt is the path, with array indexes, of the JSON value in body that
// ends at offset (or, for an object or array, whose opening bracket ends
// there), as a decoding error's Offset says: "queries[3].threshold"; ""
// if body does not reach it.
func pathAt(body []byte, offset int64) string {
	type frame struct {
		array   bool
		key     string
		index   int
		wantKey bool
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.array:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			case b.Len() > 0:
				b.WriteString("." + f.key)
			default:
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	done := func() { // the value at the top of the stack is read
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].wantKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			if key, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = key, false
				continue
			}
		}
		d, delim := tok.(json.Delim)
		if delim && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			done()
			continue
		}
		if dec.InputOffset() >= offset {
			return path()
		}
		if delim {
			stack = append(stack, frame{array: d == '[', wantKey: d == '{'})
			continue
		}
		done()
	}
}

// jsonType names the JSON type that decodes into t.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return "another JSON type"
}

func atoiStrict(v string) (int, error) {
	n := 0
	if v == "" || len(v) > 9 {
		return 0, warden.Errorf(warden.EINVALID, "version must be a positive integer")
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, warden.Errorf(warden.EINVALID, "version must be a positive integer")
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}
