package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sync"

	"warden"
	"warden/cooperation"
)

// The counterpart's portal: its organisation's requests in both
// directions, its own new requests, and one request's page where it
// acknowledges, asks, answers with attachments, asks for more time, sees
// the ratings of its answers and responds, and rates the authority's
// answers to its own requests. Other organisations' requests are not
// found (the service answers so); the authority's pages do not exist for
// a counterpart, nor the portal for the authority's people. Every string
// is translated (i18n.go) and times are shown in the viewer's zone.

// portalPages are the portal's templates with the request form and page
// they share with the authority's. They are never executed themselves:
// each page clones them with the viewer's language and zone (html/template
// cannot clone a set once it has run). They are parsed on first use, as
// pages are.
var portalPages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{"shown": shown}).Funcs(i18nFuncs).
		ParseFS(templateFS, "templates/requests.html", "templates/portal.html"))
})

// portalOnly refuses the portal to anyone but a counterpart: it does not
// exist for the authority's people, whose pages are at /requests.
func portalOnly(r *http.Request) error {
	if p, _ := warden.PrincipalFrom(r.Context()); p.Role != warden.RoleCounterpart {
		return warden.Errorf(warden.ENOTFOUND, "no such page: %s (the authority's requests are at /requests)", r.URL.Path)
	}
	return nil
}

// portalLocale is the viewer's language and zone; the zone is by default
// the counterpart's own, as its latest request states it (the side of
// the request that is the counterpart's), else UTC.
func (s *Server) portalLocale(w http.ResponseWriter, r *http.Request) locale {
	return s.pageLocale(w, r, func() string {
		qs, err := s.Cooperation.List(r.Context(), cooperation.Filter{Limit: 1})
		if err != nil || len(qs) == 0 {
			return "UTC"
		}
		if qs[0].Direction == warden.Incoming {
			return qs[0].Requesting.TimeZone
		}
		return qs[0].Requested.TimeZone
	})
}

// portalRender writes a portal page in the viewer's language and zone.
// data gets what the page's frame shows: the language, the zone and the
// zones to choose from, the path the choices return to.
func (s *Server) portalRender(w http.ResponseWriter, r *http.Request, status int, name string, l locale, v view, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["Lang"], data["Zone"], data["Zones"], data["Here"] = l.Code, l.Zone.String(), zoneChoices(l.Zone.String()), r.URL.Path
	v.Data = data
	v.User, _ = warden.PrincipalFrom(r.Context())
	v.keep(r, status)
	if c, err := r.Cookie(sessionCookie); err == nil && v.User.Kind == "user" {
		_, v.CSRF, _ = s.Auth.Session(r.Context(), c.Value)
	}
	t, err := portalPages().Clone()
	if err != nil {
		s.errorPage(w, r, warden.Errorf(warden.EINTERNAL, "portal templates: %v", err))
		return
	}
	t.Funcs(l.funcs())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", l.Lang.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := t.ExecuteTemplate(w, name, v); err != nil {
		s.Log.Error("render", "id", RequestID(r.Context()), "page", name, "err", err)
	}
}

// portalError shows an error as a portal page, in the viewer's language
// (the error's detail is the service's, in English).
func (s *Server) portalError(w http.ResponseWriter, r *http.Request, l locale, err error) {
	status, _, detail := s.status(r, err)
	s.portalRender(w, r, status, "portal-error", l, view{Title: l.T(http.StatusText(status)), Error: detail}, nil)
}

// portalHome lists the organisation's requests: those the authority sent
// it, and its own.
func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) {
	l := s.portalLocale(w, r)
	if err := portalOnly(r); err != nil {
		s.portalError(w, r, l, err)
		return
	}
	qs, err := s.Cooperation.List(r.Context(), cooperation.Filter{Limit: 1000})
	if err != nil {
		s.portalError(w, r, l, err)
		return
	}
	var toYou, fromYou []warden.Request
	for _, q := range qs {
		if q.Direction == warden.Outgoing {
			toYou = append(toYou, q)
		} else {
			fromYou = append(fromYou, q)
		}
	}
	now := s.now()
	s.portalRender(w, r, http.StatusOK, "portal", l, view{Title: l.T("Cooperation requests"), Nav: "portal"},
		map[string]any{"ToYou": requestRows(toYou, now), "FromYou": requestRows(fromYou, now)})
}

// portalFormView shows the counterpart's request form as typed, with the
// error and the field it names.
func (s *Server) portalFormView(w http.ResponseWriter, r *http.Request, l locale, status int, f tcyForm, err error) {
	v := view{Title: l.T("New request"), Nav: "portal-new"}
	bad := ""
	if err != nil {
		status, _, v.Error = s.status(r, err)
		bad = markBad(&f, err)
	}
	s.portalRender(w, r, status, "portal-new", l, v, formData(f, bad, "/portal/requests/new", l.Zone.String(), true))
}

func (s *Server) portalNewPage(w http.ResponseWriter, r *http.Request) {
	l := s.portalLocale(w, r)
	if err := portalOnly(r); err != nil {
		s.portalError(w, r, l, err)
		return
	}
	f := newRequestForm()
	f.Requesting.TimeZone = l.Zone.String()
	s.portalFormView(w, r, l, http.StatusOK, f, nil)
}

// portalNewForm drafts the counterpart's own request to the authority.
func (s *Server) portalNewForm(w http.ResponseWriter, r *http.Request) {
	l := s.portalLocale(w, r)
	if err := portalOnly(r); err != nil {
		s.portalError(w, r, l, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	f := readRequestForm(r)
	in, err := f.input(l.Zone)
	var q warden.Request
	if err == nil {
		p, _ := warden.PrincipalFrom(r.Context())
		in.Counterpart, in.Links = p.Org, nil
		in.Requesting.Org, in.Requested.Org = p.Org, warden.HomeOrg
		q, err = s.Cooperation.Create(r.Context(), in)
	}
	if err != nil {
		s.portalFormView(w, r, l, http.StatusBadRequest, f, err)
		return
	}
	goTo(w, r, fmt.Sprintf("/portal/requests/%d", q.ID))
}

func (s *Server) portalRequestPage(w http.ResponseWriter, r *http.Request) {
	l := s.portalLocale(w, r)
	id, err := requestID(r)
	if err == nil {
		err = portalOnly(r)
	}
	if err != nil {
		s.portalError(w, r, l, err)
		return
	}
	s.portalRequestView(w, r, l, http.StatusOK, id, "", nil)
}

// portalRequestView shows request id in the portal, with a flash or the
// error of a refused form.
func (s *Server) portalRequestView(w http.ResponseWriter, r *http.Request, l locale, status int, id int64, flash string, ferr error) {
	data, err := s.requestData(r, id, "/portal/requests", true, l.Zone.String())
	if err != nil {
		s.portalError(w, r, l, err)
		return
	}
	v := view{Title: l.T("Request %s", data["R"].(warden.Request).Reference), Nav: "portal", Flash: flash}
	if ferr != nil {
		status, _, v.Error = s.status(r, ferr)
		status = formFailed(r, status)
	}
	s.portalRender(w, r, status, "portal-request", l, v, data)
}

// portalActionForm does what a form of the portal's request page says;
// an extension's date is read in the viewer's zone.
func (s *Server) portalActionForm(w http.ResponseWriter, r *http.Request) {
	l := s.portalLocale(w, r)
	id, err := requestID(r)
	if err == nil {
		err = portalOnly(r)
	}
	if err != nil {
		s.portalError(w, r, l, err)
		return
	}
	msg, err := s.requestAction(w, r, id, l.Zone)
	if err != nil {
		s.portalRequestView(w, r, l, http.StatusBadRequest, id, "", err)
		return
	}
	s.portalRequestView(w, r, l, http.StatusOK, id, msg.say(l.p.Sprintf), nil)
}

// portalReviewForm rates the authority's answer to the counterpart's
// request, or responds to the rating of the counterpart's answer.
func (s *Server) portalReviewForm(w http.ResponseWriter, r *http.Request) {
	l := s.portalLocale(w, r)
	id, err := requestID(r)
	if err == nil {
		err = portalOnly(r)
	}
	if err != nil {
		s.portalError(w, r, l, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	msg, err := s.reviewAction(r, id)
	if err != nil {
		s.portalRequestView(w, r, l, http.StatusBadRequest, id, "", err)
		return
	}
	s.portalRequestView(w, r, l, http.StatusOK, id, msg.say(l.p.Sprintf), nil)
}

// portalAttachment sends an attachment of one of the organisation's
// requests.
func (s *Server) portalAttachment(w http.ResponseWriter, r *http.Request) {
	l := s.portalLocale(w, r)
	if err := portalOnly(r); err != nil {
		s.portalError(w, r, l, err)
		return
	}
	s.sendAttachment(w, r, func(err error) { s.portalError(w, r, l, err) })
}
