package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/internal/csvsafe"
)

const casesUsage = "cases list|show|claim|release|assign|clear|confirm|approve|send-back|note|good-guys|revoke [flags] [ID]"

// cmdCases works the review queue from the command line: the same
// service, rules and audit as the API, as the operator or, with --as, as
// a person (whose role decides what they may do; a second review needs
// a person other than the one who cleared).
func cmdCases(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, casesUsage)
	}
	sub, args := args[0], args[1:]
	usage := map[string]string{
		"list": "cases list [--status S,S|all] [--list L] [--program P] [--min-score X] [--max-score X] [--assignee NAME|--mine|--unassigned] [--source payment|customer] [--older-than DAYS] [--overdue] [--q TEXT] [--sort S] [--offset N] [--limit N] [--format table|csv|json]",
		"show": "cases show ID", "claim": "cases claim ID", "release": "cases release ID", "assign": "cases assign ID NAME (an empty NAME: nobody)",
		"clear": "cases clear ID --reason TEXT", "confirm": "cases confirm ID [--reason TEXT]", "approve": "cases approve ID [--reason TEXT]",
		"send-back": "cases send-back ID --reason TEXT", "note": "cases note ID [--file FILE] [TEXT]", "good-guys": "cases good-guys [--q TEXT] [--limit N]",
		"revoke": "cases revoke ID --reason TEXT",
	}[sub]
	if usage == "" {
		return fmt.Errorf("%w: %s", errUsage, casesUsage)
	}
	fs := newFlags("cases "+sub, usage+" [--as NAME] [--policy FILE]", e.stderr)
	as := fs.String("as", "", "act as this person (default: the operator)")
	policyFile := policyFlag(fs)
	reason := fs.String("reason", "", "why, for the case, its history and the audit log")
	file := fs.String("file", "", "a file to attach (PDF, PNG, JPEG, text or JSON)")
	var q enforcement.CaseQuery
	var status, format string
	if sub == "list" || sub == "good-guys" {
		caseListFlags(fs, &q, &status, &format)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	policy, err := enforcement.LoadPolicy(*policyFile)
	if err != nil {
		return err
	}
	svc := enforcement.New(db, nil, auth.New(db).Approvals)
	svc.Policy = policy
	if *as != "" {
		u, err := db.User(ctx, *as)
		if err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return warden.Errorf(warden.EFORBIDDEN, "%s is disabled", u.Name)
		}
		ctx = warden.WithPrincipal(ctx, warden.Principal{Name: u.Name, Role: u.Role, Org: u.Org, Kind: "user", Person: u.Name})
	}
	switch sub {
	case "list":
		return casesList(ctx, e, svc, q, status, format, pos)
	case "good-guys":
		if len(pos) != 0 {
			return fmt.Errorf("%w: %s", errUsage, usage)
		}
		gg, total, err := svc.GoodGuys(ctx, warden.GoodGuyFilter{Search: q.Search, Limit: q.Limit})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CASE\tNAME\tLISTED\tCLEARED BY\tEXPIRES")
		for _, g := range gg {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", g.Case, warden.Visible(g.Name), warden.Visible(g.EntityID), warden.Visible(g.ClearedBy), g.Expires.Format("2006-01-02"))
		}
		fmt.Fprintf(tw, "%d remembered\n", total)
		return tw.Flush()
	}
	want := 1
	switch sub {
	case "assign":
		want = 2
	case "note":
		want = len(pos) // the note's words follow the id
	}
	if len(pos) == 0 || len(pos) != want {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("%w: case id must be an integer: %s", errUsage, usage)
	}
	var c warden.Case
	switch sub {
	case "show":
		f, err := svc.Case(ctx, id)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(f)
	case "claim":
		c, err = svc.Claim(ctx, id)
	case "release":
		c, err = svc.Release(ctx, id)
	case "assign":
		c, err = svc.Assign(ctx, id, pos[1])
	case "clear", "confirm":
		c, err = svc.DecideCase(ctx, id, sub == "confirm", *reason)
	case "approve":
		c, err = svc.ApproveClear(ctx, id, *reason)
	case "send-back":
		c, err = svc.SendBack(ctx, id, *reason)
	case "revoke":
		if err := svc.RevokeGoodGuy(ctx, id, *reason); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "case %d: false positive revoked\n", id)
		return nil
	case "note":
		return casesNote(ctx, e, svc, id, strings.Join(pos[1:], " "), *file)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "case %d: %s%s\n", c.ID, caseState(c), map[bool]string{true: ", assigned to " + warden.Visible(c.Assignee)}[c.Assignee != ""])
	return nil
}

// caseListFlags declares the queue's filter as flags.
func caseListFlags(fs *flag.FlagSet, q *enforcement.CaseQuery, status, format *string) {
	f := &q.CaseFilter
	fs.StringVar(status, "status", "", "open, pending_review, confirmed, cleared (several separated by commas) or all; default: open and pending_review")
	fs.StringVar(&f.List, "list", "", "the listed party's list")
	fs.StringVar(&f.Program, "program", "", "a program of the listed party")
	fs.Float64Var(&f.MinScore, "min-score", 0, "score at least")
	fs.Float64Var(&f.MaxScore, "max-score", 0, "score at most")
	fs.StringVar(&f.Assignee, "assignee", "", "assigned to this person")
	fs.BoolVar(&q.Mine, "mine", false, "assigned to the person of --as")
	fs.BoolVar(&f.Unassigned, "unassigned", false, "assigned to nobody")
	fs.StringVar(&f.Source, "source", "", "payment or customer")
	fs.IntVar(&q.OlderThanDays, "older-than", 0, "opened more than this many days ago")
	fs.BoolVar(&q.Overdue, "overdue", false, "past the deadline")
	fs.StringVar(&f.Search, "q", "", "search the screened name, reference, listed party's id and name")
	fs.StringVar(&f.Sort, "sort", "", "oldest (default), newest, score_desc, score_asc, reference or id")
	fs.IntVar(&f.Offset, "offset", 0, "cases to skip")
	fs.IntVar(&f.Limit, "limit", 50, "at most this many (1-1000)")
	fs.StringVar(format, "format", "table", "table, csv or json")
}

// caseState is a case's status in words.
func caseState(c warden.Case) string {
	switch c.Status {
	case warden.CasePendingReview:
		return "cleared by " + warden.Visible(c.ClearedBy) + ", pending a second review"
	case warden.CaseConfirmed:
		return "confirmed (" + c.Outcome + ")"
	}
	return string(c.Status)
}

func casesList(ctx context.Context, e *env, svc *enforcement.Service, q enforcement.CaseQuery, status, format string, pos []string) error {
	if len(pos) != 0 {
		return fmt.Errorf("%w: cases list takes flags only", errUsage)
	}
	for st := range strings.SplitSeq(status, ",") {
		switch st = strings.TrimSpace(st); st {
		case "":
		case "all":
			q.Statuses = warden.CaseStatuses
		default:
			q.Statuses = append(q.Statuses, warden.CaseStatus(st))
		}
	}
	if format != "table" && format != "csv" && format != "json" {
		return fmt.Errorf("%w: --format is table, csv or json", errUsage)
	}
	list, err := svc.FindCases(ctx, q)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(list)
	case "csv":
		cw := csvsafe.NewWriter(e.stdout)
		cw.Write([]string{"case", "status", "source", "reference", "screened_name", "listed_party", "listed_name", "score", "assignee", "opened", "due", "overdue"})
		for _, c := range list.Cases {
			cw.Write([]string{strconv.FormatInt(c.ID, 10), string(c.Status), c.Source, warden.Visible(c.Reference), warden.Visible(c.Name), c.EntityID, warden.Visible(c.ListedName),
				strconv.FormatFloat(c.Score, 'f', 3, 64), warden.Visible(c.Assignee), c.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), c.Due.UTC().Format("2006-01-02T15:04:05Z"), strconv.FormatBool(c.Overdue)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tSTATUS\tSOURCE\tREFERENCE\tNAME\tLISTED\tSCORE\tASSIGNEE\tDUE")
	for _, c := range list.Cases {
		due := c.Due.Format("2006-01-02")
		if c.Overdue {
			due += " overdue"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%s\n", c.ID, c.Status, c.Source, warden.Visible(c.Reference), warden.Visible(c.Name), warden.Visible(c.EntityID), c.Score, warden.Visible(c.Assignee), due)
	}
	fmt.Fprintf(tw, "%d of %d cases\n", len(list.Cases), list.Total)
	return tw.Flush()
}

// casesNote adds a note, a file, or both, to case id.
func casesNote(ctx context.Context, e *env, svc *enforcement.Service, id int64, text, file string) error {
	if text == "" && file == "" {
		return fmt.Errorf("%w: cases note ID [--file FILE] [TEXT]: give a note, a file or both", errUsage)
	}
	if text != "" {
		if _, err := svc.AddNote(ctx, id, text); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "case %d: note added\n", id)
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		a, err := svc.Attach(ctx, id, file, data)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "case %d: attached %s (%s, %d bytes, sha256 %s)\n", id, a.Name, a.MediaType, a.Size, a.SHA256)
	}
	return nil
}
