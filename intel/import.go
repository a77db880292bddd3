package intel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"warden"
	"warden/stix"
	"warden/store"
)

// ImportOptions says where a bundle comes from and how to mark what it
// leaves unmarked.
type ImportOptions struct {
	// Source names where the bundle came from: "upload:FILE", "api",
	// "taxii:FEED" (a feed's pull), "taxii:URL" (a pull without a feed),
	// "taxii:post", "cli:FILE"; "api" when empty. With the importer it
	// gives the objects' origin (see origin).
	Source string
	// Collection, set by a TAXII POST, shares what the import stores in
	// that collection; the caller needs intel.submit and a collection it
	// may write to.
	Collection string
	// DefaultTLP marks the objects that carry no TLP marking;
	// Service.DefaultTLP when empty.
	DefaultTLP warden.TLP
	// SkipInvalid, set only by a feed's pull, stores the valid objects
	// of a bundle and keeps out those with problems, reported in Errors:
	// a partner's one malformed object must not stop its feed for good.
	// Uploads, the API and TAXII POST store all of a bundle or nothing.
	SkipInvalid bool
}

// maxSource is the longest source name, in characters.
const maxSource = 200

// Import reads a bundle (a STIX bundle, a TAXII envelope or one object),
// checks every object against the STIX schema of its type and reads the
// patterns of its indicators, and stores all of it in one transaction,
// with an audit event and an intel.imported event: each object stored
// (a new id or a new version) or found stored (unchanged); objects of
// types Warden does not model kept opaque; indicators whose pattern it
// cannot read kept and reported, not used in screening. If any object
// has a problem (a schema error, a pattern that is not STIX patterning,
// no usable id) nothing is stored: Import returns the report with its
// Errors and an EINVALID error naming the first problems; with
// opt.SkipInvalid (a feed's pull), the others are stored and Errors
// names those kept out. Only a stored
// import's report is kept (see ImportReport).
func (s *Service) Import(ctx context.Context, r io.Reader, opt ImportOptions) (warden.IntelImport, error) {
	action := warden.ActIntelWrite
	if opt.Collection != "" {
		action = warden.ActIntelSubmit
	}
	p, err := warden.Authorize(ctx, action)
	if err != nil {
		return warden.IntelImport{}, err
	}
	if opt.Source == "" {
		opt.Source = "api"
	}
	if err := warden.CheckText(warden.TextName, "source", opt.Source, maxSource); err != nil {
		return warden.IntelImport{}, err
	}
	def, err := s.defaultTLP(opt.DefaultTLP)
	if err != nil {
		return warden.IntelImport{}, err
	}
	if opt.Collection != "" {
		if err := s.writable(ctx, p, opt.Collection); err != nil {
			return warden.IntelImport{}, err
		}
	}
	data, err := s.read(r)
	if err != nil {
		return warden.IntelImport{}, err
	}
	objs, problems, err := stix.Parse(bytes.NewReader(data))
	if err != nil {
		return warden.IntelImport{}, err
	}
	now := s.now()
	rep := warden.IntelImport{ID: uuid.NewString(), Source: opt.Source, Collection: opt.Collection, Actor: p.Name, At: now,
		Total: len(objs) + len(problems), Errors: problems}
	vs := s.versions(objs, def, opt.Source, origin(p, opt.Source), opt.SkipInvalid, &rep)
	if len(rep.Errors) > 0 && !opt.SkipInvalid {
		return rep, invalidBundle(rep.Errors)
	}
	if err := s.reserveIdentity(ctx, vs); err != nil {
		return warden.IntelImport{}, err
	}
	ev := warden.NewAuditEvent(ctx, "intel.import", "", "", map[string]any{"source": opt.Source, "collection": opt.Collection, "total": rep.Total})
	if err := s.DB.StoreIntel(ctx, vs, &rep, orgOf(p), now, ev); err != nil {
		return warden.IntelImport{}, err
	}
	s.changed()
	return rep, nil
}

// reserveIdentity marks the versions of this installation's identity
// reserved: it is Warden's to write, and no import writes over it (a
// version equivalent to the current one, as Warden exports it, counts
// unchanged).
func (s *Service) reserveIdentity(ctx context.Context, vs []store.IntelVersion) error {
	id, err := s.DB.IntelIdentity(ctx)
	if err != nil || id == "" {
		return err
	}
	var cur *warden.IntelObject
	for i := range vs {
		v := &vs[i]
		if v.Object.ID != id {
			continue
		}
		if cur == nil {
			o, err := s.DB.IntelObject(ctx, id)
			if err != nil {
				return err
			}
			cur = &o
		}
		v.Reserved = true
		v.Canonical = v.Object.Modified.Equal(cur.Modified) && stix.Equivalent(cur.Object, v.Object.Object)
	}
	return nil
}

// origin is where what p imports from source comes from: a
// counterpart's organisation ("org:ID"), a partner feed the authority
// pulls ("feed:NAME"), a partner server pulled without a feed
// ("taxii:HOST"), or home (the authority's files, API calls and CLI). An
// import versions only the objects of its own origin, so that a feed
// cannot rewrite, downgrade or revoke the authority's intelligence, nor a
// counterpart another's.
func origin(p warden.Principal, source string) string {
	if p.Role == warden.RoleCounterpart {
		return "org:" + p.Org
	}
	rest, ok := strings.CutPrefix(source, "taxii:")
	switch {
	case !ok || rest == "post":
		return store.HomeOrigin
	case strings.Contains(rest, "://"):
		if u, err := url.Parse(rest); err == nil && u.Host != "" {
			return "taxii:" + strings.ToLower(u.Host)
		}
		return "taxii:" + rest
	}
	return "feed:" + rest
}

// orgOf is the organisation p acts for.
func orgOf(p warden.Principal) string {
	if p.Role == warden.RoleCounterpart {
		return p.Org
	}
	return warden.HomeOrg
}

// defaultTLP is the marking of what an import leaves unmarked.
func (s *Service) defaultTLP(t warden.TLP) (warden.TLP, error) {
	for _, d := range []warden.TLP{t, s.DefaultTLP} {
		if d == "" {
			continue
		}
		if d.Rank() < 0 {
			return "", warden.Errorf(warden.EINVALID, "tlp: %q is not one of clear, green, amber, amber+strict, red", d)
		}
		return d, nil
	}
	return warden.TLPAmber, nil
}

// read reads a bundle of at most stix.MaxBundle bytes: ETOOLARGE over.
func (s *Service) read(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, stix.MaxBundle+1))
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "bundle: cannot be read: %w", err)
	}
	if len(data) > stix.MaxBundle {
		return nil, warden.Errorf(warden.ETOOLARGE, "bundle: larger than %d MiB (%d bytes)", stix.MaxBundle>>20, stix.MaxBundle)
	}
	return data, nil
}

// invalidBundle is the error of a bundle with problems: how many, and
// the first three.
func invalidBundle(ps []warden.ObjectProblem) error {
	var b strings.Builder
	for i, p := range ps[:min(len(ps), 3)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Object)
		if p.Path != "" {
			b.WriteString(" at " + p.Path)
		}
		b.WriteString(": " + p.Message)
	}
	if len(ps) > 3 {
		fmt.Fprintf(&b, "; and %d more", len(ps)-3)
	}
	noun := "problems"
	if len(ps) == 1 {
		noun = "problem"
	}
	return warden.Errorf(warden.EINVALID, "bundle: %d %s, nothing stored: %s", len(ps), noun, b.String())
}

// read is what one object gives an import.
type readObject struct {
	version  store.IntelVersion
	problems []warden.ObjectProblem
	pattern  *warden.ObjectProblem // a pattern stored but not read
	opaque   bool
}

// versions reads every object, on every CPU (validation is most of an
// import's time), and adds their problems, patterns and opaque ids to
// the report in the bundle's order; skipInvalid leaves out the versions
// of objects with problems.
func (s *Service) versions(objs []stix.Object, def warden.TLP, source, origin string, skipInvalid bool, rep *warden.IntelImport) []store.IntelVersion {
	out := make([]readObject, len(objs))
	workers := min(runtime.GOMAXPROCS(0), max(len(objs)/64, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(objs); i += workers {
				out[i] = readOne(objs[i], def, source)
				out[i].version.Origin = origin
			}
		}()
	}
	wg.Wait()
	vs := make([]store.IntelVersion, 0, len(objs))
	for _, r := range out {
		rep.Errors = append(rep.Errors, r.problems...)
		if skipInvalid && len(r.problems) > 0 {
			continue
		}
		if r.pattern != nil {
			rep.Patterns = append(rep.Patterns, *r.pattern)
		}
		if r.opaque {
			rep.Opaque = append(rep.Opaque, r.version.Object.ID)
		}
		vs = append(vs, r.version)
	}
	return vs
}

// indicatorFields are what an import reads of an indicator besides what
// stix.Parse gives.
type indicatorFields struct {
	Pattern     string `json:"pattern"`
	PatternType string `json:"pattern_type"`
	ValidFrom   string `json:"valid_from"`
	ValidUntil  string `json:"valid_until"`
}

// readOne reads one object: its schema problems, marking, edges and, for
// an indicator, its pattern.
func readOne(o stix.Object, def warden.TLP, source string) readObject {
	r := readObject{problems: stix.Validate(o), opaque: !stix.Known(o.Type)}
	tlp, ok := stix.ObjectTLP(o)
	switch {
	case o.Type == "marking-definition":
		tlp = warden.TLPClear
	case !ok:
		tlp = def
	}
	spec := o.SpecVersion
	if spec == "" {
		spec = "2.1"
	}
	r.version = store.IntelVersion{
		Object: warden.IntelObject{ID: o.ID, Type: o.Type, Name: o.Name, TLP: tlp, Created: o.Created, Modified: o.Modified,
			Source: source, Revoked: o.Revoked, Opaque: r.opaque, Object: o.Raw},
		Spec:  spec,
		Edges: stix.Edges(o),
	}
	// Warden's identity and the TLP marking definitions are Warden's to
	// define: an import never stores them, and counts unchanged only a
	// TLP definition equal to the one Warden writes.
	if o.ID == legacyAuthority || stix.IsTLPMarking(o.ID) {
		r.version.Reserved = true
		if def, ok := stix.MarkingDefinition(o.ID); ok {
			r.version.Canonical = stix.Equivalent(o.Raw, def, "name", "spec_version")
		}
	}
	if o.Type != "indicator" || len(r.problems) > 0 {
		return r
	}
	var f indicatorFields
	if err := json.Unmarshal(o.Raw, &f); err != nil {
		r.problems = append(r.problems, warden.ObjectProblem{Object: o.ID, Message: "malformed JSON"})
		return r
	}
	if from, until := stixTime(f.ValidFrom), stixTime(f.ValidUntil); !until.IsZero() && !until.After(from) {
		r.problems = append(r.problems, warden.ObjectProblem{Object: o.ID, Path: "/valid_until", Message: "not after valid_from: an indicator is valid until after it is valid from"})
		return r
	}
	obs, unsup, err := readPattern(f)
	switch {
	case err != nil:
		r.problems = append(r.problems, warden.ObjectProblem{Object: o.ID, Path: "/pattern", Message: warden.ErrorMessage(err)})
	case unsup != nil:
		r.version.Unsupported = unsup
		r.pattern = &warden.ObjectProblem{Object: o.ID, Path: "/pattern", Message: unsup.Reason}
	default:
		r.version.Observables = obs
	}
	return r
}

// readPattern reads an indicator's pattern: what it observes, or why
// Warden does not read it (another pattern language, comparisons Warden
// does not screen on). A STIX pattern that does not parse is an error.
func readPattern(f indicatorFields) ([]store.IntelObservable, *store.IntelUnsupported, error) {
	if f.PatternType != "stix" {
		return nil, &store.IntelUnsupported{PatternType: f.PatternType, Reason: fmt.Sprintf("pattern type %q is not read: only stix patterns are", f.PatternType)}, nil
	}
	got, err := stix.ParsePattern(f.Pattern)
	if errors.Is(err, stix.ErrUnsupported) {
		return nil, &store.IntelUnsupported{PatternType: f.PatternType, Reason: err.Error()}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	from, until := stixTime(f.ValidFrom), stixTime(f.ValidUntil)
	obs := make([]store.IntelObservable, len(got))
	for i, o := range got {
		obs[i] = store.IntelObservable{Observable: o, ValidFrom: from, ValidUntil: until}
	}
	return obs, nil, nil
}

// stixTime reads a STIX timestamp; zero when absent (the schema checked
// it when present).
func stixTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// ImportReport returns the report of a stored import (the TAXII status of
// a POSTed envelope): intel.read; a counterpart sees only its own
// organisation's imports, ENOTFOUND for the others.
func (s *Service) ImportReport(ctx context.Context, id string) (warden.IntelImport, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return warden.IntelImport{}, err
	}
	imp, org, err := s.DB.IntelImport(ctx, id)
	if err != nil {
		return warden.IntelImport{}, err
	}
	if p.Role == warden.RoleCounterpart && org != p.Org {
		return warden.IntelImport{}, warden.Errorf(warden.ENOTFOUND, "no import %s", id)
	}
	imps, err := s.redact(ctx, p, []warden.IntelImport{imp})
	if err != nil {
		return warden.IntelImport{}, err
	}
	return imps[0], nil
}

// Imports returns the newest imports, at most limit (1 to 1000; 0: 100):
// intel.read; a counterpart sees its own organisation's.
func (s *Service) Imports(ctx context.Context, limit int) ([]warden.IntelImport, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = 100
	}
	if limit < 1 || limit > 1000 {
		return nil, warden.Errorf(warden.EINVALID, "limit: %d is not between 1 and 1000", limit)
	}
	org := ""
	if p.Role == warden.RoleCounterpart {
		org = p.Org
	}
	imps, err := s.DB.IntelImports(ctx, org, limit)
	if err != nil {
		return nil, err
	}
	return s.redact(ctx, p, imps)
}

// redact leaves in reports only the ids of objects p may see now (and of
// those not stored, which tell nothing of what is): a report is read
// long after, by people of lower clearance than who imported, and an
// object may have been marked RED since. The counts stay.
func (s *Service) redact(ctx context.Context, p warden.Principal, imps []warden.IntelImport) ([]warden.IntelImport, error) {
	if warden.SeesTLP(p, warden.TLPRed, false) {
		return imps, nil
	}
	var ids []string
	for _, imp := range imps {
		ids = append(ids, imp.Successes...)
		ids = append(ids, imp.Opaque...)
		ids = append(ids, imp.Adopted...)
		for _, ps := range [][]warden.ObjectProblem{imp.Patterns, imp.Errors, imp.Skipped} {
			for _, pr := range ps {
				ids = append(ids, pr.Object)
			}
		}
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	tlps, err := s.DB.IntelMarkings(ctx, ids)
	if err != nil {
		return nil, err
	}
	var ask []string
	for _, id := range ids {
		if t, ok := tlps[id]; ok && needsShare(p, t) {
			ask = append(ask, id)
		}
	}
	shared := map[string]bool{}
	if len(ask) > 0 {
		if shared, err = s.DB.IntelSharedWith(ctx, p.Org, ask); err != nil {
			return nil, err
		}
	}
	sees := func(id string) bool {
		t, ok := tlps[id]
		return !ok || warden.SeesTLP(p, t, shared[id])
	}
	problems := func(ps []warden.ObjectProblem) []warden.ObjectProblem {
		return slices.DeleteFunc(ps, func(pr warden.ObjectProblem) bool { return !sees(pr.Object) })
	}
	for i := range imps {
		imp := &imps[i]
		imp.Successes = slices.DeleteFunc(imp.Successes, func(id string) bool { return !sees(id) })
		imp.Opaque = slices.DeleteFunc(imp.Opaque, func(id string) bool { return !sees(id) })
		imp.Adopted = slices.DeleteFunc(imp.Adopted, func(id string) bool { return !sees(id) })
		imp.Patterns, imp.Errors, imp.Skipped = problems(imp.Patterns), problems(imp.Errors), problems(imp.Skipped)
	}
	return imps, nil
}
