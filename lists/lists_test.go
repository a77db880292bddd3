package lists_test

import (
	"context"
	"testing"

	"warden"
	"warden/lists"
	"warden/store"
	"warden/store/storetest"
)

// TestPublicReads: without a principal, the Public methods read only the
// lists configured public, and answer any other list, stored or not, with
// the ENOTFOUND of an unknown list; the reads for a principal still need
// one.
func TestPublicReads(t *testing.T) { storetest.Engines(t, testPublicReads) }

func testPublicReads(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, list := range []string{"cyber_sanctions", "cyber_sanctions", "ofac"} {
		im, err := db.BeginImport(ctx, list, "ftm", false)
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Put(&warden.Entity{SourceID: "CS-1", Schema: warden.SchemaPerson, Names: []warden.Name{{Full: "YAKUBETS, Maksim", Kind: warden.NamePrimary}}, Programs: []string{"CYBER2"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
	}
	s := &lists.Service{DB: db, Public: []string{"cyber_sanctions"}}
	for _, tc := range []struct {
		list        string
		v, wantV    int
		wantErrCode string
	}{
		{"cyber_sanctions", 0, 2, ""},
		{"cyber_sanctions", 1, 1, ""},
		{"cyber_sanctions", 3, 0, warden.ENOTFOUND},
		{"ofac", 1, 0, warden.ENOTFOUND},
		{"nothing", 0, 0, warden.ENOTFOUND},
	} {
		lv, err := s.PublicVersion(ctx, tc.list, tc.v)
		if warden.ErrorCode(err) != tc.wantErrCode || lv.Version != tc.wantV {
			t.Errorf("PublicVersion(%s, %d) = %d, %v; want %d, %q", tc.list, tc.v, lv.Version, err, tc.wantV, tc.wantErrCode)
		}
	}
	pub, err := s.PublicVersion(ctx, "cyber_sanctions", 2)
	if err != nil {
		t.Fatal(err)
	}
	if set, err := s.PublicExport(ctx, pub, "ftm"); err != nil || len(set.Manifest.Files) != 1 {
		t.Errorf("PublicExport: %v, %v", set, err)
	}
	if n, err := s.PublicNotice(ctx, pub); err != nil || n.Version != 2 {
		t.Errorf("PublicNotice: %v, %v", n, err)
	}
	ofac, err := s.Version(warden.WithPrincipal(ctx, warden.Operator), "ofac", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublicExport(ctx, ofac, "ftm"); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("PublicExport of ofac: %v", err)
	}
	if _, err := s.PublicNotice(ctx, ofac); warden.ErrorCode(err) != warden.ENOTFOUND {
		t.Errorf("PublicNotice of ofac: %v", err)
	}
	if _, err := s.Notice(ctx, pub); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
		t.Errorf("Notice without a principal: %v", err)
	}
	if _, err := s.Version(ctx, "cyber_sanctions", 0); warden.ErrorCode(err) != warden.EUNAUTHORIZED {
		t.Errorf("Version without a principal: %v", err)
	}
}
