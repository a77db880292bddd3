package screening_test

import (
	"context"
	"sync"
	"testing"

	"warden"
	"warden/match"
	"warden/screening"
	"warden/store"
	"warden/store/storetest"
)

func put(t *testing.T, db *store.DB, list string, es ...*warden.Entity) {
	im, err := db.BeginImport(context.Background(), list, "test", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := im.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{}); err != nil {
		t.Fatal(err)
	}
}

func person(id, name string) *warden.Entity {
	return &warden.Entity{SourceID: id, Schema: warden.SchemaPerson, Names: []warden.Name{{Full: name, Kind: warden.NamePrimary}}}
}

func TestRefreshSwapsIndex(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		s := screening.New(db)
		if _, err := s.Screen(ctx, match.Query{Names: []string{"x"}}, match.Options{}); warden.ErrorCode(err) != warden.EINTERNAL {
			t.Errorf("before build: %v", err)
		}
		put(t, db, "ofac", person("1", "YAKUBETS, Maksim Viktorovich"))
		if rebuilt, err := s.Refresh(ctx); err != nil || !rebuilt {
			t.Fatalf("refresh: %v %v", rebuilt, err)
		}
		if rebuilt, _ := s.Refresh(ctx); rebuilt {
			t.Error("rebuilt without a change")
		}
		hits, err := s.Screen(ctx, match.Query{Names: []string{"Maxim Yakubets"}}, match.Options{})
		if err != nil || len(hits) != 1 || !hits[0].Match || hits[0].Entity.ID != "ofac:1" {
			t.Fatalf("hits %+v, %v", hits, err)
		}
		// Queries running while a new version is swapped in see one index or
		// the other, never an error.
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := s.Screen(ctx, match.Query{Names: []string{"Maxim Yakubets"}}, match.Options{}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		put(t, db, "ofac", person("2", "EVIL CORP"))
		if rebuilt, err := s.Refresh(ctx); err != nil || !rebuilt {
			t.Fatalf("second refresh: %v %v", rebuilt, err)
		}
		close(stop)
		wg.Wait()
		hits, _ = s.Screen(ctx, match.Query{Names: []string{"Maxim Yakubets"}}, match.Options{})
		if len(hits) != 0 {
			t.Errorf("removed party still found: %+v", hits)
		}
		if s.Len() != 1 || s.Versions()["ofac"] != 2 {
			t.Errorf("len %d versions %v", s.Len(), s.Versions())
		}
	})
}
