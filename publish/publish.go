// Package publish makes the exports of a list version that others ingest:
// the files of one format (OFAC legacy CSV, FtM, an FtM delta, a STIX 2.1
// bundle) and a manifest listing each with its size and SHA-256, signed
// with the authority's Ed25519 key so that a consumer who holds the public
// key can tell a file that was changed on the way.
//
// The bytes depend only on the list version (and the earlier version of a
// delta): the same version exports to the same files, hashes and manifest
// every time, so a manifest can be regenerated instead of stored.
package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"warden"
	"warden/sources/ftm"
	"warden/sources/ofaccsv"
	"warden/sources/stix"
)

// Formats an export can take.
const (
	FormatOFACCSV  = "ofac-csv"
	FormatFtM      = "ftm"
	FormatFtMDelta = "ftm-delta"
	FormatSTIX     = "stix"
)

// Formats lists them in the order documentation shows them.
var Formats = []string{FormatOFACCSV, FormatFtM, FormatFtMDelta, FormatSTIX}

// ManifestName and SignatureName are the file names of the manifest and its
// detached signature beside the exported files.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.json.sig"
)

// Store is what an export reads: the parties of a version and the changes
// between two. *store.DB implements it.
type Store interface {
	Entities(ctx context.Context, list string, version int, fn func(*warden.Entity) error) error
	Changes(ctx context.Context, list string, from, to int, fn func(warden.Change) error) error
}

// Manifest describes one exported set. Published is when the version was
// made (its import or publication time), not when the files were written,
// so the manifest of a version is the same in every export.
type Manifest struct {
	List      string    `json:"list"`
	Version   int       `json:"version"`
	Since     *int      `json:"since,omitempty"` // the earlier version of a delta
	Format    string    `json:"format"`
	Published time.Time `json:"published"`
	Files     []File    `json:"files"`
}

// File is one exported file: its name in the set (no directory), size in
// bytes and SHA-256 in lower-case hex.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Set is an exported set in memory: the files by name, in manifest order.
type Set struct {
	Manifest Manifest
	Files    map[string][]byte
}

// Request says what to export. Since is used by FormatFtMDelta only (0
// exports every party of Version as added).
type Request struct {
	List      string
	Version   int
	Since     int
	Format    string
	Published time.Time
}

// Export writes the version's files in the requested format. An unknown
// format, or a delta whose Since is not before Version, is EINVALID.
func Export(ctx context.Context, db Store, r Request) (*Set, error) {
	set := &Set{Manifest: Manifest{List: r.List, Version: r.Version, Format: r.Format, Published: r.Published.UTC()}, Files: map[string][]byte{}}
	var names []string
	add := func(name string, b []byte) {
		names = append(names, name)
		set.Files[name] = b
	}
	switch r.Format {
	case FormatOFACCSV:
		var bufs [4]bytes.Buffer
		w := ofaccsv.NewWriter(&bufs[0], &bufs[1], &bufs[2], &bufs[3])
		if err := db.Entities(ctx, r.List, r.Version, w.Write); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		// Parse refuses an empty companion file, so one without rows
		// (no party has an a.k.a.) is left out of the set.
		for i, name := range ofaccsv.FileNames {
			if bufs[i].Len() > 0 {
				add(name, bufs[i].Bytes())
			}
		}
	case FormatFtM:
		var buf bytes.Buffer
		if err := db.Entities(ctx, r.List, r.Version, ftm.NewWriter(&buf).Write); err != nil {
			return nil, err
		}
		add("entities.ftm.json", buf.Bytes())
	case FormatFtMDelta:
		if r.Since < 0 || r.Since >= r.Version {
			return nil, warden.Errorf(warden.EINVALID, "a delta runs from an earlier version: --since %d is not before version %d", r.Since, r.Version)
		}
		since := r.Since
		set.Manifest.Since = &since
		var buf bytes.Buffer
		w := ftm.NewWriter(&buf)
		ops := map[string]string{"added": "ADD", "modified": "MOD", "removed": "DEL"}
		if err := db.Changes(ctx, r.List, r.Since, r.Version, func(c warden.Change) error { return w.WriteOp(ops[c.Op], c.Entity) }); err != nil {
			return nil, err
		}
		add(fmt.Sprintf("delta-%d-%d.ftm.json", r.Since, r.Version), buf.Bytes())
	case FormatSTIX:
		var buf bytes.Buffer
		w := stix.NewWriter(&buf, warden.EntityID(r.List, fmt.Sprint(r.Version)), r.Published)
		if err := db.Entities(ctx, r.List, r.Version, w.Write); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		add("bundle.stix.json", buf.Bytes())
	default:
		return nil, warden.Errorf(warden.EINVALID, "unknown export format %q (one of ofac-csv, ftm, ftm-delta, stix)", r.Format)
	}
	for _, name := range names {
		set.Manifest.Files = append(set.Manifest.Files, Describe(name, set.Files[name]))
	}
	return set, nil
}

// Describe returns the manifest entry of a file.
func Describe(name string, b []byte) File {
	sum := sha256.Sum256(b)
	return File{Name: name, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
}

// Encode returns the manifest as it is signed and served: indented JSON
// ending in a newline.
func (m *Manifest) Encode() []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // a Manifest always marshals
	}
	return append(b, '\n')
}

// DecodeManifest reads a manifest, refusing unknown fields and file names
// with a path in them (a manifest must not make a verifier read elsewhere).
func DecodeManifest(b []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, warden.Errorf(warden.EINVALID, "manifest: %v", err)
	}
	for _, f := range m.Files {
		if !ValidName(f.Name) {
			return nil, warden.Errorf(warden.EINVALID, "manifest: file name %q is not a plain file name", f.Name)
		}
	}
	return &m, nil
}

// ValidName reports whether name is a plain file name of a set: letters,
// digits, '.', '_' and '-', not starting with '.'.
func ValidName(name string) bool {
	if name == "" || name[0] == '.' || len(name) > 128 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
