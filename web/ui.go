package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"warden"
	"warden/enforcement"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the UI's templates, parsed on first use rather than at package
// initialisation: parsing them all takes milliseconds every command of the
// binary paid, though only the server renders pages. Handler parses them
// before serving, so a broken template still stops the server at start.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(i18nFuncs).Funcs(template.FuncMap{
		"fmtTime": func(v any) string {
			switch t := v.(type) {
			case time.Time:
				return t.UTC().Format("2006-01-02 15:04 UTC")
			case *time.Time:
				if t != nil {
					return t.UTC().Format("2006-01-02 15:04 UTC")
				}
			}
			return ""
		},
		"join": func(v any) string {
			switch x := v.(type) {
			case []string:
				return strings.Join(x, ", ")
			}
			return ""
		},
		// fmtSecond is fmtTime to the second, for timelines whose lines
		// come seconds apart.
		"fmtSecond": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"json":      jsonString,
		// singular is a unit's name for one of it: weeks -> week.
		"singular": func(v any) string { return strings.TrimSuffix(fmt.Sprint(v), "s") },
		"list":     func(v ...string) []string { return v },
		"pathID":   pathID,
		"hitHref":  hitHref,
		"shown":    shown,
		"observes": intelObserves,
		"country":  countryText,
		"dateText": dateText,
		"address":  addressLine,
	}).ParseFS(templateFS, "templates/*.html"))
})

// hitHref is the page of what a hit is on: an indicator's object page for
// a hit on an indicator of intelligence ("indicator:" and its STIX id), a
// listed party's page otherwise.
func hitHref(entityID string) string {
	if id, ok := strings.CutPrefix(entityID, enforcement.IndicatorPrefix); ok {
		return "/intel/objects/" + pathID(id)
	}
	return "/parties/" + pathID(entityID)
}

// shown is v (a string, or any value as fmt prints it) as HTML, with
// every invisible character (warden.Invisible: zero-width spaces,
// directional marks, byte-order marks...) written as a marker of its code
// point, ⟨U+200B⟩, set apart in a style of its own. Pages show names,
// accounts, references and reasons through it, so that "John\u200bSmith"
// and "JohnSmith" do not look alike to an analyst, and no directional
// mark turns the text around it. Names keep such characters (screening
// reads through them); only how they are shown changes.
func shown(v any) template.HTML {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	if !strings.ContainsFunc(s, warden.Invisible) {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexFunc(s, warden.Invisible)
		if i < 0 {
			i = len(s)
		}
		b.WriteString(template.HTMLEscapeString(s[:i]))
		if i == len(s) {
			break
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		fmt.Fprintf(&b, `<span class="mark" title="invisible character %U">⟨%U⟩</span>`, r, r)
		s = s[i+n:]
	}
	return template.HTML(b.String())
}

// view is what every page template gets.
type view struct {
	Title, Nav   string
	User         warden.Principal
	CSRF         string
	Error, Flash string
	Data         any
	// posted is the form a refused POST sent, so that the page shown
	// again with the error keeps what the person typed (Val).
	posted url.Values
}

// Can reports whether the viewer may do action, to show only what works.
func (v view) Can(action string) bool { return warden.Allowed(v.User.Role, warden.Action(action)) }

// Val is what the person typed in field name of a form the server refused,
// for the page shown again with the error; empty after a success (the
// form starts afresh) and always for secrets.
func (v view) Val(name string) string {
	if secretFields[name] {
		return ""
	}
	return v.posted.Get(name)
}

// keep holds what r posted for Val when the page answers a refused form:
// an error status, or (formFailed answers htmx 200) an error shown.
func (v *view) keep(r *http.Request, status int) {
	if r.Method == http.MethodPost && (status >= 400 || v.Error != "") {
		v.posted = r.PostForm
	}
}

// secretFields are never written back into a page.
var secretFields = map[string]bool{"csrf": true, "password": true, "current_password": true}

// homeLink is a page to go back to.
type homeLink struct{ Href, Label string }

// homes are the pages a person may start from, in the order of the menu:
// the first the viewer's role may open is their home.
var homes = []struct {
	action warden.Action
	link   homeLink
}{
	{warden.ActListsRead, homeLink{"/", "Back to the dashboard"}},
	{warden.ActScreen, homeLink{"/screen", "Back to screening"}},
	{warden.ActCasesRead, homeLink{"/cases", "Back to the review queue"}},
	{warden.ActIntelRead, homeLink{"/intel", "Back to intelligence"}},
}

// Home is the page the viewer may go back to from an error: the first of
// the menu's pages their role may open; a counterpart's portal; the
// account page of a person who may open none; the sign-in page for
// someone not signed in.
func (v view) Home() homeLink {
	switch {
	case v.User.Name == "":
		return homeLink{"/login", "Sign in"}
	case v.User.Role == warden.RoleCounterpart:
		return homeLink{"/portal", "Back to the portal"}
	}
	for _, h := range homes {
		if warden.Allowed(v.User.Role, h.action) {
			return h.link
		}
	}
	return homeLink{"/account", "Your account"}
}

// render writes a page for the principal in r's context.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	v.User, _ = warden.PrincipalFrom(r.Context())
	v.keep(r, status)
	if c, err := r.Cookie(sessionCookie); err == nil && v.User.Kind == "user" {
		_, v.CSRF, _ = s.Auth.Session(r.Context(), c.Value)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := pages().ExecuteTemplate(w, name, v); err != nil {
		s.Log.Error("render", "id", RequestID(r.Context()), "page", name, "err", err)
	}
}

// errorPage shows an error as a page with the status it maps to.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	status, _, detail := s.status(r, err)
	s.render(w, r, status, "error", view{Title: http.StatusText(status), Error: detail})
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	sub, _ := fs.Sub(staticFS, "static")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.StripPrefix("/static/", http.FileServerFS(sub)).ServeHTTP(w, r)
}

type apiOp struct {
	ID, Method, Path, Summary, Body, Resp string
	Action                                warden.Action
	Public                                bool
}

func (s *Server) apiReference(w http.ResponseWriter, r *http.Request) {
	var ops []apiOp
	for _, rt := range s.routes() {
		if rt.ui {
			continue
		}
		ops = append(ops, apiOp{ID: operationID(rt), Method: rt.method, Path: pathParam.ReplaceAllString(rt.path, "{$1}"), Summary: rt.summary, Body: rt.body, Resp: rt.resp, Action: rt.action, Public: rt.public})
	}
	s.render(w, r, http.StatusOK, "apiref", view{Title: "API reference", Data: map[string]any{"Ops": ops}})
}
