// Package snapshot embeds a real OFAC SDN list so that a fresh Warden works
// offline: `warden serve` loads it into an empty database.
//
// The files are OFAC's legacy CSV set as published: sdn.csv of 2024-07-02
// (the newest full sdn.csv available to the project), with add.csv, alt.csv
// and sdn_comments.csv of early January 2025. Address and alias rows for
// parties designated after 2024-07-02 are reported as warnings on import.
package snapshot

import (
	"compress/gzip"
	"embed"
	"io"

	"warden"
)

//go:embed ofac/*.gz
var files embed.FS

// List is the list name the snapshot is imported as.
const List = "ofac"

// Format is the snapshot's format.
const Format = "ofac-csv"

// Date is the date of the snapshot's sdn.csv.
const Date = "2024-07-02"

// Input returns the snapshot's files for the ofac-csv parser.
func Input() warden.Input {
	return warden.Input{
		Paths: []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"},
		Open:  open,
	}
}

type gzFile struct {
	*gzip.Reader
	f io.Closer
}

func (g gzFile) Close() error { g.Reader.Close(); return g.f.Close() }

func open(name string) (io.ReadCloser, error) {
	f, err := files.Open("ofac/" + name + ".gz")
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return gzFile{zr, f}, nil
}
