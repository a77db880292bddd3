// Package cooperation runs requests for information and assistance about
// malicious cyber activity between the authority and its counterparts:
// drafting and sending them, the requested side's acknowledgement and
// answers in its own portal, deadlines counted in the requested side's
// business time, extensions, the requester's review of each answer,
// scorecards for the dialogue, and referral for sanctions.
package cooperation

import (
	"context"
	"time"

	"warden"
	"warden/designation"
	"warden/store"
)

// DefaultMaxAttachment is the largest attachment accepted (10 MiB).
const DefaultMaxAttachment = 10 << 20

// Scanner checks an attachment before it is stored (a virus scanner):
// an error refuses the file. None is configured by default.
type Scanner interface {
	Scan(ctx context.Context, name string, data []byte) error
}

// Designator opens designation proposals for a referral: the
// designation service.
type Designator interface {
	Create(ctx context.Context, in designation.Input, propose bool) (warden.Designation, error)
	AddEvidence(ctx context.Context, id int64, name string, data []byte) (warden.Evidence, error)
}

// Service runs the cooperation workflow. Set its fields before use; New
// fills the defaults.
type Service struct {
	DB *store.DB
	// Designations opens the proposals a referral makes; nil stores the
	// referral alone.
	Designations Designator
	// Now is the clock; time.Now if nil.
	Now func() time.Time
	// MaxAttachment is the largest attachment; Scanner, if set, checks
	// each.
	MaxAttachment int64
	Scanner       Scanner
}

// New returns the service over db.
func New(db *store.DB, des Designator) *Service {
	return &Service{DB: db, Designations: des, MaxAttachment: DefaultMaxAttachment}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
