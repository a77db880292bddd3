package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"warden/audit"
	"warden/jobs"
	"warden/store"
)

// cmdStore runs `warden store migrate`: the database moved to the other
// engine (docs/moving.md).
func cmdStore(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "migrate" {
		return fmt.Errorf("%w: store migrate --from DSN --to DSN", errUsage)
	}
	fs := newFlags("store migrate", "store migrate --from DSN --to DSN [--batch N] [--max-batches N]", e.stderr)
	from := fs.String("from", "", "the database to copy, left as it is: a SQLite file or sqlite: URL, or a postgres:// URL (default: --db)")
	to := fs.String("to", "", "the database to copy into, empty, on the other engine: a postgres:// URL, or a SQLite file or sqlite: URL")
	batch := fs.Int("batch", store.DefaultCopyBatch, "rows per batch committed on the target")
	maxBatches := fs.Int("max-batches", 0, "stop after `N` batches (0: copy everything); run again to carry on")
	if pos, err := parse(fs, args[1:]); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected %q", errUsage, pos[0])
	}
	if *from == "" {
		*from = e.dsn
	}
	if *to == "" {
		return fmt.Errorf("%w: store migrate needs --to DSN, the database to copy into", errUsage)
	}
	if *batch < 1 || *maxBatches < 0 {
		return fmt.Errorf("%w: --batch must be at least 1 and --max-batches at least 0", errUsage)
	}
	src, err := store.OpenSource(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	// River's tables, which its own migrations make on each engine.
	q, err := jobs.Open(ctx, dst, jobs.Config{})
	if err != nil {
		return err
	}
	if err := q.Stop(ctx); err != nil {
		return err
	}

	// A bar per table, when stderr is a terminal.
	b, table, shown := &bar{}, "", int64(0)
	rep, err := store.Copy(ctx, src, dst, store.CopyOptions{Batch: *batch, MaxBatches: *maxBatches, Progress: func(t string, copied, total int64) {
		if t != table {
			b.finish()
			b, table, shown = newBar(e.stderr, total, t, false), t, 0
		}
		b.add(int(copied - shown))
		shown = copied
	}})
	b.finish()
	if len(rep.Tables) > 0 {
		printCounts(e.stderr, rep)
	}
	if err != nil {
		return err
	}
	if !rep.Done {
		fmt.Fprintf(e.stdout, "stopped after %d batches: run the same command again to carry on\n", *maxBatches)
		return nil
	}
	n, err := audit.Verify(ctx, dst)
	if err != nil {
		return fmt.Errorf("the copy's audit chain: %w", err)
	}
	var rows int64
	for _, t := range rep.Tables {
		rows += t.Target
	}
	if rep.Resumed {
		fmt.Fprintln(e.stdout, "carried on from an earlier run's last batch")
	}
	fmt.Fprintf(e.stdout, "copied %d tables, %d rows: every count equal; audit chain intact on the copy: %d events\n", len(rep.Tables), rows, n)
	return nil
}

// printCounts writes a copy's table of counts.
func printCounts(w io.Writer, rep store.CopyReport) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\tsource\ttarget\tthis run\t")
	for _, t := range rep.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", t.Name, t.Source, t.Target, t.Copied)
	}
	tw.Flush()
}
