package screening_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"warden"
	"warden/match"
	"warden/screening"
	"warden/sources/csl"
	"warden/sources/ofaccsv"
	"warden/sources/sourcetest"
	"warden/store"
	"warden/store/storetest"
)

// fixtureLists reads testdata/links: four OFAC SDN entries (sdn.csv,
// add.csv, alt.csv rows of the bundled 2024-07-02 files) and six rows of
// the bundled Consolidated Screening List: three SDN copies of them, an
// SSI entry OFAC's rows lack, a Denied Persons and an Entity List entry.
func fixtureLists(t *testing.T) (ofac, cslList []*warden.Entity) {
	t.Helper()
	dir := filepath.Join("testdata", "links")
	o := sourcetest.MustParse(t, ofaccsv.Parser{}, filepath.Join(dir, "ofac", "sdn.csv"), filepath.Join(dir, "ofac", "add.csv"), filepath.Join(dir, "ofac", "alt.csv"))
	c := sourcetest.MustParse(t, csl.Parser{}, filepath.Join(dir, "csl.csv"))
	if len(o.Entities) != 4 || len(c.Entities) != 6 {
		t.Fatalf("fixtures: %d OFAC and %d CSL parties", len(o.Entities), len(c.Entities))
	}
	return o.Entities, c.Entities
}

func onList(list string, es ...*warden.Entity) []*warden.Entity {
	for _, e := range es {
		e.List, e.ID = list, warden.EntityID(list, e.SourceID)
	}
	return es
}

func withPassport(e *warden.Entity, number, country string) *warden.Entity {
	e.Identifiers = append(e.Identifiers, warden.Identifier{Type: warden.IDPassport, Value: number, Country: country})
	return e
}

func born(e *warden.Entity, d warden.DateRange) *warden.Entity {
	e.BirthDates = append(e.BirthDates, d)
	return e
}

// TestComputeLinks: each linking rule on the real-shaped fixtures and on
// parties made to test its edges; a row names a pair and a rule and says
// whether the rule links them.
func TestComputeLinks(t *testing.T) {
	formats := map[string]string{"ofac": "ofac-csv", "csl": "csl-csv", "uk": "uk-xlsx", "un": "un-xml"}
	cases := []struct {
		name  string
		extra func() []*warden.Entity
		a, b  string
		rule  warden.LinkRule
		want  bool
	}{
		{name: "the CSL's copy of an OFAC SDN entry carries its id", a: "csl:21944", b: "ofac:21944", rule: warden.LinkOFACID, want: true},
		{name: "a cyber entry too", a: "csl:36216", b: "ofac:36216", rule: warden.LinkOFACID, want: true},
		{name: "the copy has the same name and birth date", a: "csl:21944", b: "ofac:21944", rule: warden.LinkNameBirth, want: true},
		{name: "the copy has the same wallets", a: "csl:25308", b: "ofac:25308", rule: warden.LinkWallet, want: true},
		{name: "an OFAC id on a list that is not the CSL links nothing",
			extra: func() []*warden.Entity { return onList("uk", person("21944", "SOMEONE ELSE")) },
			a:     "uk:21944", b: "ofac:21944", rule: warden.LinkOFACID},
		{name: "a CSL entry of another agency with a numeric id links nothing",
			extra: func() []*warden.Entity {
				e := person("49711", "XASTER CO., LIMITED")
				e.Topics = []string{"Entity List (EL) - Bureau of Industry and Security"}
				return onList("csl", e)
			},
			a: "csl:49711", b: "ofac:49711", rule: warden.LinkOFACID},
		{name: "the same passport on two lists",
			extra: func() []*warden.Entity {
				return append(onList("uk", withPassport(person("U1", "Ivan PETROV"), "AB-123 456", "RU")), onList("un", withPassport(person("N1", "PETROV Ivan"), "ab123456", ""))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkIdentifier, want: true},
		{name: "the same passport number of two countries",
			extra: func() []*warden.Entity {
				return append(onList("uk", withPassport(person("U1", "Ivan PETROV"), "AB123456", "RU")), onList("un", withPassport(person("N1", "Ivan PETROV"), "AB123456", "UA"))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkIdentifier},
		{name: "a number two listings of one list hold",
			extra: func() []*warden.Entity {
				return append(onList("uk", withPassport(person("U1", "Ivan PETROV"), "AB123456", ""), withPassport(person("U2", "Olga PETROVA"), "AB123456", "")),
					onList("un", withPassport(person("N1", "Ivan PETROV"), "AB123456", ""))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkIdentifier},
		{name: "a number too short to tell anyone",
			extra: func() []*warden.Entity {
				return append(onList("uk", withPassport(person("U1", "Ivan PETROV"), "1234", "")), onList("un", withPassport(person("N1", "Ivan PETROV"), "1234", ""))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkIdentifier},
		{name: "an e-mail address is not one party's",
			extra: func() []*warden.Entity {
				u, n := person("U1", "Ivan PETROV"), person("N1", "Olga PETROVA")
				u.Identifiers = []warden.Identifier{{Type: warden.IDEmail, Value: "office@example.com"}}
				n.Identifiers = u.Identifiers
				return append(onList("uk", u), onList("un", n)...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkIdentifier},
		{name: "name in another order and case, accents aside, same birth date",
			extra: func() []*warden.Entity {
				return append(onList("uk", born(person("U1", "Iván PETROV"), warden.DateRange{From: "1970-01-02"})), onList("un", born(person("N1", "petrov, ivan"), warden.DateRange{From: "1970-01-02"}))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkNameBirth, want: true},
		{name: "same name, another birth date",
			extra: func() []*warden.Entity {
				return append(onList("uk", born(person("U1", "Ivan PETROV"), warden.DateRange{From: "1970-01-02"})), onList("un", born(person("N1", "Ivan PETROV"), warden.DateRange{From: "1970-01-03"}))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkNameBirth},
		{name: "same name, only the year of birth",
			extra: func() []*warden.Entity {
				return append(onList("uk", born(person("U1", "Ivan PETROV"), warden.DateRange{From: "1970"})), onList("un", born(person("N1", "Ivan PETROV"), warden.DateRange{From: "1970"}))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkNameBirth},
		{name: "an approximate birth date",
			extra: func() []*warden.Entity {
				d := warden.DateRange{From: "1970-01-02", Approximate: true}
				return append(onList("uk", born(person("U1", "Ivan PETROV"), d)), onList("un", born(person("N1", "Ivan PETROV"), d))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkNameBirth},
		{name: "a name of one word",
			extra: func() []*warden.Entity {
				d := warden.DateRange{From: "1970-01-02"}
				return append(onList("uk", born(person("U1", "PETROV"), d)), onList("un", born(person("N1", "Petrov"), d))...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkNameBirth},
		{name: "organisations are not linked by name and date",
			extra: func() []*warden.Entity {
				d := warden.DateRange{From: "1970-01-02"}
				u, n := born(person("U1", "ACME TRADING"), d), born(person("N1", "ACME TRADING"), d)
				u.Schema, n.Schema = warden.SchemaOrganization, warden.SchemaOrganization
				return append(onList("uk", u), onList("un", n)...)
			},
			a: "uk:U1", b: "un:N1", rule: warden.LinkNameBirth},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, cs := fixtureLists(t)
			es := append(onList("ofac", o...), onList("csl", cs...)...)
			if c.extra != nil {
				es = append(es, c.extra()...)
			}
			links := screening.ComputeLinks(es, formats)
			got := slices.ContainsFunc(links, func(l warden.ListingLink) bool {
				return (l.A == c.a && l.B == c.b || l.A == c.b && l.B == c.a) && l.Rule == c.rule
			})
			if got != c.want {
				t.Errorf("%s %s %s linked: %v, want %v; links %+v", c.a, c.b, c.rule, got, c.want, links)
			}
			for _, l := range links {
				if l.A >= l.B {
					t.Errorf("link %+v not ordered", l)
				}
				for _, id := range []string{l.A, l.B} {
					if id == "csl:18792" || id[:4] == "csl:" && len(id) > 20 {
						t.Errorf("%s linked (%+v): its id is on no OFAC list, and it shares nothing", id, l)
					}
				}
			}
		})
	}
}

// importFixtures imports the fixtures as lists ofac and csl.
func importFixtures(t *testing.T, db *store.DB) {
	t.Helper()
	o, c := fixtureLists(t)
	for _, l := range []struct {
		name, format string
		es           []*warden.Entity
	}{{"ofac", "ofac-csv", o}, {"csl", "csl-csv", c}} {
		im, err := db.BeginImport(context.Background(), l.name, l.format, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range l.es {
			if err := im.Put(e); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := im.Commit(warden.SourceMeta{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScreenGroupsLinkedListings: a party on OFAC and on the CSL comes back
// as one hit holding both listings and the programs of both; the links are
// stored; a person's unlink splits it into two hits again, and a link
// joins two listings no rule links.
func TestScreenGroupsLinkedListings(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		importFixtures(t, db)
		s := screening.New(db)
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		screen := func(name string, lists ...string) []match.Hit {
			t.Helper()
			hits, err := s.Screen(ctx, match.Query{Names: []string{name}, Lists: lists}, match.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return hits
		}
		ids := func(hits []match.Hit) [][]string {
			var out [][]string
			for _, h := range hits {
				g := []string{h.Entity.ID}
				for _, l := range h.Listings {
					g = append(g, l.EntityID)
				}
				out = append(out, g)
			}
			return out
		}
		hits := screen("Rim ABBAS")
		if len(hits) != 1 || len(hits[0].Listings) != 1 {
			t.Fatalf("Rim ABBAS: %v, want one hit holding ofac:21944 and csl:21944", ids(hits))
		}
		if g := ids(hits)[0]; g[0] != "ofac:21944" || g[1] != "csl:21944" {
			t.Errorf("Rim ABBAS grouped %v, want OFAC's listing first and the CSL's copy of it among the others", g)
		}
		if l := hits[0].Listings[0]; l.Score == 0 || l.Rule != warden.LinkOFACID || len(l.Programs) == 0 {
			t.Errorf("the other listing %+v: want its score, rule and programs", l)
		}
		if v := screening.View(match.Query{}, hits); len(v.Hits) != 1 || len(v.Hits[0].Listings) != 1 {
			t.Errorf("view %+v", v)
		}
		// Screening one list shows that list's listing only.
		if hits := screen("Rim ABBAS", "ofac"); len(hits) != 1 || hits[0].Entity.ID != "ofac:21944" || len(hits[0].Listings) != 0 {
			t.Errorf("Rim ABBAS on ofac only: %v", ids(hits))
		}
		// A wallet query finds the party once too, with the listing it
		// did not reach by its wallet alone.
		hits, err := s.Screen(ctx, match.Query{Wallets: []string{"12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"}}, match.Options{})
		if err != nil || len(hits) != 1 || len(hits[0].Listings) != 1 {
			t.Errorf("wallet: %v %v", ids(hits), err)
		}
		if st, err := db.LinkState(ctx); err != nil || st.Links == 0 || st.Versions == "" {
			t.Errorf("link state %+v %v", st, err)
		}
		links, _, err := db.LinksOf(ctx, "ofac:21944")
		if err != nil || !slices.ContainsFunc(links, func(l warden.ListingLink) bool { return l.Rule == warden.LinkOFACID && l.A == "csl:21944" }) {
			t.Errorf("stored links of ofac:21944: %+v %v", links, err)
		}

		decide := func(a, b string, linked bool) {
			t.Helper()
			a, b, _ = warden.LinkPair(a, b)
			d := warden.LinkDecision{A: a, B: b, Linked: linked, Reason: "test", DecidedBy: "op", DecidedAt: time.Now()}
			if err := db.DecideLink(ctx, d, warden.NewAuditEvent(ctx, "link.decide", "entity:"+a, "test", d)); err != nil {
				t.Fatal(err)
			}
			if rebuilt, err := s.Refresh(ctx); err != nil || rebuilt {
				t.Fatalf("refresh after a decision: rebuilt %v, %v (the index must stay)", rebuilt, err)
			}
		}
		decide("ofac:21944", "csl:21944", false)
		if hits := screen("Rim ABBAS"); len(hits) != 2 || len(hits[0].Listings)+len(hits[1].Listings) != 0 {
			t.Errorf("after the unlink: %v, want two hits", ids(hits))
		}
		decide("ofac:49711", "csl:4398d33e9e93c7477af39f1e0bfffc13ddd47bcc", true)
		if hits := screen("XASTER CO LIMITED"); len(hits) != 1 || len(hits[0].Listings) != 1 || hits[0].Listings[0].Rule != warden.LinkManual || hits[0].Listings[0].Score != 0 {
			t.Errorf("after the link: %v (%+v)", ids(hits), hits)
		}
	})
}

// TestUnlinkBeatsThirdListings: an unlink keeps two listings apart also when
// third listings link to both.
func TestUnlinkBeatsThirdListings(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := warden.WithPrincipal(context.Background(), warden.Operator)
		d := warden.DateRange{From: "1970-01-02"}
		put := func(list, format string, e *warden.Entity) {
			im, err := db.BeginImport(ctx, list, format, false)
			if err != nil {
				t.Fatal(err)
			}
			im.Put(e)
			if _, err := im.Commit(warden.SourceMeta{}); err != nil {
				t.Fatal(err)
			}
		}
		put("uk", "uk-xlsx", born(withPassport(person("U1", "Ivan PETROV"), "AB123456", ""), d))
		put("un", "un-xml", born(person("N1", "PETROV, Ivan"), d))
		put("eu", "ftm", withPassport(person("E1", "Ivan PETROV"), "AB123456", ""))
		s := screening.New(db)
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if g := s.Linked("un:N1"); len(g) != 3 {
			t.Fatalf("group of un:N1: %v", g)
		}
		dec := warden.LinkDecision{A: "uk:U1", B: "un:N1", Reason: "two people", DecidedBy: "op", DecidedAt: time.Now()}
		if err := db.DecideLink(ctx, dec, warden.NewAuditEvent(ctx, "link.unlink", "entity:uk:U1", "two people", nil)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if g := s.Linked("uk:U1"); slices.Contains(g, "un:N1") {
			t.Errorf("unlinked listings grouped: %v", g)
		}
		if g := s.Linked("uk:U1"); !slices.Contains(g, "eu:E1") {
			t.Errorf("the passport link was lost: %v", g)
		}
	})
}

// TestLinksFile checks that the automatic links are kept beside the index
// snapshot and read from there: with the store's links replaced by none
// under the same key, a service using the directory still groups the
// listings, one without it does not, and a damaged file is removed and
// read again from the store.
func TestLinksFile(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db := storetest.OpenSQLite(t)
	importFixtures(t, db)
	dir := t.TempDir()
	grouped := func(useDir bool) []string {
		t.Helper()
		s := screening.New(db)
		if useDir {
			s.UseSnapshots(dir, t.Logf)
		}
		if _, err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		return s.Linked("ofac:21944")
	}
	want := []string{"csl:21944", "ofac:21944"}
	if got := grouped(true); !slices.Equal(got, want) {
		t.Fatalf("grouped %v, want %v", got, want)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "links-*.bin"))
	if len(files) != 1 {
		t.Fatalf("links files %v, want one", files)
	}
	st, err := db.LinkState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// ReplaceLinks writes nothing for the versions stored: another key
	// first, then the same key with no links.
	for _, v := range []string{"other", st.Versions} {
		if _, err := db.ReplaceLinks(ctx, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := grouped(true); !slices.Equal(got, want) {
		t.Errorf("from the links file: grouped %v, want %v", got, want)
	}
	if got := grouped(false); got != nil {
		t.Errorf("from the store, which holds no links now: grouped %v", got)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := grouped(true); got != nil {
		t.Errorf("a damaged links file was used: grouped %v", got)
	}
	if b2, err := os.ReadFile(files[0]); err != nil || bytes.Equal(b, b2) {
		t.Errorf("the damaged links file was not written again from the store (%v)", err)
	}
}
