package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"warden"
)

// DefaultCopyBatch is how many rows Copy commits on the target at a time
// unless told otherwise: small enough that a killed copy loses little,
// large enough that the commits do not dominate.
const DefaultCopyBatch = 5000

// progressTable is where Copy records, on the target, how far it got: one
// row per source table, written in the transaction of each batch, so that a
// copy stopped anywhere resumes after the last batch committed.
const progressTable = "store_migration_progress"

// notCopied are the tables Copy leaves alone: SQLite's own, and River's
// bookkeeping that belongs to the engine it runs on (its migration records,
// which the target already has; its leader lease and notification outbox,
// which live seconds). schema_migrations is compared, not copied (see
// Copy).
var notCopied = map[string]bool{
	"sqlite_sequence":    true,
	"sqlite_stat1":       true,
	"sqlite_stat4":       true,
	"river_migration":    true,
	"river_leader":       true,
	"river_notification": true,
	"river_client":       true,
	"river_client_queue": true,
	"schema_migrations":  true,
	progressTable:        true,
}

// CopyOptions tune Copy.
type CopyOptions struct {
	// Batch is the rows per committed batch (DefaultCopyBatch if zero).
	Batch int
	// MaxBatches stops the copy after this many batches, leaving it to be
	// resumed: a migration in stages, and the tests of resumption. Zero is
	// no limit.
	MaxBatches int
	// Progress, if set, is called after every batch with the table and its
	// rows copied so far out of the source's.
	Progress func(table string, copied, total int64)
}

// CopyTable is one table's figures at the end of a Copy.
type CopyTable struct {
	Name   string
	Source int64 // rows in the source's snapshot
	Target int64 // rows on the target
	Copied int64 // rows this run copied
}

// CopyReport is what a Copy did.
type CopyReport struct {
	Tables []CopyTable
	// Resumed is set when the target held an earlier, unfinished copy of
	// the same source.
	Resumed bool
	// Done is set when every table was copied to its end and the counts
	// agree; unset when MaxBatches stopped the copy first.
	Done bool
}

// OpenSource opens a database to be copied from, leaving it as it is: a
// SQLite file is opened read-only (and must exist), and neither engine is
// migrated. Copy checks its schema against the target's instead.
func OpenSource(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{now: time.Now}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.driver, db.dsn = "pgx", dsn
		db.sql, err = sql.Open("pgx", dsn)
	default:
		p, _, _ := strings.Cut(path(dsn), "?")
		if p == "" || p == ":memory:" {
			return nil, warden.Errorf(warden.EINVALID, "copy from %q: name a SQLite file or a postgres:// URL", dsn)
		}
		if p, err = filepath.Abs(p); err != nil {
			return nil, fmt.Errorf("copy from %s: %w", dsn, err)
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return nil, warden.Errorf(warden.ENOTFOUND, "no database at %s", p)
		}
		// Read-only, and deferred transactions (the default): a reader
		// takes no write lock, so a server writing to the file carries on.
		db.driver = "sqlite"
		db.dsn = "file:" + p + "?mode=ro&_pragma=" + url.QueryEscape(fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
		db.sql, err = sql.Open("sqlite", db.dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Copy copies every row of src's tables to dst, Warden's and River's job
// tables alike, from one snapshot of src taken at the start (a SQLite read
// transaction, a PostgreSQL repeatable-read one), so that a server writing
// to src meanwhile does not tear the copy; src is only read.
//
// dst must have the same schema (store.Open applied the same migrations,
// and the job queue its own) and, at the first run, no rows. Tables go in
// the order of their foreign keys, each in primary-key order, in batches
// each committed on dst with a record of how far it got; a run that finds
// an unfinished copy of the same source there carries on after the last
// batch, and one that finds data of another source, or data not put there
// by a copy, refuses. A resumed run reads a new snapshot: rows that src
// gained in tables already copied show as a count that differs.
//
// River's job rows are mapped column by column between the engines' schemas
// (see riverColumns). On PostgreSQL the sequences are set past the copied
// ids. At the end the row counts of every table are compared; a difference
// is an EINVALID error naming the tables, with the report.
func Copy(ctx context.Context, src, dst *DB, opt CopyOptions) (CopyReport, error) {
	var rep CopyReport
	if src.driver == dst.driver {
		return rep, warden.Errorf(warden.EINVALID, "copy: both databases are %s; copy between SQLite and PostgreSQL (warden backup copies a database on one engine)", engineName(src.driver))
	}
	batch := cmp.Or(opt.Batch, DefaultCopyBatch)
	stx, end, err := src.snapshot(ctx)
	if err != nil {
		return rep, fmt.Errorf("copy: read the source: %w", err)
	}
	defer end()

	// The first read fixes the snapshot: the schema's versions.
	srcVersions, err := versions(ctx, stx)
	if err != nil {
		return rep, fmt.Errorf("copy: the source has no Warden schema: %w", err)
	}
	dstVersions, err := versions(ctx, dst.sql)
	if err != nil {
		return rep, fmt.Errorf("copy: the target's schema: %w", err)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(srcVersions)), slices.Sorted(maps.Keys(dstVersions))) {
		return rep, warden.Errorf(warden.EINVALID, "copy: the source's schema (%d migrations) is not this Warden's (%d): upgrade the source first by running this version of warden on it (warden lists --db SOURCE)", len(srcVersions), len(dstVersions))
	}
	source, err := identity(ctx, stx, src)
	if err != nil {
		return rep, err
	}
	tables, err := sourceTables(ctx, stx, src.driver)
	if err != nil {
		return rep, err
	}
	plans := make([]*copyPlan, 0, len(tables))
	for _, t := range tables {
		p, err := plan(ctx, stx, src, dst, t)
		if err != nil {
			return rep, err
		}
		plans = append(plans, p)
	}
	progress, err := startProgress(ctx, dst, source, plans)
	if err != nil {
		return rep, err
	}
	rep.Resumed = progress.resumed

	batches := 0
	for _, p := range plans {
		pr := progress.tables[p.table]
		if pr.done {
			continue
		}
		var total int64
		if opt.Progress != nil {
			if err := stx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(p.table)).Scan(&total); err != nil {
				return rep, err
			}
		}
		for !pr.done {
			if opt.MaxBatches > 0 && batches == opt.MaxBatches {
				return rep, nil
			}
			n, err := p.batch(ctx, stx, dst, pr, batch)
			if err != nil {
				return rep, fmt.Errorf("copy %s: %w", p.table, err)
			}
			batches++
			pr.copied += int64(n)
			if opt.Progress != nil {
				opt.Progress(p.table, pr.rows, total)
			}
		}
	}
	if err := setSequences(ctx, dst); err != nil {
		return rep, err
	}
	if err := copyApplied(ctx, dst, srcVersions); err != nil {
		return rep, err
	}

	// Verify: the counts of every table copied, and schema_migrations.
	var differ []string
	for _, t := range append(tables, "schema_migrations") {
		ct := CopyTable{Name: t}
		if pr := progress.tables[t]; pr != nil {
			ct.Copied = pr.copied
		}
		if err := stx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t)).Scan(&ct.Source); err != nil {
			return rep, err
		}
		if err := dst.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t)).Scan(&ct.Target); err != nil {
			return rep, err
		}
		if ct.Source != ct.Target {
			differ = append(differ, fmt.Sprintf("%s (%d rows in the source, %d copied)", t, ct.Source, ct.Target))
		}
		rep.Tables = append(rep.Tables, ct)
	}
	// The customers counted per status are kept with the customers'
	// statuses, which a resumed copy may have read at another moment than
	// the counts: the same number of rows, other values.
	agree, err := customerCountsAgree(ctx, dst)
	if err != nil {
		return rep, err
	}
	if !agree {
		differ = append(differ, "customer_counts (the customers' statuses changed between the runs that copied them and their counts)")
	}
	if len(differ) > 0 {
		return rep, warden.Errorf(warden.EINVALID, "copy: the counts differ: %s; the source changed since an earlier run copied these tables: copy again onto an empty database, with the source's writers stopped", strings.Join(differ, ", "))
	}
	rep.Done = true
	return rep, nil
}

// customerCountsAgree reports whether db's customer_counts holds, per
// status, the customers whose transaction has it.
func customerCountsAgree(ctx context.Context, db *DB) (bool, error) {
	read := func(q string) (map[string]int64, error) {
		rows, err := db.sql.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var status string
			var n int64
			if err := rows.Scan(&status, &n); err != nil {
				return nil, err
			}
			if n != 0 {
				out[status] = n
			}
		}
		return out, rows.Err()
	}
	kept, err := read(`SELECT status, n FROM customer_counts`)
	if err != nil {
		return false, err
	}
	counted, err := read(`SELECT t.status, COUNT(*) FROM transactions t WHERE ` + customerTransaction + ` GROUP BY t.status`)
	if err != nil {
		return false, err
	}
	return maps.Equal(kept, counted), nil
}

// snapshot returns a connection in a read-only transaction, whose reads
// all see the database as it was at the first: on SQLite a deferred
// transaction, which takes no write lock (the store's own begin at once
// with one), on PostgreSQL a repeatable-read one. end rolls it back.
func (db *DB) snapshot(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	begin := "BEGIN DEFERRED"
	if db.driver == "pgx" {
		begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, func() {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		conn.Close()
	}, nil
}

// engineName names a driver as people know its engine.
func engineName(driver string) string {
	if driver == "pgx" {
		return "PostgreSQL"
	}
	return "SQLite"
}

// versions reads schema_migrations: each version and when it was applied.
func versions(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var v, at string
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		m[v] = at
	}
	return m, rows.Err()
}

// identity names the source for the progress records: where it is (the
// file, or the server and database without the password) and the hash of
// its first audit event, which no other database shares.
func identity(ctx context.Context, stx querier, src *DB) (string, error) {
	where := src.dsn
	if src.driver == "sqlite" {
		where, _, _ = strings.Cut(strings.TrimPrefix(where, "file:"), "?")
	} else if u, err := url.Parse(where); err == nil {
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		q := u.Query()
		if q.Has("password") {
			q.Del("password")
			u.RawQuery = q.Encode()
		}
		where = u.String()
	}
	var first string
	err := stx.QueryRowContext(ctx, `SELECT hash FROM audit_events ORDER BY seq LIMIT 1`).Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("copy: read the source's audit chain: %w", err)
	}
	return where + " " + first, nil
}

// sourceTables lists the tables to copy, parents before the tables whose
// foreign keys point at them, each group by name.
func sourceTables(ctx context.Context, stx querier, driver string) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	fk := `SELECT "table" FROM pragma_foreign_key_list($1)`
	if driver == "pgx" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
		fk = `SELECT cl.relname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.confrelid WHERE c.contype = 'f' AND c.conrelid = $1::regclass`
	}
	all, err := strings1(ctx, stx, q)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range all {
		if !notCopied[n] && !strings.HasPrefix(n, "sqlite_") {
			names = append(names, n)
		}
	}
	parents := map[string][]string{}
	for _, n := range names {
		ps, err := strings1(ctx, stx, fk, n)
		if err != nil {
			return nil, err
		}
		parents[n] = ps
	}
	var out []string
	seen := map[string]int{} // 1 visiting, 2 placed
	var visit func(n string)
	visit = func(n string) {
		if seen[n] != 0 {
			return // placed, or a cycle (a table that points at itself)
		}
		seen[n] = 1
		for _, p := range parents[n] {
			if slices.Contains(names, p) {
				visit(p)
			}
		}
		seen[n] = 2
		out = append(out, n)
	}
	for _, n := range names {
		visit(n)
	}
	return out, nil
}

// strings1 returns the first column of q's rows.
func strings1(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// copyColumn is how one column goes from the source to the target.
type copyColumn struct {
	name string
	sel  string              // the expression read from the source
	ins  func(string) string // the expression written to the target, given its placeholder
	conv func(any) any       // the value's conversion in between
}

// copyPlan is how one table is copied.
type copyPlan struct {
	table string
	cols  []copyColumn
	// key is the primary key's columns on the source, in order: "rowid"
	// for a SQLite table without one, none for such a PostgreSQL table,
	// which is copied in one batch.
	key []string
	// keyAt is the index in the selected row of each key column.
	keyAt   []int
	perStmt int // rows per INSERT: see plan
}

// plan reads table's columns and key on the source and its columns on the
// target, and works out each column's way across.
func plan(ctx context.Context, stx querier, src, dst *DB, table string) (*copyPlan, error) {
	srcCols, _, key, err := columns(ctx, stx, src.driver, table)
	if err != nil {
		return nil, err
	}
	_, dstCols, _, err := columns(ctx, dst.sql, dst.driver, table)
	if err != nil {
		return nil, err
	}
	if len(dstCols) == 0 {
		if strings.HasPrefix(table, "river_") {
			return nil, warden.Errorf(warden.EINVALID, "copy: the target has no table %s: open River's job queue on it first (warden store migrate does)", table)
		}
		return nil, warden.Errorf(warden.EINVALID, "copy: the target has no table %s", table)
	}
	p := &copyPlan{table: table, key: key}
	if len(key) == 0 && src.driver == "sqlite" {
		p.key = []string{"rowid"}
	}
	river := riverColumns[table]
	for _, c := range srcCols {
		typ, ok := dstCols[c]
		if !ok {
			return nil, warden.Errorf(warden.EINVALID, "copy: the target's table %s has no column %s", table, c)
		}
		cc := copyColumn{name: c, sel: quote(c), ins: func(ph string) string { return ph }, conv: convertTo(dst.driver, typ)}
		if kind, ok := river[c]; ok {
			cc = riverColumn(c, kind, src.driver)
		}
		p.cols = append(p.cols, cc)
	}
	for _, k := range p.key {
		i := slices.IndexFunc(p.cols, func(c copyColumn) bool { return c.name == k })
		if i < 0 { // rowid: selected after the columns, not written
			i = len(p.cols)
		}
		p.keyAt = append(p.keyAt, i)
	}
	// PostgreSQL takes up to 65,535 parameters a statement. SQLite reads
	// $n as a named parameter and looks each one up among the statement's
	// others: a statement with thousands of them parses in quadratic time
	// (5,000 rows of seven columns took 25 s).
	p.perStmt = max(1, 30000/len(p.cols))
	if dst.driver == "sqlite" {
		p.perStmt = max(1, 500/len(p.cols))
	}
	return p, nil
}

// columns returns table's columns in order on the engine, their declared
// types (PostgreSQL's data_type; SQLite's declaration, in lower case) and
// the primary key's columns in order. A table that does not exist has no
// columns.
func columns(ctx context.Context, q querier, driver, table string) ([]string, map[string]string, []string, error) {
	var cols, key []string
	types := map[string]string{}
	if driver == "sqlite" {
		rows, err := q.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid`, table)
		if err != nil {
			return nil, nil, nil, err
		}
		defer rows.Close()
		pks := map[int]string{}
		for rows.Next() {
			var name, typ string
			var pk int
			if err := rows.Scan(&name, &typ, &pk); err != nil {
				return nil, nil, nil, err
			}
			cols = append(cols, name)
			types[name] = strings.ToLower(typ)
			if pk > 0 {
				pks[pk] = name
			}
		}
		for i := 1; i <= len(pks); i++ {
			key = append(key, pks[i])
		}
		return cols, types, key, rows.Err()
	}
	rows, err := q.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, nil, nil, err
		}
		cols = append(cols, name)
		types[name] = typ
	}
	if err := rows.Err(); err != nil || len(cols) == 0 {
		return cols, types, nil, err
	}
	key, err = strings1(ctx, q, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
		WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`, table)
	return cols, types, key, err
}

// convertTo returns the conversion of a value read from the other engine
// into a column of type typ on driver: SQLite keeps booleans as integers and
// lets text and blobs stand in for each other, where PostgreSQL's columns
// are typed.
func convertTo(driver, typ string) func(any) any {
	same := func(v any) any { return v }
	if driver != "pgx" {
		return same
	}
	switch typ {
	case "boolean":
		return func(v any) any {
			if n, ok := v.(int64); ok {
				return n != 0
			}
			return v
		}
	case "bytea":
		return func(v any) any {
			if s, ok := v.(string); ok {
				return []byte(s)
			}
			return v
		}
	case "text", "character varying":
		return func(v any) any {
			if b, ok := v.([]byte); ok {
				return string(b)
			}
			return v
		}
	case "double precision", "real":
		return func(v any) any {
			if n, ok := v.(int64); ok {
				return float64(n)
			}
			return v
		}
	case "bigint", "integer", "smallint":
		return func(v any) any {
			if f, ok := v.(float64); ok && f == float64(int64(f)) {
				return int64(f)
			}
			return v
		}
	}
	return same
}

// riverKind is how a column of River's differs between its SQLite and
// PostgreSQL schemas.
type riverKind int

const (
	riverColJSON      riverKind = iota + 1 // SQLite's binary JSONB blob; PostgreSQL's jsonb
	riverColTextArray                      // a JSONB array of strings; text[] (varchar(255)[] for tags)
	riverColJSONArray                      // a JSONB array of objects; jsonb[]
	riverColTime                           // text "2006-01-02 15:04:05.000" in UTC; timestamptz
	riverColState                          // text; the enum river_job_state
	riverColBits                           // an integer bitmask; bit(8), the same bits
)

// riverColumns are the columns of River's tables that Copy maps between the
// engines; the others (ids, counts, names, the unique key's bytes) are the
// same on both. River's other tables are not copied (see notCopied).
var riverColumns = map[string]map[string]riverKind{
	"river_job": {
		"args": riverColJSON, "metadata": riverColJSON, "errors": riverColJSONArray,
		"attempted_by": riverColTextArray, "tags": riverColTextArray,
		"attempted_at": riverColTime, "created_at": riverColTime, "finalized_at": riverColTime, "scheduled_at": riverColTime,
		"state": riverColState, "unique_states": riverColBits,
	},
	"river_queue": {
		"metadata":   riverColJSON,
		"created_at": riverColTime, "paused_at": riverColTime, "updated_at": riverColTime,
	},
}

// riverTimeLayout is how River's SQLite driver writes times.
const riverTimeLayout = "2006-01-02 15:04:05.000"

// riverColumn is the way of a column of River's from an engine (from) to
// the other.
func riverColumn(name string, kind riverKind, from string) copyColumn {
	c := copyColumn{name: name, sel: quote(name), ins: func(ph string) string { return ph }, conv: func(v any) any { return v }}
	if from == "sqlite" { // to PostgreSQL
		switch kind {
		case riverColJSON:
			c.sel = "json(" + quote(name) + ")"
			c.ins = func(ph string) string { return "CAST(" + ph + " AS jsonb)" }
		case riverColTextArray, riverColJSONArray:
			c.sel = "json(" + quote(name) + ")"
			elems := "jsonb_array_elements_text"
			if kind == riverColJSONArray {
				elems = "jsonb_array_elements"
			}
			c.ins = func(ph string) string {
				return "CASE WHEN CAST(" + ph + " AS jsonb) IS NULL THEN NULL ELSE ARRAY(SELECT " + elems + "(CAST(" + ph + " AS jsonb))) END"
			}
		case riverColTime:
			c.sel = "CAST(" + quote(name) + " AS TEXT)"
			c.conv = func(v any) any {
				s, ok := v.(string)
				if !ok {
					return v
				}
				for _, l := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999"} {
					if t, err := time.Parse(l, s); err == nil {
						return t.UTC()
					}
				}
				return v // PostgreSQL says what is wrong with it
			}
		case riverColState:
			c.ins = func(ph string) string { return "CAST(" + ph + " AS river_job_state)" }
		case riverColBits:
			c.ins = func(ph string) string { return "CAST(CAST(" + ph + " AS integer) AS bit(8))" }
		}
		return c
	}
	switch kind { // PostgreSQL to SQLite
	case riverColJSON:
		c.sel = "CAST(" + quote(name) + " AS text)"
		c.ins = func(ph string) string { return "jsonb(" + ph + ")" }
	case riverColTextArray, riverColJSONArray:
		c.sel = "CAST(to_json(" + quote(name) + ") AS text)"
		c.ins = func(ph string) string { return "jsonb(" + ph + ")" }
	case riverColTime:
		c.conv = func(v any) any {
			if t, ok := v.(time.Time); ok {
				return t.UTC().Format(riverTimeLayout)
			}
			return v
		}
	case riverColState:
		c.sel = "CAST(" + quote(name) + " AS text)"
	case riverColBits:
		c.sel = "CAST(" + quote(name) + " AS integer)"
	}
	return c
}

// tableProgress is one table's record on the target.
type tableProgress struct {
	last   []any // the key of the last row copied; nil before the first
	rows   int64 // rows copied, by every run
	done   bool
	copied int64 // rows copied by this run
}

// copyProgress is the target's record of a copy.
type copyProgress struct {
	tables  map[string]*tableProgress
	resumed bool
}

// startProgress reads the record of an earlier copy onto dst, refusing one
// of another source; or, finding none, checks that dst holds no rows and
// starts one.
func startProgress(ctx context.Context, dst *DB, source string, plans []*copyPlan) (*copyProgress, error) {
	if _, err := dst.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+progressTable+` (
		tbl TEXT PRIMARY KEY, source TEXT NOT NULL, last_key TEXT NOT NULL, rows BIGINT NOT NULL, done BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("copy: the progress table: %w", err)
	}
	rows, err := dst.sql.QueryContext(ctx, `SELECT tbl, source, last_key, rows, done FROM `+progressTable)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := &copyProgress{tables: map[string]*tableProgress{}}
	for rows.Next() {
		var tbl, src, last string
		var tp tableProgress
		var done int64
		if err := rows.Scan(&tbl, &src, &last, &tp.rows, &done); err != nil {
			return nil, err
		}
		if src != source {
			return nil, warden.Errorf(warden.ECONFLICT, "copy: the target holds a copy of another database (%s), not of this one (%s): copy onto an empty database", src, source)
		}
		if tp.last, err = decodeKey(last); err != nil {
			return nil, fmt.Errorf("copy: progress of %s: %w", tbl, err)
		}
		tp.done = done != 0
		p.tables[tbl] = &tp
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(p.tables) > 0 {
		p.resumed = true
		for _, pl := range plans {
			if p.tables[pl.table] == nil {
				return nil, warden.Errorf(warden.ECONFLICT, "copy: the earlier copy onto the target did not include table %s: copy onto an empty database", pl.table)
			}
		}
		return p, nil
	}
	seeds, err := seeded(ctx)
	if err != nil {
		return nil, err
	}
	for _, pl := range plans {
		var n int64
		if err := dst.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(pl.table)).Scan(&n); err != nil {
			return nil, err
		}
		if n != seeds[pl.table] {
			return nil, warden.Errorf(warden.ECONFLICT, "copy: the target is not empty (table %s has %d rows no copy put there): copy onto an empty database", pl.table, n)
		}
	}
	tx, err := dst.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The rows the migrations put in (the home organisation, the head of
	// an empty audit chain...) make way for the source's.
	for _, pl := range slices.Backward(plans) {
		if seeds[pl.table] > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(pl.table)); err != nil {
				return nil, err
			}
		}
	}
	for _, pl := range plans {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+progressTable+` (tbl, source, last_key, rows, done) VALUES ($1, $2, '', 0, 0)`, pl.table, source); err != nil {
			return nil, err
		}
		p.tables[pl.table] = &tableProgress{}
	}
	return p, tx.Commit()
}

// seeded counts the rows of each table of a new database, which the
// migrations put there.
func seeded(ctx context.Context) (map[string]int64, error) {
	db, err := Open(ctx, ":memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	counts, err := Count(ctx, db)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, c := range counts {
		out[c.Name] = c.Rows
	}
	return out, nil
}

// batch copies the next rows of the table, up to n, and records how far
// it got in the same transaction on dst. Fewer than n rows is the end of
// the table.
func (p *copyPlan) batch(ctx context.Context, stx querier, dst *DB, pr *tableProgress, n int) (int, error) {
	sels := make([]string, 0, len(p.cols)+1)
	for _, c := range p.cols {
		sels = append(sels, c.sel)
	}
	if slices.Equal(p.key, []string{"rowid"}) {
		sels = append(sels, "rowid")
	}
	keys := make([]string, len(p.key))
	for i, k := range p.key {
		keys[i] = quote(k)
		if k == "rowid" {
			keys[i] = k
		}
	}
	q := `SELECT ` + strings.Join(sels, ", ") + ` FROM ` + quote(p.table)
	if pr.last != nil {
		phs := make([]string, len(keys))
		for i := range phs {
			phs[i] = "$" + strconv.Itoa(i+1)
		}
		q += ` WHERE (` + strings.Join(keys, ", ") + `) > (` + strings.Join(phs, ", ") + `)`
	}
	if len(keys) > 0 {
		q += ` ORDER BY ` + strings.Join(keys, ", ") + ` LIMIT ` + strconv.Itoa(n)
	}
	rows, err := stx.QueryContext(ctx, q, pr.last...)
	if err != nil {
		return 0, err
	}
	var batch [][]any
	for rows.Next() {
		vals := make([]any, len(sels))
		ptrs := make([]any, len(sels))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, vals)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}

	last := pr.last
	if len(batch) > 0 {
		row := batch[len(batch)-1]
		last = make([]any, len(p.keyAt))
		for i, at := range p.keyAt {
			last[i] = row[at]
		}
	}
	lastText, err := encodeKey(last)
	if err != nil {
		return 0, err
	}
	done := len(batch) < n || len(keys) == 0
	tx, err := dst.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for start := 0; start < len(batch); start += p.perStmt {
		if err := p.insert(ctx, tx, batch[start:min(start+p.perStmt, len(batch))]); err != nil {
			return 0, err
		}
	}
	doneInt := 0
	if done {
		doneInt = 1
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+progressTable+` SET last_key = $1, rows = rows + $2, done = $3 WHERE tbl = $4`, lastText, len(batch), doneInt, p.table); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	pr.last, pr.rows, pr.done = last, pr.rows+int64(len(batch)), done
	return len(batch), nil
}

// insert writes rows to the table in one statement.
func (p *copyPlan) insert(ctx context.Context, tx *sql.Tx, rows [][]any) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + quote(p.table) + ` (`)
	for i, c := range p.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(c.name))
	}
	b.WriteString(`) VALUES `)
	args := make([]any, 0, len(rows)*len(p.cols))
	for r, row := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for i, c := range p.cols {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, c.conv(row[i]))
			b.WriteString(c.ins("$" + strconv.Itoa(len(args))))
		}
		b.WriteString(")")
	}
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}

// setSequences sets PostgreSQL's sequences (River's job ids) past the
// largest id copied, so that the next row inserted does not take one.
func setSequences(ctx context.Context, dst *DB) error {
	if dst.driver != "pgx" {
		return nil // SQLite's AUTOINCREMENT follows the largest id inserted
	}
	rows, err := dst.sql.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`)
	if err != nil {
		return err
	}
	var seqs [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		seqs = append(seqs, [2]string{t, c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range seqs {
		if _, err := dst.sql.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), (SELECT COALESCE(MAX(`+quote(s[1])+`), 0) + 1 FROM `+quote(s[0])+`), false)`, s[0], s[1]); err != nil {
			return fmt.Errorf("copy: set the sequence of %s.%s: %w", s[0], s[1], err)
		}
	}
	return nil
}

// copyApplied gives the target's migrations the times the source applied
// them at: the schema's history is the source's.
func copyApplied(ctx context.Context, dst *DB, applied map[string]string) error {
	tx, err := dst.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for v, at := range applied {
		if _, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET applied_at = $1 WHERE version = $2`, at, v); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// quote quotes a name for SQL, as both engines read it.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// encodeKey writes a key as JSON: each value with a letter for its type
// (i integer, s text, b bytes, f float), so that it reads back as the same
// type and compares on the source as it did.
func encodeKey(key []any) (string, error) {
	if key == nil {
		return "", nil
	}
	parts := make([]string, len(key))
	for i, v := range key {
		switch v := v.(type) {
		case int64:
			parts[i] = "i" + strconv.FormatInt(v, 10)
		case string:
			parts[i] = "s" + v
		case []byte:
			parts[i] = "b" + base64.StdEncoding.EncodeToString(v)
		case float64:
			parts[i] = "f" + strconv.FormatFloat(v, 'g', -1, 64)
		default:
			return "", fmt.Errorf("copy: a key of type %T", v)
		}
	}
	b, err := json.Marshal(parts)
	return string(b), err
}

// decodeKey reads what encodeKey wrote.
func decodeKey(s string) ([]any, error) {
	if s == "" {
		return nil, nil
	}
	var parts []string
	if err := json.Unmarshal([]byte(s), &parts); err != nil {
		return nil, err
	}
	key := make([]any, len(parts))
	for i, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("a key part without a type")
		}
		var err error
		switch v := p[1:]; p[0] {
		case 'i':
			key[i], err = strconv.ParseInt(v, 10, 64)
		case 's':
			key[i] = v
		case 'b':
			key[i], err = base64.StdEncoding.DecodeString(v)
		case 'f':
			key[i], err = strconv.ParseFloat(v, 64)
		default:
			err = fmt.Errorf("a key part of type %q", p[0])
		}
		if err != nil {
			return nil, err
		}
	}
	return key, nil
}

// TableCount is the rows of one table.
type TableCount struct {
	Name string
	Rows int64
}

// Count counts the rows of every table of db that Copy copies, and of
// schema_migrations: what a copy, a backup or a restore is checked by.
func Count(ctx context.Context, db *DB) ([]TableCount, error) {
	tx, end, err := db.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return countIn(ctx, tx, db.driver)
}

// countIn is Count in the transaction on conn.
func countIn(ctx context.Context, tx *sql.Conn, driver string) ([]TableCount, error) {
	tables, err := sourceTables(ctx, tx, driver)
	if err != nil {
		return nil, err
	}
	slices.Sort(tables)
	out := make([]TableCount, 0, len(tables)+1)
	for _, t := range append(tables, "schema_migrations") {
		c := TableCount{Name: t}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t)).Scan(&c.Rows); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
