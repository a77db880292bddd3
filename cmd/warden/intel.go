package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"warden"
	"warden/intel"
	"warden/store"
)

// intelCommands are the subcommands of warden intel, in the order help
// lists them. They act on the database as the operator in the role of
// sanctions officer (operatorOfficer), who reads every marking up to RED
// and writes intelligence; a counterpart reads through the API or TAXII,
// never here. pull, push and feeds talk to partners' TAXII servers
// (intel_taxii.go).
var intelCommands = []command{
	{"import", "import a STIX 2.1 bundle from a file: every object, or none if any is invalid", cmdIntelImport},
	{"export", "export objects with what they reference, a collection, parties or requests as a STIX bundle", cmdIntelExport},
	{"list", "list the current objects, by type or text in the name", cmdIntelList},
	{"show", "show one object as JSON, with --view its edges, links and related incidents", cmdIntelShow},
	{"collections", "list the collections objects are shared in, or add one", cmdIntelCollections},
	{"pull", "pull a partner's TAXII 2.1 collection, or a configured feed, into the database", intelPull},
	{"push", "push objects or a local collection to a partner's TAXII 2.1 collection", intelPush},
	{"feeds", "add, list or remove the feeds warden serve pulls periodically", intelFeeds},
}

func cmdIntel(ctx context.Context, e *env, args []string) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		intelHelp(e.stdout)
		return nil
	}
	if len(args) == 0 {
		intelHelp(e.stderr)
		return fmt.Errorf("%w: a subcommand is needed", errUsage)
	}
	for _, c := range intelCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	intelHelp(e.stderr)
	return fmt.Errorf("%w: unknown subcommand %q", errUsage, args[0])
}

// intelHelp lists the subcommands of warden intel, one line each.
func intelHelp(w io.Writer) {
	fmt.Fprintf(w, "Usage: warden intel SUBCOMMAND [flags] [args]\n\nSubcommands:\n")
	for _, c := range intelCommands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'warden intel SUBCOMMAND --help' for a subcommand's flags.\n")
}

// intelService opens the intelligence service as warden serve configures
// it: attribution opens designation proposals.
func intelService(db *store.DB) *intel.Service {
	s := intel.New(db)
	s.Designator = designations(db)
	return s
}

// withIntel opens the database and runs f with the service, as the
// operator in the role of sanctions officer.
func withIntel(ctx context.Context, e *env, f func(ctx context.Context, s *intel.Service) error) error {
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return f(warden.WithPrincipal(ctx, operatorOfficer), intelService(db))
}

// cmdIntelImport imports a STIX 2.1 bundle from a file ("-": standard
// input): every object or, if any has a problem, none. It prints the
// import's report as JSON; the problems of a refused bundle go to
// standard error, one line each.
func cmdIntelImport(ctx context.Context, e *env, args []string) error {
	const usage = "intel import FILE [--tlp amber]"
	fs := newFlags("intel import", usage, e.stderr)
	tlp := fs.String("tlp", "", "the TLP of objects without a TLP marking: clear, green, amber (default), amber+strict or red")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	opt := intel.ImportOptions{Source: "cli:" + filepath.Base(pos[0])}
	if *tlp != "" {
		if opt.DefaultTLP, err = warden.ParseTLP(*tlp); err != nil {
			return fmt.Errorf("%w: --%v", errUsage, err)
		}
	}
	in := e.stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	} else {
		opt.Source = "cli:stdin"
	}
	return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
		rep, err := s.Import(ctx, in, opt)
		for _, p := range rep.Errors {
			fmt.Fprintf(e.stderr, "%s %s: %s\n", p.Object, p.Path, p.Message)
		}
		if err != nil {
			return err
		}
		return printJSON(e, rep)
	})
}

// cmdIntelExport writes a STIX 2.1 bundle of a selection to a file or
// standard output.
func cmdIntelExport(ctx context.Context, e *env, args []string) error {
	const usage = "intel export [--id ID,...] [--collection ID [--since TIME]] [--for ORG [--since TIME]] [--entity LIST:ID,...] [--request N,...] [--out FILE]"
	fs := newFlags("intel export", usage, e.stderr)
	ids := fs.String("id", "", "STIX ids, comma-separated: these objects and everything they reference or are related to")
	collection := fs.String("collection", "", "everything shared in this collection")
	since := fs.String("since", "", "with --collection, or --for alone: shared since this RFC 3339 time")
	org := fs.String("for", "", "export as this counterpart organisation would see it (no RED, AMBER only if shared with it); alone, everything shared with it")
	entities := fs.String("entity", "", "listed or designated parties (list:source_id), comma-separated, as identity objects")
	requests := fs.String("request", "", "cooperation request ids, comma-separated, as grouping objects")
	out := fs.String("out", "", "write the bundle to this file (default: standard output)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	sel := intel.Selection{IDs: splitComma(*ids), Collection: *collection, For: *org, Entities: splitComma(*entities)}
	if *since != "" {
		if sel.Since, err = time.Parse(time.RFC3339Nano, *since); err != nil {
			return fmt.Errorf("%w: --since must be an RFC 3339 time such as 2026-01-31T00:00:00Z", errUsage)
		}
	}
	for _, v := range splitComma(*requests) {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return fmt.Errorf("%w: --request: %q is not a request id", errUsage, v)
		}
		sel.Requests = append(sel.Requests, id)
	}
	if len(sel.IDs) == 0 && sel.Collection == "" && sel.For == "" && len(sel.Entities) == 0 && len(sel.Requests) == 0 {
		return fmt.Errorf("%w: name what to export: --id, --collection, --for, --entity or --request; %s", errUsage, usage)
	}
	return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
		b, n, err := s.Export(ctx, sel)
		if err != nil {
			return err
		}
		if *out == "" {
			_, err = e.stdout.Write(b)
			return err
		}
		if err := os.WriteFile(*out, b, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "%d objects written to %s\n", n, *out)
		return nil
	})
}

// splitComma splits a comma-separated flag, dropping empty items.
func splitComma(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cmdIntelList prints the current objects, oldest stored first.
func cmdIntelList(ctx context.Context, e *env, args []string) error {
	fs := newFlags("intel list", "intel list [--type T,...] [--q TEXT] [--limit N] [--json]", e.stderr)
	types := fs.String("type", "", "STIX types, comma-separated (incident, threat-actor, indicator...)")
	q := fs.String("q", "", "text in the name")
	limit := fs.Int("limit", 100, "most objects to show (at most 10000)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: intel list takes no arguments", errUsage)
	}
	if *limit < 1 || *limit > 10000 {
		return fmt.Errorf("%w: --limit %d must be between 1 and 10000", errUsage, *limit)
	}
	return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
		pg, err := s.Objects(ctx, intel.Filter{Types: splitComma(*types), Query: *q, Limit: *limit})
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(e, map[string]any{"objects": pg.Objects, "more": pg.More})
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTLP\tMODIFIED\tSOURCE\tNAME")
		for _, o := range pg.Objects {
			name := o.Name
			if o.Revoked {
				name += " (revoked)"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", o.ID, o.TLP.Label(), o.Modified.UTC().Format(time.RFC3339), o.Source, name)
		}
		if pg.More {
			fmt.Fprintln(w, "...\t\t\t\t(more: raise --limit)")
		}
		return w.Flush()
	})
}

// cmdIntelShow prints one object's current version as JSON, or with
// --view its edges, links, observables and related incidents too.
func cmdIntelShow(ctx context.Context, e *env, args []string) error {
	const usage = "intel show ID [--view]"
	fs := newFlags("intel show", usage, e.stderr)
	view := fs.Bool("view", false, "with its edges, neighbours, links, observables and related incidents")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
		if !*view {
			o, err := s.Object(ctx, pos[0])
			if err != nil {
				return err
			}
			return printJSON(e, o)
		}
		v, err := s.View(ctx, pos[0])
		if err != nil {
			return err
		}
		return printJSON(e, v)
	})
}

// cmdIntelCollections lists the collections, or with --add creates one
// for the organisations named.
func cmdIntelCollections(ctx context.Context, e *env, args []string) error {
	const usage = "intel collections [--add TITLE --orgs ORG,... [--description TEXT] [--write]]"
	fs := newFlags("intel collections", usage, e.stderr)
	add := fs.String("add", "", "create a collection with this title")
	orgs := fs.String("orgs", "", "with --add: the organisations that read it, comma-separated")
	desc := fs.String("description", "", "with --add: what it holds")
	write := fs.Bool("write", false, "with --add: its organisations may also submit objects to it")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || (*add == "") != (*orgs == "") {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
		if *add != "" {
			c, err := s.CreateCollection(ctx, warden.Collection{Title: *add, Description: *desc, Orgs: splitComma(*orgs), CanRead: true, CanWrite: *write})
			if err != nil {
				return err
			}
			return printJSON(e, c)
		}
		cs, err := s.Collections(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tTITLE\tORGS\tREAD\tWRITE")
		for _, c := range cs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%v\n", c.ID, c.Title, strings.Join(c.Orgs, ","), c.CanRead, c.CanWrite)
		}
		return w.Flush()
	})
}
