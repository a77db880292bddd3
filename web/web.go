// Package web serves Warden over HTTP: the JSON API and the HTML UI. Routes
// are listed in one table (routes), which also yields the OpenAPI document;
// errors become RFC 9457 problem+json responses in one place (Error).
// Handlers authenticate the caller and pass it in the request context; the
// services they call authorise it.
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"warden"
	"warden/audit"
	"warden/auth"
	"warden/cooperation"
	"warden/designation"
	"warden/enforcement"
	"warden/hotline"
	"warden/intel"
	"warden/lists"
	"warden/screening"
)

// Server holds what the handlers need: the services, through which alone
// the handlers reach the store, so that every read and change is authorised
// and audited where its rules live. Every service is required.
type Server struct {
	Lists        *lists.Service
	Audit        *audit.Service
	Screening    *screening.Service
	Auth         *auth.Service
	Enforcement  *enforcement.Service
	Designations *designation.Service
	Hotline      *hotline.Service
	Cooperation  *cooperation.Service
	Intel        *intel.Service
	Log          *slog.Logger
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Ready reports whether start-up work (such as loading the bundled
	// snapshot) has finished; nil means ready.
	Ready func() bool
	// RateLimit is how many requests per second each principal may make,
	// with bursts of RateBurst; 0 means the defaults (10,000/s, burst
	// 20,000: a payment system screens thousands of payments a second with
	// one token). Logins are limited separately, per client address.
	RateLimit float64
	RateBurst int
	// SecureCookies marks session cookies Secure (served over HTTPS).
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed: behind them, the login and public limits count each
	// client, not the proxy that all requests come from.
	TrustedProxies []netip.Prefix
	// Public names the lists published without authentication and the
	// key that signs their exports (public.go).
	Public Public
	// SharedLimits holds the rate limits and the login limits of every
	// node on one database (the store on PostgreSQL: limit.go); nil keeps
	// them in this process's memory, which is right for one node.
	SharedLimits RateStore
	// Jobs reports the job engine's backlog, Rescreen the latest customer
	// re-screening run, and Listening whether this node hears at
	// once of list versions stored elsewhere (PostgreSQL's LISTEN), for
	// /readyz and /metrics; a nil one is left out.
	Jobs      func(context.Context) ([]warden.JobBacklog, error)
	Rescreen  func(context.Context) (warden.Rescreen, error)
	Listening func() bool

	metrics *metrics
	bulk    bulkJobs // bulk screenings and customer uploads started from the UI
	limiter *limiter
	logins  *limiter // login attempts per client address
}

// Handler returns the server's HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Lists == nil || s.Audit == nil || s.Screening == nil || s.Auth == nil || s.Enforcement == nil || s.Designations == nil || s.Hotline == nil || s.Cooperation == nil {
		panic("web: a Server needs its Lists, Audit, Screening, Auth, Enforcement, Designations, Hotline and Cooperation services")
	}
	if s.RateLimit == 0 {
		s.RateLimit, s.RateBurst = 10000, 20000
	}
	s.metrics = newMetrics()
	s.limiter = newLimiter(s.RateLimit, s.RateBurst, s.now)
	s.logins = newLimiter(loginRate, loginBurst, s.now)
	if s.SharedLimits != nil {
		logf := func(f string, a ...any) { s.Log.Warn(fmt.Sprintf(f, a...)) }
		s.limiter.share(s.SharedLimits, "api:", logf)
		s.logins.share(s.SharedLimits, "login:", logf)
	}
	s.Public.init(s.now)
	pages() // the templates, parsed on first use: a broken one stops the server here
	portalPages()
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	mux.Handle("GET /", s.wrap(route{method: "GET", path: "/", h: s.notFound, public: true, ui: true})) // any query: it answers 404
	return s.outer(mux)
}

// outer wraps h in the middleware every request passes: its id first, so
// that everything after, the answer to a panic included, carries it.
func (s *Server) outer(h http.Handler) http.Handler {
	return s.requestID(s.recoverer(securityHeaders(h)))
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// wrap gives a route its metrics, query string check (checkQuery),
// authentication, CSRF check, rate limit, the role check of its action
// and, for a person's routes, the check that a person signed in calls it
// (the service checks both again).
func (s *Server) wrap(rt route) http.Handler {
	label := rt.method + " " + rt.path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() { s.metrics.observe(label, rec.status, time.Since(start)) }()
		if strings.IndexByte(r.URL.Path, 0) >= 0 {
			// No resource is named so, and PostgreSQL takes no NUL in a
			// parameter: the request ends here.
			s.fail(rec, r, rt.ui, warden.Errorf(warden.EINVALID, "path: holds a NUL character"))
			return
		}
		if err := checkQuery(rt, r.URL.RawQuery); err != nil {
			s.fail(rec, r, rt.ui, err)
			return
		}
		if rt.public {
			rt.h(rec, r)
			return
		}
		// The temporary files of an upload go, whatever the answer: the
		// CSRF check may have parsed one for a request it then refuses.
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		p, err := s.authenticate(rec, r, rt, max(rt.upload, maxFormBody))
		if err == nil {
			err = s.charge(r.Context(), rec, p, 1)
		}
		if err == nil && rt.action != "" && !warden.Allowed(p.Role, rt.action) {
			err = warden.Errorf(warden.EFORBIDDEN, "role %s may not %s", p.Role, rt.action)
		}
		if err == nil && rt.person && p.Kind != "user" {
			err = warden.Errorf(warden.EFORBIDDEN, "only a person signed in may do this, not an API token (%s)", p.Name)
		}
		if err != nil {
			if rt.ui && warden.ErrorCode(err) == warden.EUNAUTHORIZED {
				http.Redirect(rec, r, "/login?next="+urlPath(r), http.StatusSeeOther)
				return
			}
			if p.Name != "" {
				// Refused, but known: the error page keeps their menu.
				r = r.WithContext(warden.WithPrincipal(r.Context(), p))
			}
			s.fail(rec, r, rt.ui, err)
			return
		}
		r = r.WithContext(warden.WithPrincipal(r.Context(), p))
		rt.h(rec, r)
	})
}

// uploadMemory is how much of a multipart form is held in memory; the
// rest of its files spill to temporary files, removed after the request.
const uploadMemory = 1 << 20

// authenticate finds the caller of route rt: a bearer token, or a session
// cookie (then unsafe methods need the session's CSRF token in the
// X-CSRF-Token header or the csrf form field, read within upload bytes
// for a multipart form — and only once the person's role may post to rt,
// so that nobody else can make the server read an upload).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rt route, upload int64) (warden.Principal, error) {
	ui := rt.ui
	if h := r.Header.Get("Authorization"); h != "" {
		p, err := s.Auth.Authenticate(r.Context(), h)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="warden"`)
		}
		return p, err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		if !ui {
			w.Header().Set("WWW-Authenticate", `Bearer realm="warden"`)
		}
		return warden.Principal{}, warden.Errorf(warden.EUNAUTHORIZED, "a bearer token or a session is required")
	}
	p, csrf, err := s.Auth.Session(r.Context(), c.Value)
	if err != nil {
		return p, err
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			if rt.action != "" && !warden.Allowed(p.Role, rt.action) {
				return p, warden.Errorf(warden.EFORBIDDEN, "role %s may not %s", p.Role, rt.action)
			}
			if got, err = formCSRF(w, r, upload); err != nil {
				return p, err
			}
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(csrf)) != 1 {
			return p, warden.Errorf(warden.EFORBIDDEN, "missing or wrong CSRF token; reload the page")
		}
	}
	return p, nil
}

// formCSRF reads the csrf field of a form: a multipart one (a file
// upload posted without htmx) within upload bytes, parsed once for the
// handler too; any other within the form limit.
func formCSRF(w http.ResponseWriter, r *http.Request, upload int64) (string, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		return r.PostFormValue("csrf"), nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, upload)
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return "", warden.Errorf(warden.ETOOLARGE, "upload: larger than %d MiB", upload>>20)
		}
		return "", warden.Errorf(warden.EINVALID, "form: could not be read: %v", err)
	}
	return r.PostFormValue("csrf"), nil
}

// fail answers an error as problem+json, or as an HTML page for the UI.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, ui bool, err error) {
	if ui {
		s.errorPage(w, r, err)
		return
	}
	s.Error(w, r, err)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	err := warden.Errorf(warden.ENOTFOUND, "no such page or endpoint: %s %s", r.Method, r.URL.Path)
	if strings.HasPrefix(r.URL.Path, "/v1/") || strings.HasPrefix(r.URL.Path, "/match/") {
		s.Error(w, r, err)
		return
	}
	if c, cerr := r.Cookie(sessionCookie); cerr == nil {
		// A person signed in keeps their menu on the page not found.
		if p, _, serr := s.Auth.Session(r.Context(), c.Value); serr == nil {
			r = r.WithContext(warden.WithPrincipal(r.Context(), p))
		}
	}
	s.errorPage(w, r, err)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush lets streaming handlers flush through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// RequestID returns the id given to the request, for logs and audit.
func RequestID(ctx context.Context) string { return warden.RequestID(ctx) }

func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(warden.WithRequestID(r.Context(), id)))
		s.Log.Debug("request", "id", id, "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// csp allows only the server's own scripts, styles and images: no inline
// script, no framing, forms posting only here.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				s.Log.Error("panic", "id", RequestID(r.Context()), "panic", v)
				s.Error(w, r, warden.Errorf(warden.EINTERNAL, "panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

var statusOf = map[string]int{
	warden.EINVALID:      http.StatusBadRequest,
	warden.ENOTFOUND:     http.StatusNotFound,
	warden.ECONFLICT:     http.StatusConflict,
	warden.EUNAUTHORIZED: http.StatusUnauthorized,
	warden.EFORBIDDEN:    http.StatusForbidden,
	warden.ERATELIMITED:  http.StatusTooManyRequests,
	warden.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	warden.EUNAVAILABLE:  http.StatusServiceUnavailable,
	warden.EINTERNAL:     http.StatusInternalServerError,
}

// status maps an error to its HTTP status, and says what to show: internal
// errors are logged with the request id and shown only as "internal error".
func (s *Server) status(r *http.Request, err error) (int, string, string) {
	code := warden.ErrorCode(err)
	detail := warden.ErrorMessage(err)
	if code == warden.EINTERNAL {
		s.Log.Error("internal error", "id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		detail = "internal error; quote request id " + RequestID(r.Context())
	}
	return statusOf[code], code, detail
}

// Error writes err as problem+json.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/taxii2/") {
		s.taxiiError(w, r, err) // TAXII clients read TAXII error messages
		return
	}
	status, code, detail := s.status(r, err)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"type":       "https://warden.invalid/problems/" + code,
		"title":      http.StatusText(status),
		"status":     status,
		"detail":     detail,
		"code":       code,
		"request_id": RequestID(r.Context()),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	// Encode before the status goes out, so that a value JSON cannot
	// carry (a time past year 9999) is a 500, not a 200 with no body.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"title":"Internal Server Error","status":500,"detail":%q}`+"\n", "the answer could not be written as JSON")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when this node can serve, 503 while it starts or
// cannot reach the database, with what it knows of its parts (health).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	h := s.health(r.Context())
	status := http.StatusOK
	if h.Status != "ready" {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, h)
}
