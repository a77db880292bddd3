package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"warden"
	"warden/store"
	"warden/store/storetest"
)

func party(id, name string, programs ...string) *warden.Entity {
	return &warden.Entity{SourceID: id, Schema: warden.SchemaPerson, Names: []warden.Name{{Full: name, Kind: warden.NamePrimary}}, Programs: programs}
}

func importAll(t *testing.T, db *store.DB, list string, delta bool, es []*warden.Entity, dels ...string) warden.ListVersion {
	t.Helper()
	im, err := db.BeginImport(context.Background(), list, "test", delta)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := im.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range dels {
		if err := im.Delete(d); err != nil {
			t.Fatal(err)
		}
	}
	v, err := im.Commit(warden.SourceMeta{Published: "2024-07-02"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVersions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v1 := importAll(t, db, "ofac", false, []*warden.Entity{party("1", "A"), party("2", "B"), party("3", "C")})
		if v1.Version != 1 || v1.Added != 3 || v1.Entities != 3 {
			t.Fatalf("v1 = %+v", v1)
		}
		v2 := importAll(t, db, "ofac", false, []*warden.Entity{party("1", "A"), party("2", "B2"), party("4", "D")})
		if v2.Version != 2 || v2.Added != 1 || v2.Modified != 1 || v2.Removed != 1 || v2.Entities != 3 {
			t.Fatalf("v2 = %+v", v2)
		}
		v3 := importAll(t, db, "ofac", false, []*warden.Entity{party("1", "A"), party("2", "B2"), party("4", "D")})
		if v3.Added+v3.Modified+v3.Removed != 0 || v3.Entities != 3 {
			t.Fatalf("identical import v3 = %+v", v3)
		}
		// History is kept: version 1 still shows C and the old B.
		e, err := db.Entity(ctx, "ofac:2", 1)
		if err != nil || e.Caption() != "B" {
			t.Errorf("ofac:2@1 = %v, %v", e, err)
		}
		if e, err := db.Entity(ctx, "ofac:2", 0); err != nil || e.Caption() != "B2" || e.Version != 2 {
			t.Errorf("ofac:2 current = %+v, %v", e, err)
		}
		if _, err := db.Entity(ctx, "ofac:3", 0); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("removed entity: err = %v", err)
		}
		if _, err := db.Entity(ctx, "ofac:3", 1); err != nil {
			t.Errorf("removed entity at v1: %v", err)
		}
		var ids []string
		db.Entities(ctx, "ofac", 1, func(e *warden.Entity) error { ids = append(ids, e.SourceID); return nil })
		if strings.Join(ids, ",") != "1,2,3" {
			t.Errorf("v1 entities %v", ids)
		}
		got := map[string]string{}
		err = db.Changes(ctx, "ofac", 1, 3, func(c warden.Change) error { got[c.Entity.SourceID] = c.Op; return nil })
		if err != nil || fmt.Sprint(got) != "map[2:modified 3:removed 4:added]" {
			t.Errorf("changes 1..3 = %v, %v", got, err)
		}
		vs, err := db.Versions(ctx, "ofac")
		if err != nil || len(vs) != 3 || vs[0].Version != 3 || vs[2].Published != "2024-07-02" {
			t.Errorf("versions = %+v, %v", vs, err)
		}
		ls, err := db.Lists(ctx)
		if err != nil || len(ls) != 1 || ls[0].CurrentVersion != 3 || ls[0].Entities != 3 {
			t.Errorf("lists = %+v, %v", ls, err)
		}
	})
}

func TestDeltaImport(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		importAll(t, db, "os", false, []*warden.Entity{party("1", "A"), party("2", "B")})
		v := importAll(t, db, "os", true, []*warden.Entity{party("3", "C"), party("1", "A2")}, "2", "9")
		if v.Added != 1 || v.Modified != 1 || v.Removed != 1 || v.Entities != 2 || v.Warnings != 1 {
			t.Errorf("delta = %+v", v)
		}
	})
}

func TestRollbackAndConflict(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importAll(t, db, "un", false, []*warden.Entity{party("1", "A")})
		im, _ := db.BeginImport(ctx, "un", "test", false)
		im.Put(party("2", "B"))
		im.Rollback()
		l, _ := db.List(ctx, "un")
		if l.CurrentVersion != 1 || l.Entities != 1 {
			t.Errorf("after rollback %+v", l)
		}
		if _, err := db.BeginImport(ctx, "Bad:Name", "test", false); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("bad list name: %v", err)
		}
		im, _ = db.BeginImport(ctx, "un", "test", false)
		if err := im.Put(&warden.Entity{SourceID: "x", Schema: "Dragon"}); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("bad schema: %v", err)
		}
		if err := im.Delete("1"); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("delete in full import: %v", err)
		}
		im.Rollback()
	})
}

func TestNotFound(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Versions(ctx, "nope"); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("versions: %v", err)
		}
		if _, err := db.Entity(ctx, "nope:1", 0); warden.ErrorCode(err) != warden.ENOTFOUND {
			t.Errorf("entity: %v", err)
		}
		if _, err := db.Entity(ctx, "nocolon", 0); warden.ErrorCode(err) != warden.EINVALID {
			t.Errorf("entity id: %v", err)
		}
	})
}

func TestUnmappedCountriesWarned(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		a, b := party("1", "A"), party("2", "B")
		a.UnmappedCountries = []string{"Atlantis"}
		b.UnmappedCountries = []string{"Atlantis", "Lemuria"}
		v := importAll(t, db, "x", false, []*warden.Entity{a, b})
		if v.Warnings != 2 {
			t.Errorf("warnings = %d (%v), want one per distinct name", v.Warnings, v.WarningSample)
		}
	})
}
