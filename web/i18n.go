package web

import (
	"html/template"
	"net/http"
	"slices"
	"sync"
	"time"

	"warden"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The portal speaks the counterpart's language: every string its pages
// show is a key of the message catalogues (i18n_catalogue.go), in English
// and Simplified Chinese, translated by the template function T. The
// language is the one chosen on the page (?lang=en|zh, remembered in a
// cookie), else the browser's Accept-Language; times are shown in the
// time zone chosen on the page (?tz=, remembered in a cookie), else the
// counterpart's own, as its latest request states it, else UTC.

// Languages the portal speaks; the first is the fallback.
var (
	langEnglish = language.English
	langChinese = language.SimplifiedChinese
	portalLangs = []language.Tag{langEnglish, langChinese}
	langMatcher = language.NewMatcher(portalLangs)
)

// langCode is the short code of each language for ?lang= and its cookie.
var langCode = map[language.Tag]string{langEnglish: "en", langChinese: "zh"}

// langCookie and tzCookie remember the viewer's choices (a year).
const (
	langCookie = "warden_lang"
	tzCookie   = "warden_tz"
)

// portalCatalog holds both catalogues: built once from the message table,
// on first use (building it at package initialisation cost every command
// of the binary milliseconds).
var portalCatalog = sync.OnceValue(func() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(langEnglish))
	for _, m := range messages {
		en := m.EN
		if en == "" {
			en = m.Key
		}
		if err := b.SetString(langEnglish, m.Key, en); err != nil {
			panic(err)
		}
		if err := b.SetString(langChinese, m.Key, m.ZH); err != nil {
			panic(err)
		}
	}
	return b
})

// englishT is T for the authority's pages, which are in English: they
// share the request form and details with the portal.
var englishT = sync.OnceValue(func() *message.Printer {
	return message.NewPrinter(langEnglish, message.Catalog(portalCatalog()))
})

// i18nFuncs are the defaults of the template functions the portal's
// templates use, for the page set that holds every template: English,
// and times in UTC. The portal's pages are rendered with the viewer's
// (locale.funcs).
var i18nFuncs = template.FuncMap{
	"T":    func(key string, args ...any) string { return englishT().Sprintf(key, args...) },
	"when": func(v any) string { return inZone(v, time.UTC) },
	"who": func(v string) string {
		return who(v, func(key string, args ...any) string { return englishT().Sprintf(key, args...) })
	},
}

// who is how a page names a person or organisation: the authority's
// ("home", as a counterpart is shown them) by the translated label for
// the authority, never the raw word; anyone else as recorded.
func who(v string, t func(key string, args ...any) string) string {
	if v == warden.HomeOrg {
		return t("the authority")
	}
	return v
}

// inZone writes a time (time.Time or *time.Time; nil is "") in loc with
// the zone's abbreviation: "2026-03-02 17:00 CST".
func inZone(v any, loc *time.Location) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return ""
	}
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// locale is the language and time zone a page is shown in.
type locale struct {
	Lang language.Tag
	Code string // "en" or "zh"
	Zone *time.Location
	p    *message.Printer
}

// T translates key (formatting args into it as fmt does).
func (l locale) T(key string, args ...any) string { return l.p.Sprintf(key, args...) }

// funcs are the template functions that speak the locale.
func (l locale) funcs() template.FuncMap {
	return template.FuncMap{
		"T":    l.T,
		"when": func(v any) string { return inZone(v, l.Zone) },
		"who":  func(v string) string { return who(v, l.T) },
	}
}

// zones are the time zones the page offers (the counterpart's own and
// the viewer's choice are added if missing).
var zones = []string{"UTC", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Singapore", "Europe/London", "Europe/Paris", "Europe/Moscow",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}

// loadZone loads an IANA zone name; "" and "Local" (the server's, which
// means nothing to the viewer) are refused.
func loadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// pageLocale reads the viewer's language and time zone from the query
// (?lang=, ?tz=: a choice, remembered in a cookie), the cookies, the
// Accept-Language header, and else the zone defaultZone gives.
func (s *Server) pageLocale(w http.ResponseWriter, r *http.Request, defaultZone func() string) locale {
	secure := s.SecureCookies || r.TLS != nil
	remember := func(name, value string) {
		http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	}
	l := locale{Lang: langEnglish, Zone: time.UTC}
	q := r.URL.Query()
	chosen := ""
	if v := q.Get("lang"); v != "" {
		chosen = v
	} else if c, err := r.Cookie(langCookie); err == nil {
		chosen = c.Value
	}
	if tag, ok := codeLang(chosen); ok {
		l.Lang = tag
		if q.Get("lang") != "" {
			remember(langCookie, langCode[tag])
		}
	} else {
		tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
		tag, _, _ := langMatcher.Match(tags...)
		base, _ := tag.Base()
		if zh, _ := langChinese.Base(); base == zh {
			l.Lang = langChinese
		}
	}
	zone := ""
	if v := q.Get("tz"); v != "" {
		if _, ok := loadZone(v); ok {
			zone = v
			remember(tzCookie, v)
		}
	} else if c, err := r.Cookie(tzCookie); err == nil {
		if _, ok := loadZone(c.Value); ok {
			zone = c.Value
		}
	}
	if zone == "" {
		zone = defaultZone()
	}
	if loc, ok := loadZone(zone); ok {
		l.Zone = loc
	}
	l.Code = langCode[l.Lang]
	l.p = message.NewPrinter(l.Lang, message.Catalog(portalCatalog()))
	return l
}

// codeLang is the language of a ?lang= code.
func codeLang(code string) (language.Tag, bool) {
	for tag, c := range langCode {
		if c == code {
			return tag, true
		}
	}
	return language.Und, false
}

// zoneChoices are the zones to offer with current among them.
func zoneChoices(current ...string) []string {
	out := slices.Clone(zones)
	for _, z := range current {
		if z != "" && !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	return out
}
