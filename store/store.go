// Package store keeps Warden's data in SQLite (the embedded default, through a
// pure-Go driver) or PostgreSQL (pgx), with one SQL text for both: $n
// placeholders, ON CONFLICT, UTC timestamps as ISO 8601 text. Migrations are
// embedded and applied at open.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers "sqlite"

	"warden"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a SQLite writer waits for another's write lock,
// and how long the committer retries a change that found the database busy.
const busyTimeout = 10 * time.Second

// DB is an open Warden database.
type DB struct {
	sql    *sql.DB
	driver string // "sqlite" or "pgx"
	dsn    string // what sql.Open was given; "" for an in-memory SQLite database
	now    func() time.Time
	// The committer (see change): one per process, started on first use.
	startCommitter sync.Once
	jobs           chan *job
	quit           chan struct{}
	stopped        chan struct{}
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL,
// a sqlite: URL, or a plain file path (SQLite). It applies migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{now: time.Now}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.driver = "pgx"
		db.dsn = dsn
		var cfg *pgx.ConnConfig
		if cfg, err = pgx.ParseConfig(dsn); err == nil {
			// A change takes the audit chain's lock, then reads what the
			// writers before it committed (the chain's head, the largest
			// ids): that holds at READ COMMITTED only, whatever default a
			// server or role sets (under SERIALIZABLE the reads would see
			// the database as it was before the lock was granted).
			cfg.RuntimeParams["default_transaction_isolation"] = "read committed"
			db.sql = stdlib.OpenDB(*cfg)
		}
	default:
		db.driver = "sqlite"
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
		if path == "" {
			return nil, warden.Errorf(warden.EINVALID, "empty database path")
		}
		q := url.Values{}
		for _, p := range []string{fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()), "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
			q.Add("_pragma", p)
		}
		// Writers take the write lock at BEGIN, where SQLite waits for it
		// up to busy_timeout; a deferred transaction that upgrades to a
		// writer later fails at once with SQLITE_BUSY instead.
		q.Set("_txlock", "immediate")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		db.dsn = "file:" + path + sep + q.Encode()
		db.sql, err = sql.Open("sqlite", db.dsn)
		if err == nil && path == ":memory:" {
			db.sql.SetMaxOpenConns(1)
			db.dsn = ""
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if db.driver == "pgx" || path(dsn) != ":memory:" {
		// Keep connections open: the default of two idle ones makes a busy
		// server open and close a connection (a PostgreSQL process) per
		// request.
		db.sql.SetMaxOpenConns(64)
		db.sql.SetMaxIdleConns(64)
		db.sql.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		db.sql.Close()
		return nil, err
	}
	return db, nil
}

// Close stops the committer, after the group it is committing, and closes
// the database.
func (db *DB) Close() error {
	db.startCommitter.Do(func() {}) // none started: none will be
	if db.quit != nil {
		close(db.quit)
		<-db.stopped
	}
	return db.sql.Close()
}

// Ping checks the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// SetClock replaces the clock, for tests.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Driver names the engine: "sqlite" or "pgx".
func (db *DB) Driver() string { return db.driver }

// DSN returns what the database driver was opened with, for a component
// that opens its own connections to the same database (the job queue): the
// PostgreSQL URL as given, search_path included, or the SQLite file URL
// with the store's pragmas (busy timeout, WAL, immediate transactions). It
// is empty for an in-memory SQLite database, which no other connection can
// share.
func (db *DB) DSN() string { return db.dsn }

// migrate applies the embedded migrations the database lacks. When it lacks
// none, as at every open but the first after an upgrade, one query settles
// it: no lock, no statement that writes, so that a command which only reads
// pays a query, not one per migration. A database holding a migration this
// binary does not know (a newer binary's) is refused (ECONFLICT, naming
// it): this binary's SQL may not match its schema any more, and running
// it could damage data the newer one wrote.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// An error (no schema_migrations table yet) leaves the answer to the
	// full pass, which creates the table.
	if have, err := applied(ctx, conn); err == nil {
		if err := newer(names, have); err != nil {
			return err
		}
		if len(have) >= len(names) {
			return nil
		}
	}
	if db.driver == "pgx" {
		// Several nodes may start at once: one migrates, the others wait.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7201)`); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7201)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	// Read again under the lock: a node that held it before may have
	// applied some, or be a newer binary.
	have, err := applied(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	if err := newer(names, have); err != nil {
		return err
	}
	for _, name := range names {
		if have[name] {
			continue
		}
		body, _ := migrations.ReadFile(name)
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range splitStatements(string(body)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, name, timestamp(db.now())); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// applied returns the migrations the database records as applied.
func applied(ctx context.Context, conn *sql.Conn) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		have[v] = true
	}
	return have, rows.Err()
}

// newer returns ECONFLICT naming the migrations in have that are not among
// names (sorted), the binary's own, and the last of those.
func newer(names []string, have map[string]bool) error {
	var unknown []string
	for v := range have {
		if _, found := slices.BinarySearch(names, v); !found {
			unknown = append(unknown, v)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	last := "none"
	if len(names) > 0 {
		last = names[len(names)-1]
	}
	return warden.Errorf(warden.ECONFLICT, "the database's schema is newer than this warden: it holds %s, which this binary does not know (its last migration is %s); run the newer warden against it (docs/nodes.md, upgrades)",
		strings.Join(unknown, ", "), last)
}

// createPrivate creates the SQLite file at path, when there is none yet,
// readable and writable by its owner only: it holds password and token
// hashes, the ledger and the customer register (SQLite makes its -wal and
// -shm files with the database's permissions). Paths with URI parameters
// and in-memory databases are left to SQLite.
func createPrivate(path string) error {
	if path == ":memory:" || strings.ContainsAny(path, "?") || strings.HasPrefix(path, "file:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// path is the file a SQLite DSN names.
func path(dsn string) string {
	return strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
}

// splitStatements splits a migration into its statements at the semicolons
// that end them: not those inside a string ('...'), a quoted name ("..."), a
// comment (-- to the end of the line, /* ... */) or a PostgreSQL
// dollar-quoted body ($$...$$, $tag$...$tag$). Statements that hold nothing
// but comments and blanks are dropped.
func splitStatements(src string) []string {
	var out []string
	start, code := 0, false // code: the current statement has more than comments
	end := func(i int) {
		if code {
			out = append(out, strings.TrimSpace(src[start:i]))
		}
		start, code = i+1, false
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == ';':
			end(i)
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			if n := strings.IndexByte(src[i:], '\n'); n >= 0 {
				i += n
			} else {
				i = len(src)
			}
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			if n := strings.Index(src[i+2:], "*/"); n >= 0 {
				i += n + 3
			} else {
				i = len(src)
			}
		case c == '\'' || c == '"':
			code = true
			// A doubled quote inside is an escaped one: the scan ends the
			// string at the first and starts a new one at the second.
			if n := strings.IndexByte(src[i+1:], c); n >= 0 {
				i += n + 1
			} else {
				i = len(src)
			}
		case c == '$':
			code = true
			if tag, ok := dollarTag(src[i:]); ok {
				if n := strings.Index(src[i+len(tag):], tag); n >= 0 {
					i += len(tag) + n + len(tag) - 1
				} else {
					i = len(src)
				}
			}
		case c != ' ' && c != '\t' && c != '\n' && c != '\r':
			code = true
		}
	}
	end(len(src))
	return out
}

// dollarTag returns the dollar-quote opening s, if it starts with one: $$
// or $name$ where name is a letter or underscore followed by letters,
// digits or underscores ($1 is a parameter, not a quote).
func dollarTag(s string) (string, bool) {
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			return s[:i+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 1 && c >= '0' && c <= '9':
		default:
			return "", false
		}
	}
	return "", false
}

const tsLayout = "2006-01-02T15:04:05.000000Z"

func timestamp(t time.Time) string { return t.UTC().Format(tsLayout) }

// parseTime reads a time in tsLayout; the zero time for anything else.
// It reads the digits itself and leaves time.Parse the rest: a scorecard
// parses eight times a row, where time.Parse took a fifth of the client's
// CPU (249 ns a time; this, 84 ns).
func parseTime(s string) time.Time {
	if len(s) == len(tsLayout) && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[26] == 'Z' {
		var v [7]int
		ok := true
		for k, f := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 26}} {
			for _, c := range s[f[0]:f[1]] {
				ok = ok && c >= '0' && c <= '9'
				v[k] = v[k]*10 + int(c-'0')
			}
		}
		if ok && v[1] >= 1 && v[1] <= 12 && v[3] < 24 && v[4] < 60 && v[5] < 60 {
			// A day past the month's end would roll over: time.Parse refuses it.
			if t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], v[6]*1000, time.UTC); t.Day() == v[2] {
				return t
			}
		}
	}
	t, _ := time.Parse(tsLayout, s)
	return t
}
