package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/evidence"
)

// cmdReport writes a regulator's report from the ledger and the review
// queue, as the server's /v1/reports/* do.
func cmdReport(ctx context.Context, e *env, args []string) error {
	fs := newFlags("report", "report initial|annual|rejected [--year YYYY] [--since YYYY-MM-DD] [--policy FILE] [--format csv|html|pdf|json] [--output FILE]", e.stderr)
	year := fs.Int("year", 0, "annual: the year whose June 30 the report is as of (default: the latest past)")
	since := fs.String("since", "", "rejected: only payments rejected on or after this day, YYYY-MM-DD")
	policyFile := fs.String("policy", "", "the policy file, for its holidays (initial report deadlines); the default policy if empty")
	format := fs.String("format", "", "csv, html (printable), pdf or json; default: the --output file's extension, or csv")
	output := fs.String("output", "", "write to this file instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: name one report: initial, annual or rejected", errUsage)
	}
	kind := pos[0]
	if *format == "" {
		*format = "csv"
		if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(*output)), "."); ext != "" {
			*format = ext
		}
	}
	switch {
	case kind != warden.ReportInitial && kind != warden.ReportAnnual && kind != warden.ReportRejected:
		return fmt.Errorf("%w: unknown report %q: initial, annual or rejected", errUsage, kind)
	case *format != "csv" && *format != "html" && *format != "pdf" && *format != "json":
		return fmt.Errorf("%w: --format %q must be csv, html, pdf or json", errUsage, *format)
	case *year != 0 && kind != warden.ReportAnnual:
		return fmt.Errorf("%w: --year goes with the annual report", errUsage)
	case *since != "" && kind != warden.ReportRejected:
		return fmt.Errorf("%w: --since goes with the rejected report", errUsage)
	}
	var from time.Time
	if *since != "" {
		if from, err = time.Parse(time.DateOnly, *since); err != nil {
			return fmt.Errorf("%w: --since %q is not a day YYYY-MM-DD", errUsage, *since)
		}
	}
	policy, err := enforcement.LoadPolicy(*policyFile)
	if err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := enforcement.New(db, nil, auth.New(db).Approvals)
	svc.Policy = policy
	var rep enforcement.Report
	switch kind {
	case warden.ReportInitial:
		rep, err = svc.InitialReports(ctx)
	case warden.ReportAnnual:
		if *year == 0 {
			*year = enforcement.AnnualYear(time.Now().UTC())
		}
		rep, err = svc.AnnualReport(ctx, *year)
	default:
		rep, err = svc.RejectedReport(ctx, from)
	}
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch *format {
	case "csv":
		err = evidence.ReportCSV(&b, rep)
	case "html":
		err = evidence.ReportHTML(&b, rep)
	case "pdf":
		err = evidence.ReportPDF(&b, rep, time.Now())
	default:
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(rep)
	}
	if err != nil {
		return err
	}
	if *output != "" {
		if err := os.WriteFile(*output, b.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "wrote %s (%s rows) to %s\n", rep.Title, strconv.Itoa(len(rep.Rows)), *output)
		return nil
	}
	_, err = e.stdout.Write(b.Bytes())
	return err
}
