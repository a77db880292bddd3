// Package ofaccsv reads OFAC's legacy CSV files: sdn.csv with its companions
// add.csv (addresses), alt.csv (aliases) and sdn_comments.csv (the remarks
// that overflow sdn.csv's 1,000-character field).
//
// The files have no header, mark nulls with "-0- ", end in a 0x1A byte, write
// several programs as `DPRK3] [CYBER2`, and hide most structure (birth dates,
// identifiers, digital currency addresses) in the remarks text.
package ofaccsv

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"warden"
	"warden/internal/textio"
	"warden/sources/internal/ofac"
)

// Parser reads a set of OFAC legacy CSV files.
type Parser struct{}

// Files names the files the parser reads, by role. Only SDN is required.
type files struct{ sdn, add, alt, comments string }

func pick(paths []string) (files, error) {
	var f files
	for _, p := range paths {
		switch component(p) {
		case "sdn.csv", "cons_prim.csv":
			f.sdn = p
		case "add.csv", "cons_add.csv":
			f.add = p
		case "alt.csv", "cons_alt.csv":
			f.alt = p
		case "sdn_comments.csv", "cons_comments.csv":
			f.comments = p
		}
	}
	if f.sdn == "" {
		return f, warden.Errorf(warden.EINVALID, "ofac-csv: no sdn.csv among the input files")
	}
	return f, nil
}

// Detect reports whether paths look like OFAC legacy CSV files.
func Detect(paths []string) bool {
	_, err := pick(paths)
	return err == nil
}

// lineOf returns the line number of a "file:line" position.
func lineOf(pos string) int {
	n, _ := strconv.Atoi(pos[strings.LastIndexByte(pos, ':')+1:])
	return n
}

func null(s string) string {
	if strings.TrimSpace(s) == "-0-" {
		return ""
	}
	return strings.TrimSpace(s)
}

// component is the key of a file in warden.SourceMeta.Components: its
// lower-case base name, without .gz.
func component(path string) string {
	return strings.TrimSuffix(strings.ToLower(filepath.Base(path)), ".gz")
}

// eofMark is the byte that ends every file OFAC publishes (a DOS
// end-of-file mark). A file cut at a line break still parses, so its
// absence, where the list's files had it, is what tells it was cut.
const eofMark = 0x1A

// lastByte passes a file through and remembers its last byte.
type lastByte struct {
	r    io.Reader
	last int // -1 until a byte is read
}

func (l *lastByte) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		l.last = int(p[n-1])
	}
	return n, err
}

// readCSV calls fn for each record of the named file with its position,
// and records in meta whether the file ended with eofMark. A file without
// a record is EINVALID: OFAC never publishes one, and an empty companion
// (a failed download) would strip its a.k.a.s, addresses or remarks from
// every party that stays listed.
func readCSV(in warden.Input, meta *warden.SourceMeta, path string, fields int, fn func(pos string, rec []string) error) error {
	rc, err := in.Open(path)
	if err != nil {
		return warden.Errorf(warden.EINVALID, "open %s: %w", path, err)
	}
	defer rc.Close()
	r, err := textio.MaybeGzip(rc)
	if err != nil {
		return warden.Invalid(path, err)
	}
	tail := &lastByte{r: r, last: -1}
	if r, err = textio.Text(tail); err != nil {
		return warden.Invalid(path, err)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = fields
	cr.ReuseRecord = true
	name := filepath.Base(path)
	for rows := 0; ; rows++ {
		rec, err := cr.Read()
		if err == io.EOF && rows == 0 {
			return warden.Errorf(warden.EINVALID, "ofac-csv: %s is empty: it holds no rows, and OFAC never publishes it so; fetch it again", name)
		}
		if err == io.EOF {
			meta.Components[component(path)] = tail.last == eofMark
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return warden.Invalid(fmt.Sprintf("%s:%d", name, pe.StartLine), pe.Err)
			}
			return warden.Invalid(name, err)
		}
		line, _ := cr.FieldPos(0)
		if err := fn(fmt.Sprintf("%s:%d", name, line), rec); err != nil {
			return err
		}
	}
}

type alias struct {
	kind warden.NameKind
	name string
}

// Parse reads the files in in and puts one entity per sdn.csv row. The
// meta it returns names each file read in Components, true where the file
// ended with OFAC's 0x1A byte, for the import guards to compare with the
// current version's.
func (Parser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	meta := warden.SourceMeta{Components: map[string]bool{}}
	f, err := pick(in.Paths)
	if err != nil {
		return meta, err
	}
	comments := map[string]string{}
	commentPos := map[string][]string{}
	if f.comments != "" {
		err := readCSV(in, &meta, f.comments, 2, func(pos string, rec []string) error {
			id := strings.TrimSpace(rec[0])
			comments[id] += rec[1]
			commentPos[id] = append(commentPos[id], pos)
			return nil
		})
		if err != nil {
			return meta, err
		}
	}
	aliases := map[string][]alias{}
	aliasPos := map[string][]string{}
	if f.alt != "" {
		err := readCSV(in, &meta, f.alt, 5, func(pos string, rec []string) error {
			id := strings.TrimSpace(rec[0])
			kind := warden.NameAKA
			switch strings.ToLower(null(rec[2])) {
			case "fka":
				kind = warden.NameFKA
			case "nka":
				kind = warden.NameNKA
			}
			if strings.Contains(strings.ToLower(rec[4]), "low quality") {
				kind = warden.NameWeak
			}
			aliases[id] = append(aliases[id], alias{kind, null(rec[3])})
			aliasPos[id] = append(aliasPos[id], pos)
			return nil
		})
		if err != nil {
			return meta, err
		}
	}
	addrs := map[string][]warden.Address{}
	addrPos := map[string][]string{}
	if f.add != "" {
		err := readCSV(in, &meta, f.add, 6, func(pos string, rec []string) error {
			id := strings.TrimSpace(rec[0])
			a := warden.Address{Street: null(rec[2]), City: null(rec[3]), CountryName: null(rec[4])}
			if a.Street == "" && a.City == "" && a.CountryName == "" {
				addrPos[id] = append(addrPos[id], pos) // a row of nulls still names the ent_num
				return nil
			}
			a.Full = joinNonEmpty(", ", a.Street, a.City, a.CountryName)
			addrs[id] = append(addrs[id], a)
			addrPos[id] = append(addrPos[id], pos)
			return nil
		})
		if err != nil {
			return meta, err
		}
	}

	seen := map[string]bool{}
	err = readCSV(in, &meta, f.sdn, 12, func(pos string, rec []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		id := strings.TrimSpace(rec[0])
		if id == "" || strings.Trim(id, "0123456789") != "" {
			return warden.Invalid(pos, fmt.Errorf("ent_num %q is not a number", id))
		}
		if seen[id] {
			return warden.Invalid(pos, fmt.Errorf("duplicate ent_num %s", id))
		}
		seen[id] = true
		e := entity(id, rec)
		remarks := rec[11]
		if null(remarks) == "" {
			remarks = ""
		}
		if c, ok := comments[id]; ok {
			// The overflow continues mid-token, sometimes right after a
			// space: join the raw fields with no separator, then trim.
			remarks += c
		}
		remarks = strings.TrimSpace(remarks)
		e.Remarks = remarks
		ofac.ApplyRemarks(e, remarks)
		for _, part := range ofac.SplitRemarks(remarks) {
			if sid, ok := strings.CutPrefix(strings.TrimSuffix(part, "."), SourceIDRemark); ok && strings.TrimSpace(sid) != "" {
				e.SourceID = strings.TrimSpace(sid) // a Warden export numbered a party with its own id
			}
		}
		for _, a := range aliases[id] {
			e.AddName(warden.Name{Full: a.name, Kind: a.kind})
		}
		for _, a := range addrs[id] {
			if a.CountryName != "" {
				a.Country = e.AddCountry(&e.Countries, a.CountryName)
			}
			e.Addresses = append(e.Addresses, a)
		}
		e.Sort()
		if err := e.Validate(); err != nil {
			return warden.Invalid(pos, err)
		}
		return sink.Put(e)
	})
	if err != nil {
		return meta, err
	}
	// Rows for ent_nums not in sdn.csv (parties designated after it was
	// published, or delisted) are warnings, one per row, in file order.
	orphans := func(m map[string][]string, what string) {
		var ids []string
		for id := range m {
			if !seen[id] {
				ids = append(ids, id)
			}
		}
		sort.Slice(ids, func(i, j int) bool { return lineOf(m[ids[i]][0]) < lineOf(m[ids[j]][0]) })
		for _, id := range ids {
			for _, pos := range m[id] {
				sink.Warn(warden.Warning{Pos: pos, Msg: fmt.Sprintf("%s for unknown ent_num %s skipped", what, id)})
			}
		}
	}
	orphans(addrPos, "address")
	orphans(aliasPos, "alias")
	orphans(commentPos, "remarks continuation")
	return meta, nil
}

// entity builds the party from one sdn.csv record, without remarks.
func entity(id string, rec []string) *warden.Entity {
	e := &warden.Entity{SourceID: id}
	name := null(rec[1])
	n := warden.Name{Full: name, Kind: warden.NamePrimary}
	e.Schema = ofac.Schema(rec[2])
	if e.Schema == warden.SchemaPerson {
		if fam, given, ok := strings.Cut(name, ","); ok {
			n.Family, n.Given = strings.TrimSpace(fam), strings.TrimSpace(given)
		}
	}
	e.AddName(n)
	e.Programs = Programs(null(rec[3]))
	warden.Add(&e.Titles, null(rec[4]))
	c := warden.Craft{CallSign: null(rec[5]), Type: null(rec[6]), Tonnage: null(rec[7]), GRT: null(rec[8]), Flag: null(rec[9]), Owner: null(rec[10])}
	if c != (warden.Craft{}) {
		e.Craft = &c
		if c.Flag != "" {
			e.AddCountry(&e.Countries, c.Flag)
		}
	}
	return e
}

// Programs splits OFAC's program field ("DPRK3] [CYBER2", "[SDGT] [IFSR]",
// "CYBER2; ELECTION-EO13848") into program codes.
func Programs(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '[' || r == ']' || r == ';' }) {
		warden.Add(&out, p)
	}
	return out
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
