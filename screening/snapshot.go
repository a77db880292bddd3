package screening

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/match"
)

// UseSnapshots makes the service keep its index in dir as a snapshot
// (match.WriteSnapshot) keyed by the list versions it holds: Refresh loads
// a snapshot of the current versions instead of building the index, and
// writes one after building. A snapshot that cannot be used (corrupt,
// truncated, written by another engine, or for other versions) is
// reported to logf, removed and rebuilt, never used; so is a snapshot
// that could not be written (logf hears only of such problems). dir "" disables
// snapshots. Call it before the first Refresh.
func (s *Service) UseSnapshots(dir string, logf func(string, ...any)) {
	s.dir = dir
	s.logf = logf
}

// Wait waits for the snapshot writes begun by Refresh to end. A process
// that exits after its query (warden screen) calls it so that the
// snapshot it built is left behind for the next.
func (s *Service) Wait() { s.writes.Wait() }

// snapshotKey is what a snapshot of lists is keyed by: each list's name,
// current version, creation time and size. The creation time tells apart
// two databases (or one deleted and made again) whose lists carry the same
// version numbers.
func snapshotKey(lists []warden.List) []byte {
	var b strings.Builder
	b.WriteString("warden lists\n")
	for _, l := range lists {
		if l.CurrentVersion > 0 {
			fmt.Fprintf(&b, "%s\t%d\t%d\t%d\n", l.Name, l.CurrentVersion, l.CreatedAt.UnixNano(), l.Entities)
		}
	}
	return []byte(b.String())
}

// snapshotPath is the file of the snapshot under key in dir: one file per
// key, so that processes reading other versions never meet a file they
// must not use.
func snapshotPath(dir string, key []byte) string {
	h := sha256.Sum256(key)
	return filepath.Join(dir, "index-"+hex.EncodeToString(h[:12])+".snap")
}

// loadSnapshot returns the index in the snapshot under key, or nil when
// there is none usable: a missing file is normal, any other failure is
// logged and the file removed so that the next build replaces it.
func (s *Service) loadSnapshot(key []byte) *match.Index {
	path := snapshotPath(s.dir, key)
	// Loading allocates mostly what it keeps: collecting garbage meanwhile
	// only scans the growing index again and again.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	ix, err := match.OpenSnapshot(path, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil && !errors.Is(err, match.ErrSnapshot) {
		s.logf("screening index snapshot %s unreadable, rebuilding: %v", path, err)
		return nil
	}
	if err != nil {
		s.logf("screening index snapshot %s not used, rebuilding: %v", path, err)
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.logf("remove screening index snapshot: %v", err)
		}
		return nil
	}
	return ix
}

// saveSnapshot writes ix as the snapshot under key in the background
// (Wait waits for it). It writes a temporary file, syncs it and renames it
// into place, so that a reader (another process too) sees the whole
// snapshot or none; two writers of one key write the same bytes and the
// last rename wins. Snapshots of other keys are removed afterwards.
func (s *Service) saveSnapshot(ix *match.Index, key []byte) {
	s.writes.Add(1)
	go func() {
		defer s.writes.Done()
		path := snapshotPath(s.dir, key)
		err := writeAtomic(s.dir, ".index-*.tmp", path, func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 1<<20)
			if err := ix.WriteSnapshot(bw, key); err != nil {
				return err
			}
			return bw.Flush()
		})
		if err != nil {
			s.logf("screening index snapshot not written: %v", err)
			return
		}
		tidy(s.dir, path, "index-*.snap", ".index-*.tmp")
	}()
}

// writeAtomic writes path in dir through write, atomically: into a
// temporary file named by pattern, synced, then renamed into place, the
// rename synced too.
func writeAtomic(dir, pattern, path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename, a no-op
	err = f.Chmod(0o644)      // readable by whoever may read the database
	if err == nil {
		err = write(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // the rename durable; not all systems can sync a directory
		d.Close()
	}
	return nil
}

// tidy removes from dir the files matching glob but keep, and the
// temporary files matching tmpGlob of writers that died (a process ended
// while writing): an hour is far longer than any write takes.
func tidy(dir, keep, glob, tmpGlob string) {
	old, _ := filepath.Glob(filepath.Join(dir, glob))
	for _, o := range old {
		if o != keep {
			os.Remove(o) // another process may have removed it first
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, tmpGlob))
	for _, t := range tmps {
		if fi, err := os.Stat(t); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(t)
		}
	}
}

// SnapshotDir is where the index snapshots of the database dsn go: dir if
// given ("off" for none), else a directory beside a SQLite database file
// (warden.db.index), else, for PostgreSQL or an in-memory database, one in
// the user's cache directory named by a hash of the DSN without its
// password. "" means no snapshots.
func SnapshotDir(dsn, dir string) string {
	switch {
	case dir == "off":
		return ""
	case dir != "":
		return dir
	}
	if file, ok := sqliteFile(dsn); ok {
		return file + ".index"
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		dsn = u.String()
	}
	h := sha256.Sum256([]byte(dsn))
	return filepath.Join(cache, "warden", "index-"+hex.EncodeToString(h[:8]))
}

// sqliteFile returns the file of a SQLite DSN, false for PostgreSQL and
// in-memory databases.
func sqliteFile(dsn string) (string, bool) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "", false
	}
	// As store.Open reads it.
	f := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
	if i := strings.IndexByte(f, '?'); i >= 0 {
		f = f[:i]
	}
	if f == "" || f == ":memory:" {
		return "", false
	}
	return f, true
}

// loadOrBuild returns the index of the lists at versions: from the
// snapshot under key if one is usable, else built from the store (and then
// written as a snapshot in the background).
func (s *Service) loadOrBuild(ctx context.Context, versions map[string]int, key []byte) (*match.Index, error) {
	if s.dir != "" {
		if ix := s.loadSnapshot(key); ix != nil {
			return ix, nil
		}
	}
	ix, err := s.build(ctx, versions)
	if err != nil {
		return nil, err
	}
	if s.dir != "" {
		s.saveSnapshot(ix, key)
	}
	return ix, nil
}

// build builds the index of the lists at versions from the store.
func (s *Service) build(ctx context.Context, versions map[string]int) (*match.Index, error) {
	s.builds.Add(1)
	var entities []*warden.Entity
	names := make([]string, 0, len(versions))
	for name := range versions {
		names = append(names, name)
	}
	slices.Sort(names) // one order, so that equal stores build equal indexes
	for _, name := range names {
		err := s.db.Entities(ctx, name, versions[name], func(e *warden.Entity) error {
			entities = append(entities, e)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
	}
	return match.NewIndex(entities), nil
}
