package lists

import (
	"context"

	"warden"
	"warden/store"
)

// History returns every content a listed party has had across its list's
// versions, oldest first, for the principal in ctx (lists.read);
// ENOTFOUND if its list never listed it.
func (s *Service) History(ctx context.Context, id string) ([]store.EntityVersion, error) {
	if _, err := warden.Authorize(ctx, warden.ActListsRead); err != nil {
		return nil, err
	}
	return s.DB.History(ctx, id)
}
