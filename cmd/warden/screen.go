package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"warden"
	"warden/internal/hugepage"
	"warden/match"
	"warden/screening"
	"warden/store"
)

// stringList is a flag that may be given several times.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func cmdScreen(ctx context.Context, e *env, args []string) error {
	fs := newFlags("screen", "screen [--json] [--list L] [--schema S] [--birth-date D] [--country C] [--gender G] [--wallet W] [--id N] [--limit N] [--threshold T] [NAME]\n       warden screen --input Q.csv --output R.jsonl|R.csv", e.stderr)
	var q match.Query
	var lists stringList
	fs.Var(&lists, "list", "screen only this list (repeatable)")
	schema := fs.String("schema", "", "Person, Organization, Company, LegalEntity, Vessel, Aircraft")
	var dates, countries, wallets, ids stringList
	fs.Var(&dates, "birth-date", "birth date YYYY[-MM[-DD]] (repeatable)")
	fs.Var(&countries, "country", "country name or ISO code (repeatable)")
	gender := fs.String("gender", "", "male or female")
	fs.Var(&wallets, "wallet", "digital currency address (repeatable)")
	fs.Var(&ids, "id", "passport, ID, registration number, e-mail or website (repeatable)")
	limit := fs.Int("limit", 10, "most hits to show")
	threshold := fs.Float64("threshold", match.DefaultThreshold, "score at and above which a hit is a match")
	asJSON := fs.Bool("json", false, "print JSON")
	input := fs.String("input", "", "batch: CSV of queries with a header of any of "+strings.Join(screening.BatchColumns, ", "))
	output := fs.String("output", "", "batch: results file, in input order: .csv (one row per query: its best match, programs and explanation, empty if none matched), .jsonl (one JSON line per query, every hit) or .json (one document, as /v1/screen/batch answers)")
	names, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := checkThreshold(*threshold); err != nil {
		return err
	}
	if *limit < 1 || *limit > match.MaxLimit {
		return fmt.Errorf("%w: --limit must be between 1 and %d", errUsage, match.MaxLimit)
	}
	opt := match.Options{Threshold: *threshold, Limit: *limit}
	if *input != "" {
		if *output == "" {
			return fmt.Errorf("%w: --input needs --output", errUsage)
		}
		if len(names)+len(dates)+len(countries)+len(wallets)+len(ids) > 0 || *schema != "" || *gender != "" {
			return fmt.Errorf("%w: --input screens the file's queries: give no name or query flags with it", errUsage)
		}
		format, err := batchFormat(*output)
		if err != nil {
			return err
		}
		return screenBatch(ctx, e, *input, *output, format, []string(lists), opt)
	}
	if *output != "" {
		return fmt.Errorf("%w: --output needs --input", errUsage)
	}
	if len(names) > 1 {
		names = []string{strings.Join(names, " ")} // an unquoted name
	}
	for _, d := range dates {
		if _, err := warden.ParseDate(d); err != nil {
			return fmt.Errorf("%w: --birth-date: %v", errUsage, warden.ErrorMessage(err))
		}
	}
	q = match.Query{Names: names, Schema: warden.Schema(*schema), BirthDates: dates, Countries: countries, Gender: *gender, Wallets: wallets, IDs: ids, Lists: lists}
	if _, err := match.Prepare(q); err != nil {
		return fmt.Errorf("%w: %v", errUsage, warden.ErrorMessage(err))
	}
	// Loading the index is most of the command: its heap grows in huge
	// pages where they must be asked for (a third less time on a machine
	// where each fresh page costs).
	hugepage.Heap(screenHugeHeap)
	// One query allocates little past loading: nothing is collected
	// unless the heap nears screenMemoryLimit (building the index).
	defer collectLess(-1, screenMemoryLimit)()
	svc, closeDB, err := openScreening(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := svc.CheckLists(lists); err != nil {
		return fmt.Errorf("%w: --list: %v", errUsage, warden.ErrorMessage(err))
	}
	hits, err := svc.Screen(ctx, q, opt)
	if err != nil {
		return err
	}
	resp := screening.View(q, hits)
	rec := svc.NewRecord(ctx, warden.ChannelCLI, opt)
	rec.Add("", resp)
	sc, err := rec.Save(ctx)
	if err != nil {
		return err
	}
	resp.Screening = sc.ID
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(resp)
	}
	if len(resp.Hits) == 0 {
		fmt.Fprintf(e.stdout, "no hits\nrecorded as screening %d\n", sc.ID)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tMATCH\tENTITY\tSCHEMA\tNAME\tMATCHED ON")
	for _, h := range resp.Hits {
		on := h.Explanation.ListedName
		if h.Explanation.Identifier != "" {
			on = h.Explanation.Identifier
		}
		fmt.Fprintf(tw, "%.3f\t%v\t%s\t%s\t%s\t%s\n", h.Score, h.Match, h.EntityID, h.Schema, h.Name, on)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "recorded as screening %d\n", sc.ID)
	return err
}

// checkThreshold is a usage error unless v is a number in (0, 1]: NaN
// compares false with every score, so a NaN threshold would hide every
// match.
func checkThreshold(v float64) error {
	if !(v > 0 && v <= 1) {
		return fmt.Errorf("%w: --threshold must be a number in (0, 1], not %v", errUsage, v)
	}
	return nil
}

// openScreening opens the database and loads or builds the screening
// index. The function it returns closes the database once a snapshot of an
// index it built is written, so that the next command loads it.
func openScreening(ctx context.Context, e *env) (*screening.Service, func(), error) {
	db, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	svc, err := indexLists(ctx, e, db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, func() {
		svc.Wait()
		db.Close()
	}, nil
}

// indexLists loads the screening index of the lists in db from its
// snapshot, or builds it (and leaves a snapshot for the next command: an
// import leaves none, the first command screening after it builds one);
// EINVALID when db holds no list, since screening against nothing would
// clear everything.
func indexLists(ctx context.Context, e *env, db *store.DB) (*screening.Service, error) {
	svc := screening.New(db)
	svc.UseSnapshots(screening.SnapshotDir(e.dsn, e.indexDir), func(f string, a ...any) {
		fmt.Fprintf(e.stderr, "warden: "+f+"\n", a...)
	})
	if _, err := svc.Refresh(ctx); err != nil {
		svc.Wait() // a snapshot of the index built may be being written
		return nil, err
	}
	if svc.Len() == 0 {
		return nil, warden.Errorf(warden.EINVALID, "the database %s holds no lists: import one (warden import) or run warden serve once to load the bundled OFAC list", shownDSN(e.dsn))
	}
	return svc, nil
}
