// Package web serves Warden over HTTP: the JSON API now, the HTML UI later.
// Routes are listed in one place (routes), and errors become RFC 9457
// problem+json responses in one place (Error).
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"warden"
	"warden/auth"
	"warden/screening"
	"warden/store"
)

// Server holds what the handlers need.
type Server struct {
	DB        *store.DB
	Screening *screening.Service
	Log       *slog.Logger
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// Ready reports whether start-up work (such as loading the bundled
	// snapshot) has finished; nil means ready.
	Ready func() bool
}

// Handler returns the server's HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	if s.Log == nil {
		s.Log = slog.Default()
	}
	mux := http.NewServeMux()
	s.routes(mux)
	return s.recoverer(s.requestID(mux))
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /v1/lists", s.lists)
	mux.HandleFunc("GET /v1/lists/{name}/versions", s.versions)
	mux.HandleFunc("GET /v1/entities/{id}", s.entity)
	screeners := []warden.Role{warden.RoleScreener, warden.RoleAnalyst, warden.RoleAdmin}
	mux.Handle("POST /v1/screen", s.authed(s.screen, screeners...))
	mux.Handle("POST /v1/screen/batch", s.authed(s.screenBatch, screeners...))
	mux.Handle("POST /match/{dataset}", s.authed(s.yenteMatch, screeners...))
}

// authed requires a bearer token of one of roles.
func (s *Server) authed(h http.HandlerFunc, roles ...warden.Role) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now
		if s.Now != nil {
			now = s.Now
		}
		p, err := auth.Authenticate(r.Context(), s.DB, r.Header.Get("Authorization"), now())
		if err == nil {
			err = auth.Require(p, roles...)
		}
		if err != nil {
			if warden.ErrorCode(err) == warden.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="warden"`)
			}
			s.Error(w, r, err)
			return
		}
		h(w, r)
	})
}

type ctxKey int

const requestIDKey ctxKey = 0

// RequestID returns the id given to the request, for logs and audit.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		start := time.Now()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
		s.Log.Debug("request", "id", id, "method", r.Method, "path", r.URL.Path, "duration", time.Since(start))
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
	warden.EINTERNAL:     http.StatusInternalServerError,
}

// Error writes err as problem+json. Internal errors are logged with the
// request id and shown only as "internal error".
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := warden.ErrorCode(err)
	status := statusOf[code]
	detail := warden.ErrorMessage(err)
	if code == warden.EINTERNAL {
		s.Log.Error("internal error", "id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		detail = "internal error; quote request id " + RequestID(r.Context())
	}
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
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	if s.Ready != nil && !s.Ready() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) lists(w http.ResponseWriter, r *http.Request) {
	ls, err := s.DB.Lists(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if ls == nil {
		ls = []warden.List{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"lists": ls})
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.DB.Versions(r.Context(), r.PathValue("name"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

func (s *Server) entity(w http.ResponseWriter, r *http.Request) {
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.Error(w, r, warden.Errorf(warden.EINVALID, "version must be a positive integer"))
			return
		}
		version = n
	}
	e, err := s.DB.Entity(r.Context(), r.PathValue("id"), version)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}
