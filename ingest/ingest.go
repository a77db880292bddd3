// Package ingest brings lists into the store: it runs a format's parser into
// an import and commits it as a new version, and it fetches official lists
// from their publication URLs (sync).
package ingest

import (
	"context"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/sources"
	"warden/store"
)

// Request is one import.
type Request struct {
	List   string
	Format string // empty: detected from the files
	Input  warden.Input
	// Published is the list's date where the files do not state it (OFAC
	// CSV does not), as for the bundled snapshot.
	Published string
	// ListDate is the list's date as a person gives it (YYYY-MM-DD,
	// `warden import --list-date`): it replaces whatever the files state.
	ListDate string
	// Warnings, if not nil, is told every warning of the import in order
	// (a version keeps only the first ones): `warden import --warnings
	// FILE` writes them.
	Warnings func(warden.Warning)
	// MaxRemoved is the largest share of the current parties (0 to 1) a
	// version may remove, and of their names, identifiers or addresses it
	// may drop, unless forced; zero means DefaultMaxRemoved.
	MaxRemoved float64
	// Verified says the files are a signed set whose manifest signature and
	// every file's size and SHA-256 were checked (a sync of another
	// Warden's export): known whole, so the guards that tell a truncated or
	// incomplete download (the share of parties removed, of names,
	// identifiers or addresses dropped, a file the replaced version was
	// read from) do not apply; the format and empty-version guards do.
	Verified bool
	// Force stores a version that the guards refuse (see Guard); the
	// override is audited with what the guards said and Reason.
	Force  bool
	Reason string
}

// DefaultMaxRemoved is the share of a list's parties an import may remove,
// and of its names, identifiers or addresses it may drop, unless forced:
// real delistings and amendments come a few at a time, while a truncated
// download, a cut file or a missing companion file removes thousands.
const DefaultMaxRemoved = 0.10

// Guard checks a planned version against the one it replaces and returns
// why it must not be stored unless forced, or nil: a file of another
// format family than the list's (EINVALID), files dated before the list
// date of the version they replace, an older publication imported over a
// newer one (ECONFLICT), an empty version (EINVALID),
// one that removes more than maxRemoved of the parties (ECONFLICT), one
// read without a file that the replaced version was read from (ECONFLICT)
// or from a file that lost the end-of-file mark the replaced version's
// had, which tells an OFAC CSV file cut at a line break (EINVALID; see
// warden.ListVersion.Components), or one whose drops take more than
// maxRemoved of the names, identifiers or addresses of the replaced
// version (ECONFLICT), counted over all its parties, so that parties
// stripped of their a.k.a.s by a missing or cut companion file count even
// though none is removed. Files that say they are truncated, or an empty
// companion file, fail to parse before this. The files of a first
// version, or of one that replaces a version imported before Warden
// recorded its files, cannot be compared: only the other guards weigh
// them.
func Guard(base, next warden.ListVersion, drops []warden.Drop, maxRemoved float64) []*warden.Error {
	if maxRemoved <= 0 {
		maxRemoved = DefaultMaxRemoved
	}
	var out []*warden.Error
	if base.Version > 0 && !sources.SameFamily(base.Format, next.Format) {
		out = append(out, warden.Errorf(warden.EINVALID, "list %q holds %s versions, these files are %s; import them into another list, or force it",
			next.List, base.Format, next.Format))
	}
	if base.Published != "" && next.Published != "" && next.Published < base.Published {
		out = append(out, warden.Errorf(warden.ECONFLICT, "these files of list %q are dated %s, before version %d's list date %s: they look like an older publication; import newer files, or force it",
			next.List, next.Published, base.Version, base.Published))
	}
	switch {
	case next.Entities == 0 && base.Entities > 0:
		out = append(out, warden.Errorf(warden.EINVALID, "the new version of list %q would be empty, removing all %d parties", next.List, base.Entities))
	case next.Entities == 0:
		out = append(out, warden.Errorf(warden.EINVALID, "the files hold no parties: list %q would be empty", next.List))
	case base.Entities > 0 && float64(next.Removed) > maxRemoved*float64(base.Entities):
		out = append(out, warden.Errorf(warden.ECONFLICT, "version %d of list %q would remove %d of %d parties (%.1f%%), more than the %.4g%% allowed; check the files are whole, or force it",
			next.Version, next.List, next.Removed, base.Entities, 100*float64(next.Removed)/float64(base.Entities), 100*maxRemoved))
	}
	if base.Components != nil && next.Components != nil {
		for _, name := range slices.Sorted(maps.Keys(base.Components)) {
			marked, ok := next.Components[name]
			switch {
			case !ok:
				out = append(out, warden.Errorf(warden.ECONFLICT, "version %d of list %q would be read without %s, which version %d was read from; check that every file of the list is there, or force it",
					next.Version, next.List, name, base.Version))
			case base.Components[name] && !marked:
				out = append(out, warden.Errorf(warden.EINVALID, "%s ends without OFAC's end-of-file mark (0x1A), as the current version's did: it looks cut; fetch it again, or force it", name))
			}
		}
	}
	for _, d := range drops {
		if d.Of > 0 && float64(d.Dropped) > maxRemoved*float64(d.Of) {
			out = append(out, warden.Errorf(warden.ECONFLICT, "version %d of list %q would drop %d of %d %s (%.1f%%), more than the %.4g%% allowed; check that every file of the list is there and whole, or force it",
				next.Version, next.List, d.Dropped, d.Of, d.What, 100*float64(d.Dropped)/float64(d.Of), 100*maxRemoved))
		}
	}
	return out
}

// Progress is told how many bytes of input have been read; the CLI draws a
// bar with it. It may be nil.
type Progress func(n int)

// Import parses req's files and stores them as a new version of req.List, in
// one transaction: on any error nothing is stored and the current version
// stays current. A version the guards refuse (see Guard) is stored only
// with req.Force, and then the override is audited as list.import.forced.
// Files that hold the current version's parties exactly store no empty
// version: a check is recorded instead (see store.Import.Check), and the
// current version comes back marked Unchanged. EINVALID for a req.ListDate
// that is not a date.
func Import(ctx context.Context, db *store.DB, req Request, progress Progress) (warden.ListVersion, error) {
	if req.ListDate != "" {
		if _, err := time.Parse(time.DateOnly, req.ListDate); err != nil {
			return warden.ListVersion{}, warden.Errorf(warden.EINVALID, "list date %q is not a date (YYYY-MM-DD)", req.ListDate)
		}
	}
	if req.Input.Open == nil {
		req.Input.Open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	var f sources.Format
	if req.Format == "" {
		var err error
		if f, err = sources.Detect(req.Input.Paths, req.Input.Open); err != nil {
			return warden.ListVersion{}, err
		}
	} else {
		var ok bool
		if f, ok = sources.Formats[req.Format]; !ok {
			return warden.ListVersion{}, warden.Errorf(warden.EINVALID, "unknown format %q", req.Format)
		}
	}
	if progress != nil {
		open := req.Input.Open
		req.Input.Open = func(p string) (io.ReadCloser, error) {
			rc, err := open(p)
			if err != nil {
				return nil, err
			}
			return &counting{rc, progress}, nil
		}
	}
	im, err := db.BeginImport(ctx, req.List, f.Name, f.Delta)
	if err != nil {
		return warden.ListVersion{}, err
	}
	if req.Warnings != nil {
		im.Forward(req.Warnings)
	}
	meta, err := f.Parser.Parse(ctx, req.Input, im)
	if err != nil {
		im.Rollback()
		return warden.ListVersion{}, err
	}
	switch {
	case req.ListDate != "":
		meta.Published = req.ListDate
	case meta.Published == "":
		meta.Published = req.Published
	}
	unchanged := im.Unchanged()
	var drops []warden.Drop
	if im.Base().Entities > 0 && !req.Verified && !unchanged {
		if drops, err = im.Drops(); err != nil {
			im.Rollback()
			return warden.ListVersion{}, err
		}
	}
	next := im.Plan()
	next.Components, next.Published = meta.Components, meta.Published
	guarded, maxRemoved := next, req.MaxRemoved
	if req.Verified {
		guarded.Components, maxRemoved = nil, 1
	}
	if unchanged {
		// Files that change nothing are no older publication: the date
		// they state, older or newer, is the check's, and the list's is
		// the newest known. A file that lost its end-of-file mark is
		// refused all the same: a check says the files were whole.
		guarded.Published = ""
	}
	if refused := Guard(im.Base(), guarded, drops, maxRemoved); len(refused) > 0 {
		if !req.Force {
			im.Rollback()
			return warden.ListVersion{}, refusal(refused)
		}
		said := make([]string, len(refused))
		for i, r := range refused {
			said[i] = r.Message
		}
		im.Audit(warden.NewAuditEvent(ctx, "list.import.forced", "list:"+req.List, req.Reason,
			map[string]any{"format": f.Name, "refused": said}))
	}
	if unchanged {
		return im.Check(meta)
	}
	return im.Commit(meta)
}

// refusal is the error of an import that the guards refuse: every reason
// they gave, so that one run tells all that is wrong with the files, with
// the code of the first.
func refusal(refused []*warden.Error) error {
	if len(refused) == 1 {
		return refused[0]
	}
	said := make([]string, len(refused))
	for i, r := range refused {
		said[i] = r.Message
	}
	return warden.Errorf(refused[0].Code, "%s", strings.Join(said, "; also, "))
}

// Rollback publishes a new version of list whose parties equal those of
// version to, audited as list.rollback with reason: history is never
// rewritten, so undoing a bad version is a version too, and its changes are
// what differs from the current one. ENOTFOUND for an unknown list or
// version, EINVALID when version to is the current one.
func Rollback(ctx context.Context, db *store.DB, list string, to int, reason string) (warden.ListVersion, error) {
	vs, err := db.Versions(ctx, list)
	if err != nil {
		return warden.ListVersion{}, err
	}
	var target *warden.ListVersion
	for i := range vs {
		if vs[i].Version == to {
			target = &vs[i]
		}
	}
	if target == nil {
		return warden.ListVersion{}, warden.Errorf(warden.ENOTFOUND, "list %q has no version %d", list, to)
	}
	if to == vs[0].Version {
		return warden.ListVersion{}, warden.Errorf(warden.EINVALID, "version %d is already the current version of list %q", to, list)
	}
	im, err := db.BeginImport(ctx, list, target.Format, false)
	if err != nil {
		return warden.ListVersion{}, err
	}
	if err := db.Entities(ctx, list, to, im.Put); err != nil {
		im.Rollback()
		return warden.ListVersion{}, err
	}
	im.Audit(warden.NewAuditEvent(ctx, "list.rollback", "list:"+list, reason,
		map[string]any{"from": im.Base().Version, "to": to, "version": im.Base().Version + 1}))
	return im.Commit(warden.SourceMeta{Published: target.Published, Components: target.Components})
}

type counting struct {
	io.ReadCloser
	progress Progress
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.progress(n)
	return n, err
}
