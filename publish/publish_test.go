package publish_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"warden"
	"warden/ingest"
	"warden/publish"
	"warden/sources/sourcetest"
	"warden/store"
	"warden/store/storetest"
)

// party is a hand-made party with the fields an authority enters.
func party(sid, name string, wallet string) *warden.Entity {
	return &warden.Entity{SourceID: sid, Schema: warden.SchemaPerson,
		Names:         []warden.Name{{Full: name, Kind: warden.NamePrimary}, {Full: "Якубец " + sid, Kind: warden.NameAKA}, {Full: "雅库贝茨" + sid, Kind: warden.NameAKA}},
		BirthDates:    []warden.DateRange{{From: "1987-05-20"}},
		Nationalities: []string{"RU"}, Programs: []string{"CYBER2"},
		Identifiers: []warden.Identifier{{Type: warden.IDPassport, Value: "P" + sid, Country: "RU"},
			{Type: warden.IDCrypto, Currency: "XBT", Value: wallet}}}
}

// put stores es as the next version of list.
func put(t *testing.T, db *store.DB, list string, es ...*warden.Entity) warden.ListVersion {
	t.Helper()
	im, err := db.BeginImport(context.Background(), list, "ftm", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if err := im.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	v, err := im.Commit(warden.SourceMeta{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func key(t *testing.T) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	dir := t.TempDir()
	privPath, pubPath, err := publish.GenerateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(privPath); st.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v", st.Mode().Perm())
	}
	if _, _, err := publish.GenerateKey(dir); warden.ErrorCode(err) != warden.ECONFLICT {
		t.Errorf("second key in the same folder: %v", err)
	}
	priv, err := publish.LoadPrivateKey(privPath)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(pubPath)
	pub, err := publish.ParsePublicKey(b)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(privPath, 0o644)
	if _, err := publish.LoadPrivateKey(privPath); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("key readable by others loaded: %v", err)
	}
	return priv, pub
}

func verifyDir(pub ed25519.PublicKey, dir string) (*publish.Manifest, error) {
	m, _ := os.ReadFile(filepath.Join(dir, publish.ManifestName))
	sig, _ := os.ReadFile(filepath.Join(dir, publish.SignatureName))
	return publish.Verify(pub, m, sig, func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) })
}

// TestExportSignVerify exports a real list in every format, signs and
// verifies each set, and shows that a one-byte change in any file, the
// manifest or the signature fails verification, as does another key.
func TestExportSignVerify(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	v, err := ingest.Import(ctx, db, ingest.Request{List: "un", Input: warden.Input{Paths: []string{sourcetest.Data(t, "un/consolidated.xml")}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	put(t, db, "cyber_sanctions", party("CS-1", "YAKUBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"))
	put(t, db, "cyber_sanctions", party("CS-1", "YAKUBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"), party("CS-2", "RYZHENKOV, Aleksandr", "bc1qryzhenkov0000000000000000000000000000"))
	priv, pub := key(t)
	_, other := key(t)
	published := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, r := range []publish.Request{
		{List: "un", Version: v.Version, Format: publish.FormatOFACCSV, Published: published},
		{List: "un", Version: v.Version, Format: publish.FormatFtM, Published: published},
		{List: "un", Version: v.Version, Format: publish.FormatSTIX, Published: published},
		{List: "cyber_sanctions", Version: 2, Format: publish.FormatOFACCSV, Published: published},
		{List: "cyber_sanctions", Version: 2, Since: 1, Format: publish.FormatFtMDelta, Published: published},
	} {
		t.Run(r.List+"/"+r.Format, func(t *testing.T) {
			set, err := publish.Export(ctx, db, r)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := publish.Export(ctx, db, r)
			if !bytes.Equal(again.Manifest.Encode(), set.Manifest.Encode()) {
				t.Error("a second export of the version differs")
			}
			dir := t.TempDir()
			if err := set.Signed(priv).WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			m, err := verifyDir(pub, dir)
			if err != nil {
				t.Fatal(err)
			}
			if m.List != r.List || m.Version != r.Version || len(m.Files) == 0 || !m.Published.Equal(published) {
				t.Errorf("manifest %+v", m)
			}
			if _, err := verifyDir(other, dir); warden.ErrorCode(err) != warden.EINVALID {
				t.Errorf("verified with another key: %v", err)
			}
			names := []string{publish.ManifestName, publish.SignatureName}
			for _, f := range m.Files {
				names = append(names, f.Name)
			}
			for _, name := range names {
				for _, at := range []int{0, -2} {
					p := filepath.Join(dir, name)
					orig, _ := os.ReadFile(p)
					b := slices.Clone(orig)
					i := (at + len(b)) % len(b)
					b[i] ^= 0x01
					os.WriteFile(p, b, 0o644)
					if _, err := verifyDir(pub, dir); warden.ErrorCode(err) != warden.EINVALID {
						t.Errorf("%s with byte %d changed verifies: %v", name, i, err)
					}
					os.WriteFile(p, orig, 0o644)
				}
			}
			if _, err := verifyDir(pub, dir); err != nil {
				t.Errorf("restored set: %v", err)
			}
		})
	}
}

// TestExportRoundTrip imports each export of a published version back
// with Warden's own parsers and finds the same parties; the delta applied
// to the earlier version gives the later one.
func TestExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	a, b, c := party("CS-1", "YAKUBETS, Maksim", "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"), party("CS-2", "RYZHENKOV, Aleksandr", "bc1qryzhenkov0000000000000000000000000000"), party("CS-3", "EVIL CORP", "0x098b716b8aaf21512996dc57eb0615e2383e2f96")
	c.Schema = warden.SchemaOrganization
	put(t, db, "cyber_sanctions", a, b)
	b2 := party("CS-2", "RYZHENKOV, Aleksandr", "bc1qryzhenkov0000000000000000000000000000")
	b2.Identifiers = append(b2.Identifiers, warden.Identifier{Type: warden.IDCrypto, Currency: "ETH", Value: "0x1111111111111111111111111111111111111111"})
	put(t, db, "cyber_sanctions", b2, c)

	load := func(list string, version int) map[string]string {
		out := map[string]string{}
		err := db.Entities(ctx, list, version, func(e *warden.Entity) error {
			var ids []string
			for _, id := range e.Identifiers {
				ids = append(ids, fmt.Sprint(id.Type, id.Value, id.Currency))
			}
			var names []string
			for _, n := range e.Names {
				names = append(names, n.Full)
			}
			slices.Sort(ids)
			slices.Sort(names)
			out[e.Caption()] = fmt.Sprint(names, e.BirthDates, ids, e.Programs, e.Nationalities)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := load("cyber_sanctions", 2)
	importSet := func(list, format string, r publish.Request) {
		set, err := publish.Export(ctx, db, r)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		set.WriteDir(dir)
		var paths []string
		for _, f := range set.Manifest.Files {
			paths = append(paths, filepath.Join(dir, f.Name))
		}
		if _, err := ingest.Import(ctx, db, ingest.Request{List: list, Format: format, Input: warden.Input{Paths: paths}, Force: true}, nil); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
	}
	importSet("copy_ofac", "ofac-csv", publish.Request{List: "cyber_sanctions", Version: 2, Format: publish.FormatOFACCSV})
	importSet("copy_ftm", "ftm", publish.Request{List: "cyber_sanctions", Version: 2, Format: publish.FormatFtM})
	importSet("copy_delta", "ftm", publish.Request{List: "cyber_sanctions", Version: 1, Format: publish.FormatFtM})
	importSet("copy_delta", "ftm-delta", publish.Request{List: "cyber_sanctions", Version: 2, Since: 1, Format: publish.FormatFtMDelta})
	for _, list := range []string{"copy_ofac", "copy_ftm", "copy_delta"} {
		got := load(list, 0)
		if !maps.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", list, got, want)
		}
	}
	if _, err := publish.Export(ctx, db, publish.Request{List: "cyber_sanctions", Version: 2, Since: 2, Format: publish.FormatFtMDelta}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("delta from itself: %v", err)
	}
	if _, err := publish.Export(ctx, db, publish.Request{List: "cyber_sanctions", Version: 2, Format: "xml"}); warden.ErrorCode(err) != warden.EINVALID {
		t.Errorf("unknown format: %v", err)
	}
}
