package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"warden"
)

// Backup files start with their engine's mark.
var (
	sqliteMagic = []byte("SQLite format 3\x00")
	pgDumpMagic = []byte("PGDMP")
)

// Backup writes a consistent copy of db to the file at path, which must
// not exist, while others may write to db: on SQLite with VACUUM INTO,
// which reads one snapshot in a read transaction (writers carry on) and
// writes a compact database; on PostgreSQL with pg_dump's custom format
// (pg_dump must be on PATH, of the server's major version or later), whose
// snapshot is as consistent. The file is readable by its owner alone. It
// returns the tables the backup holds and, for SQLite, their rows, read
// back from the file.
func Backup(ctx context.Context, db *DB, path string) ([]TableCount, error) {
	if db.driver != "pgx" && db.dsn == "" {
		return nil, warden.Errorf(warden.EINVALID, "backup: an in-memory database has nothing to back up")
	}
	// The file is made empty, readable by its owner alone, before anything
	// is written to it: a backup holds password and token hashes. VACUUM
	// INTO and pg_dump write into an empty file and keep its mode.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, warden.Errorf(warden.ECONFLICT, "backup: %s exists: name a new file", path)
	} else if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("backup: %w", err)
	}
	if db.driver == "pgx" {
		return pgDump(ctx, db, path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO $1`, abs); err != nil {
		os.Remove(abs)
		return nil, fmt.Errorf("backup: %w", err)
	}
	return checkSQLite(ctx, abs)
}

// checkSQLite opens the SQLite file at path read-only, checks its
// integrity, and counts its tables' rows.
func checkSQLite(ctx context.Context, path string) ([]TableCount, error) {
	b, err := OpenSource(ctx, path)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	var ok string
	if err := b.sql.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return nil, fmt.Errorf("check %s: %w", path, err)
	}
	if ok != "ok" {
		return nil, warden.Errorf(warden.EINVALID, "check %s: the integrity check says %q", path, ok)
	}
	return Count(ctx, b)
}

// pgTool is a PostgreSQL URL as Open takes it made into what libpq's tools
// take: a URL without search_path (they refuse parameters they do not
// know), the schema it named, if any, and the environment that passes the
// password, which would otherwise show in the process list.
type pgTool struct {
	url, schema string
	env         []string
}

func pgURL(dsn string) (pgTool, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return pgTool{}, warden.Errorf(warden.EINVALID, "the database URL: %v", err)
	}
	q := u.Query()
	t := pgTool{schema: q.Get("search_path"), env: os.Environ()}
	pw, ok := u.User.Password()
	if q.Has("password") {
		pw, ok = q.Get("password"), true
	}
	q.Del("search_path")
	q.Del("password")
	u.RawQuery = q.Encode()
	if ok {
		t.env = append(t.env, "PGPASSWORD="+pw)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	t.url = u.String()
	return t, nil
}

// pgDump runs pg_dump into path, on a snapshot of the database that it
// counts the tables of, and checks the dump against the counts: it must
// hold the data of every table, as many rows of each as the snapshot.
func pgDump(ctx context.Context, db *DB, path string) ([]TableCount, error) {
	pt, err := pgURL(db.dsn)
	if err != nil {
		return nil, err
	}
	// The snapshot is exported for pg_dump to take, and stays open until
	// pg_dump is done with it.
	conn, end, err := db.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	var snap string
	if err := conn.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snap); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	want, err := countIn(ctx, conn, db.driver)
	if err != nil {
		return nil, err
	}
	args := []string{"--format=custom", "--no-owner", "--snapshot=" + snap, "--file=" + path}
	if pt.schema != "" {
		args = append(args, "--schema="+pt.schema)
	}
	cmd := exec.CommandContext(ctx, "pg_dump", append(args, "--dbname="+pt.url)...)
	cmd.Env = pt.env
	if err := runCmd(cmd); err != nil {
		os.Remove(path)
		return nil, err
	}
	end()
	got, err := pgDumpRows(ctx, path)
	if err != nil {
		return nil, err
	}
	for _, t := range want {
		if t.Name == "schema_migrations" {
			continue // pg_dump holds it too, but Count reads it apart
		}
		n, ok := got[t.Name]
		if !ok {
			return nil, warden.Errorf(warden.EINVALID, "backup: the dump %s lacks the data of table %s", path, t.Name)
		}
		if n != t.Rows {
			return nil, warden.Errorf(warden.EINVALID, "backup: the dump %s holds %d rows of %s, the database %d when it was taken", path, n, t.Name, t.Rows)
		}
	}
	return want, nil
}

// BackupCounts counts the rows of every table in the backup file: a
// SQLite database read as it is, or a PostgreSQL dump read by pg_restore.
// A restore is checked against them.
func BackupCounts(ctx context.Context, file string) ([]TableCount, error) {
	kind, err := backupKind(file)
	if err != nil {
		return nil, warden.Errorf(warden.ENOTFOUND, "backup: %v", err)
	}
	switch kind {
	case "sqlite":
		return checkSQLite(ctx, file)
	case "postgres":
		rows, err := pgDumpRows(ctx, file)
		if err != nil {
			return nil, err
		}
		out := make([]TableCount, 0, len(rows))
		for _, t := range slices.Sorted(maps.Keys(rows)) {
			out = append(out, TableCount{Name: t, Rows: rows[t]})
		}
		return out, nil
	}
	return nil, warden.Errorf(warden.EINVALID, "backup: %s is neither a SQLite database nor a PostgreSQL dump (pg_dump -Fc)", file)
}

// backupKind reads which engine's backup the file is by its first bytes:
// "sqlite" (a database), "postgres" (a dump of pg_dump's custom format),
// or "" (neither).
func backupKind(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, head)
	switch head = head[:n]; {
	case bytes.Equal(head, sqliteMagic):
		return "sqlite", nil
	case bytes.HasPrefix(head, pgDumpMagic):
		return "postgres", nil
	}
	return "", nil
}

// pgDumpRows counts the rows of each table whose data the dump at path
// holds, from the COPY blocks pg_restore writes of it: a row a line (a
// newline in a value is written \n), up to the line \. that ends the
// block.
func pgDumpRows(ctx context.Context, path string) (map[string]int64, error) {
	cmd := exec.CommandContext(ctx, "pg_restore", "--data-only", "--file=-", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, warden.Errorf(warden.EINVALID, "pg_restore is not on PATH: install PostgreSQL's client tools (docs/moving.md)")
		}
		return nil, err
	}
	rows, scanErr := copyRows(out)
	if scanErr != nil {
		cmd.Process.Kill()
	}
	if err := cmd.Wait(); err != nil && scanErr == nil {
		return nil, fmt.Errorf("pg_restore: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return rows, scanErr
}

// copyRows counts the rows of each COPY block of a plain SQL dump.
func copyRows(r io.Reader) (map[string]int64, error) {
	rows := map[string]int64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<30)
	table := ""
	for sc.Scan() {
		line := sc.Text()
		if table != "" {
			if line == `\.` {
				table = ""
			} else {
				rows[table]++
			}
			continue
		}
		// COPY public.audit_events (seq, ...) FROM stdin;
		if name, ok := strings.CutPrefix(line, "COPY "); ok && strings.HasSuffix(line, "FROM stdin;") {
			name, _, _ = strings.Cut(name, " ")
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				name = name[i+1:]
			}
			table = strings.Trim(name, `"`)
			rows[table] += 0
		}
	}
	return rows, sc.Err()
}

// runCmd runs a PostgreSQL tool, its error output in the error.
func runCmd(cmd *exec.Cmd) error {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return warden.Errorf(warden.EINVALID, "%s is not on PATH: install PostgreSQL's client tools (docs/moving.md)", filepath.Base(cmd.Path))
		}
		return fmt.Errorf("%s: %w: %s", filepath.Base(cmd.Path), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Restore puts the backup in file in place as the database dsn names. A
// SQLite backup is checked and copied over the file, which must not hold
// a database unless force is set (its -wal and -shm files go with it): no
// process may have it open. A PostgreSQL dump is restored with pg_restore,
// in one transaction, into a database with no tables in the schema of its
// search path; a dump of a schema other than public creates that schema,
// which must not exist yet. The caller then opens the database and
// verifies it.
func Restore(ctx context.Context, file, dsn string, force bool) error {
	kind, err := backupKind(file)
	if err != nil {
		return warden.Errorf(warden.ENOTFOUND, "restore: %v", err)
	}
	pg := strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
	switch {
	case pg && kind != "postgres":
		return warden.Errorf(warden.EINVALID, "restore: %s is not a PostgreSQL dump (pg_dump -Fc); to move a SQLite database to PostgreSQL, use warden store migrate", file)
	case !pg && kind != "sqlite":
		return warden.Errorf(warden.EINVALID, "restore: %s is not a SQLite database; to move a PostgreSQL database to SQLite, use warden store migrate", file)
	case pg:
		return pgRestore(ctx, file, dsn)
	}
	target, _, _ := strings.Cut(path(dsn), "?")
	if target == "" || target == ":memory:" {
		return warden.Errorf(warden.EINVALID, "restore: name the SQLite file to restore into")
	}
	if st, err := os.Stat(target); err == nil && st.Size() > 0 && !force {
		return warden.Errorf(warden.ECONFLICT, "restore: %s holds a database: stop whatever uses it and give --force to replace it", target)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := checkSQLite(ctx, file); err != nil {
		return err
	}
	// Copied beside the target, then renamed over it: the target is the
	// old database or the new one, never half of either.
	tmp, err := os.CreateTemp(filepath.Dir(target), filepath.Base(target)+".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	in, err := os.Open(file)
	if err != nil {
		tmp.Close()
		return err
	}
	_, err = io.Copy(tmp, in)
	in.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return os.Rename(tmp.Name(), target)
}

// pgRestore restores the dump at path into dsn's database, which must hold
// no tables in the schema of its search path.
func pgRestore(ctx context.Context, path, dsn string) error {
	pt, err := pgURL(dsn)
	if err != nil {
		return err
	}
	db, err := OpenSource(ctx, dsn)
	if err != nil {
		return err
	}
	var n int
	err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n)
	db.Close()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if n > 0 {
		return warden.Errorf(warden.ECONFLICT, "restore: the database already has %d tables: restore into an empty database", n)
	}
	// The dump creates the schema it was taken from, if not public.
	cmd := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname="+pt.url, path)
	cmd.Env = pt.env
	return runCmd(cmd)
}
