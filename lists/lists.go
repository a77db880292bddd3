// Package lists is how people and clients read the stored lists: their
// versions, what each version changed, and the listed parties. Every read
// needs the lists.read permission.
package lists

import (
	"context"

	"warden"
	"warden/store"
)

// Service reads lists for the principal in each call's context.
type Service struct {
	DB *store.DB
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
