package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"warden"

	"warden/cooperation"
)

// cmdScorecard writes a counterpart's scorecard for a period, as the
// operator: CSV for a spreadsheet, a printable HTML report for a dialogue,
// or JSON. The period is --from and --to (UTC days, --to excluded) or a
// --period around --at (default now): the month, the quarter, or since
// the last dialogue held with the counterpart.
func cmdScorecard(ctx context.Context, e *env, args []string) error {
	fs := newFlags("scorecard", "scorecard --org ID (--from YYYY-MM-DD --to YYYY-MM-DD | --period month|quarter|dialogue [--at YYYY-MM-DD]) [--format csv|html|json] [--out FILE]", e.stderr)
	org := fs.String("org", "", "the counterpart organisation (required)")
	fromFlag := fs.String("from", "", "the first day of the period, YYYY-MM-DD (UTC)")
	toFlag := fs.String("to", "", "the day after the period, YYYY-MM-DD (UTC; requests sent that day are not counted)")
	period := fs.String("period", "", "instead of --from and --to: month, quarter (those containing --at) or dialogue (from the last dialogue to --at)")
	atFlag := fs.String("at", "", "with --period: the day, YYYY-MM-DD (UTC midnight; default now)")
	format := fs.String("format", "csv", "csv, html (a printable report with its chart) or json")
	outFile := fs.String("out", "", "write to this file instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	case *org == "":
		return fmt.Errorf("%w: --org is required", errUsage)
	case *period == "" && (*fromFlag == "" || *toFlag == ""):
		return fmt.Errorf("%w: give --from and --to, or --period", errUsage)
	case *period != "" && (*fromFlag != "" || *toFlag != ""):
		return fmt.Errorf("%w: give --from and --to, or --period, not both", errUsage)
	case *period == "" && *atFlag != "":
		return fmt.Errorf("%w: --at goes with --period", errUsage)
	case *format != "csv" && *format != "html" && *format != "json":
		return fmt.Errorf("%w: --format %q must be csv, html or json", errUsage, *format)
	}
	day := func(flag, v string) (time.Time, error) {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return t, fmt.Errorf("%w: --%s %q is not a day YYYY-MM-DD", errUsage, flag, v)
		}
		if err := cooperation.CheckDay("--"+flag, t); err != nil {
			return t, fmt.Errorf("%w: %s", errUsage, warden.ErrorMessage(err))
		}
		return t, nil
	}
	var from, to time.Time
	at := time.Now()
	if *period == "" {
		if from, err = day("from", *fromFlag); err != nil {
			return err
		}
		if to, err = day("to", *toFlag); err != nil {
			return err
		}
	} else if *atFlag != "" {
		if at, err = day("at", *atFlag); err != nil {
			return err
		}
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := cooperation.New(db, nil)
	if *period != "" {
		var last *time.Time
		if *period == "dialogue" {
			ds, err := svc.Dialogues(ctx, *org)
			if err != nil {
				return err
			}
			for _, d := range ds {
				held, err := time.Parse(time.DateOnly, d.HeldOn)
				if err == nil && held.Before(at) && (last == nil || held.After(*last)) {
					last = &held
				}
			}
		}
		if from, to, err = cooperation.Period(*period, at, last); err != nil {
			return err
		}
	}
	sc, err := svc.Scorecard(ctx, *org, from, to)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch *format {
	case "csv":
		err = cooperation.WriteCSV(&b, sc)
	case "html":
		var svg bytes.Buffer
		if err = cooperation.ScorecardSVG(sc, &svg); err == nil {
			err = cooperation.WriteHTML(&b, sc, svg.Bytes())
		}
	default:
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(sc)
	}
	if err != nil {
		return err
	}
	if *outFile != "" {
		return os.WriteFile(*outFile, b.Bytes(), 0o644)
	}
	_, err = e.stdout.Write(b.Bytes())
	return err
}
