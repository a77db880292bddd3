package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"warden"
	"warden/audit"
	"warden/store"
)

// cmdBackup runs `warden backup`: a consistent copy of the database while
// it serves (docs/moving.md).
func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs := newFlags("backup", "backup --output FILE", e.stderr)
	output := fs.String("output", "", "the `FILE` to write, which must not exist")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected %q", errUsage, pos[0])
	}
	if *output == "" {
		return fmt.Errorf("%w: backup needs --output FILE", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	counts, err := store.Backup(ctx, db, *output)
	if err != nil {
		return err
	}
	printTableCounts(e.stderr, counts)
	if db.Driver() == "pgx" {
		fmt.Fprintf(e.stdout, "pg_dump wrote %s: %d tables, %d rows, as many of each as the snapshot it dumped held\n", *output, len(counts), rowsOf(counts))
		return nil
	}
	b, err := store.OpenSource(ctx, *output)
	if err != nil {
		return err
	}
	defer b.Close()
	n, err := audit.Verify(ctx, b)
	if err != nil {
		return fmt.Errorf("the backup's audit chain: %w", err)
	}
	fmt.Fprintf(e.stdout, "backup %s: %d tables, %d rows; audit chain intact: %d events\n", *output, len(counts), rowsOf(counts), n)
	return nil
}

// cmdRestore runs `warden restore`: a backup put in place as --db, then
// checked.
func cmdRestore(ctx context.Context, e *env, args []string) error {
	fs := newFlags("restore", "restore --input FILE [--force] --db DSN", e.stderr)
	input := fs.String("input", "", "the backup `FILE`: a SQLite database (warden backup) or a PostgreSQL dump (pg_dump -Fc)")
	force := fs.Bool("force", false, "replace the SQLite database at --db (stop whatever uses it first)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected %q", errUsage, pos[0])
	}
	if *input == "" {
		return fmt.Errorf("%w: restore needs --input FILE", errUsage)
	}
	want, err := store.BackupCounts(ctx, *input)
	if err != nil {
		return fmt.Errorf("read the backup: %w", err)
	}
	if err := store.Restore(ctx, *input, e.dsn, *force); err != nil {
		return err
	}
	db, err := store.Open(ctx, e.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	got, err := store.Count(ctx, db)
	if err != nil {
		return err
	}
	printTableCounts(e.stderr, got)
	// A backup of an older schema gains the newer migrations as it opens:
	// schema_migrations may grow, and tables appear.
	have := map[string]int64{}
	for _, c := range got {
		have[c.Name] = c.Rows
	}
	for _, c := range want {
		if c.Name != "schema_migrations" && have[c.Name] != c.Rows {
			return fmt.Errorf("the restored database's counts differ from the backup's: %s has %d rows, the backup %d", c.Name, have[c.Name], c.Rows)
		}
	}
	n, err := audit.Verify(ctx, db)
	if err != nil {
		return fmt.Errorf("the restored database's audit chain: %w", err)
	}
	// The chain says the database was put back: what happened after the
	// backup is gone from it.
	if err := db.Audit(ctx, warden.NewAuditEvent(ctx, "database.restore", "", "", map[string]any{"backup": filepath.Base(*input), "tables": len(got), "rows": rowsOf(got), "events": n})); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s: %d tables, %d rows; audit chain intact: %d events, and the restore recorded after them\n", *input, len(got), rowsOf(got), n)
	return nil
}

// printTableCounts writes the rows of each table.
func printTableCounts(w io.Writer, counts []store.TableCount) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\trows\t")
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\t\n", c.Name, c.Rows)
	}
	tw.Flush()
}

// rowsOf adds up the rows of counts.
func rowsOf(counts []store.TableCount) (n int64) {
	for _, c := range counts {
		n += c.Rows
	}
	return n
}
