// Package intel keeps the intelligence that designations and cooperation
// requests rest on: STIX 2.1 objects (incidents, threat actors, intrusion
// sets, indicators, infrastructure, malware, reports, relationships) with
// their TLP markings, imported and exported as bundles, shared through
// TAXII collections, correlated, and matched against payments and
// customers. See docs/intelligence.md.
package intel

import (
	"time"

	"warden/store"
)

// Service is the intelligence service. Set its fields before use; New
// fills the defaults.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

// New returns a Service over db.
func New(db *store.DB) *Service {
	return &Service{DB: db}
}
