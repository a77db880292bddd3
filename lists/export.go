package lists

import (
	"context"

	"warden"
)

// EachChange calls fn with every change version v of list made, however
// many: the rows of an export, streamed from the store as they are read
// (Changes, for a page, stops at MaxChanges). An error from fn stops it.
func (s *Service) EachChange(ctx context.Context, list string, v int, fn func(warden.Change) error) error {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return err
	}
	if v < 1 {
		return warden.Errorf(warden.EINVALID, "version must be a positive integer")
	}
	return s.DB.Changes(ctx, list, v-1, v, fn)
}
