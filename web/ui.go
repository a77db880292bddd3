package web

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/match"
	"warden/screening"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// sessionCookie names the session cookie. The __Host- prefix (when served
// over HTTPS) pins it to this host and path /.
const sessionCookie = "warden_session"

var pages = template.Must(template.New("").Funcs(template.FuncMap{
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
	"json": jsonString,
	"list": func(v ...string) []string { return v },
}).ParseFS(templateFS, "templates/*.html"))

// view is what every page template gets.
type view struct {
	Title, Nav   string
	User         warden.Principal
	CSRF         string
	Error, Flash string
	Data         any
}

// Can reports whether the viewer may do action, to show only what works.
func (v view) Can(action string) bool { return warden.Allowed(v.User.Role, warden.Action(action)) }

// render writes a page for the principal in r's context.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	v.User, _ = warden.PrincipalFrom(r.Context())
	if c, err := r.Cookie(sessionCookie); err == nil && v.User.Kind == "user" {
		_, v.CSRF, _ = s.Auth.Session(r.Context(), c.Value)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, v); err != nil {
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

// loginCookie carries the login form's CSRF token before there is a
// session (double submit: the form field must equal the cookie).
const loginCookie = "warden_login"

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.loginForm(w, r, http.StatusOK, "", r.URL.Query().Get("next"), "")
}

// loginForm shows the login form with a fresh CSRF token.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, status int, errMsg, next, name string) {
	b := make([]byte, 24)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: token, Path: "/login", HttpOnly: true, Secure: s.SecureCookies || r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	s.render(w, r, status, "login", view{Title: "Sign in", Error: errMsg, Data: map[string]string{"Next": next, "Name": name, "CSRF": token}})
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	name, pw, next := r.PostFormValue("name"), r.PostFormValue("password"), r.PostFormValue("next")
	if err := s.logins.allow(clientIP(r), 1); err != nil {
		var rl *retryAfter
		if errAs(err, &rl) {
			w.Header().Set("Retry-After", rl.seconds())
		}
		s.loginForm(w, r, http.StatusTooManyRequests, warden.ErrorMessage(err), next, name)
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.loginForm(w, r, http.StatusForbidden, "The form expired; please sign in again.", next, name)
		return
	}
	cookie, _, err := s.Auth.Login(r.Context(), name, pw)
	if err != nil {
		status, _, detail := s.status(r, err)
		s.loginForm(w, r, status, detail, next, name)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: cookie, Path: "/", HttpOnly: true, Secure: s.SecureCookies || r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.Auth.SessionTTL.Seconds())})
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ls, err := s.lists.Lists(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	type row struct {
		Name    string
		Version warden.ListVersion
	}
	var rows []row
	parties := 0
	for _, l := range ls {
		vs, err := s.lists.Versions(ctx, l.Name)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		rw := row{Name: l.Name}
		for _, v := range vs {
			if v.Version == l.CurrentVersion {
				rw.Version = v
			}
		}
		parties += l.Entities
		rows = append(rows, rw)
	}
	var activity []warden.AuditEvent
	if p, _ := warden.PrincipalFrom(ctx); warden.Allowed(p.Role, warden.ActAuditRead) {
		all, err := s.audit.Events(ctx, warden.AuditFilter{})
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		for i := len(all) - 1; i >= 0 && len(activity) < 10; i-- {
			activity = append(activity, all[i])
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", view{Title: "Dashboard", Nav: "dashboard", Data: map[string]any{
		"Lists": ls, "Rows": rows, "Parties": parties, "Indexed": s.Screening.Len(), "Activity": activity}})
}

func (s *Server) listPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	vs, err := s.lists.Versions(r.Context(), name)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "list", view{Title: "List " + name, Nav: "dashboard", Data: map[string]any{"Name": name, "Versions": vs}})
}

func (s *Server) versionPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	v, err := atoiStrict(r.PathValue("version"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	cs, more, err := s.lists.Changes(r.Context(), name, v)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "version", view{Title: name + " version", Nav: "dashboard", Data: map[string]any{"List": name, "Version": v, "Changes": cs, "More": more}})
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

// partiesPage finds parties by name, wallet or identifier with the
// screening engine, reporting weaker hits than screening does.
func (s *Server) partiesPage(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var hits []match.Hit
	if q != "" {
		if len(q) > 1000 {
			s.errorPage(w, r, warden.Errorf(warden.EINVALID, "a search is at most 1,000 characters"))
			return
		}
		var err error
		hits, err = s.Screening.Screen(r.Context(), match.Query{Names: []string{q}, Wallets: []string{q}, IDs: []string{q}}, match.Options{Limit: 50, MinScore: 0.5})
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "parties", view{Title: "Parties", Nav: "parties", Data: map[string]any{"Q": q, "Hits": hits}})
}

func (s *Server) partyPage(w http.ResponseWriter, r *http.Request) {
	e, err := s.lists.Entity(r.Context(), r.PathValue("id"), 0)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "party", view{Title: e.Caption(), Nav: "parties", Data: map[string]any{"E": e}})
}

type screenForm struct {
	Name, Wallet, ID, Schema, BirthDate, Country string
}

var formSchemas = []string{"", "Person", "Organization", "Vessel", "Aircraft"}

func (s *Server) screenPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "screen", view{Title: "Screening", Nav: "screen", Data: map[string]any{"Form": screenForm{}, "Schemas": formSchemas}})
}

func (s *Server) screenForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := screenForm{Name: r.PostFormValue("name"), Wallet: r.PostFormValue("wallet"), ID: r.PostFormValue("id"),
		Schema: r.PostFormValue("schema"), BirthDate: r.PostFormValue("birth_date"), Country: r.PostFormValue("country")}
	sr := screenRequest{Name: f.Name, Wallet: f.Wallet, ID: f.ID, Schema: f.Schema, BirthDate: f.BirthDate, Country: f.Country}
	q := sr.query()
	data := map[string]any{"Form": f, "Schemas": formSchemas}
	start := time.Now()
	hits, err := s.Screening.Screen(r.Context(), q, match.Options{})
	s.metrics.screened("ui", 1, time.Since(start))
	if err != nil {
		status, _, detail := s.status(r, err)
		s.render(w, r, status, "screen", view{Title: "Screening", Nav: "screen", Error: detail, Data: data})
		return
	}
	data["Done"], data["Hits"] = true, screening.View(q, hits).Hits
	s.render(w, r, http.StatusOK, "screen", view{Title: "Screening", Nav: "screen", Data: data})
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.usersView(w, r, http.StatusOK, "", "")
}

func (s *Server) usersView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg string) {
	ctx := r.Context()
	us, err := s.Auth.Users(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	orgs, err := s.Auth.Orgs(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var pending []warden.Approval
	if p, _ := warden.PrincipalFrom(ctx); warden.Allowed(p.Role, warden.ActApprovalsRead) {
		if pending, err = s.Auth.Approvals.List(ctx, "pending"); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	s.render(w, r, status, "users", view{Title: "Users", Nav: "users", Flash: flash, Error: errMsg,
		Data: map[string]any{"Users": us, "Orgs": orgs, "Roles": warden.Roles, "Approvals": pending}})
}

func (s *Server) usersForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	name := r.PostFormValue("name")
	ap, err := s.Auth.CreateUser(r.Context(), name, warden.Role(r.PostFormValue("role")), r.PostFormValue("org"), r.PostFormValue("password"), "")
	switch {
	case err != nil:
		status, _, detail := s.status(r, err)
		s.usersView(w, r, status, "", detail)
	case ap != nil:
		s.usersView(w, r, http.StatusAccepted, fmt.Sprintf("Adding %s needs a second admin's approval (proposal %d).", name, ap.ID), "")
	default:
		s.usersView(w, r, http.StatusCreated, "Added "+name+".", "")
	}
}

// approvalForm approves or rejects a pending proposal from the users page,
// where admins decide adding privileged people and creating privileged
// tokens (Decide checks approvals.decide, the role and the person).
func (s *Server) approvalForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	op := r.PostFormValue("op")
	switch {
	case err != nil:
		err = warden.Errorf(warden.EINVALID, "proposal id must be an integer")
	case op != "approve" && op != "reject":
		err = warden.Errorf(warden.EINVALID, "choose approve or reject")
	}
	var a warden.Approval
	if err == nil {
		a, err = s.Auth.Approvals.Decide(r.Context(), id, op == "approve", r.PostFormValue("reason"))
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		s.usersView(w, r, status, "", fmt.Sprintf("Proposal %s: %s", r.PathValue("id"), detail))
		return
	}
	s.usersView(w, r, http.StatusOK, fmt.Sprintf("Proposal %d %s.", a.ID, a.Status), "")
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account", view{Title: "Your account", Nav: "account"})
}

// accountForm changes the signed-in person's own password (the current
// one is needed), which ends their sessions: they sign in again.
func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	p, _ := warden.PrincipalFrom(r.Context())
	if err := s.Auth.SetPassword(r.Context(), p.PersonName(), r.PostFormValue("current_password"), r.PostFormValue("password")); err != nil {
		status, _, detail := s.status(r, err)
		s.render(w, r, status, "account", view{Title: "Your account", Nav: "account", Error: detail})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	s.tokensView(w, r, http.StatusOK, "", "", "")
}

func (s *Server) tokensView(w http.ResponseWriter, r *http.Request, status int, flash, errMsg, secret string) {
	ts, err := s.Auth.Tokens(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, status, "tokens", view{Title: "API tokens", Nav: "tokens", Flash: flash, Error: errMsg,
		Data: map[string]any{"Tokens": ts, "Roles": warden.Roles, "Secret": secret}})
}

func (s *Server) tokensForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	name := r.PostFormValue("name")
	var err error
	var secret, flash string
	var ap *warden.Approval
	switch r.PostFormValue("op") {
	case "revoke":
		err = s.Auth.RevokeToken(r.Context(), name, "revoked in the web UI")
		flash = "Revoked " + name + "."
	case "create":
		var exp *time.Time
		if exp, err = ParseExpiry(r.PostFormValue("expires"), s.now()); err == nil {
			secret, ap, err = s.Auth.CreateToken(r.Context(), name, warden.Role(r.PostFormValue("role")), "", exp)
		}
		flash = "Created " + name + "."
		if ap != nil {
			flash = fmt.Sprintf("Token %s needs a second admin's approval (proposal %d); it works once approved.", name, ap.ID)
		}
	default:
		err = warden.Errorf(warden.EINVALID, "unknown operation")
	}
	if err != nil {
		status, _, detail := s.status(r, err)
		s.tokensView(w, r, status, "", detail, "")
		return
	}
	s.tokensView(w, r, http.StatusOK, flash, "", secret)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f.Limit = 0
	evs, err := s.audit.Events(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	// Newest first on the page.
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	s.render(w, r, http.StatusOK, "audit", view{Title: "Audit log", Nav: "audit", Data: map[string]any{"Events": evs, "Actor": f.Actor, "Action": f.Action}})
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
