package ingest_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"warden"
	"warden/ingest"
	"warden/sources"
	"warden/sources/sourcetest"
	"warden/store"
	"warden/store/storetest"
)

// cutLines writes the first share of src's lines (a cut at a line break,
// as an interrupted download leaves a file) to dir/name.
func cutLines(t *testing.T, src []byte, share float64, dir, name string) string {
	t.Helper()
	var lines int
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines++
	}
	keep, n := int(float64(lines)*share), 0
	var out bytes.Buffer
	sc = bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && n < keep {
		out.Write(sc.Bytes())
		out.WriteByte('\n')
		n++
	}
	return write(t, dir, name, out.Bytes())
}

func write(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gunzip(t *testing.T, p string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(read(t, p)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstLine is a file's first line: a CSV's header alone.
func firstLine(b []byte) []byte {
	i := bytes.IndexByte(b, '\n')
	return b[:i+1]
}

// guardCase is an input that must not become a new version of a list.
type guardCase struct {
	name   string
	format string   // empty: detected
	paths  []string // the files
	code   string   // the error code expected
	want   string   // in the error message
}

// checkRefused imports each case into list, which must be at version 1
// with n parties, and checks it is refused and that nothing changed. It
// returns the cases' errors.
func checkRefused(t *testing.T, db *store.DB, list string, n int, cases []guardCase) []error {
	t.Helper()
	ctx := context.Background()
	var errs []error
	for _, c := range cases {
		_, err := ingest.Import(ctx, db, ingest.Request{List: list, Format: c.format, Input: warden.Input{Paths: c.paths}}, nil)
		errs = append(errs, err)
		if err == nil {
			t.Errorf("%s %s: accepted", list, c.name)
		} else if warden.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: err = [%s] %v, want [%s] %q", list, c.name, warden.ErrorCode(err), err, c.code, c.want)
		}
		l, err := db.List(ctx, list)
		if err != nil || l.CurrentVersion != 1 || l.Entities != n {
			t.Errorf("%s %s: list is now %+v %v, want version 1 with %d parties", list, c.name, l, err, n)
		}
	}
	return errs
}

// TestGuardsUN: an empty, header-only, cut or foreign file does not replace
// the UN list.
func TestGuardsUN(t *testing.T) {
	db, _ := imported(t, "un", "un/consolidated.xml")
	src := sourcetest.Data(t, "un/consolidated.xml")
	dir := t.TempDir()
	b := read(t, src)
	head := bytes.Clone(b[:bytes.Index(b, []byte("<INDIVIDUALS>"))])
	checkRefused(t, db, "un", 1003, []guardCase{
		{"empty", "un-xml", []string{write(t, dir, "empty.xml", nil)}, warden.EINVALID, ""},
		{"header only", "", []string{write(t, dir, "header.xml", append(head, "<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>\n"...))}, warden.EINVALID, "no INDIVIDUAL"},
		{"cut at a line break", "", []string{cutLines(t, b, 0.5, dir, "cut.xml")}, warden.EINVALID, "unexpected EOF"},
		{"another format", "", []string{sourcetest.Data(t, "us_csl/consolidated.csv.gz")}, warden.EINVALID, "csl-csv"},
	})
}

// TestGuardsCSL: the same for the US Consolidated Screening List, on its
// first 2,000 parties (the real file cut by the test and gzipped, as it is
// published; TestEntityCounts imports all 14,160 without the race
// detector); a plain CSV cut at a line break parses, and only the removal
// share refuses it.
func TestGuardsCSL(t *testing.T) {
	db := storetest.OpenSQLite(t)
	dir := t.TempDir()
	plain := firstRecords(t, gunzip(t, sourcetest.Data(t, "us_csl/consolidated.csv.gz")), 2000)
	gz := gzipped(t, plain)
	if v, err := importPath(t, db, "us-csl", write(t, dir, "consolidated.csv.gz", gz)); err != nil || v.Entities != 2000 {
		t.Fatalf("the first 2000 rows: %+v %v", v, err)
	}
	checkRefused(t, db, "us-csl", 2000, []guardCase{
		{"empty", "csl-csv", []string{write(t, dir, "empty.csv", nil)}, warden.EINVALID, "empty"},
		{"header only", "", []string{write(t, dir, "header.csv", firstLine(plain))}, warden.EINVALID, "empty"},
		{"gzip cut", "", []string{write(t, dir, "cut.csv.gz", gz[:len(gz)/2])}, warden.EINVALID, "unexpected EOF"},
		{"cut at a line break", "", []string{cutLines(t, plain, 0.5, dir, "cut.csv")}, warden.ECONFLICT, "of 2000"},
		{"another format", "", []string{sourcetest.Data(t, "un/consolidated.xml")}, warden.EINVALID, "un-xml"},
	})
}

// firstRecords is the header and the first n records of the CSV file b,
// byte for byte: the real file cut to a shorter list in its own format.
func firstRecords(t *testing.T, b []byte, n int) []byte {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	for range n + 1 {
		if _, err := r.Read(); err != nil {
			t.Fatal(err)
		}
	}
	return bytes.Clone(b[:r.InputOffset()])
}

// gzipped is b compressed with gzip.
func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestGuardsUK: the UK list (xlsx) cut, empty or in another format.
func TestGuardsUK(t *testing.T) {
	db, _ := imported(t, "uk", "uk/ConList.xlsx")
	src := sourcetest.Data(t, "uk/ConList.xlsx")
	dir := t.TempDir()
	b := read(t, src)
	checkRefused(t, db, "uk", 4688, []guardCase{
		{"empty", "", []string{write(t, dir, "empty.xlsx", nil)}, warden.EINVALID, ""},
		{"cut", "", []string{write(t, dir, "cut.xlsx", b[:len(b)/2])}, warden.EINVALID, "zip"},
		{"another format", "", []string{sourcetest.Data(t, "un/consolidated.xml")}, warden.EINVALID, "un-xml"},
	})
}

// TestGuardsOFAC: sdn.csv cut at a line break, emptied, or replaced by
// another list; and OFAC XML whose Record_Count says entries are missing.
// The CSV cases run on the OFAC sample (see sourcetest.OFACSample).
func TestGuardsOFAC(t *testing.T) {
	db := storetest.OpenSQLite(t)
	sample := sourcetest.OFACSample(t, "ofac")
	if v, err := importPath(t, db, "ofac", sample); err != nil || v.Entities != 2062 {
		t.Fatalf("the sample: %+v %v, want 2062 parties", v, err)
	}
	folder := func(sdn []byte) []string {
		dir := t.TempDir()
		paths, err := sources.Expand([]string{sample})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range paths {
			b := read(t, p)
			if filepath.Base(p) == "sdn.csv" {
				b = sdn
			}
			out = append(out, write(t, dir, filepath.Base(p), b))
		}
		return out
	}
	sdn := read(t, filepath.Join(sample, "sdn.csv"))
	dir := t.TempDir()
	checkRefused(t, db, "ofac", 2062, []guardCase{
		{"sdn.csv cut at a line break", "", folder(read(t, cutLines(t, sdn, 0.6, dir, "sdn.csv"))), warden.ECONFLICT, "of 2062"},
		{"sdn.csv empty", "", folder(nil), warden.EINVALID, "empty"},
		{"another format", "", []string{sourcetest.Data(t, "un/consolidated.xml")}, warden.EINVALID, "un-xml"},
	})

	if _, err := importDir(t, db, "ofac-xml", "ofac/consolidated.xml"); err != nil {
		t.Fatal(err)
	}
	x := read(t, sourcetest.Data(t, "ofac/consolidated.xml"))
	end := bytes.Index(x[len(x)/2:], []byte("</sdnEntry>")) + len(x)/2 + len("</sdnEntry>")
	closed := append(append([]byte{}, x[:end]...), "\n</sdnList>\n"...)
	checkRefused(t, db, "ofac-xml", 443, []guardCase{
		{"entries missing, root closed", "", []string{write(t, dir, "short.xml", closed)}, warden.EINVALID, "Record_Count"},
		{"cut at a line break", "", []string{cutLines(t, x, 0.5, dir, "cut.xml")}, warden.EINVALID, "unexpected EOF"},
	})

	if _, err := importDir(t, db, "ofac-cons", "ofac/CONS_ENHANCED.ZIP"); err != nil {
		t.Fatal(err)
	}
	z := read(t, sourcetest.Data(t, "ofac/CONS_ENHANCED.ZIP"))
	checkRefused(t, db, "ofac-cons", 443, []guardCase{
		{"zip cut", "", []string{write(t, t.TempDir(), "CONS_ENHANCED.ZIP", z[:len(z)/2])}, warden.EINVALID, "zip"},
	})
}

// TestForce: a refused version is stored with Force, and the override is
// audited naming who, the list and what the guard said.
func TestForce(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db, _ := imported(t, "un", "un/consolidated.xml")
	b := read(t, sourcetest.Data(t, "un/consolidated.xml"))
	end := bytes.Index(b, []byte("</INDIVIDUAL>")) + len("</INDIVIDUAL>")
	one := write(t, t.TempDir(), "one.xml", append(bytes.Clone(b[:end]), "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n"...))
	req := ingest.Request{List: "un", Input: warden.Input{Paths: []string{one}}}
	if _, err := ingest.Import(ctx, db, req, nil); warden.ErrorCode(err) != warden.ECONFLICT || !strings.Contains(err.Error(), "1002 of 1003") {
		t.Fatalf("one party left: err = %v", err)
	}
	req.MaxRemoved = 1
	if _, err := ingest.Import(ctx, db, req, nil); err != nil {
		t.Fatalf("with --max-removed 1: %v", err)
	}
	if _, err := ingest.Rollback(ctx, db, "un", 1, "undo the test"); err != nil {
		t.Fatal(err)
	}
	req.MaxRemoved, req.Force, req.Reason = 0, true, "the UN really did delist them"
	v, err := ingest.Import(ctx, db, req, nil)
	if err != nil || v.Version != 4 || v.Entities != 1 || v.Removed != 1002 {
		t.Fatalf("forced: %+v %v", v, err)
	}
	var evs []warden.AuditEvent
	db.AuditEvents(ctx, warden.AuditFilter{Action: "list.import.forced"}, func(e warden.AuditEvent) error { evs = append(evs, e); return nil })
	if len(evs) != 1 || evs[0].Object != "list:un" || evs[0].Actor == "" || evs[0].Reason != req.Reason ||
		!strings.Contains(string(evs[0].Detail), "would remove 1002 of 1003 parties") {
		t.Errorf("forced import audited as %+v", evs)
	}
}

// TestRollback: v1, then a different v2, then a rollback to 1 publishes v3
// equal to v1 party for party, whose changes undo v2's. The versions are
// the OFAC samples (see sourcetest.OFACSample) of 2021 and 2024.
func TestRollback(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db := storetest.OpenSQLite(t)
	v1, err := importPath(t, db, "ofac", sourcetest.OFACSample(t, "ofac/2021-07-07"))
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := sources.Expand([]string{sourcetest.OFACSample(t, "ofac")})
	v2, err := ingest.Import(ctx, db, ingest.Request{List: "ofac", Input: warden.Input{Paths: paths}, MaxRemoved: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Entities != 1152 || v2.Entities != 2062 || v2.Added == 0 || v2.Modified == 0 || v2.Removed == 0 {
		t.Fatalf("the samples: v1 %+v\nv2 %+v", v1, v2)
	}
	v3, err := ingest.Rollback(ctx, db, "ofac", 1, "v2 was wrong")
	if err != nil {
		t.Fatal(err)
	}
	if v3.Version != 3 || v3.Entities != v1.Entities || v3.Added != v2.Removed || v3.Removed != v2.Added || v3.Modified != v2.Modified || v3.Format != "ofac-csv" {
		t.Errorf("v1 %+v\nv2 %+v\nv3 %+v", v1, v2, v3)
	}
	party := func(v int) map[string]string {
		m := map[string]string{}
		db.Entities(ctx, "ofac", v, func(e *warden.Entity) error {
			e.Version = 0
			b, _ := json.Marshal(e)
			m[e.SourceID] = string(b)
			return nil
		})
		return m
	}
	p1, p3 := party(1), party(3)
	if len(p1) != v1.Entities || len(p3) != len(p1) {
		t.Fatalf("v1 %d parties, v3 %d", len(p1), len(p3))
	}
	for id, e := range p1 {
		if p3[id] != e {
			t.Errorf("party %s differs at v3", id)
			break
		}
	}
	var evs []warden.AuditEvent
	db.AuditEvents(ctx, warden.AuditFilter{Action: "list.rollback"}, func(e warden.AuditEvent) error { evs = append(evs, e); return nil })
	if len(evs) != 1 || evs[0].Reason != "v2 was wrong" {
		t.Errorf("rollback audited as %+v", evs)
	}
	for _, bad := range []int{3, 9} {
		if _, err := ingest.Rollback(ctx, db, "ofac", bad, ""); err == nil {
			t.Errorf("rollback to %d accepted", bad)
		}
	}
}

// ofacFolder copies the OFAC CSV files of the folder src into a new
// folder, with the files named in with replaced by their content (nil: a
// 0-byte file) and those named in without left out, and returns their
// paths.
func ofacFolder(t *testing.T, src string, with map[string][]byte, without ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, name := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		if slices.Contains(without, name) {
			continue
		}
		b, ok := with[name]
		if !ok {
			b = read(t, filepath.Join(src, name))
		}
		out = append(out, write(t, dir, name, b))
	}
	return out
}

// TestGuardsOFACComponents: OFAC's companion files carry the a.k.a.s,
// addresses and remarks overflow of parties that sdn.csv keeps listing, so
// an empty companion, or a version without one, strips them from parties
// that are not removed. Each is refused, nothing is stored, and --force
// stores it and audits what the guard said. The files are the OFAC sample
// (see sourcetest.OFACSample).
func TestGuardsOFACComponents(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db := storetest.OpenSQLite(t)
	sample := sourcetest.OFACSample(t, "ofac")
	if _, err := importPath(t, db, "ofac", sample); err != nil {
		t.Fatal(err)
	}
	alt := read(t, filepath.Join(sample, "alt.csv"))
	dir := t.TempDir()
	folder := func(with map[string][]byte, without ...string) []string {
		return ofacFolder(t, sample, with, without...)
	}
	checkRefused(t, db, "ofac", 2062, []guardCase{
		{"alt.csv empty", "", folder(map[string][]byte{"alt.csv": nil}), warden.EINVALID, "alt.csv is empty"},
		{"alt.csv with no rows", "", folder(map[string][]byte{"alt.csv": []byte("\r\n\x1a")}), warden.EINVALID, "alt.csv is empty"},
		{"add.csv empty", "", folder(map[string][]byte{"add.csv": nil}), warden.EINVALID, "add.csv is empty"},
		{"sdn_comments.csv empty", "", folder(map[string][]byte{"sdn_comments.csv": nil}), warden.EINVALID, "sdn_comments.csv is empty"},
		{"alt.csv cut at a line break", "", folder(map[string][]byte{"alt.csv": read(t, cutLines(t, alt, 0.3, dir, "alt.csv"))}), warden.EINVALID, "looks cut; fetch it again, or force it; also, version 2 of list \"ofac\" would drop 1659 of 5026 names (33.0%)"},
		{"no alt.csv", "", folder(nil, "alt.csv"), warden.ECONFLICT, "would drop"},
		{"no add.csv", "", folder(nil, "add.csv"), warden.ECONFLICT, "addresses"},
		{"sdn.csv alone", "", folder(nil, "add.csv", "alt.csv", "sdn_comments.csv"), warden.ECONFLICT, "names"},
		{"no sdn_comments.csv", "", folder(nil, "sdn_comments.csv"), warden.ECONFLICT, "wallets"},
	})

	// The National Bank of Cuba keeps its a.k.a. through all of them.
	e, err := db.Entity(ctx, "ofac:306", 0)
	if err != nil || len(e.Names) < 2 {
		t.Fatalf("ofac:306 is now %+v %v", e, err)
	}

	alone := ingest.Request{List: "ofac", Input: warden.Input{Paths: folder(nil, "add.csv", "alt.csv", "sdn_comments.csv")},
		Force: true, Reason: "OFAC published no companions"}
	v, err := ingest.Import(ctx, db, alone, nil)
	if err != nil || v.Version != 2 || v.Removed != 0 || v.Modified == 0 {
		t.Fatalf("forced: %+v %v", v, err)
	}
	var evs []warden.AuditEvent
	db.AuditEvents(ctx, warden.AuditFilter{Action: "list.import.forced"}, func(e warden.AuditEvent) error { evs = append(evs, e); return nil })
	if len(evs) != 1 || evs[0].Reason != alone.Reason || !strings.Contains(string(evs[0].Detail), "names") {
		t.Errorf("forced import audited as %+v", evs)
	}
}

// cutBytes is the first share of src's bytes, cut back to the last line
// break: how a download that stopped early leaves a CSV file, every row
// whole, so that it parses.
func cutBytes(src []byte, share float64) []byte {
	b := src[:int(float64(len(src))*share)]
	return bytes.Clone(b[:bytes.LastIndexByte(b, '\n')+1])
}

// TestGuardsOFACTrailer: every current OFAC CSV file ends with a 0x1A
// byte, so a file that comes without it, where the current version's file
// had it, was cut. The reviewer's alt.csv, cut at a line break after 80%
// of its bytes, drops fewer names than the share guard allows (9.7% of the
// whole list's, 341 of 5,026 or 6.8% of the OFAC sample's, which the test
// imports: see sourcetest.OFACSample): it is refused all the same, by that
// guard alone, and FGBU TSNII VVKO MINOBORONY ROSSII (an a.k.a. of
// ofac:44296 past the cut) stays listed. A version read without a file the
// current one was read from is refused on that ground too. The files onto
// themselves, and the 2021 set (whose sdn_comments.csv has no mark) onto
// itself, are accepted.
func TestGuardsOFACTrailer(t *testing.T) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db := storetest.OpenSQLite(t)
	sample := sourcetest.OFACSample(t, "ofac")
	v1, err := importPath(t, db, "ofac", sample)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"sdn.csv": true, "add.csv": true, "alt.csv": true, "sdn_comments.csv": true}; !maps.Equal(v1.Components, want) {
		t.Errorf("version 1 was read from %v, want %v", v1.Components, want)
	}
	alt := read(t, filepath.Join(sample, "alt.csv"))
	sdn := read(t, filepath.Join(sample, "sdn.csv"))
	folder := func(with map[string][]byte, without ...string) []string {
		return ofacFolder(t, sample, with, without...)
	}
	errs := checkRefused(t, db, "ofac", 2062, []guardCase{
		{"alt.csv cut at a line break", "", folder(map[string][]byte{"alt.csv": cutBytes(alt, 0.8)}), warden.EINVALID,
			"alt.csv ends without OFAC's end-of-file mark (0x1A), as the current version's did: it looks cut"},
		{"sdn.csv cut at a line break", "", folder(map[string][]byte{"sdn.csv": cutBytes(sdn, 0.97)}), warden.EINVALID,
			"sdn.csv ends without OFAC's end-of-file mark"},
		{"sdn.csv without its last byte", "", folder(map[string][]byte{"sdn.csv": sdn[:len(sdn)-1]}), warden.EINVALID,
			"sdn.csv ends without OFAC's end-of-file mark"},
	})
	for _, err := range errs {
		if err != nil && strings.Contains(err.Error(), "also") {
			t.Errorf("refused by more than the end-of-file mark: %v", err)
		}
	}
	e, err := db.Entity(ctx, "ofac:44296", 0)
	if err != nil || !slices.ContainsFunc(e.Names, func(n warden.Name) bool { return n.Full == "FGBU TSNII VVKO MINOBORONY ROSSII" }) {
		t.Errorf("ofac:44296 is now %+v %v", e, err)
	}

	// Without sdn_comments.csv the wallets guard and the missing file both
	// refuse it; forced, the override records both.
	noComments := ingest.Request{List: "ofac", Input: warden.Input{Paths: folder(nil, "sdn_comments.csv")}, Force: true, Reason: "test"}
	v, err := ingest.Import(ctx, db, noComments, nil)
	if err != nil || v.Version != 2 || maps.Equal(v.Components, v1.Components) {
		t.Fatalf("forced without sdn_comments.csv: %+v %v", v, err)
	}
	var evs []warden.AuditEvent
	db.AuditEvents(ctx, warden.AuditFilter{Action: "list.import.forced"}, func(e warden.AuditEvent) error { evs = append(evs, e); return nil })
	if len(evs) != 1 || !strings.Contains(string(evs[0].Detail), "wallets") ||
		!strings.Contains(string(evs[0].Detail), "read without sdn_comments.csv, which version 1 was read from") {
		t.Errorf("forced import audited as %+v", evs)
	}
	vs, err := db.Versions(ctx, "ofac")
	if err != nil || len(vs) != 2 || !maps.Equal(vs[1].Components, v1.Components) || !maps.Equal(vs[0].Components, v.Components) {
		t.Errorf("versions record %+v %v", vs, err)
	}

	// A rollback to version 1 was read from version 1's files.
	if v, err := ingest.Rollback(ctx, db, "ofac", 1, "test"); err != nil || !maps.Equal(v.Components, v1.Components) {
		t.Errorf("rollback to 1: %+v %v", v, err)
	}

	// The files, with their marks, are accepted again: as a check, since
	// the rollback's version holds them already.
	if v, err := importPath(t, db, "ofac", sample); err != nil || v.Version != 3 || !v.Unchanged {
		t.Errorf("the files: %+v %v", v, err)
	}

	// The 2021 set: its sdn_comments.csv ends without the mark, and does
	// so again in the next import.
	db = storetest.OpenSQLite(t)
	old := sourcetest.OFACSample(t, "ofac/2021-07-07")
	if v, err := importPath(t, db, "ofac", old); err != nil || v.Components["sdn_comments.csv"] || !v.Components["sdn.csv"] {
		t.Fatalf("2021: %+v %v", v, err)
	}
	if v, err := importPath(t, db, "ofac", old); err != nil || v.Version != 1 || !v.Unchanged {
		t.Errorf("2021 onto 2021: %+v %v", v, err)
	}
}

// TestGuardComponents: how the guard weighs the files a version is read
// from against those of the version it replaces.
func TestGuardComponents(t *testing.T) {
	all := map[string]bool{"sdn.csv": true, "add.csv": true, "alt.csv": true, "sdn_comments.csv": true}
	with := func(m map[string]bool, name string, mark bool, drop bool) map[string]bool {
		out := maps.Clone(m)
		if drop {
			delete(out, name)
		} else {
			out[name] = mark
		}
		return out
	}
	tests := []struct {
		name       string
		base, next map[string]bool
		code, want string // empty: accepted
	}{
		{"same files", all, all, "", ""},
		{"first import", nil, with(all, "alt.csv", false, false), "", ""},
		{"a version imported before files were recorded", nil, with(all, "sdn_comments.csv", false, true), "", ""},
		{"alt.csv without its mark", all, with(all, "alt.csv", false, false), warden.EINVALID, "alt.csv ends without OFAC's end-of-file mark (0x1A), as the current version's did: it looks cut"},
		{"never had the mark", with(all, "sdn_comments.csv", false, false), with(all, "sdn_comments.csv", false, false), "", ""},
		{"gains the mark", with(all, "sdn_comments.csv", false, false), all, "", ""},
		{"no sdn_comments.csv", all, with(all, "sdn_comments.csv", false, true), warden.ECONFLICT, "read without sdn_comments.csv, which version 1 was read from"},
		{"a file more", with(all, "add.csv", false, true), all, "", ""},
		{"another format", all, nil, warden.EINVALID, "ofac-csv versions"},
	}
	for _, tt := range tests {
		base := warden.ListVersion{List: "ofac", Version: 1, Format: "ofac-csv", Entities: 100, Components: tt.base}
		next := warden.ListVersion{List: "ofac", Version: 2, Format: "ofac-csv", Entities: 100, Components: tt.next}
		if tt.next == nil {
			next.Format = "un-xml"
		}
		got := ingest.Guard(base, next, nil, 0)
		switch {
		case tt.code == "" && len(got) > 0:
			t.Errorf("%s: refused: %v", tt.name, got)
		case tt.code != "" && len(got) != 1:
			t.Errorf("%s: %v, want one refusal", tt.name, got)
		case tt.code != "" && (got[0].Code != tt.code || !strings.Contains(got[0].Message, tt.want)):
			t.Errorf("%s: [%s] %s, want [%s] %q", tt.name, got[0].Code, got[0].Message, tt.code, tt.want)
		}
	}
}
