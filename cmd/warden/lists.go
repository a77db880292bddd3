package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"warden/ingest"
)

func cmdLists(ctx context.Context, e *env, args []string) error {
	fs := newFlags("lists", "lists [--json]   (each list's date, current version, and when it last changed and was last checked)", e.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ls, err := db.Lists(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, map[string]any{"lists": ls})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tVERSION\tPARTIES\tLIST DATE\tLAST CHANGED\tLAST CHECKED")
	for _, l := range ls {
		date := l.ListDate
		if date != "" && l.ListDateVersion != l.CurrentVersion {
			date += fmt.Sprintf(" (version %d)", l.ListDateVersion)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", l.Name, l.CurrentVersion, l.Entities, date, clock(l.LastChanged), clock(l.LastChecked))
	}
	return tw.Flush()
}

// clock is a time to the minute in UTC, or nothing for the zero time.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func cmdVersions(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "rollback" {
		return cmdRollback(ctx, e, args[1:])
	}
	fs := newFlags("versions", "versions [--json] LIST | versions rollback LIST --to V [--reason R]", e.stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: name one list", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	vs, err := db.Versions(ctx, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, map[string]any{"versions": vs})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tFORMAT\tPUBLISHED\tIMPORTED\tPARTIES\tADDED\tMODIFIED\tREMOVED\tWARNINGS")
	for _, v := range vs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", v.Version, v.Format, v.Published, v.ImportedAt.Format("2006-01-02 15:04"), v.Entities, v.Added, v.Modified, v.Removed, v.Warnings)
	}
	return tw.Flush()
}

// cmdRollback publishes a new version of a list equal to an earlier one.
func cmdRollback(ctx context.Context, e *env, args []string) error {
	fs := newFlags("versions rollback", "versions rollback [--json] LIST --to V [--reason R]", e.stderr)
	to := fs.Int("to", 0, "the `version` whose parties the new version takes (required)")
	reason := fs.String("reason", "", "why, for the audit log")
	asJSON := fs.Bool("json", false, "print a JSON summary as the last line on stdout")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: name one list", errUsage)
	}
	if *to <= 0 {
		return fmt.Errorf("%w: --to must name a version", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := ingest.Rollback(ctx, db, pos[0], *to, *reason)
	if err != nil {
		return err
	}
	printVersion(e, v, *asJSON)
	return nil
}

func cmdShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags("show", "show [--version V] ID   (ID is list:source_id, e.g. ofac:26663)", e.stderr)
	version := fs.Int("version", 0, "list version (default: current)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: name one entity id, e.g. ofac:26663", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ent, err := db.Entity(ctx, pos[0], *version)
	if err != nil {
		return err
	}
	return printJSON(e, ent)
}

func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
