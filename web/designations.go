package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"warden"
	"warden/designation"
)

// designationRequest is the body of POST /v1/designations: the designation
// and whether to propose it at once (sanctions officers) or keep it a
// draft.
type designationRequest struct {
	designation.Input
	PublishAt *publishAt `json:"publish_at,omitempty"`
	Propose   bool       `json:"propose,omitempty"`
}

// publishAt is the publish_at of a request: an RFC 3339 time, refused in
// the client's terms rather than the time package's.
type publishAt time.Time

// UnmarshalJSON reads an RFC 3339 time.
func (p *publishAt) UnmarshalJSON(b []byte) error {
	var t time.Time
	if err := t.UnmarshalJSON(b); err != nil {
		return warden.Errorf(warden.EINVALID, "publish_at must be an RFC 3339 time such as 2026-12-01T09:00:00Z")
	}
	*p = publishAt(t)
	return nil
}

// time is the time p holds; nil if there is none.
func (p *publishAt) time() *time.Time {
	if p == nil {
		return nil
	}
	t := time.Time(*p)
	return &t
}

func (s *Server) createDesignation(w http.ResponseWriter, r *http.Request) {
	var req designationRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	req.Input.PublishAt = req.PublishAt.time()
	d, err := s.Designations.Create(r.Context(), req.Input, req.Propose)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func (s *Server) designations(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Designations.List(r.Context(), warden.DesignationStatus(r.URL.Query().Get("status")))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"designations": ds})
}

// designationID reads the {id} path value.
func designationID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, warden.Errorf(warden.EINVALID, "designation id must be an integer")
	}
	return id, nil
}

func (s *Server) designation(w http.ResponseWriter, r *http.Request) {
	id, err := designationID(r)
	if err == nil {
		var d warden.Designation
		if d, err = s.Designations.Get(r.Context(), id); err == nil {
			writeJSON(w, http.StatusOK, d)
			return
		}
	}
	s.Error(w, r, err)
}

func (s *Server) proposeDesignation(w http.ResponseWriter, r *http.Request) {
	id, err := designationID(r)
	if err == nil {
		var d warden.Designation
		if d, err = s.Designations.Propose(r.Context(), id); err == nil {
			writeJSON(w, http.StatusOK, d)
			return
		}
	}
	s.Error(w, r, err)
}

func (s *Server) decideDesignation(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, reason, err := idAndReason(w, r, "designation")
		if err == nil {
			var d warden.Designation
			if d, err = s.Designations.Decide(r.Context(), id, approve, reason); err == nil {
				writeJSON(w, http.StatusOK, d)
				return
			}
		}
		s.Error(w, r, err)
	}
}

func (s *Server) amendDesignation(w http.ResponseWriter, r *http.Request) {
	id, err := designationID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req struct {
		designation.Input
		PublishAt *publishAt `json:"publish_at,omitempty"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	req.Input.PublishAt = req.PublishAt.time()
	d, err := s.Designations.Amend(r.Context(), id, req.Input)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func (s *Server) delistDesignation(w http.ResponseWriter, r *http.Request) {
	id, err := designationID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var req struct {
		Reason    string     `json:"reason"`
		PublishAt *publishAt `json:"publish_at,omitempty"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.Designations.Delist(r.Context(), id, req.Reason, req.PublishAt.time())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

// addEvidence takes one file, the multipart/form-data part named file. A
// file over the service's limit is a 400 (its bytes up to a margin over
// the limit are read and dropped, so that the client reads the answer); a
// body far beyond it is cut (413).
func (s *Server) addEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := designationID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	name, data, err := readFilePart(w, r, s.Designations.MaxEvidence, "evidence")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e, err := s.Designations.AddEvidence(r.Context(), id, name, data)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// readFilePart reads the multipart/form-data part named file of an upload
// (what names the upload in errors: "evidence", "an attachment"), at most
// max bytes and one more, so that the service refuses a larger file as a
// 400 naming its limit: the bytes up to a margin over the limit are read
// and dropped, so that the client reads the answer; a body far beyond it
// is cut (413).
func readFilePart(w http.ResponseWriter, r *http.Request, max int64, what string) (name string, data []byte, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, warden.Errorf(warden.EINVALID, "%s must be sent as multipart/form-data with a part named file", what)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, warden.Errorf(warden.EINVALID, "no part named file")
		}
		if err != nil {
			return "", nil, bodyError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, max+1))
		if err != nil {
			return "", nil, bodyError(err)
		}
		if int64(len(data)) > max {
			io.Copy(io.Discard, r.Body) // up to the MaxBytesReader's margin
		}
		return part.FileName(), data, nil
	}
}

// evidenceFile serves an evidence file for download: with the media type
// it was stored under (sniffed from its content when it was added), never
// shown in place (attachment) nor re-typed by a browser (nosniff), its
// SHA-256 as the ETag so that a reader can check what it got against the
// designation's record.
func (s *Server) evidenceFile(w http.ResponseWriter, r *http.Request) {
	id, err := designationID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	eid, err := strconv.ParseInt(r.PathValue("eid"), 10, 64)
	if err != nil {
		s.Error(w, r, warden.Errorf(warden.EINVALID, "evidence id must be an integer"))
		return
	}
	e, data, err := s.Designations.EvidenceFile(r.Context(), id, eid)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	serveFile(w, r, e.Name, e.MediaType, e.SHA256, e.AddedAt, data)
}

// serveFile writes a stored file (designation evidence, a request's
// attachment) for download: its stored media type, as an attachment
// under its name, never re-typed by a browser (nosniff), its SHA-256 as
// the ETag, so that a file is neither shown in place nor fetched twice.
func serveFile(w http.ResponseWriter, r *http.Request, name, mediaType, sha256 string, at time.Time, data []byte) {
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", `"`+sha256+`"`)
	http.ServeContent(w, r, "", at, bytes.NewReader(data))
}

// bodyError is a body that could not be read: too large (413) or
// malformed (400).
func bodyError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return warden.Errorf(warden.ETOOLARGE, "the body is over %d bytes", mb.Limit)
	}
	return warden.Errorf(warden.EINVALID, "the multipart body is malformed")
}
