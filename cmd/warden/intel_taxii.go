package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"warden"
	"warden/intel"
	"warden/taxii"
)

// The TAXII side of warden intel: pull a partner's collection into the
// database, push a selection to a partner's collection, and configure the
// feeds warden serve pulls periodically. They act on the database as the
// operator in the role of sanctions officer (operatorOfficer), which may
// import, share and manage feeds. Tokens may come from
// WARDEN_TAXII_TOKEN rather than the command line, which others on the
// machine can read. withIntel (intel.go) opens the service.

// taxiiTokenHelp describes the --token flag.
const taxiiTokenHelp = "bearer token of the partner's TAXII server (env WARDEN_TAXII_TOKEN)"

// intelPull is warden intel pull: one pull of a configured feed (--feed,
// resuming where the last pull left off), or of a partner's collection
// given by --url and --collection (from --since, or from the start).
func intelPull(ctx context.Context, e *env, args []string) error {
	const usage = "intel pull (--feed NAME | --url API_ROOT --collection ID [--token T] [--tlp amber] [--since RFC3339])"
	fs := newFlags("intel pull", usage, e.stderr)
	feed := fs.String("feed", "", "a configured feed (warden intel feeds list)")
	apiRoot := fs.String("url", "", "the partner's TAXII API root, such as https://partner.example/taxii2/api/")
	collection := fs.String("collection", "", "the partner's collection id")
	token := fs.String("token", os.Getenv("WARDEN_TAXII_TOKEN"), taxiiTokenHelp)
	tlp := fs.String("tlp", "amber", "the marking of objects that carry none: clear, green, amber, amber+strict or red")
	since := fs.String("since", "", "only objects the partner added after this RFC 3339 time")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || (*feed == "") == (*apiRoot == "") || (*apiRoot != "") != (*collection != "") {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	var after time.Time
	if *since != "" {
		if after, err = taxii.ParseTime(*since); err != nil {
			return fmt.Errorf("%w: --since must be an RFC 3339 time such as 2026-01-01T00:00:00Z", errUsage)
		}
	}
	t, err := warden.ParseTLP(*tlp)
	if err != nil {
		return fmt.Errorf("%w: --tlp: %v", errUsage, err)
	}
	return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
		var rep warden.IntelImport
		var last time.Time
		if *feed != "" {
			rep, err = s.Pull(ctx, *feed)
		} else {
			c := &taxii.Client{BaseURL: *apiRoot, Token: *token}
			rep, err = s.PullFrom(ctx, c, *collection, after, intel.ImportOptions{Source: "taxii:" + *apiRoot, DefaultTLP: t},
				func(l time.Time, _ int) error {
					if !l.IsZero() {
						last = l
					}
					return nil
				})
		}
		if err != nil && rep.Total == 0 {
			return err
		}
		printPull(e, rep, last)
		return err
	})
}

// printPull writes what a pull stored, also when it failed part way
// (a failure before anything was stored prints its error alone).
func printPull(e *env, rep warden.IntelImport, last time.Time) {
	fmt.Fprintf(e.stdout, "pulled %d objects: %d new, %d new versions, %d unchanged\n", rep.Total, rep.Added, rep.Versions, rep.Unchanged)
	if len(rep.Opaque) > 0 {
		fmt.Fprintf(e.stdout, "kept as received (types Warden does not model): %s\n", strings.Join(rep.Opaque, ", "))
	}
	for _, p := range rep.Patterns {
		fmt.Fprintf(e.stdout, "pattern not used in screening: %s: %s\n", p.Object, p.Message)
	}
	if !last.IsZero() {
		fmt.Fprintf(e.stdout, "to go on from here: --since %s\n", taxii.Timestamp(last))
	}
}

// intelPush is warden intel push: objects (--id, with what they
// reference) or a local collection's objects (--collection-local, since
// --since), posted to a partner's collection. RED objects never leave.
func intelPush(ctx context.Context, e *env, args []string) error {
	const usage = "intel push --url API_ROOT --collection ID [--token T] (--id STIX_ID... | --collection-local ID [--since RFC3339]) --for ORG"
	fs := newFlags("intel push", usage, e.stderr)
	apiRoot := fs.String("url", "", "the partner's TAXII API root")
	collection := fs.String("collection", "", "the partner's collection id")
	token := fs.String("token", os.Getenv("WARDEN_TAXII_TOKEN"), taxiiTokenHelp)
	var ids stringList
	fs.Var(&ids, "id", "a STIX id to push with everything it references (repeatable)")
	local := fs.String("collection-local", "", "push what is shared in this local collection")
	since := fs.String("since", "", "with --collection-local: only what was shared after this RFC 3339 time")
	org := fs.String("for", "", "the partner's organisation (required): push only what it may see")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *apiRoot == "" || *collection == "" || (len(ids) == 0) == (*local == "") || (*since != "" && *local == "") {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	sel := intel.Selection{IDs: ids, Collection: *local, For: *org}
	if *since != "" {
		if sel.Since, err = taxii.ParseTime(*since); err != nil {
			return fmt.Errorf("%w: --since must be an RFC 3339 time such as 2026-01-01T00:00:00Z", errUsage)
		}
	}
	return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
		st, err := s.Push(ctx, *apiRoot, *collection, *token, sel)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "pushed: %s\n", st)
		return nil
	})
}

// intelFeeds is warden intel feeds add|list|remove: the partners' collections
// warden serve pulls every --intel-pull-every.
func intelFeeds(ctx context.Context, e *env, args []string) error {
	const usage = "intel feeds add NAME --url API_ROOT --collection ID [--token T] [--tlp amber] | list [--json] | remove NAME"
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, usage)
	}
	switch args[0] {
	case "add":
		fs := newFlags("intel feeds add", "intel feeds add NAME --url API_ROOT --collection ID [--token T] [--tlp amber]", e.stderr)
		apiRoot := fs.String("url", "", "the partner's TAXII API root")
		collection := fs.String("collection", "", "the partner's collection id")
		token := fs.String("token", os.Getenv("WARDEN_TAXII_TOKEN"), taxiiTokenHelp)
		tlp := fs.String("tlp", "amber", "the marking of objects that carry none")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return fmt.Errorf("%w: %s", errUsage, usage)
		}
		return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
			f, err := s.AddFeed(ctx, intel.Feed{Name: pos[0], URL: *apiRoot, Collection: *collection, Token: *token, TLP: warden.TLP(*tlp)})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "feed %s: %s collection %s, unmarked objects %s\n", f.Name, f.URL, f.Collection, f.TLP.Label())
			return nil
		})
	case "list":
		fs := newFlags("intel feeds list", "intel feeds list [--json]", e.stderr)
		asJSON := fs.Bool("json", false, "JSON lines, one feed a line (no tokens)")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 0 {
			return fmt.Errorf("%w: %s", errUsage, usage)
		}
		return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
			fs, err := s.Feeds(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(e.stdout)
				for _, f := range fs {
					if err := enc.Encode(f); err != nil {
						return err
					}
				}
				return nil
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tURL\tCOLLECTION\tTLP\tADDED AFTER\tLAST PULL\tPULLED\tLAST ERROR")
			for _, f := range fs {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", f.Name, f.URL, f.Collection, f.TLP, stamp(optTime(f.AddedAfter)), stamp(optTime(f.LastPull)), f.Pulled, f.LastError)
			}
			return w.Flush()
		})
	case "remove":
		if len(args) != 2 {
			return fmt.Errorf("%w: %s", errUsage, usage)
		}
		return withIntel(ctx, e, func(ctx context.Context, s *intel.Service) error {
			if err := s.RemoveFeed(ctx, args[1]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "feed %s removed\n", args[1])
			return nil
		})
	}
	return fmt.Errorf("%w: %s", errUsage, usage)
}

// optTime is t, or nil for the zero time (never).
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
