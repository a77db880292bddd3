package designation

import (
	"context"

	"warden"
)

// ProposeAs proposes d as it is given, without reading it again first: a
// test hands it a copy read before someone else moved the designation, as
// a request racing another would see it.
func (s *Service) ProposeAs(ctx context.Context, d warden.Designation) (warden.Designation, error) {
	return s.propose(ctx, d)
}
