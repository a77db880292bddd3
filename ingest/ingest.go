// Package ingest brings lists into the store: it runs a format's parser into
// an import and commits it as a new version, and it fetches official lists
// from their publication URLs (sync).
package ingest

import (
	"context"
	"io"
	"os"

	"warden"
	"warden/sources"
	"warden/store"
)

// Request is one import.
type Request struct {
	List   string
	Format string // empty: detected from the files
	Input  warden.Input
	// Published is the list's date where the files do not state it (OFAC
	// CSV does not), as for the bundled snapshot.
	Published string
}

// Progress is told how many bytes of input have been read; the CLI draws a
// bar with it. It may be nil.
type Progress func(n int)

// Import parses req's files and stores them as a new version of req.List, in
// one transaction: on any error nothing is stored and the current version
// stays current.
func Import(ctx context.Context, db *store.DB, req Request, progress Progress) (warden.ListVersion, error) {
	if req.Input.Open == nil {
		req.Input.Open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	var f sources.Format
	if req.Format == "" {
		var err error
		if f, err = sources.Detect(req.Input.Paths, req.Input.Open); err != nil {
			return warden.ListVersion{}, err
		}
	} else {
		var ok bool
		if f, ok = sources.Formats[req.Format]; !ok {
			return warden.ListVersion{}, warden.Errorf(warden.EINVALID, "unknown format %q", req.Format)
		}
	}
	if progress != nil {
		open := req.Input.Open
		req.Input.Open = func(p string) (io.ReadCloser, error) {
			rc, err := open(p)
			if err != nil {
				return nil, err
			}
			return &counting{rc, progress}, nil
		}
	}
	im, err := db.BeginImport(ctx, req.List, f.Name, f.Delta)
	if err != nil {
		return warden.ListVersion{}, err
	}
	meta, err := f.Parser.Parse(ctx, req.Input, im)
	if err != nil {
		im.Rollback()
		return warden.ListVersion{}, err
	}
	if meta.Published == "" {
		meta.Published = req.Published
	}
	return im.Commit(meta)
}

type counting struct {
	io.ReadCloser
	progress Progress
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.progress(n)
	return n, err
}
