package intel_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"warden"
	"warden/intel"
	sstix "warden/sources/stix"
	"warden/stix"
	"warden/store"
	"warden/store/storetest"
)

// originKept is what an import says of an object it keeps from another
// source.
const originKept = "kept: an object with this id comes from another source"

// originImport imports objs as ctx's principal with opt.
func originImport(s *intel.Service, ctx context.Context, opt intel.ImportOptions, objs ...string) (warden.IntelImport, error) {
	return s.Import(ctx, bytes.NewReader([]byte(coreBundle(objs...))), opt)
}

// skippedWith reports whether rep skipped id with a message containing
// msg.
func skippedWith(rep warden.IntelImport, id, msg string) bool {
	for _, p := range rep.Skipped {
		if p.Object == id && strings.Contains(p.Message, msg) {
			return true
		}
	}
	return false
}

// TestOrigin checks that a version is stored only from the source the
// object first came from: a partner feed (or a pull without a feed) can
// neither overwrite, downgrade nor revoke the authority's objects, the
// authority's file imports do not rewrite a feed's, and a counterpart
// cannot version another's object; the bundle itself still imports.
func TestOrigin(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, clock := coreService(t, db)
		red, green := stix.TLPMarkingID(warden.TLPRed), stix.TLPMarkingID(warden.TLPGreen)
		ind := func(n int) string { return fmt.Sprintf("indicator--0a000000-0000-4000-8000-%012d", n) }
		home, feed, cp, fresh := ind(1), ind(2), ind(3), ind(4)
		v := func(id, mod string, marking string, extra string) string {
			o := coreIndicator(id, mod, "[ipv4-addr:value = '198.51.100.7']", marking)
			return strings.TrimSuffix(o, "}") + extra + "}"
		}
		const jan, feb = "2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A writes", Orgs: []string{"org-a"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		mustImport := func(ctx context.Context, opt intel.ImportOptions, objs ...string) warden.IntelImport {
			t.Helper()
			rep, err := originImport(s, ctx, opt, objs...)
			if err != nil {
				t.Fatalf("import %+v: %v", opt, err)
			}
			clock.Add(time.Minute)
			return rep
		}
		mustImport(coreAnalyst, intel.ImportOptions{Source: "upload:mine.json"}, v(home, jan, red, ""))
		mustImport(coreAnalyst, intel.ImportOptions{Source: "taxii:partner"}, v(feed, jan, green, ""))
		mustImport(coreA, intel.ImportOptions{Source: "taxii:post", Collection: col.ID}, v(cp, jan, green, ""))

		// A feed's newer, GREEN, revoked version of the authority's RED
		// object is kept out; the rest of the page imports.
		rep := mustImport(coreAnalyst, intel.ImportOptions{Source: "taxii:partner"}, v(home, feb, green, `,"revoked":true`), v(fresh, jan, green, ""))
		if !skippedWith(rep, home, originKept) || rep.Added != 1 || rep.Versions != 0 {
			t.Errorf("a feed versioning a home object: %+v", rep)
		}
		// So is a pull without a feed, and the authority's own upload of
		// a feed's object; the feed itself versions its object.
		rep = mustImport(coreAnalyst, intel.ImportOptions{Source: "taxii:https://partner.example/api/"}, v(home, feb, green, ""))
		if !skippedWith(rep, home, originKept) {
			t.Errorf("a pull by URL versioning a home object: %+v", rep)
		}
		rep = mustImport(coreAnalyst, intel.ImportOptions{Source: "upload:x.json"}, v(feed, feb, red, ""))
		if !skippedWith(rep, feed, originKept) {
			t.Errorf("an upload versioning a feed's object: %+v", rep)
		}
		rep = mustImport(coreAnalyst, intel.ImportOptions{Source: "taxii:other"}, v(feed, feb, red, ""))
		if !skippedWith(rep, feed, originKept) {
			t.Errorf("another feed versioning a feed's object: %+v", rep)
		}
		rep = mustImport(coreAnalyst, intel.ImportOptions{Source: "taxii:partner"}, v(feed, feb, green, `,"description":"newer"`))
		if rep.Versions != 1 || len(rep.Skipped) != 0 {
			t.Errorf("the feed versioning its own object: %+v", rep)
		}
		// The authority versions its own; a counterpart versions only
		// what it sent, and is told the same of any id it may not send.
		rep = mustImport(coreAnalyst, intel.ImportOptions{Source: "cli:mine.json"}, v(home, feb, red, `,"description":"newer"`))
		if rep.Versions != 1 || len(rep.Skipped) != 0 {
			t.Errorf("the authority versioning its own object: %+v", rep)
		}
		for _, id := range []string{home, feed} {
			_, err := originImport(s, coreA, intel.ImportOptions{Source: "taxii:post", Collection: col.ID}, v(id, "2026-03-01T00:00:00.000Z", green, ""))
			if coreCode(err) != warden.EINVALID || !strings.Contains(err.Error(), originKept) || strings.Contains(err.Error(), "organisation") {
				t.Errorf("a counterpart versioning %s: %v", id, err)
			}
		}
		rep = mustImport(coreA, intel.ImportOptions{Source: "taxii:post", Collection: col.ID}, v(cp, feb, green, ""))
		if rep.Versions != 1 {
			t.Errorf("a counterpart versioning its own object: %+v", rep)
		}
		// The authority adopts a counterpart's object (TestAdoptCounterpartObject).
		rep, err = originImport(s, coreAnalyst, intel.ImportOptions{Source: "upload:x.json"}, v(cp, "2026-03-01T00:00:00.000Z", red, ""))
		if err != nil || rep.Versions != 1 || len(rep.Adopted) != 1 {
			t.Fatalf("the authority versioning a counterpart's object: %+v %v", rep, err)
		}

		for id, want := range map[string]string{home: "red", feed: "green"} {
			o, err := s.Object(coreAnalyst, id)
			if err != nil {
				t.Fatal(err)
			}
			if string(o.TLP) != want || o.Revoked || !o.Modified.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("%s after the imports: %s revoked=%v modified %v", id, o.TLP, o.Revoked, o.Modified)
			}
		}
	})
}

// TestReservedIDs checks that an import never stores an object under an
// id Warden defines (its identity, the TLP marking definitions): the
// canonical TLP definition counts unchanged, any other content is
// skipped; and that the same id and modified with other content is a
// conflict that keeps what is stored.
func TestReservedIDs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s, _ := coreService(t, db)
		col, err := s.CreateCollection(coreAdmin, warden.Collection{Title: "A writes", Orgs: []string{"org-a"}, CanRead: true, CanWrite: true})
		if err != nil {
			t.Fatal(err)
		}
		redID := stix.TLPMarkingID(warden.TLPRed)
		authority := sstix.ID("identity", "warden-authority")
		ident := fmt.Sprintf(`{"type":"identity","spec_version":"2.1","id":%q,"created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"Warden","identity_class":"organization"}`, authority)
		fake := fmt.Sprintf(`{"type":"marking-definition","spec_version":"2.1","id":%q,"created":"2022-10-01T00:00:00.000Z","definition_type":"statement","definition":{"statement":"This is public"}}`, redID)
		canonical, _ := stix.MarkingDefinition(redID)
		tlp1, _ := stix.MarkingDefinition("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed")
		for _, who := range []struct {
			name string
			ctx  context.Context
			opt  intel.ImportOptions
		}{
			{"counterpart", coreA, intel.ImportOptions{Source: "taxii:post", Collection: col.ID}},
			{"analyst", coreAnalyst, intel.ImportOptions{Source: "upload:x.json"}},
		} {
			rep, err := originImport(s, who.ctx, who.opt, ident, fake, string(canonical), string(tlp1))
			if err != nil {
				t.Fatalf("%s: %v", who.name, err)
			}
			if !skippedWith(rep, authority, "reserved id") || !skippedWith(rep, redID, "reserved id") || rep.Unchanged != 2 || rep.Added != 0 {
				t.Errorf("%s: reserved ids: %+v", who.name, rep)
			}
		}
		for _, id := range []string{authority, redID} {
			if _, err := s.Object(coreAnalyst, id); coreCode(err) != warden.ENOTFOUND {
				t.Errorf("%s stored: %v", id, err)
			}
		}

		// The same id and modified, other content: the first is kept.
		const inc = "incident--0a000000-0000-4000-8000-000000000009"
		coreImport(t, s, coreBundle(coreObject("incident", inc, "2026-01-01T00:00:00.000Z", `"name":"True"`)))
		rep := coreImport(t, s, coreBundle(coreObject("incident", inc, "2026-01-01T00:00:00.000Z", `"name":"Poison"`)))
		if !skippedWith(rep, inc, "a different object with this id and modified is stored") || rep.Unchanged != 0 {
			t.Errorf("a different object under a stored version: %+v", rep)
		}
		rep = coreImport(t, s, coreBundle(coreObject("incident", inc, "2026-01-01T00:00:00.000Z", ` "name" : "True"`)))
		if rep.Unchanged != 1 || len(rep.Skipped) != 0 {
			t.Errorf("the same object again: %+v", rep)
		}
		if o, err := s.Object(coreAnalyst, inc); err != nil || o.Name != "True" {
			t.Errorf("after a conflict: %q %v", o.Name, err)
		}
	})
}
