// Command warden is the one Warden binary: it imports, syncs, shows and
// exports sanctions lists and serves the HTTP API.
//
// Usage:
//
//	warden [--db DSN] [--create] COMMAND [flags] [args]
//
// The database is --db or $WARDEN_DB: a SQLite file path, a sqlite: URL or a
// postgres:// URL; the default is ./warden.db. The global flags may also
// follow the command. Only import, sync, serve and user add create a SQLite
// database that does not exist; other commands refuse to, unless given
// --create, so that a mistyped path is an error rather than a new, empty
// database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"warden"
	"warden/store"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = []command{
	{"import", "import one version of a list from files", cmdImport},
	{"lists", "show the lists and their current versions", cmdLists},
	{"versions", "show a list's versions and what each changed; roll a list back to one", cmdVersions},
	{"show", "show one listed party", cmdShow},
	{"link", "link two listings (list:source_id) as one real party, whatever the linking rules say", cmdLink},
	{"unlink", "unlink two listings: two parties, whatever the linking rules say (--reason)", cmdUnlink},
	{"export", "export a list version, or the changes between two, as FtM or CSV", cmdExport},
	{"sync", "fetch the official lists and import what changed", cmdSync},
	{"screen", "screen a name, wallet or identifier (or a CSV of them) against the lists", cmdScreen},
	{"compare", "score two names against each other", cmdCompare},
	{"bench", "send screening load to a running server and report throughput and latency", cmdBench},
	{"token", "create, list or revoke API clients' bearer tokens", cmdToken},
	{"user", "add people, set their passwords, list or disable them", cmdUser},
	{"org", "add or list counterpart organisations", cmdOrg},
	{"audit", "verify the audit chain, or export it as JSON lines", cmdAudit},
	{"tx", "screen payments from a file and decide them by policy", cmdTx},
	{"customer", "onboard customers from a CSV file, each screened by policy", cmdCustomer},
	{"cases", "work the review queue: list, show, claim, assign, clear, confirm, second reviews, notes, remembered false positives", cmdCases},
	{"policy", "show the enforcement policy in force, check a policy file, or propose one (four eyes)", cmdPolicy},
	{"designate", "propose, list and approve designations; export a version of the authority's list, signed", cmdDesignate},
	{"hotline", "raise, acknowledge or resolve hotline alerts; show who is on call", cmdHotline},
	{"request", "draft, send, answer, review and refer requests for information and assistance", cmdRequest},
	{"scorecard", "a counterpart's scorecard for a period: CSV, a printable HTML report, or JSON", cmdScorecard},
	{"report", "a regulator's report (initial, annual or rejected) as CSV, printable HTML, PDF or JSON", cmdReport},
	{"intel", "import, export, list and show intelligence (STIX 2.1); pull, push and feeds over TAXII 2.1", cmdIntel},
	{"keys", "create the Ed25519 key pair that signs exports", cmdKeys},
	{"verify", "check a fetched export: the manifest's signature and every file's hash", cmdVerify},
	{"serve", "run the HTTP server", cmdServe},
	{"demo", "build the whole loop (intelligence to sanctions) in a fresh database, to see the system working", cmdDemo},
	{"store", "migrate: copy the database to the other engine (SQLite to PostgreSQL), resumable, verified", cmdStore},
	{"backup", "write a consistent copy of the database while it serves (SQLite; pg_dump for PostgreSQL)", cmdBackup},
	{"restore", "put a backup in place as --db and verify its counts and audit chain", cmdRestore},
}

// env is what every command gets: the database DSN and the output streams.
type env struct {
	dsn string
	// dsnDefault is set when neither --db nor WARDEN_DB chose the
	// database, so a configuration file may.
	dsnDefault bool
	// indexDir is --index-dir: where screening index snapshots go, "off"
	// for nowhere, "" for beside the database (screening.SnapshotDir).
	indexDir string
	// create is set by --create, or for a command that creates the
	// database (creates): open may then create a SQLite file.
	create bool
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// creates are the commands that make a new database where there is none:
// those a new installation starts with. Any other command finding no
// SQLite file at the path given was most likely given the wrong path.
var creates = map[string]func(args []string) bool{
	"import": always,
	"sync":   always,
	"serve":  always,
	"demo":   always,
	"user":   func(args []string) bool { return len(args) > 0 && args[0] == "add" },
	// intel import fills an intelligence store as import fills lists.
	"intel": func(args []string) bool { return len(args) > 0 && args[0] == "import" },
}

func always([]string) bool { return true }

// open opens the database; ENOTFOUND naming the path if it is a SQLite
// file that does not exist and e.create is not set.
func (e *env) open(ctx context.Context) (*store.DB, error) {
	if path := sqlitePath(e.dsn); !e.create && path != "" {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, warden.Errorf(warden.ENOTFOUND, "no database at %s: check --db or $WARDEN_DB, or give --create to create an empty one there", path)
		}
	}
	return store.Open(ctx, e.dsn)
}

// sqlitePath is the file of a SQLite DSN as store.Open reads it, "" for
// PostgreSQL or an in-memory database.
func sqlitePath(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return ""
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:"), "?")
	if path == ":memory:" {
		return ""
	}
	return path
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// shownDSN is a DSN as it may be printed: a PostgreSQL URL's password
// (in its user information or its password parameter) replaced by
// "xxxxx", so that it does not end up in a terminal's scroll-back or a CI
// log.
func shownDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	shown := dsn
	if _, ok := u.User.Password(); ok {
		shown = u.Redacted()
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
		shown = u.Redacted()
	}
	return shown
}

// errUsage marks an error the user made in the command line.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{dsn: os.Getenv("WARDEN_DB"), stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("warden", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&onceFlag{v: &e.dsn}, "db", "the database `DSN`: a SQLite file, a sqlite: URL or a postgres:// URL (env WARDEN_DB; default ./warden.db)")
	e.indexDir = os.Getenv("WARDEN_INDEX_DIR")
	fs.Var(&onceFlag{v: &e.indexDir}, "index-dir", "`directory` of screening index snapshots, \"off\" for none (env WARDEN_INDEX_DIR; default: beside a SQLite file, else the user cache directory)")
	fs.BoolVar(&e.create, "create", false, "create the SQLite database if there is none (import, sync, serve and user add always may)")
	fs.Usage = func() { usage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		usage(stderr, fs)
		return 2
	}
	name := fs.Arg(0)
	// The global flags may follow the command: warden import --db x.db.
	cargs, globals := splitGlobal(fs, fs.Args()[1:])
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(globals); err != nil {
		fmt.Fprintf(stderr, "warden %s: %v\n", name, err)
		return 2
	}
	if e.dsn == "" {
		e.dsn, e.dsnDefault = "warden.db", true
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		if mk, ok := creates[name]; ok && mk(cargs) {
			e.create = true
		}
		// Commands run on the server itself act as the operator (audited so).
		err := c.run(warden.WithPrincipal(ctx, warden.Operator), e, cargs)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "warden %s: %v\n", name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "warden %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "warden: unknown command %q\n", name)
	usage(stderr, fs)
	return 2
}

// onceFlag is a global string flag that may be given twice, before and
// after the command, only with the same value: two different databases in
// one command line are a mistake, and silently taking either would act on
// the wrong one.
type onceFlag struct {
	v   *string
	set bool
}

func (f *onceFlag) String() string {
	if f.v == nil {
		return ""
	}
	return *f.v
}

func (f *onceFlag) Set(s string) error {
	if f.set && s != *f.v {
		return fmt.Errorf("given twice, as %q and %q", *f.v, s)
	}
	*f.v, f.set = s, true
	return nil
}

// splitGlobal separates the global flags of fs (such as --db x.db,
// --db=x.db or --create) from a command's arguments, up to a "--".
func splitGlobal(fs *flag.FlagSet, args []string) (rest, globals []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i:]...), globals
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		f := fs.Lookup(name)
		if !strings.HasPrefix(a, "-") || f == nil {
			rest = append(rest, a)
			continue
		}
		globals = append(globals, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && !(ok && b.IsBoolFlag()) && i+1 < len(args) {
			i++
			globals = append(globals, args[i])
		}
	}
	return rest, globals
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: warden [--db DSN] [--create] COMMAND [flags] [args]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nGlobal flags (before or after the command):\n")
	fs.PrintDefaults()
	fmt.Fprintf(w, "\nRun 'warden COMMAND --help' for a command's flags.\n")
}

// parse parses flags that may stand before, between or after positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func newFlags(name, usageLine string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: warden %s\n\nFlags:\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}
