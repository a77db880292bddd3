package textio

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"warden"
)

// UniqueKeys reports, as EINVALID naming it with its path
// ("queries[1].name appears twice"), a key given twice in one object of
// the JSON document data. encoding/json keeps the last of two values
// silently, so a proxy, a log or a reviewer reading the first would see
// another request than the one acted on. Keys are compared as
// encoding/json matches them to struct fields, ignoring case ("name" and
// "NAME" are one field). It is a single pass over the bytes that only
// finds keys, a fraction of the decoder's cost: JSON that is malformed
// is left for the decoder to describe (UniqueKeys may return nil for
// it, or name a duplicate key it holds before the fault).
func UniqueKeys(data []byte) error {
	var stack []keyFrame
	done := func() { // a value has been read
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].wantKey = true
			}
		}
	}
	for i := 0; i < len(data); {
		switch c := data[i]; c {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		case '{', '[':
			stack = append(stack, keyFrame{array: c == '[', wantKey: c == '{'})
			i++
		case '}', ']':
			if len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
			done()
			i++
		case '"':
			end := stringEnd(data, i)
			if end < 0 {
				return nil
			}
			n := len(stack)
			if n == 0 || !stack[n-1].wantKey {
				done()
				i = end
				continue
			}
			top := &stack[n-1]
			top.wantKey = false
			raw := data[i+1 : end-1]
			if slices.Contains(raw, '\\') {
				if json.Unmarshal(data[i:end], &top.key) != nil {
					return nil
				}
			} else {
				top.key = string(raw)
			}
			if !top.add(foldKey(top.key)) {
				return warden.Errorf(warden.EINVALID, "%s appears twice", keyPath(stack))
			}
			i = end
		default: // a number, true, false or null
			for i < len(data) && !delimiter(data[i]) {
				i++
			}
			done()
		}
	}
	return nil
}

// delimiter reports whether c ends a number or a literal.
func delimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ':', ']', '}':
		return true
	}
	return false
}

// keyFrame is an object or array that UniqueKeys is inside.
type keyFrame struct {
	array   bool
	index   int                 // in an array: the element being read
	key     string              // in an object: the member being read
	wantKey bool                // in an object: the next string is a key
	keys    []string            // in an object: the keys seen, folded, while few
	many    map[string]struct{} // then
}

// add records a folded key; false if the object already has it.
func (f *keyFrame) add(k string) bool {
	if f.many == nil && len(f.keys) < 16 {
		if slices.Contains(f.keys, k) {
			return false
		}
		f.keys = append(f.keys, k)
		return true
	}
	if f.many == nil {
		f.many = make(map[string]struct{}, 64)
		for _, x := range f.keys {
			f.many[x] = struct{}{}
		}
	}
	if _, ok := f.many[k]; ok {
		return false
	}
	f.many[k] = struct{}{}
	return true
}

// keyPath is the path of the member being read: "queries[1].name".
func keyPath(stack []keyFrame) string {
	var b strings.Builder
	for i, f := range stack {
		switch {
		case f.array:
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		case i > 0:
			b.WriteString("." + f.key)
		default:
			b.WriteString(f.key)
		}
	}
	return b.String()
}

// stringEnd is the index just after the string that starts with the quote
// at data[i]; -1 if it does not end.
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// foldKey is key as encoding/json compares it with a field's name: each
// letter in one case (lower, so that the usual key is not copied).
func foldKey(key string) string {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.Map(func(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }, key)
		}
	}
	return key
}
