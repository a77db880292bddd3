package intel

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
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
	// each page is one import (one transaction), and the feed resumes
	// after the last page stored.
	pullPage = 1000
	// maxPullPages bounds one pull; the next pull goes on from where it
	// stopped.
	maxPullPages = 1000
)

var feedName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// pullClient is the HTTP client of pulls and pushes: a partner that does
// not answer within its timeout fails the pull, which the next period
// tries again.
var pullClient = &http.Client{Timeout: 2 * time.Minute}

// AddFeed configures a partner's collection to pull (intel.manage). The
// name (lower-case letters, digits, . _ -; at most 64) names the feed and
// the source of what it imports ("taxii:NAME"); URL is the partner's API
// root (http or https); TLP marks the objects that arrive without a TLP
// marking (AMBER when empty).
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
// page by page, each page one import, the feed's added_after moved on
// after each. A failure is recorded on the feed (last_error) and
// returned; what earlier pages stored stays. The report sums the pages'
// (its ID is the last page's import).
func (s *Service) Pull(ctx context.Context, feed string) (warden.IntelImport, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelWrite)
	if err != nil {
		return warden.IntelImport{}, err
	}
	f, err := s.DB.FeedToken(ctx, feed)
	if err != nil {
		return warden.IntelImport{}, err
	}
	c := &taxii.Client{BaseURL: f.URL, Token: f.Token, HTTP: pullClient}
	sum, err := s.PullFrom(ctx, c, f.Collection, f.AddedAfter, ImportOptions{Source: "taxii:" + f.Name, DefaultTLP: f.TLP},
		func(last time.Time, n int) error { return s.DB.RecordPull(ctx, f.Name, s.now(), last, n, "") })
	if err != nil {
		if rerr := s.DB.RecordPull(ctx, f.Name, s.now(), time.Time{}, 0, warden.ErrorMessage(err)); rerr != nil {
			return sum, rerr
		}
		return sum, err
	}
	sum.Actor = p.Name
	return sum, nil
}

// PullFrom pulls a collection through c, from the objects added after
// after (all if zero), importing each page with opt (intel.write, as
// Import); after each page stored, done is called with the page's last
// date_added and how many objects it had, for the caller to resume from.
// The CLI's pull without a feed calls it with its own client.
func (s *Service) PullFrom(ctx context.Context, c *taxii.Client, collection string, after time.Time, opt ImportOptions, done func(last time.Time, n int) error) (warden.IntelImport, error) {
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
			if err := done(page.Last, len(page.Objects)); err != nil {
				return sum, err
			}
		}
		switch {
		case !page.More:
			return sum, nil
		case page.Next != "":
			q.Next = page.Next
		case !page.Last.IsZero() && page.Last.After(q.AddedAfter):
			// A server that pages by date only: go on after this page.
			q.AddedAfter = page.Last
		default:
			return sum, warden.Errorf(warden.EINVALID, "pull: the server says there is more but gives neither next nor a later X-TAXII-Date-Added-Last")
		}
	}
	return sum, nil
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
	sum.Successes = append(sum.Successes, rep.Successes...)
}

// Push sends a selection to a partner's TAXII collection (intel.share):
// the bundle Export writes of sel, as the caller sees it, less every RED
// object (RED never leaves Warden, whoever asks), posted as one envelope
// to the API root apiRoot's collection with token. It returns the status
// the partner answered ("complete", or "pending" for a partner that
// stores later), and audits the push.
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
	sel.NoRed = true // and relationships to RED objects; notRed checks again
	bundle, _, err := s.Export(ctx, sel)
	if err != nil {
		return "", err
	}
	objs, err := notRed(bundle)
	if err != nil {
		return "", err
	}
	if len(objs) == 0 {
		return "", warden.Errorf(warden.EINVALID, "selection: nothing to push (nothing visible, or only RED objects)")
	}
	c := &taxii.Client{BaseURL: apiRoot, Token: token, HTTP: pullClient}
	st, err := c.AddObjects(ctx, collection, taxii.Envelope{Objects: objs})
	if err != nil {
		return "", err
	}
	ev := warden.NewAuditEvent(ctx, "intel.push", "taxii:"+apiRoot, "", map[string]any{"collection": collection, "objects": len(objs),
		"status": st.ID, "state": st.Status, "successes": st.SuccessCount, "failures": st.FailureCount})
	if err := s.DB.Audit(ctx, ev); err != nil {
		return "", err
	}
	return st.Status, nil
}

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
	return nil
}

// checkCollectionID checks a partner's collection id.
func checkCollectionID(id string) error {
	if strings.TrimSpace(id) == "" {
		return warden.Errorf(warden.EINVALID, "collection: required")
	}
	return warden.CheckText(warden.TextID, "collection", id, 200)
}
