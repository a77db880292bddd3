package intel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
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
	// "taxii:FEED", "cli:FILE"; "api" when empty.
	Source string
	// Collection, set by a TAXII POST, shares what the import stores in
	// that collection; the caller needs intel.submit and a collection it
	// may write to.
	Collection string
	// DefaultTLP marks the objects that carry no TLP marking;
	// Service.DefaultTLP when empty.
	DefaultTLP warden.TLP
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
// Errors and an EINVALID error naming the first problems. Only a stored
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
	vs := s.versions(objs, def, opt.Source, &rep)
	if len(rep.Errors) > 0 {
		return rep, invalidBundle(rep.Errors)
	}
	ev := warden.NewAuditEvent(ctx, "intel.import", "", "", map[string]any{"source": opt.Source, "collection": opt.Collection, "total": rep.Total})
	if err := s.DB.StoreIntel(ctx, vs, &rep, orgOf(p), now, ev); err != nil {
		return warden.IntelImport{}, err
	}
	s.changed()
	return rep, nil
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

// read reads a bundle of at most MaxBundle bytes.
func (s *Service) read(r io.Reader) ([]byte, error) {
	limit := s.MaxBundle
	if limit <= 0 {
		limit = stix.MaxBundle
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "bundle: cannot be read: %w", err)
	}
	if int64(len(data)) > limit {
		if limit == stix.MaxBundle {
			return nil, warden.Errorf(warden.EINVALID, "bundle: larger than 64 MiB")
		}
		return nil, warden.Errorf(warden.EINVALID, "bundle: larger than %d bytes", limit)
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
	return warden.Errorf(warden.EINVALID, "bundle: %d problems, nothing stored: %s", len(ps), b.String())
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
// the report in the bundle's order.
func (s *Service) versions(objs []stix.Object, def warden.TLP, source string, rep *warden.IntelImport) []store.IntelVersion {
	out := make([]readObject, len(objs))
	workers := min(runtime.GOMAXPROCS(0), max(len(objs)/64, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(objs); i += workers {
				out[i] = readOne(objs[i], def, source)
			}
		}()
	}
	wg.Wait()
	vs := make([]store.IntelVersion, 0, len(objs))
	for _, r := range out {
		rep.Errors = append(rep.Errors, r.problems...)
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
	tlp, ok := stix.TLPOf(o.MarkingRefs)
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
	if o.Type != "indicator" || len(r.problems) > 0 {
		return r
	}
	var f indicatorFields
	if err := json.Unmarshal(o.Raw, &f); err != nil {
		r.problems = append(r.problems, warden.ObjectProblem{Object: o.ID, Message: "malformed JSON"})
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
	return imp, nil
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
	return s.DB.IntelImports(ctx, org, limit)
}
