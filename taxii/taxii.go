// Package taxii speaks TAXII 2.1 (OASIS, 2021): the resources a server
// answers (discovery, API root, collections, envelopes, manifests,
// versions, status, errors) and a client of a partner's API root, which
// Warden pulls intelligence from and pushes it to. Warden's own server
// (web/taxii.go) writes the same types, so that the two ends agree.
package taxii

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"warden"
)

// MediaType is TAXII 2.1's media type: every request and answer carries
// it.
const MediaType = "application/taxii+json;version=2.1"

// MediaSTIX is the media type of the STIX 2.1 objects a collection holds.
const MediaSTIX = "application/stix+json;version=2.1"

// MaxResponse is the most a client reads of one answer: a page of a
// partner's collection larger than a STIX bundle Warden imports is
// refused rather than read into memory.
const MaxResponse = 64 << 20

// maxErrorBody is the most read of an error answer.
const maxErrorBody = 64 << 10

// TimeLayout is how TAXII timestamps (added_after, date_added, the
// X-TAXII-Date-Added headers) are written: UTC with microseconds, so that
// a client resuming from the last date_added skips no object stored in the
// same millisecond.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Timestamp writes t as TAXII does.
func Timestamp(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a TAXII timestamp (RFC 3339, any precision).
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, warden.Errorf(warden.EINVALID, "timestamp: %q is not an RFC 3339 time", s)
	}
	return t.UTC(), nil
}

// Discovery is the server's discovery resource (GET /taxii2/).
type Discovery struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Contact     string   `json:"contact,omitempty"`
	Default     string   `json:"default,omitempty"`
	APIRoots    []string `json:"api_roots"`
}

// APIRoot describes an API root: what versions it speaks and the largest
// request it takes.
type APIRoot struct {
	Title            string   `json:"title"`
	Description      string   `json:"description,omitempty"`
	Versions         []string `json:"versions"`
	MaxContentLength int64    `json:"max_content_length"`
}

// Collection is a collection as TAXII describes it: whether the caller may
// read it and write to it.
type Collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Alias       string   `json:"alias,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types,omitempty"`
}

// Collections is the list of collections the caller may know of.
type Collections struct {
	Collections []Collection `json:"collections,omitempty"`
}

// Envelope carries objects: a page of a collection, or what a client
// posts.
type Envelope struct {
	More    bool              `json:"more,omitempty"`
	Next    string            `json:"next,omitempty"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

// ManifestRecord is one version of one object in a collection.
type ManifestRecord struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type,omitempty"`
}

// Manifest is a page of a collection's manifest.
type Manifest struct {
	More    bool             `json:"more,omitempty"`
	Next    string           `json:"next,omitempty"`
	Objects []ManifestRecord `json:"objects,omitempty"`
}

// Versions lists the versions (modified timestamps) of one object.
type Versions struct {
	More     bool     `json:"more,omitempty"`
	Next     string   `json:"next,omitempty"`
	Versions []string `json:"versions,omitempty"`
}

// StatusDetail is one object of a posted envelope: stored, failed or
// pending.
type StatusDetail struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Message string `json:"message,omitempty"`
}

// Status is what became of a posted envelope.
type Status struct {
	ID               string         `json:"id"`
	Status           string         `json:"status"` // complete or pending
	RequestTimestamp string         `json:"request_timestamp,omitempty"`
	TotalCount       int            `json:"total_count"`
	SuccessCount     int            `json:"success_count"`
	Successes        []StatusDetail `json:"successes,omitempty"`
	FailureCount     int            `json:"failure_count"`
	Failures         []StatusDetail `json:"failures,omitempty"`
	PendingCount     int            `json:"pending_count"`
	Pendings         []StatusDetail `json:"pendings,omitempty"`
}

// Error is a TAXII error message: what a server answers instead of a
// resource.
type Error struct {
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	ErrorID     string            `json:"error_id,omitempty"`
	ErrorCode   string            `json:"error_code,omitempty"`
	HTTPStatus  string            `json:"http_status,omitempty"`
	Details     map[string]string `json:"details,omitempty"`
}

// Query selects objects of a collection: those added after AddedAfter,
// at most Limit (the server's default if 0), from the page Next names,
// filtered by the match[...] parameters.
type Query struct {
	AddedAfter   time.Time
	Limit        int
	Next         string
	IDs          []string // match[id]
	Types        []string // match[type]
	Versions     string   // match[version]: last (the server's default), first, all, or modified timestamps comma-separated
	SpecVersions []string // match[spec_version]
}

// values writes q as a query string.
func (q Query) values() url.Values {
	v := url.Values{}
	if !q.AddedAfter.IsZero() {
		v.Set("added_after", Timestamp(q.AddedAfter))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Next != "" {
		v.Set("next", q.Next)
	}
	if len(q.IDs) > 0 {
		v.Set("match[id]", strings.Join(q.IDs, ","))
	}
	if len(q.Types) > 0 {
		v.Set("match[type]", strings.Join(q.Types, ","))
	}
	if q.Versions != "" {
		v.Set("match[version]", q.Versions)
	}
	if len(q.SpecVersions) > 0 {
		v.Set("match[spec_version]", strings.Join(q.SpecVersions, ","))
	}
	return v
}

// Page is an envelope of a collection with the dates its objects were
// added, first and last (the X-TAXII-Date-Added-First and -Last headers;
// zero when the server gave none): a client resumes from Last.
type Page struct {
	Envelope
	First, Last time.Time
}

// Client talks to one API root of a TAXII 2.1 server.
type Client struct {
	// BaseURL is the API root, such as https://partner.example/taxii2/api/.
	BaseURL string
	// Token is sent as a bearer token, if set.
	Token string
	// HTTP sends the requests; http.DefaultClient if nil.
	HTTP *http.Client
	// MaxResponse is the most read of one answer; the package's
	// MaxResponse if 0.
	MaxResponse int64
}

// Collections lists the collections the caller may know of.
func (c *Client) Collections(ctx context.Context) ([]Collection, error) {
	var cs Collections
	_, err := c.do(ctx, "GET", c.url("collections/"), nil, &cs)
	return cs.Collections, err
}

// Objects reads a page of a collection's objects.
func (c *Client) Objects(ctx context.Context, collection string, q Query) (Page, error) {
	var p Page
	h, err := c.do(ctx, "GET", c.url("collections/"+url.PathEscape(collection)+"/objects/")+query(q.values()), nil, &p.Envelope)
	if err != nil {
		return p, err
	}
	if p.First, err = dateHeader(h, "X-TAXII-Date-Added-First"); err != nil {
		return p, err
	}
	p.Last, err = dateHeader(h, "X-TAXII-Date-Added-Last")
	return p, err
}

// Object reads the versions of one object that q selects (the last one by
// default).
func (c *Client) Object(ctx context.Context, collection, id string, q Query) (Envelope, error) {
	var e Envelope
	_, err := c.do(ctx, "GET", c.url("collections/"+url.PathEscape(collection)+"/objects/"+url.PathEscape(id)+"/")+query(q.values()), nil, &e)
	return e, err
}

// Versions lists the versions of one object.
func (c *Client) Versions(ctx context.Context, collection, id string) (Versions, error) {
	var v Versions
	_, err := c.do(ctx, "GET", c.url("collections/"+url.PathEscape(collection)+"/objects/"+url.PathEscape(id)+"/versions/"), nil, &v)
	return v, err
}

// AddObjects posts an envelope to a collection and returns the status the
// server answers with.
func (c *Client) AddObjects(ctx context.Context, collection string, e Envelope) (Status, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return Status{}, fmt.Errorf("taxii: envelope: %w", err)
	}
	var s Status
	_, err = c.do(ctx, "POST", c.url("collections/"+url.PathEscape(collection)+"/objects/"), body, &s)
	return s, err
}

// Status reads the status of a posted envelope.
func (c *Client) Status(ctx context.Context, id string) (Status, error) {
	var s Status
	_, err := c.do(ctx, "GET", c.url("status/"+url.PathEscape(id)+"/"), nil, &s)
	return s, err
}

func (c *Client) url(rel string) string {
	return strings.TrimSuffix(c.BaseURL, "/") + "/" + rel
}

func query(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func dateHeader(h http.Header, name string) (time.Time, error) {
	v := h.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := ParseTime(v)
	if err != nil {
		return t, warden.Errorf(warden.EINVALID, "%s: the server sent %q, not an RFC 3339 time", name, v)
	}
	return t, nil
}

// do sends one request and decodes the answer into out (nil: none
// expected). An answer other than 2xx is an error carrying the server's
// TAXII error title and description, with the code its status maps to.
func (c *Client) do(ctx context.Context, method, u string, body []byte, out any) (http.Header, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "url: %v", err)
	}
	req.Header.Set("Accept", MediaType)
	if body != nil {
		req.Header.Set("Content-Type", MediaType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, warden.Errorf(warden.EUNAVAILABLE, "taxii: %s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.Header, serverError(method, u, resp)
	}
	if out == nil {
		return resp.Header, nil
	}
	limit := c.MaxResponse
	if limit <= 0 {
		limit = MaxResponse
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return resp.Header, warden.Errorf(warden.EUNAVAILABLE, "taxii: %s %s: reading the answer: %v", method, u, err)
	}
	if int64(len(b)) > limit {
		return resp.Header, warden.Errorf(warden.ETOOLARGE, "taxii: %s %s: the answer is larger than %d bytes", method, u, limit)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return resp.Header, warden.Errorf(warden.EINVALID, "taxii: %s %s: the answer is not a TAXII resource: %v", method, u, err)
	}
	return resp.Header, nil
}

// statusCodes maps a server's HTTP status to Warden's error codes.
var statusCodes = map[int]string{
	http.StatusBadRequest:            warden.EINVALID,
	http.StatusUnauthorized:          warden.EUNAUTHORIZED,
	http.StatusForbidden:             warden.EFORBIDDEN,
	http.StatusNotFound:              warden.ENOTFOUND,
	http.StatusNotAcceptable:         warden.EINVALID,
	http.StatusRequestEntityTooLarge: warden.ETOOLARGE,
	http.StatusUnsupportedMediaType:  warden.EINVALID,
	http.StatusTooManyRequests:       warden.ERATELIMITED,
}

func serverError(method, u string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	// A TAXII error message says why in its description; a server that
	// answers RFC 9457 problem+json, in its detail; another, in text.
	var e struct{ Title, Description, Detail string }
	var msg string
	if json.Unmarshal(b, &e) == nil && (e.Title != "" || e.Detail != "") {
		msg = e.Title
		if why := e.Description + e.Detail; why != "" {
			msg = strings.TrimPrefix(msg+": "+why, ": ")
		}
	} else {
		msg = strings.TrimSpace(string(b))
		if len(msg) > 200 {
			msg = msg[:200]
		}
	}
	code, ok := statusCodes[resp.StatusCode]
	if !ok {
		code = warden.EUNAVAILABLE
	}
	return warden.Errorf(code, "taxii: %s %s: %s: %s", method, u, resp.Status, msg)
}
