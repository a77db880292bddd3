package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"warden/ingest"
)

func cmdSync(ctx context.Context, e *env, args []string) error {
	fs := newFlags("sync", "sync [--sources FILE] [--cache DIR] [--max-bytes N] [--max-removed SHARE] [--json] [LIST...]", e.stderr)
	sourcesFile := fs.String("sources", os.Getenv("WARDEN_SYNC_SOURCES"), "JSON file of sources [{list, format, urls, sha256} or {list, format, manifest, public_key, remote_list}] (env WARDEN_SYNC_SOURCES; default: the official URLs)")
	cache := fs.String("cache", "", "folder for downloaded files (default: the user cache folder)")
	maxBytes := fs.Int64("max-bytes", 512<<20, "largest file to download")
	asJSON := fs.Bool("json", false, "print one JSON line per list")
	maxRemoved := ingest.DefaultMaxRemoved
	if v := os.Getenv("WARDEN_SYNC_MAX_REMOVED"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("%w: WARDEN_SYNC_MAX_REMOVED: %v", errUsage, err)
		}
		maxRemoved = f
	}
	fs.Float64Var(&maxRemoved, "max-removed", maxRemoved, "largest `share` of a list's parties (0 to 1) a new version may remove, and of its names, identifiers or addresses it may drop; a sync never forces (env WARDEN_SYNC_MAX_REMOVED)")
	only, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := checkShare(maxRemoved); err != nil {
		return err
	}
	srcs := ingest.DefaultSources
	if *sourcesFile != "" {
		if srcs, err = ingest.LoadSources(*sourcesFile); err != nil {
			return err
		}
	}
	if len(only) > 0 {
		want := map[string]bool{}
		for _, l := range only {
			want[l] = true
		}
		var keep []ingest.Source
		for _, s := range srcs {
			if want[s.List] {
				keep = append(keep, s)
				delete(want, s.List)
			}
		}
		for l := range want {
			return fmt.Errorf("%w: no source for list %q", errUsage, l)
		}
		srcs = keep
	}
	if *cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		*cache = filepath.Join(dir, "warden", "sync")
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := &ingest.Syncer{DB: db, CacheDir: *cache, MaxBytes: *maxBytes, MaxRemoved: maxRemoved,
		Log: func(f string, a ...any) { fmt.Fprintf(e.stderr, f+"\n", a...) }}
	res, err := s.Sync(ctx, srcs)
	for _, r := range res {
		switch {
		case *asJSON:
			json.NewEncoder(e.stdout).Encode(r)
		case r.Unchanged:
			fmt.Fprintf(e.stdout, "%s: unchanged\n", r.List)
		default:
			printVersion(e, *r.Version, false)
		}
	}
	return err
}
