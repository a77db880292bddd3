package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"warden"
	"warden/ingest"
	"warden/sources"
)

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags("import", "import [--json] --list NAME [--format FORMAT] [--list-date YYYY-MM-DD] [--warnings FILE] [--max-removed SHARE] [--force --reason R] PATH...", e.stderr)
	list := fs.String("list", "", "list `name` to import a version of (required)")
	format := fs.String("format", "", "input format, one of "+strings.Join(sources.Names(), ", ")+" (default: detected)")
	asJSON := fs.Bool("json", false, "print a JSON summary as the last line on stdout")
	maxRemoved := fs.Float64("max-removed", ingest.DefaultMaxRemoved, "largest `share` of the list's parties (0 to 1) the version may remove, and of its names, identifiers or addresses it may drop")
	force := fs.Bool("force", false, "store the version even if it is empty, removes or drops more than --max-removed or is of another format than the list (audited)")
	reason := fs.String("reason", "", "why, for the audit log of a forced import")
	listDate := fs.String("list-date", "", "the list's own `date` (YYYY-MM-DD), replacing what the files state (OFAC's CSV and the CSL state none)")
	warnings := fs.String("warnings", "", "write every warning of the import to `FILE`, one a line (the summary shows the first five)")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *list == "" {
		return fmt.Errorf("%w: --list is required", errUsage)
	}
	if err := checkShare(*maxRemoved); err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: name the files or folder to import", errUsage)
	}
	if *listDate != "" {
		d, err := time.Parse(time.DateOnly, *listDate)
		if err != nil {
			return fmt.Errorf("%w: --list-date %q is not a date (YYYY-MM-DD)", errUsage, *listDate)
		}
		if d.After(time.Now()) {
			return fmt.Errorf("%w: --list-date %s is in the future", errUsage, *listDate)
		}
	}
	files, err := sources.Expand(paths)
	if err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	req := ingest.Request{List: *list, Format: *format, Input: warden.Input{Paths: files}, ListDate: *listDate,
		MaxRemoved: *maxRemoved, Force: *force, Reason: *reason}
	var wf *bufio.Writer
	if *warnings != "" {
		f, err := os.Create(*warnings)
		if err != nil {
			return fmt.Errorf("--warnings: %w", err)
		}
		defer f.Close()
		wf = bufio.NewWriter(f)
		req.Warnings = func(w warden.Warning) { fmt.Fprintln(wf, w) }
	}
	bar := newBar(e.stderr, totalSize(files), "importing "+*list, true)
	v, err := ingest.Import(ctx, db, req, bar.add)
	bar.finish()
	if wf != nil {
		// The warnings of a refused import are written too: they may say
		// why.
		if ferr := wf.Flush(); ferr != nil && err == nil {
			err = fmt.Errorf("--warnings %s: %w", *warnings, ferr)
		}
	}
	if err != nil {
		return err
	}
	printVersion(e, v, *asJSON)
	if *warnings != "" && v.Warnings > 0 {
		fmt.Fprintf(e.stderr, "%d warnings written to %s\n", v.Warnings, *warnings)
	}
	return nil
}

// checkShare is a usage error unless v, a --max-removed share, is a number
// in (0, 1]: NaN would compare false with every share and let any removal
// through.
func checkShare(v float64) error {
	if !(v > 0 && v <= 1) {
		return fmt.Errorf("%w: --max-removed must be a number in (0, 1], not %v", errUsage, v)
	}
	return nil
}

// printVersion reports an import: warnings on stderr, and the summary as
// text or, with --json, as the last line on stdout.
func printVersion(e *env, v warden.ListVersion, asJSON bool) {
	for i, w := range v.WarningSample {
		if i == 5 {
			fmt.Fprintf(e.stderr, "warning: ... and %d more\n", v.Warnings-5)
			break
		}
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if asJSON {
		json.NewEncoder(e.stdout).Encode(map[string]any{
			"list": v.List, "version": v.Version, "entities": v.Entities, "added": v.Added,
			"modified": v.Modified, "removed": v.Removed, "warnings": v.Warnings,
			"list_date": v.Published, "unchanged": v.Unchanged,
		})
		return
	}
	if v.Unchanged {
		fmt.Fprintf(e.stdout, "%s unchanged: the files hold version %d (%s, %d parties); checked, no version stored; %d warnings\n",
			v.List, v.Version, v.Format, v.Entities, v.Warnings)
		return
	}
	fmt.Fprintf(e.stdout, "%s version %d (%s): %d parties; %d added, %d modified, %d removed; %d warnings\n",
		v.List, v.Version, v.Format, v.Entities, v.Added, v.Modified, v.Removed, v.Warnings)
}

func totalSize(files []string) int64 {
	var n int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}

// bar is a progress bar on stderr, drawn only when stderr is a terminal.
type bar struct{ pb *progressbar.ProgressBar }

func newBar(w io.Writer, total int64, desc string, bytes bool) *bar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &bar{}
	}
	return &bar{pb: progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(bytes), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000))}
}

func (b *bar) add(n int) {
	if b.pb != nil {
		b.pb.Add(n)
	}
}

func (b *bar) finish() {
	if b.pb != nil {
		b.pb.Finish()
	}
}
