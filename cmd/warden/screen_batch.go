package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"warden"
	"warden/internal/csvsafe"
	"warden/internal/hugepage"
	"warden/match"
	"warden/screening"
)

//go:generate go run ./internal/gencustomers -data ../../../shared/data -out testdata/customers-20k.csv

// batchGCPercent is the garbage collector's target for a batch run, unless
// GOGC says otherwise: the index is a large live heap that every collection
// scans again, and a batch allocates steadily, so collecting at 11x the
// live heap instead of 2x spends far less CPU on a batch (at 5x, a third
// less than at 2x; at 11x, up to a sixth less than at 5x on the
// 20,000-query mix, as the shared machine allowed it to be measured) for a
// larger peak, which batchMemoryLimit caps (docs/performance.md,
// Throughput).
const batchGCPercent = 1000

// batchMemoryLimit is the heap a batch run collects at whatever
// batchGCPercent allows, unless GOMEMLIMIT says otherwise: a batch of
// millions of rows holds them all, and 11x its live heap would be more
// than a machine has.
const batchMemoryLimit = 2 << 30

// batchHugeHeap is how much of a batch run's heap is backed by huge pages
// where the system gives them on request (package hugepage): the
// 20,000-query mix's heap grows by about 250 MB, which in 4 KB pages took
// 53,000 page faults, a fifth of its wall time on a virtual machine where
// each cost 7–15 µs. A larger batch grows the rest in small pages.
const batchHugeHeap = 512 << 20

// screenHugeHeap is how much of `warden screen NAME`'s heap is backed by
// huge pages (package hugepage): loading the index and its links, tens of
// megabytes, or building it when there is no snapshot yet.
const screenHugeHeap = 256 << 20

// screenMemoryLimit is the heap at which `warden screen NAME`, which
// otherwise collects nothing, collects, unless GOMEMLIMIT says otherwise.
// Loading a snapshot stays far below it (~150 MB); building the index,
// when there is no snapshot yet, passes it, and is then collected as often
// as it needs: at 1 GB its peak (1.1 GB) is below what collecting at
// batchGCPercent reached (1.4 GB), in the same time.
const screenMemoryLimit = 1 << 30

// collectLess sets the collector to percent (batchGCPercent, or -1 for
// none until the heap reaches limit) and limit, unless GOGC and GOMEMLIMIT
// say otherwise, for a command that screens and ends, and returns what
// puts the settings back. A batch allocates steadily over a large live
// heap; `warden screen NAME` allocates a hundred megabytes loading the
// index and the listing links, which at the default target the collector
// went through several times, a sixth of the command's CPU, and at
// batchGCPercent once, right after loading, to free a few megabytes of a
// command about to end.
func collectLess(percent int, limit int64) (restore func()) {
	gc, mem := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		mem = debug.SetMemoryLimit(limit)
	}
	return func() {
		if gc != -2 {
			debug.SetGCPercent(gc)
		}
		if mem >= 0 {
			debug.SetMemoryLimit(mem)
		}
	}
}

// batchFormats are the formats a batch's results may be written in, by the
// output file's extension.
var batchFormats = map[string]string{".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}

// batchFormat is the format of results written to path, chosen by its
// extension; a usage error for any other, which would leave a file its
// name misdescribes.
func batchFormat(path string) (string, error) {
	f, ok := batchFormats[strings.ToLower(filepath.Ext(path))]
	if !ok {
		return "", fmt.Errorf("%w: --output %s: name a .csv (one row per query), .jsonl (one JSON line per query) or .json file", errUsage, path)
	}
	return f, nil
}

// screenBatch screens every row of the CSV input and writes the answers to
// output, in input order, as format: CSV of one row per query
// (screening.CSVHeader), JSON lines of one answer per query, or JSON of
// them all as /v1/screen/batch answers.
func screenBatch(ctx context.Context, e *env, input, output, format string, lists []string, opt match.Options) error {
	hugepage.Heap(batchHugeHeap) // before the heap grows
	defer collectLess(batchGCPercent, batchMemoryLimit)()
	// The index loads (on one core) while the rows are read and prepared
	// (on every core): a tenth of a 20,000-row run's wall time. A bad
	// input is still reported before a database that cannot screen.
	type opened struct {
		svc     *screening.Service
		closeDB func()
		err     error
	}
	octx, stop := context.WithCancel(ctx)
	defer stop()
	open := make(chan opened, 1)
	go func() {
		svc, closeDB, err := openScreening(octx, e)
		open <- opened{svc, closeDB, err}
	}()
	rows, err := screening.ReadBatch(ctx, warden.Input{Open: func(p string) (io.ReadCloser, error) { return os.Open(p) }}, input, lists)
	if err != nil {
		stop() // no index is needed: cut its loading short
	}
	o := <-open
	if o.err == nil {
		defer o.closeDB()
	}
	if err != nil {
		return err
	}
	if o.err != nil {
		return o.err
	}
	svc := o.svc
	if err := svc.CheckLists(lists); err != nil {
		return fmt.Errorf("%w: --list: %v", errUsage, warden.ErrorMessage(err))
	}
	f, err := os.Create(output)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	var emit func(screening.Row, screening.Response) error
	end := func() error { return nil }
	switch format {
	case "csv":
		cw := csvsafe.NewWriter(w)
		cw.Write(screening.CSVHeader)
		emit = func(r screening.Row, resp screening.Response) error {
			return cw.Write(screening.CSVRecord(r.Pos, resp))
		}
		end = func() error {
			cw.Flush()
			return cw.Error()
		}
	case "jsonl", "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		emit = func(_ screening.Row, resp screening.Response) error { return enc.Encode(resp) }
		if format == "json" {
			w.WriteString(`{"responses":[`)
			sep := ""
			emit = func(_ screening.Row, resp screening.Response) error {
				w.WriteString(sep)
				sep = ","
				return enc.Encode(resp)
			}
			end = func() error {
				_, err := w.WriteString("]}\n")
				return err
			}
		}
	}
	rec := svc.NewRecord(ctx, warden.ChannelCLI, opt)
	rec.Grow(len(rows))
	record := func(r screening.Row, resp screening.Response) error {
		rec.Add(r.Pos, resp)
		return emit(r, resp)
	}
	bar := newBar(e.stderr, int64(len(rows)), "screening", false)
	err = svc.Batch(ctx, rows, opt, record, func() { bar.add(1) })
	bar.finish()
	if err != nil {
		return err
	}
	if err := end(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	sc, err := rec.Save(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "screened %d queries into %s (recorded as screening %d)\n", len(rows), output, sc.ID)
	return nil
}

func cmdCompare(ctx context.Context, e *env, args []string) error {
	fs := newFlags("compare", "compare [--json] [--schema S] [--threshold T] NAME1 NAME2\n       warden compare --input P.csv --output O.csv   (columns schema,name1,name2)", e.stderr)
	schema := fs.String("schema", "", "schema of both names")
	threshold := fs.Float64("threshold", match.DefaultThreshold, "score at and above which the names match")
	asJSON := fs.Bool("json", false, "print JSON")
	input := fs.String("input", "", "CSV of pairs with columns schema,name1,name2")
	output := fs.String("output", "", "CSV to write: the input columns plus score and match")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := checkThreshold(*threshold); err != nil {
		return err
	}
	if *input != "" {
		if *output == "" {
			return fmt.Errorf("%w: --input needs --output", errUsage)
		}
		if !strings.EqualFold(filepath.Ext(*output), ".csv") {
			return fmt.Errorf("%w: --output %s: the results are CSV: name a .csv file", errUsage, *output)
		}
		return compareBatch(ctx, *input, *output, *threshold)
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: give two names (quote names with spaces)", errUsage)
	}
	c, err := compareNames(warden.Schema(*schema), pos[0], pos[1], *threshold)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(c)
	}
	fmt.Fprintf(e.stdout, "%.3f match=%v\n", c.Score, c.Match)
	for _, t := range c.Explanation.Tokens {
		fmt.Fprintf(e.stdout, "  %s ~ %s  %.3f (weight %.2f)\n", t.Query, t.Listed, t.Sim, t.Weight)
	}
	return nil
}

// compareNames checks both names and compares them.
func compareNames(schema warden.Schema, a, b string, threshold float64) (match.Comparison, error) {
	for _, n := range []string{a, b} {
		if _, err := match.Prepare(match.Query{Names: []string{n}, Schema: schema}); err != nil {
			return match.Comparison{}, err
		}
	}
	return match.Compare(schema, a, b, threshold, nil), nil
}

func compareBatch(ctx context.Context, input, output string, threshold float64) error {
	in, err := os.Open(input)
	if err != nil {
		return err
	}
	defer in.Close()
	cr := csv.NewReader(in)
	header, err := cr.Read()
	if err == io.EOF {
		return warden.Errorf(warden.EINVALID, "%s:1: the file is empty: it needs a header naming name1, name2 and, if you like, schema", input)
	}
	if err != nil {
		return warden.Errorf(warden.EINVALID, "%s:1: %w", input, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"name1", "name2"} {
		if _, ok := col[c]; !ok {
			return warden.Errorf(warden.EINVALID, "%s:1: header lacks column %q", input, c)
		}
	}
	out, err := os.Create(output)
	if err != nil {
		return err
	}
	defer out.Close()
	cw := csvsafe.NewWriter(out)
	cw.Write(append(header, "score", "match"))
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) { // its message would give the line again
			return warden.Errorf(warden.EINVALID, "%s:%d: %w", input, pe.StartLine, pe.Err)
		}
		if err != nil {
			return warden.Errorf(warden.EINVALID, "%s: %w", input, err)
		}
		line, _ := cr.FieldPos(0)
		schema := ""
		if i, ok := col["schema"]; ok {
			schema = rec[i]
		}
		c, err := compareNames(warden.Schema(schema), rec[col["name1"]], rec[col["name2"]], threshold)
		if err != nil {
			return warden.Errorf(warden.EINVALID, "%s:%d: %w", input, line, err)
		}
		cw.Write(append(rec, strconv.FormatFloat(c.Score, 'f', 3, 64), strconv.FormatBool(c.Match)))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return out.Close()
}
