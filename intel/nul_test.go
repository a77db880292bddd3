package intel_test

import (
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestImportNulText checks that a NUL character in an object's text (as
// JSON's \u0000: valid JSON, valid STIX) is stored on both databases:
// PostgreSQL's text columns take no NUL, so the columns Warden selects on
// write it as U+FFFD while the object itself keeps it as sent; and that an
// id with a NUL is not found rather than an error.
func TestImportNulText(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		const id = "indicator--0f000000-0000-4000-8000-000000000001"
		ind := coreObject("indicator", id, "2026-01-01T00:00:00.000Z",
			`"name":"bad\u0000name","pattern":"[ipv4-addr:value = '198.51.100.200']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"`)
		coreImport(t, s, coreBundle(ind))
		o, err := s.Object(coreAnalyst, id)
		if err != nil || o.Name != "bad\uFFFDname" || !strings.Contains(string(o.Object), `bad\u0000name`) {
			t.Errorf("stored: name %q object %s %v", o.Name, o.Object, err)
		}
		if _, err := s.Object(coreAnalyst, "indicator--0f000000-0000-4000-8000-00000000\x0001"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("an id with a NUL: %v, want not found", err)
		}
	})
}
