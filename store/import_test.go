package store_test

import (
	"context"
	"reflect"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

// TestVersionComponents: the files a version was read from, and whether
// each ended with its end-of-file mark, are kept with the version, read
// back by Versions and by the next import's Base; a version read from no
// recorded files keeps none.
func TestVersionComponents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		files := map[string]bool{"sdn.csv": true, "alt.csv": false}
		for _, meta := range []warden.SourceMeta{{Components: files}, {}} {
			im, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
			if err != nil {
				t.Fatal(err)
			}
			if err := im.Put(party("1", "A")); err != nil {
				t.Fatal(err)
			}
			v, err := im.Commit(meta)
			if err != nil || !reflect.DeepEqual(v.Components, meta.Components) {
				t.Fatalf("commit %+v: %+v %v", meta, v, err)
			}
			if v.Version == 1 {
				next, err := db.BeginImport(ctx, "ofac", "ofac-csv", false)
				if err != nil || !reflect.DeepEqual(next.Base().Components, files) {
					t.Errorf("the next import's base: %+v %v", next.Base(), err)
				}
			}
		}
		vs, err := db.Versions(ctx, "ofac")
		if err != nil || len(vs) != 2 || vs[0].Components != nil || !reflect.DeepEqual(vs[1].Components, files) {
			t.Errorf("versions = %+v, %v", vs, err)
		}
	})
}
