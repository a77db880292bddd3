// Package lists is how people and clients read the stored lists: their
// versions, what each version changed, and the listed parties. Every read
// needs the lists.read permission, except the Public methods, which anyone
// may call for a list the configuration makes public.
package lists

import (
	"context"
	"slices"

	"warden"
	"warden/publish"
	"warden/store"
)

// Service reads lists for the principal in each call's context.
type Service struct {
	DB *store.DB
	// Public names the lists whose versions, signed exports and notices
	// anyone may read without a principal (warden serve --public-lists);
	// none when empty. Only the authority's own list should be: the
	// imported lists are other authorities' to publish.
	Public []string
}

// Ping reports whether the store answers, for the readiness probe; it
// needs no permission and reveals nothing.
func (s *Service) Ping(ctx context.Context) error { return s.DB.Ping(ctx) }

// Lists returns every list with its current version.
func (s *Service) Lists(ctx context.Context) ([]warden.List, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return nil, err
	}
	ls, err := s.DB.Lists(ctx)
	if ls == nil {
		ls = []warden.List{}
	}
	return ls, err
}

// Versions returns every version of a list; ENOTFOUND for an unknown list.
func (s *Service) Versions(ctx context.Context, list string) ([]warden.ListVersion, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return nil, err
	}
	return s.DB.Versions(ctx, list)
}

// MaxChecks is the most checks Checks returns.
const MaxChecks = 100

// Checks returns the latest checks of a list (imports that found its files
// unchanged and stored no version), newest first, at most MaxChecks;
// ENOTFOUND for an unknown list.
func (s *Service) Checks(ctx context.Context, list string) ([]warden.ListCheck, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return nil, err
	}
	return s.DB.Checks(ctx, list, MaxChecks)
}

// Version returns version v of a list (0: the current one); ENOTFOUND
// for an unknown list or version.
func (s *Service) Version(ctx context.Context, list string, v int) (warden.ListVersion, error) {
	vs, err := s.Versions(ctx, list)
	if err != nil {
		return warden.ListVersion{}, err
	}
	return pick(vs, list, v)
}

// pick returns version v of vs, or the latest when v is 0.
func pick(vs []warden.ListVersion, list string, v int) (warden.ListVersion, error) {
	var found *warden.ListVersion
	for i := range vs {
		if vs[i].Version == v || v == 0 && (found == nil || vs[i].Version > found.Version) {
			found = &vs[i]
		}
	}
	if found == nil {
		return warden.ListVersion{}, warden.Errorf(warden.ENOTFOUND, "list %q has no version %d", list, v)
	}
	return *found, nil
}

// Notice returns what a version added, changed and removed, for a reader
// with lists.read.
func (s *Service) Notice(ctx context.Context, lv warden.ListVersion) (*publish.Notice, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return nil, err
	}
	return publish.BuildNotice(ctx, s.DB, lv.List, lv.Version, lv.ImportedAt)
}

// IsPublic reports whether anyone may read list without a principal.
func (s *Service) IsPublic(list string) bool { return slices.Contains(s.Public, list) }

// public refuses a list that is not public with the ENOTFOUND an unknown
// list gets, so the public reads say nothing of what else is stored.
func (s *Service) public(list string) error {
	if !s.IsPublic(list) {
		return warden.Errorf(warden.ENOTFOUND, "no public list %q", list)
	}
	return nil
}

// PublicVersion returns version v (0: the current one) of a public list
// without a principal: the list being public is the permission.
func (s *Service) PublicVersion(ctx context.Context, list string, v int) (warden.ListVersion, error) {
	if err := s.public(list); err != nil {
		return warden.ListVersion{}, err
	}
	vs, err := s.DB.Versions(ctx, list)
	if err != nil {
		return warden.ListVersion{}, err
	}
	return pick(vs, list, v)
}

// PublicExport makes the unsigned set of a public list's version in a
// format (an ftm-delta runs from the version before), without a principal.
func (s *Service) PublicExport(ctx context.Context, lv warden.ListVersion, format string) (*publish.Set, error) {
	if err := s.public(lv.List); err != nil {
		return nil, err
	}
	return publish.Export(ctx, s.DB, publish.Request{List: lv.List, Version: lv.Version, Since: lv.Version - 1, Format: format, Published: lv.ImportedAt})
}

// PublicNotice is Notice for a public list, without a principal.
func (s *Service) PublicNotice(ctx context.Context, lv warden.ListVersion) (*publish.Notice, error) {
	if err := s.public(lv.List); err != nil {
		return nil, err
	}
	return publish.BuildNotice(ctx, s.DB, lv.List, lv.Version, lv.ImportedAt)
}

// Entity returns a party as of a version (0: current).
func (s *Service) Entity(ctx context.Context, id string, version int) (*warden.Entity, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return nil, err
	}
	return s.DB.Entity(ctx, id, version)
}

// MaxChanges is the most changes Changes returns for one version.
const MaxChanges = 5000

// Changes returns what version v of a list added, modified and removed,
// at most MaxChanges of them, and whether there were more.
func (s *Service) Changes(ctx context.Context, list string, v int) ([]warden.Change, bool, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return nil, false, err
	}
	if v < 1 {
		return nil, false, warden.Errorf(warden.EINVALID, "version must be a positive integer")
	}
	var out []warden.Change
	more := false
	err := s.DB.Changes(ctx, list, v-1, v, func(c warden.Change) error {
		if len(out) == MaxChanges {
			more = true
			return errEnough
		}
		out = append(out, c)
		return nil
	})
	if err == errEnough {
		err = nil
	}
	return out, more, err
}

var errEnough = warden.Errorf(warden.EINTERNAL, "enough")
