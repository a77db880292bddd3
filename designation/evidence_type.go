package designation

import (
	"encoding/json"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"warden"
)

// The media types evidence is kept under.
const (
	typePDF  = "application/pdf"
	typePNG  = "image/png"
	typeJPEG = "image/jpeg"
	typeText = "text/plain; charset=utf-8"
	typeJSON = "application/json"
	typeSTIX = "application/stix+json;version=2.1"
)

// extensions are the extensions an evidence file of each media type may
// be named with, the first given to a name without one.
var extensions = map[string][]string{
	typePDF:  {".pdf"},
	typePNG:  {".png"},
	typeJPEG: {".jpg", ".jpeg"},
	typeText: {".txt"},
	typeJSON: {".json"},
	typeSTIX: {".json"},
}

// markup is what plain text may not hold anywhere, in any case: the
// start of an HTML, SVG or XML document or of an element that runs or
// embeds something, a script URL, or an event-handler attribute. A file
// holding it opens as a page on a machine that goes by content, and could
// run there.
var markup = regexp.MustCompile(`(?i)<html|<body|<script|<svg|<iframe|<frame|<object|<embed|<meta|<!doctype|<\?xml|javascript:|vbscript:|\bon[a-z]+\s*=`)

// EvidenceType returns the media type of evidence file name from its
// content — PDF, PNG, JPEG, JSON (a STIX 2.1 bundle as
// application/stix+json) or UTF-8 plain text without markup — and the
// name to keep it under: name itself if its extension is the type's
// (.pdf, .png, .jpg or .jpeg, .json, .txt, in any case), or name with the
// type's extension added if it has none. The type a client claims is not
// trusted, and the name does not decide the type: it must agree with it.
// EINVALID, naming the file, for content of another type (HTML, SVG,
// executables, archives), plain text holding markup a browser or viewer
// would run (wherever it is), or a name with another extension (.html,
// .svg, .js, or a .pdf holding text).
func EvidenceType(name string, data []byte) (typ, stored string, err error) {
	ct := http.DetectContentType(data)
	switch {
	case ct == typePDF, ct == typePNG, ct == typeJPEG:
		typ = ct
	case strings.HasPrefix(ct, "text/plain") && utf8.Valid(data):
		typ = textType(data)
	default:
		return "", "", warden.Errorf(warden.EINVALID, "%s: evidence must be PDF, PNG, JPEG, plain text, JSON or STIX JSON, not %s", name, ct)
	}
	if typ == typeText {
		if m := markup.Find(data); m != nil {
			return "", "", warden.Errorf(warden.EINVALID, "%s: plain text evidence may not hold markup that a browser would run (%q)", name, strings.ToLower(string(m)))
		}
		if slices.Contains(data, 0) {
			return "", "", warden.Errorf(warden.EINVALID, "%s: plain text evidence may not hold NUL bytes", name)
		}
	}
	// A name is saved without trailing dots and spaces, and without a
	// directory: "a.html." and "x/a.html" are both saved as a.html.
	stored = strings.TrimRight(name[strings.LastIndexAny(name, `/\`)+1:], ". ")
	if stored == "" {
		return "", "", warden.Errorf(warden.EINVALID, "%q is not a file name", name)
	}
	want := extensions[typ]
	switch ext := strings.ToLower(path.Ext(stored)); {
	case ext == "":
		stored += want[0]
	case !slices.Contains(want, ext):
		return "", "", warden.Errorf(warden.EINVALID, "%s: the name ends in %s but the file holds %s; name it %s", name, ext, kind(typ), want[0])
	}
	return typ, stored, nil
}

// textType is the media type of UTF-8 text: STIX JSON, JSON or plain text.
func textType(data []byte) string {
	if !json.Valid(data) {
		return typeText
	}
	var bundle struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	if json.Unmarshal(data, &bundle) == nil && bundle.Type == "bundle" && strings.HasPrefix(bundle.ID, "bundle--") {
		return typeSTIX
	}
	return typeJSON
}

// kind is media type typ as a person names it.
func kind(typ string) string {
	switch typ {
	case typeText:
		return "plain text"
	case typeSTIX:
		return "STIX JSON"
	case typeJSON:
		return "JSON"
	}
	return strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(typ, "image/"), "application/"))
}
