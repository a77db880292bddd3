package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"warden"
)

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p, _ := warden.PrincipalFrom(r.Context())
	var can []warden.Action
	for a := range warden.Permissions {
		if warden.Allowed(p.Role, a) {
			can = append(can, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": p.Name, "role": p.Role, "org": p.Org, "kind": p.Kind, "person": p.PersonName(), "permissions": can})
}

// sessionCookie names the session cookie. The __Host- prefix (when served
// over HTTPS) pins it to this host and path /.
const sessionCookie = "warden_session"

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
	if err := s.logins.allow(r.Context(), s.clientIP(r), 1); err != nil {
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
	dest := safeNext(next)
	if dest == "/" {
		if p, _, err := s.Auth.Session(r.Context(), cookie); err == nil && p.Role == warden.RoleCounterpart {
			dest = "/portal" // a counterpart's home: the dashboard is not for it
		}
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// clientIP is the address a request came from: the connection's peer, or,
// when that peer is a trusted proxy, the last address in X-Forwarded-For
// that is not one of the trusted proxies (the earlier ones are the
// client's to write, so they are not believed).
func (s *Server) clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break // not an address: what is before it cannot be believed
		}
		if !s.trusted(hop) {
			return hop
		}
		host = hop
	}
	return host
}

// trusted reports whether addr is one of the trusted proxies.
func (s *Server) trusted(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
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

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account", view{Title: "Your account", Nav: "account"})
}

// accountForm changes the signed-in person's own password (the current
// one is needed), which ends their sessions: they sign in again.
func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	p, _ := warden.PrincipalFrom(r.Context())
	if _, err := s.Auth.SetPassword(r.Context(), p.PersonName(), r.PostFormValue("current_password"), r.PostFormValue("password")); err != nil {
		status, _, detail := s.status(r, err)
		s.render(w, r, status, "account", view{Title: "Your account", Nav: "account", Error: detail})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
