package publish_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/ingest"
	"warden/publish"
	"warden/sources/stix"
	"warden/store/storetest"
)

// TestExportLinks: a designated person and the company it owns, exported
// and imported back, keep the company's owned_by link. FtM says it
// exactly (an Ownership entity: the owner as the copy lists it, its name
// and share), also through a delta; OFAC CSV can say only "Linked To:
// NAME", which reads back as a linked_to link by name. The STIX bundle ties
// the two identities with a relationship.
func TestExportLinks(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	owner := party("2", "YAKUBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V")
	company := &warden.Entity{SourceID: "2-1", Schema: warden.SchemaCompany, Programs: []string{"CYBER2"},
		Names: []warden.Name{{Full: "EVIL CORP LLC", Kind: warden.NamePrimary}},
		Links: []warden.Link{{Type: "owned_by", SourceID: "2", Name: "YAKUBETS, Maksim", Percent: 60}}}
	put(t, db, "cyber_sanctions", owner, company)

	set, err := publish.Export(ctx, db, publish.Request{List: "cyber_sanctions", Version: 1, Format: publish.FormatSTIX})
	if err != nil {
		t.Fatal(err)
	}
	rel := fmt.Sprintf(`"relationship_type":"related-to","source_ref":%q,"target_ref":%q`, stix.ID("identity", "cyber_sanctions:2-1"), stix.ID("identity", "cyber_sanctions:2"))
	if !strings.Contains(string(set.Files["bundle.stix.json"]), rel) {
		t.Errorf("STIX bundle has no relationship %s:\n%s", rel, set.Files["bundle.stix.json"])
	}

	for _, tc := range []struct {
		format string
		req    publish.Request
		want   warden.Link
	}{
		{"ofac-csv", publish.Request{Format: publish.FormatOFACCSV}, warden.Link{Type: "linked_to", Name: "YAKUBETS, Maksim"}},
		{"ftm", publish.Request{Format: publish.FormatFtM}, warden.Link{Type: "owned_by", SourceID: "cyber_sanctions:2", Name: "YAKUBETS, Maksim", Percent: 60}},
		{"ftm-delta", publish.Request{Format: publish.FormatFtMDelta}, warden.Link{Type: "owned_by", SourceID: "cyber_sanctions:2", Name: "YAKUBETS, Maksim", Percent: 60}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			tc.req.List, tc.req.Version = "cyber_sanctions", 1
			set, err := publish.Export(ctx, db, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			set.WriteDir(dir)
			var paths []string
			for _, f := range set.Manifest.Files {
				paths = append(paths, filepath.Join(dir, f.Name))
			}
			list := "copy_" + tc.format
			r, err := ingest.Import(ctx, db, ingest.Request{List: list, Format: tc.format, Input: warden.Input{Paths: paths}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Entities != 2 {
				t.Errorf("%d parties, want 2", r.Entities)
			}
			var got *warden.Entity
			db.Entities(ctx, list, 0, func(e *warden.Entity) error {
				if e.Caption() == "EVIL CORP LLC" {
					got = e
				}
				return nil
			})
			if got == nil || !slices.Contains(got.Links, tc.want) {
				t.Fatalf("company read back as %+v, want link %+v", got, tc.want)
			}
			if tc.want.SourceID != "" {
				if o, err := db.Entity(ctx, warden.EntityID(list, tc.want.SourceID), 0); err != nil || o.Caption() != "YAKUBETS, Maksim" {
					t.Errorf("the link's owner %s on %s: %+v, %v", tc.want.SourceID, list, o, err)
				}
			}
		})
	}
}
