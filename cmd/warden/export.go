package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"warden"
	"warden/internal/csvsafe"
	"warden/sources/ftm"
	"warden/sources/ostargets"
	"warden/store"
)

func cmdExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags("export", "export --list NAME [--version V] [--since V0] --format ftm|csv [--output FILE]", e.stderr)
	list := fs.String("list", "", "list `name` (required)")
	version := fs.Int("version", 0, "list version (default: current)")
	since := fs.Int("since", -1, "write the changes from this version to --version instead of the whole list (0: from empty)")
	format := fs.String("format", "ftm", "ftm (FollowTheMoney JSON lines; FtM delta with --since) or csv (OpenSanctions targets.simple.csv; with an op column with --since)")
	output := fs.String("output", "-", "output file (default stdout)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *list == "" {
		return fmt.Errorf("%w: --list is required", errUsage)
	}
	if *format != "ftm" && *format != "csv" {
		return fmt.Errorf("%w: --format must be ftm or csv", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	var out io.Writer = e.stdout
	var file *os.File
	if *output != "-" {
		if file, err = os.Create(*output); err != nil {
			return err
		}
		defer file.Close()
		out = file
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	if *format == "ftm" {
		w := ftm.NewWriter(bw)
		if *since >= 0 {
			ops := map[string]string{"added": "ADD", "modified": "MOD", "removed": "DEL"}
			err = db.Changes(ctx, *list, *since, *version, func(c warden.Change) error { return w.WriteOp(ops[c.Op], c.Entity) })
		} else {
			err = db.Entities(ctx, *list, *version, w.Write)
		}
	} else {
		err = exportCSV(ctx, db, bw, *list, *version, *since)
	}
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		return file.Close()
	}
	return nil
}

func exportCSV(ctx context.Context, db *store.DB, out io.Writer, list string, version, since int) error {
	cw := csvsafe.NewWriter(out)
	var err error
	if since < 0 {
		cw.Write(ostargets.Header)
		err = db.Entities(ctx, list, version, func(e *warden.Entity) error { return cw.Write(ostargets.Row(e)) })
	} else {
		// Changes: an op column (added, modified, removed), then the targets columns.
		cw.Write(append([]string{"op"}, ostargets.Header...))
		err = db.Changes(ctx, list, since, version, func(c warden.Change) error {
			return cw.Write(append([]string{c.Op}, ostargets.Row(c.Entity)...))
		})
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
