package intel

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"

	"warden"
	"warden/stix"
	"warden/store"
	"warden/taxii"
)

// Feed is a partner's TAXII 2.1 collection Warden pulls from
// periodically (another Warden, OpenCTI, MISP, a commercial exchange),
// resuming from the partner's date_added of the last object it pulled.
// Its token is taken on input and kept for the pulls, never shown:
// MarshalJSON leaves it out.
type Feed store.Feed

// MarshalJSON writes the feed without its token.
func (f Feed) MarshalJSON() ([]byte, error) {
	f.Token = ""
	return json.Marshal(store.Feed(f))
}

// Limits of a feed's fields, and of a pull.
const (
	maxFeedURL = 2000
	// pullPage is how many objects a pull asks the partner for at once:
	// each page is one import (one transaction).
	pullPage = 1000
	// maxPullPages bounds one pull; the next pull goes on from just
	// before the last instant it received.
	maxPullPages = 1000
)

var feedName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// partnerTimeout bounds a request to a partner: one that does not answer
// in time fails the pull, which the next period tries again.
const partnerTimeout = 2 * time.Minute

// partnerClient is the HTTP client of one pull or push, with the
// recorder of what its partner answered. It follows no redirect: the
// token goes only to the URL configured.
func partnerClient() (*http.Client, *statusRecorder) {
	rec := &statusRecorder{base: http.DefaultTransport}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &http.Client{Timeout: partnerTimeout, CheckRedirect: noRedirect, Transport: rec}, rec
}

// statusRecorder is a transport that keeps the HTTP status of the last
// answer: a partner's refusal is told by it, and only it.
type statusRecorder struct {
	base     http.RoundTripper
	code     int
	location string // of a redirect
}

// partnerError is err, from a pull or push, as Warden tells it: when the
// partner did not answer, or answered other than 2xx, EINVALID naming url
// and the status, never the partner's own words (they are not Warden's
// to show, and its 401 or 404 is not the caller's); otherwise err.
func (r *statusRecorder) partnerError(err error) error {
	switch {
	case r.code == 0:
		return warden.Errorf(warden.EINVALID, "url: the partner did not answer")
	case r.code >= 300 && r.code <= 399:
		return warden.Errorf(warden.EINVALID, "url: the partner answered HTTP %d, a redirect to %.200q, which is not followed (the token goes only to the URL configured)", r.code, r.location)
	case r.code < 200 || r.code > 299:
		return warden.Errorf(warden.EINVALID, "url: the partner answered HTTP %d", r.code)
	}
	return err
}

// RoundTrip sends req and keeps the status (and location) of the answer.
func (r *statusRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if resp != nil {
		r.code, r.location = resp.StatusCode, resp.Header.Get("Location")
	}
	return resp, err
}

// AddFeed configures a partner's collection to pull (intel.manage). The
// name (lower-case letters, digits, . _ -; at most 64) names the feed and
// the source of what it imports ("taxii:NAME"); URL is the partner's API
// root (https, or http to this machine only); TLP marks the objects that
// arrive without a TLP marking (AMBER when empty).
func (s *Service) AddFeed(ctx context.Context, f Feed) (Feed, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelManage)
	if err != nil {
		return Feed{}, err
	}
	if !feedName.MatchString(f.Name) {
		return Feed{}, warden.Errorf(warden.EINVALID, "name: %q is not 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", f.Name)
	}
	if err := checkAPIRoot(f.URL); err != nil {
		return Feed{}, err
	}
	if err := checkCollectionID(f.Collection); err != nil {
		return Feed{}, err
	}
	if err := warden.CheckText(warden.TextID, "token", f.Token, 4096); err != nil {
		return Feed{}, err
	}
	if f.TLP == "" {
		f.TLP = warden.TLPAmber
	}
	if f.TLP, err = warden.ParseTLP(string(f.TLP)); err != nil {
		return Feed{}, err
	}
	out := Feed{Name: f.Name, URL: f.URL, Collection: f.Collection, Token: f.Token, TLP: f.TLP, CreatedBy: p.Name, CreatedAt: s.now()}
	ev := warden.NewAuditEvent(ctx, "intel.feed.add", "feed:"+f.Name, "", map[string]any{"url": f.URL, "collection": f.Collection, "tlp": f.TLP})
	if err := s.DB.AddFeed(ctx, store.Feed(out), ev); err != nil {
		return Feed{}, err
	}
	out.Token = ""
	return out, nil
}

// Feeds lists the configured feeds (intel.manage), without their tokens.
func (s *Service) Feeds(ctx context.Context) ([]Feed, error) {
	if _, err := warden.Authorize(ctx, warden.ActIntelManage); err != nil {
		return nil, err
	}
	fs, err := s.DB.Feeds(ctx)
	out := make([]Feed, len(fs))
	for i, f := range fs {
		out[i] = Feed(f)
	}
	return out, err
}

// RemoveFeed stops pulling a feed (intel.manage); what it imported stays.
func (s *Service) RemoveFeed(ctx context.Context, name string) error {
	if _, err := warden.Authorize(ctx, warden.ActIntelManage); err != nil {
		return err
	}
	return s.DB.RemoveFeed(ctx, name, warden.NewAuditEvent(ctx, "intel.feed.remove", "feed:"+name, "", nil))
}

// Pull pulls a feed once (intel.write; the periodic job acts as the
// operator): the partner's objects added after the feed's added_after,
// page by page, each page one import. A page is imported leniently
// (SkipInvalid): one malformed object of a partner's would otherwise
// stop the feed for good, every pull asking again for the page that
// holds it; it is kept out, reported in Errors, and named in the feed's
// last_error, with the instants a date-only partner may have lost
// objects of (see PullFrom), while the pull goes on. The feed's added_after moves on
// only when the pull received every page: objects added at the same
// instant may straddle two pages, so a pull that stopped half-way (the
// partner failed on a later page) keeps the old position, says so, and
// the next pull asks again from it (what was stored is then unchanged).
// A pull that reached its limit of pages moves it to just before the
// last instant received, which the next pull asks again. A failure is
// recorded on the feed (last_error) and returned; what earlier pages
// stored stays. The report sums the pages' (its ID is the last page's
// import).
func (s *Service) Pull(ctx context.Context, feed string) (warden.IntelImport, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelWrite)
	if err != nil {
		return warden.IntelImport{}, err
	}
	f, err := s.DB.FeedToken(ctx, feed)
	if err != nil {
		return warden.IntelImport{}, err
	}
	if err := checkAPIRoot(f.URL); err != nil { // a feed configured before the rules
		return warden.IntelImport{}, err
	}
	hc, rec := partnerClient()
	c := &taxii.Client{BaseURL: f.URL, Token: f.Token, HTTP: hc}
	var pos time.Time // where the next pull may resume, losing nothing
	pulled := 0
	sum, err := s.PullFrom(ctx, c, f.Collection, f.AddedAfter, ImportOptions{Source: "taxii:" + f.Name, DefaultTLP: f.TLP, SkipInvalid: true},
		func(last time.Time, n int) error {
			pos, pulled = exportLater(pos, last), pulled+n
			return nil
		})
	if err != nil {
		// The feed's last error, which only intel.manage reads, keeps the
		// partner's words for the diagnosis; the caller is told the status.
		failure := warden.ErrorMessage(err)
		if sum.Total > 0 {
			failure = fmt.Sprintf("stopped half-way, after %d objects; the next pull asks again from the same position: %s", sum.Total, failure)
		}
		if rerr := s.DB.RecordPull(ctx, f.Name, s.now(), time.Time{}, pulled, failure); rerr != nil {
			return sum, rerr
		}
		err = rec.partnerError(err)
		if sum.Total > 0 {
			err = warden.Errorf(warden.ErrorCode(err), "%s; the pull stopped half-way, after %d objects, and the feed keeps its position: the next pull asks again from it",
				warden.ErrorMessage(err), sum.Total)
		}
		return sum, err
	}
	if err := s.DB.RecordPull(ctx, f.Name, s.now(), pos, pulled, notStored(sum.Errors)); err != nil {
		return sum, err
	}
	sum.Actor = p.Name
	return sum, nil
}

// PullFrom pulls a collection through c, from the objects added after
// after (all if zero), importing each page with opt (intel.write, as
// Import); after each page stored, done is called with how many objects
// it had and the position a later pull may resume after (exclusive)
// without losing any: the page's last date_added once every page was
// received, else the instant just before it, since objects added at that
// same instant may be on the pages to come. The CLI's pull without a
// feed calls it with its own client: its URL is held to the feeds' rules
// (https, or http to this machine), and one without an HTTP client of
// its own gets the feeds' (no redirect followed, so that the token goes
// only to that URL).
func (s *Service) PullFrom(ctx context.Context, c *taxii.Client, collection string, after time.Time, opt ImportOptions, done func(last time.Time, n int) error) (warden.IntelImport, error) {
	if err := checkAPIRoot(c.BaseURL); err != nil {
		return warden.IntelImport{}, err
	}
	if c.HTTP == nil {
		c.HTTP, _ = partnerClient()
	}
	sum := warden.IntelImport{Source: opt.Source, At: s.now()}
	q := taxii.Query{AddedAfter: after, Limit: pullPage}
	for range maxPullPages {
		page, err := c.Objects(ctx, collection, q)
		if err != nil {
			return sum, err
		}
		if len(page.Objects) > 0 {
			body, err := json.Marshal(taxii.Envelope{Objects: page.Objects})
			if err != nil {
				return sum, warden.Errorf(warden.EINTERNAL, "pull: envelope: %w", err)
			}
			rep, err := s.Import(ctx, bytes.NewReader(body), opt)
			if err != nil {
				return sum, err
			}
			addReport(&sum, rep)
		}
		if done != nil && (len(page.Objects) > 0 || !page.Last.IsZero()) {
			pos := page.Last
			if page.More {
				pos = before(pos)
			}
			if err := done(pos, len(page.Objects)); err != nil {
				return sum, err
			}
		}
		switch {
		case !page.More:
			return sum, nil
		case page.Next != "":
			q.Next = page.Next
		case !page.Last.IsZero() && before(page.Last).After(q.AddedAfter):
			// A server that pages by date only: go on from just before
			// this page's last instant, whose other objects may be on
			// the next page (those received come back unchanged).
			q.AddedAfter = before(page.Last)
		case !page.Last.IsZero() && page.Last.After(q.AddedAfter):
			// The whole page is one instant: asking again from before
			// it would give the same page for ever. Go on after it, and
			// say that the rest of that instant may be missing.
			sum.Errors = append(sum.Errors, warden.ObjectProblem{Object: lastID(page.Objects),
				Message: fmt.Sprintf("the partner added more objects at %s than a page holds and pages by date only: those after this one were not received", page.Last.UTC().Format(time.RFC3339Nano))})
			q.AddedAfter = page.Last
		default:
			return sum, warden.Errorf(warden.EINVALID, "pull: the server says there is more but gives neither next nor a later X-TAXII-Date-Added-Last")
		}
	}
	return sum, nil
}

// lastID is the id of the last of objs.
func lastID(objs []json.RawMessage) string {
	var o struct{ ID string }
	if len(objs) > 0 {
		json.Unmarshal(objs[len(objs)-1], &o)
	}
	return o.ID
}

// notStored is what a feed's last_error says of a pull that stored
// what it could: the objects it kept out (invalid) or may have missed,
// the first three named; "" for none.
func notStored(ps []warden.ObjectProblem) string {
	if len(ps) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d objects not stored, the rest of the pull stored: ", len(ps))
	for i, p := range ps[:min(len(ps), 3)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(cmp.Or(p.Object, "(no id)"))
		if p.Path != "" {
			b.WriteString(" at " + p.Path)
		}
		b.WriteString(": " + p.Message)
	}
	if len(ps) > 3 {
		fmt.Fprintf(&b, "; and %d more (see the pull's import reports)", len(ps)-3)
	}
	return b.String()
}

// before is the instant just before t (zero for zero): resuming after it
// asks again for what was added at t.
func before(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(-time.Microsecond)
}

// addReport adds an import's counts to a pull's.
func addReport(sum *warden.IntelImport, rep warden.IntelImport) {
	sum.ID, sum.Actor = rep.ID, rep.Actor
	sum.Total += rep.Total
	sum.Added += rep.Added
	sum.Versions += rep.Versions
	sum.Unchanged += rep.Unchanged
	sum.Opaque = append(sum.Opaque, rep.Opaque...)
	sum.Patterns = append(sum.Patterns, rep.Patterns...)
	sum.Skipped = append(sum.Skipped, rep.Skipped...)
	sum.Errors = append(sum.Errors, rep.Errors...)
	sum.Successes = append(sum.Successes, rep.Successes...)
}

// Push sends a selection to a partner's TAXII collection (intel.share):
// the bundle Export writes of sel as the partner organisation sel.For
// (required) may see it, less every RED object (RED never leaves Warden,
// whoever asks), posted as one envelope to the API root apiRoot's
// collection with token. What a counterpart of sel.For sees is what
// goes: CLEAR and GREEN, AMBER and AMBER+STRICT only when shared with
// that organisation (AMBER+STRICT, whose holder may not pass it on,
// goes only to the organisation it is shared with, never to another
// with a share of its own).
//
// Every attempt is audited before anything is sent (intel.push: the
// partner, the count and the first 100 ids), and its outcome after
// (intel.push.outcome), a failure too. A partner that refuses is
// EINVALID naming url and the HTTP status it answered, never what it
// said: its answer is not Warden's to show, and a partner's 401 is not
// the caller's. It returns the status the partner answered
// ("complete", or "pending" for a partner that stores later).
func (s *Service) Push(ctx context.Context, apiRoot, collection, token string, sel Selection) (string, error) {
	if _, err := warden.Authorize(ctx, warden.ActIntelShare); err != nil {
		return "", err
	}
	if err := checkAPIRoot(apiRoot); err != nil {
		return "", err
	}
	if err := checkCollectionID(collection); err != nil {
		return "", err
	}
	if sel.For == "" {
		return "", warden.Errorf(warden.EINVALID, "for: required: the partner's organisation, which what is pushed is shared with")
	}
	sel.NoRed = true // and relationships to RED objects; notRed checks again
	bundle, _, err := s.Export(ctx, sel)
	if err != nil {
		return "", err
	}
	objs, err := notRed(bundle)
	if err != nil {
		return "", err
	}
	var ids []string
	for _, o := range objs {
		var x struct{ Type, ID string }
		json.Unmarshal(o, &x)
		if x.Type != "marking-definition" {
			ids = append(ids, x.ID)
		}
	}
	if len(ids) == 0 {
		return "", warden.Errorf(warden.EINVALID, "selection: nothing to push (nothing visible to %s, or only RED objects)", sel.For)
	}
	target := "taxii:" + apiRoot
	detail := map[string]any{"collection": collection, "for": sel.For, "objects": len(ids), "ids": ids[:min(len(ids), maxAuditIDs)]}
	if err := s.DB.Audit(ctx, warden.NewAuditEvent(ctx, "intel.push", target, "", detail)); err != nil {
		return "", err
	}
	hc, rec := partnerClient()
	c := &taxii.Client{BaseURL: apiRoot, Token: token, HTTP: hc}
	st, err := c.AddObjects(ctx, collection, taxii.Envelope{Objects: objs})
	outcome := map[string]any{"collection": collection, "for": sel.For, "objects": len(ids), "http_status": rec.code}
	if err != nil {
		if err = rec.partnerError(err); rec.code >= 200 && rec.code <= 299 {
			err = warden.Errorf(warden.EINVALID, "url: the partner's answer (HTTP %d) is not a TAXII status", rec.code)
		}
		outcome["error"] = warden.ErrorMessage(err)
	} else {
		if st.Status != "complete" && st.Status != "pending" {
			st.Status = "unknown"
		}
		outcome["state"], outcome["successes"], outcome["failures"] = st.Status, st.SuccessCount, st.FailureCount
	}
	if aerr := s.DB.Audit(ctx, warden.NewAuditEvent(ctx, "intel.push.outcome", target, "", outcome)); aerr != nil && err == nil {
		err = aerr
	}
	if err != nil {
		return "", err
	}
	return st.Status, nil
}

// maxAuditIDs is how many ids an audit event names; it counts them all.
const maxAuditIDs = 100

// notRed returns the objects of a bundle less those marked RED, and less
// the marking definitions no object left uses (the RED one among them).
func notRed(bundle []byte) ([]json.RawMessage, error) {
	var b struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(bundle, &b); err != nil {
		return nil, warden.Errorf(warden.EINTERNAL, "push: the export is not a bundle: %w", err)
	}
	used := map[string]bool{}
	var kept []json.RawMessage
	for _, o := range b.Objects {
		var m struct {
			Markings []string `json:"object_marking_refs"`
		}
		if IsRed(o) || json.Unmarshal(o, &m) != nil {
			continue
		}
		for _, id := range m.Markings {
			used[id] = true
		}
		kept = append(kept, o)
	}
	out := kept[:0]
	for _, o := range kept {
		var x struct{ Type, ID string }
		json.Unmarshal(o, &x)
		if x.Type != "marking-definition" || used[x.ID] {
			out = append(out, o)
		}
	}
	return out, nil
}

// IsRed reports whether a STIX object is marked TLP:RED (1.0 or 2.0), or
// cannot be read to tell: what must never leave Warden. The TAXII server
// checks every object it writes with it, whatever the service returned.
func IsRed(raw json.RawMessage) bool {
	var o struct {
		Markings []string `json:"object_marking_refs"`
	}
	if json.Unmarshal(raw, &o) != nil {
		return true
	}
	t, ok := stix.TLPOf(o.Markings)
	return ok && t == warden.TLPRed
}

// checkAPIRoot checks a partner's API root URL.
func checkAPIRoot(u string) error {
	if err := warden.CheckText(warden.TextID, "url", u, maxFeedURL); err != nil {
		return err
	}
	x, err := url.Parse(u)
	if err != nil || (x.Scheme != "http" && x.Scheme != "https") || x.Host == "" || x.User != nil {
		return warden.Errorf(warden.EINVALID, "url: %q is not an http or https URL of a TAXII API root (without user information)", u)
	}
	if x.Scheme == "http" && !loopback(x.Hostname()) {
		return warden.Errorf(warden.EINVALID, "url: %q is plain http, which carries the token in clear: use https (http only to this machine)", u)
	}
	return nil
}

// loopback reports whether host is this machine: localhost or a loopback
// address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// checkCollectionID checks a partner's collection id.
func checkCollectionID(id string) error {
	if strings.TrimSpace(id) == "" {
		return warden.Errorf(warden.EINVALID, "collection: required")
	}
	return warden.CheckText(warden.TextID, "collection", id, 200)
}
