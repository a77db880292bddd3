// Package sources is the registry of list formats: it names each parser and
// tells a format from the files when the user does not say.
package sources

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"warden"
	"warden/sources/csl"
	"warden/sources/ftm"
	"warden/sources/ofaccsv"
	"warden/sources/ofacenhanced"
	"warden/sources/ofacxml"
	"warden/sources/ostargets"
	"warden/sources/ukconlist"
	"warden/sources/unxml"
)

// Format is one list format Warden reads.
type Format struct {
	Name  string
	Title string
	Delta bool // the files carry changes, applied on top of the current version
	// Family names the formats that publish the same list with the same
	// party ids (the UK list as xlsx or csv, FtM entities and their
	// deltas): a list may move between formats of one family, but a file
	// of another family is more likely a mistake than a new version.
	Family string
	Parser warden.Parser
}

// SameFamily reports whether formats a and b may follow each other as
// versions of one list.
func SameFamily(a, b string) bool {
	fa, fb := Formats[a].Family, Formats[b].Family
	if fa == "" || fb == "" {
		return a == b
	}
	return fa == fb
}

// Formats lists every format by its --format name.
var Formats = map[string]Format{
	"ofac-csv":          {Name: "ofac-csv", Title: "OFAC legacy CSV (sdn.csv, add.csv, alt.csv, sdn_comments.csv)", Family: "ofac-csv", Parser: ofaccsv.Parser{}},
	"ofac-xml":          {Name: "ofac-xml", Title: "OFAC legacy XML (sdn.xml, consolidated.xml)", Family: "ofac-xml", Parser: ofacxml.Parser{}},
	"ofac-enhanced-xml": {Name: "ofac-enhanced-xml", Title: "OFAC enhanced XML (SDN_ENHANCED, CONS_ENHANCED; .xml or .zip)", Family: "ofac-enhanced-xml", Parser: ofacenhanced.Parser{}},
	"un-xml":            {Name: "un-xml", Title: "UN Security Council consolidated list XML", Family: "un-xml", Parser: unxml.Parser{}},
	"uk-xlsx":           {Name: "uk-xlsx", Title: "UK OFSI ConList (.xlsx)", Family: "uk", Parser: ukconlist.XLSX{}},
	"uk-csv":            {Name: "uk-csv", Title: "UK OFSI ConList (.csv)", Family: "uk", Parser: ukconlist.CSV{}},
	"csl-csv":           {Name: "csl-csv", Title: "US Consolidated Screening List CSV (plain or .gz)", Family: "csl-csv", Parser: csl.Parser{}},
	"ftm":               {Name: "ftm", Title: "FollowTheMoney entities, JSON lines", Family: "ftm", Parser: ftm.Parser{}},
	"ftm-delta":         {Name: "ftm-delta", Title: "FollowTheMoney delta operations, JSON lines", Delta: true, Family: "ftm", Parser: ftm.DeltaParser{}},
	"os-targets-csv":    {Name: "os-targets-csv", Title: "OpenSanctions targets.simple.csv", Family: "os-targets-csv", Parser: ostargets.Parser{}},
}

// Names returns the format names in order, for help texts.
func Names() []string {
	out := make([]string, 0, len(Formats))
	for k := range Formats {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Expand replaces directories in paths by the regular files inside them, so
// "warden import ../data/ofac" reads the folder's files.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil { // a *fs.PathError, which names p
			return nil, warden.Errorf(warden.EINVALID, "%w", err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, warden.Errorf(warden.EINVALID, "%w", err)
		}
		for _, e := range ents {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				out = append(out, filepath.Join(p, e.Name()))
			}
		}
	}
	if len(out) == 0 {
		return nil, warden.Errorf(warden.EINVALID, "no input files")
	}
	return out, nil
}

// Detect names the format of the files in paths, from their names and first
// bytes; open reads a file as the parser would.
func Detect(paths []string, open func(string) (io.ReadCloser, error)) (Format, error) {
	if ofaccsv.Detect(paths) {
		return Formats["ofac-csv"], nil
	}
	p := paths[0]
	head, err := peek(p, open)
	if err != nil {
		return Format{}, err
	}
	ext := strings.ToLower(filepath.Ext(p))
	switch {
	case ext == ".xlsx":
		return Formats["uk-xlsx"], nil
	case ofacenhanced.Detect(p, head):
		return Formats["ofac-enhanced-xml"], nil
	case ofacxml.Detect(head):
		return Formats["ofac-xml"], nil
	case unxml.Detect(head):
		return Formats["un-xml"], nil
	case csl.Detect(head):
		return Formats["csl-csv"], nil
	case ostargets.Detect(head):
		return Formats["os-targets-csv"], nil
	case strings.Contains(string(head), "Last Updated") && strings.Contains(string(head), "Group ID"):
		return Formats["uk-csv"], nil
	}
	if ok, delta := ftm.Detect(head); ok {
		if delta {
			return Formats["ftm-delta"], nil
		}
		return Formats["ftm"], nil
	}
	return Format{}, warden.Errorf(warden.EINVALID, "cannot tell the format of %s; name it with --format (one of %s)", p, strings.Join(Names(), ", "))
}

// peek returns the first bytes of a file, decompressed if it is gzipped.
func peek(p string, open func(string) (io.ReadCloser, error)) ([]byte, error) {
	rc, err := open(p)
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "open %s: %w", p, err)
	}
	defer rc.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(rc, buf)
	buf = buf[:n]
	if n > 2 && buf[0] == 0x1f && buf[1] == 0x8b {
		rc2, err := open(p)
		if err != nil {
			return nil, err
		}
		defer rc2.Close()
		zr, err := gzip.NewReader(rc2)
		if err != nil {
			return nil, warden.Errorf(warden.EINVALID, "%s: %w", p, err)
		}
		buf = make([]byte, 4096)
		n, _ = io.ReadFull(zr, buf)
		buf = buf[:n]
	}
	return buf, nil
}
