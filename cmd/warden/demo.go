package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"warden"
	"warden/demo"
	"warden/ingest"
	"warden/publish"
	"warden/screening"
	"warden/snapshot"
	"warden/store"
)

// cmdDemo builds the story of issue 18 in a fresh database through the
// services (package demo) and prints the people it created with their
// passwords and the command that serves it. It starts nothing.
func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags("demo", "demo [--db FILE] [--reset [--yes]] [--no-snapshot] [--base-url URL] [--keys DIR]", e.stderr)
	reset := fs.Bool("reset", false, "remove the SQLite database (after confirmation) and build the demo again")
	yes := fs.Bool("yes", false, "with --reset: do not ask for confirmation")
	noSnapshot := fs.Bool("no-snapshot", false, "do not load the bundled OFAC snapshot into an empty database")
	base := fs.String("base-url", demoBase, "where people will reach the server, for the hotline's links")
	keys := fs.String("keys", "", "`directory` of the key pair that signs the exports (default: beside a SQLite database, FILE.keys; else ./warden-demo-keys)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: demo takes no arguments (the database is --db)", errUsage)
	}
	if *yes && !*reset {
		return fmt.Errorf("%w: --yes goes with --reset", errUsage)
	}
	path := sqlitePath(e.dsn)
	if *keys == "" {
		*keys = demoKeys(e.dsn)
	}
	if *reset {
		if err := resetDemo(ctx, e, path, *keys, *yes); err != nil {
			return err
		}
	}
	_, err = buildDemo(ctx, e, demoOptions{noSnapshot: *noSnapshot, base: strings.TrimSuffix(*base, "/"), keys: *keys})
	return err
}

// demoBase is where warden serve answers by default, and so where the
// demo's hotline links point unless --base-url says otherwise.
const demoBase = "http://localhost:8080"

// demoOptions are the flags buildDemo follows.
type demoOptions struct {
	noSnapshot bool
	base, keys string
	// linkKey is the server's key for the hotline's links, if given.
	linkKey []byte
	// serving: warden serve --demo, which starts the server itself.
	serving bool
}

// buildDemo builds the demo in e's database, refusing one that holds it
// or has people of its own, prints the people and their passwords, and
// returns the signing key's file.
func buildDemo(ctx context.Context, e *env, o demoOptions) (string, error) {
	db, err := e.open(ctx)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if built, err := demo.Built(ctx, db); err != nil {
		return "", err
	} else if built {
		if sqlitePath(e.dsn) == "" {
			return "", warden.Errorf(warden.ECONFLICT, "%s holds the demo already (its people and counterpart exist): build it in a new, empty PostgreSQL database (createdb), or drop and create this one (dropdb, createdb); --reset removes only a SQLite database", shownDSN(e.dsn))
		}
		return "", warden.Errorf(warden.ECONFLICT, "%s holds the demo already (its people and counterpart exist): give --reset to remove the database and build the demo again", shownDSN(e.dsn))
	}
	if err := demo.Fresh(ctx, db); err != nil {
		return "", err
	}
	ls, err := db.Lists(ctx)
	if err != nil {
		return "", err
	}
	if len(ls) == 0 && !o.noSnapshot {
		fmt.Fprintf(e.stderr, "loading the bundled OFAC SDN snapshot of %s...\n", snapshot.Date)
		if _, err := ingest.Import(ctx, db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: snapshot.Input(), Published: snapshot.Date}, nil); err != nil {
			return "", fmt.Errorf("load bundled snapshot: %w", err)
		}
	}
	clock, mail := &demo.Clock{}, &demo.Mailbox{}
	s, err := demo.Wire(ctx, db, demo.Config{BaseURL: o.base, LinkKey: o.linkKey}, clock, mail)
	if err != nil {
		return "", err
	}
	s.Screening.UseSnapshots(screening.SnapshotDir(e.dsn, e.indexDir), func(f string, a ...any) { fmt.Fprintf(e.stderr, f+"\n", a...) })
	if _, err := s.Screening.Refresh(ctx); err != nil {
		return "", fmt.Errorf("build screening index: %w", err)
	}
	res, err := demo.Run(ctx, s, clock, mail, time.Now())
	if err != nil {
		return "", err
	}
	req, err := s.Cooperation.Get(warden.WithPrincipal(ctx, warden.Operator), res.Request)
	if err != nil {
		return "", err
	}
	if req.SentAt == nil {
		return "", fmt.Errorf("demo: request %s was not sent", req.Reference)
	}
	priv, err := signingKey(o.keys)
	if err != nil {
		return "", err
	}
	return priv, printDemo(e, res, mail.Mails(), scorecardURL(o.base, *req.SentAt), priv, o)
}

// scorecardURL is the counterpart's scorecard page for the quarter the
// request was sent in, which holds the request and its rating. The page
// opens on the current quarter, which may not: the request is sent weeks
// before the run, perhaps in the quarter before.
func scorecardURL(base string, sent time.Time) string {
	return base + "/scorecards?org=" + url.QueryEscape(demo.CounterpartOrg) + "&period=quarter&at=" + sent.UTC().Format(time.DateOnly)
}

// demoKeys is the default directory of the demo's signing keys: beside
// a SQLite database, else in the working directory.
func demoKeys(dsn string) string {
	if path := sqlitePath(dsn); path != "" {
		return path + ".keys"
	}
	return "warden-demo-keys"
}

// serveDemo is warden serve --demo: it builds the demo unless the
// database holds it, with the hotline's links to base, where the server
// answers, signed with linkKey (the server's --hotline-link-key, or nil
// for the database's), and returns the signing key to serve it with.
func serveDemo(ctx context.Context, e *env, noSnapshot bool, base string, linkKey []byte) (string, error) {
	db, err := e.open(ctx)
	if err != nil {
		return "", err
	}
	built, err := demo.Built(ctx, db)
	db.Close()
	switch {
	case err != nil:
		return "", err
	case built:
		return signingKey(demoKeys(e.dsn))
	}
	return buildDemo(ctx, e, demoOptions{noSnapshot: noSnapshot, base: base, keys: demoKeys(e.dsn), serving: true, linkKey: linkKey})
}

// resetDemo removes the SQLite database at path (with its journal, its
// screening index snapshot and the demo's signing keys) once the operator
// confirms by typing the file's name, or gave --yes. Only a database that
// holds the demo and no people of its own is removed, and of the key and
// index directories only the files the demo made: a mistyped --db or
// --keys loses nothing. A PostgreSQL database is never removed: it may
// hold more than the demo, and dropping it is for its administrator.
func resetDemo(ctx context.Context, e *env, path, keys string, yes bool) error {
	if path == "" {
		return warden.Errorf(warden.EINVALID, "--reset removes only a SQLite database; drop and create the PostgreSQL database yourself (dropdb, createdb), then run warden demo again")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := demoOnly(ctx, path); err != nil {
		return err
	}
	if !yes {
		fmt.Fprintf(e.stderr, "This removes %s and everything in it. Type %s to go on: ", path, filepath.Base(path))
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(line) != filepath.Base(path) {
			return warden.Errorf(warden.EINVALID, "not confirmed: %s is left as it was", path)
		}
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := removeIn(screening.SnapshotDir(e.dsn, e.indexDir), "index-*.snap", ".index-*.tmp", ".fingerprint"); err != nil {
		return err
	}
	return removeIn(keys, publish.PrivateKeyFile, publish.PublicKeyFile)
}

// demoOnly refuses the SQLite file at path unless it holds the demo and
// no people of its own.
func demoOnly(ctx context.Context, path string) error {
	db, err := store.OpenSource(ctx, path)
	if err == nil {
		defer db.Close()
		var built bool
		if built, err = demo.Built(ctx, db); err == nil && !built {
			err = errors.New("no demo in it")
		} else if err == nil {
			err = demo.Fresh(ctx, db)
		}
	}
	if err != nil {
		return warden.Errorf(warden.ECONFLICT, "--reset: %s does not hold the demo alone (%v): it is left as it was; --reset removes only a database warden demo built", path, err)
	}
	return nil
}

// removeIn removes the files of dir matching patterns, then dir itself
// if nothing else is left in it.
func removeIn(dir string, patterns ...string) error {
	if dir == "" {
		return nil
	}
	for _, pat := range patterns {
		files, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if left, err := os.ReadDir(dir); err == nil && len(left) == 0 {
		return os.Remove(dir)
	}
	return nil
}

// signingKey is the private key file in dir that signs the exports, made
// if there is none.
func signingKey(dir string) (string, error) {
	priv := filepath.Join(dir, publish.PrivateKeyFile)
	if _, err := os.Stat(priv); err == nil {
		return priv, nil
	}
	priv, _, err := publish.GenerateKey(dir)
	return priv, err
}

// printDemo prints the people and their passwords (shown only now), one
// of the links the liaison acknowledged by (so that where the hotline's
// links point can be seen and opened), the scorecard page that shows the
// request whatever the day, and how to start.
func printDemo(e *env, res *demo.Result, mails []demo.Mail, scorecard, key string, o demoOptions) error {
	w := e.stdout
	fmt.Fprintf(w, "The demo is built in %s: the story of docs/demo.md, played from %s to %s.\n\n", shownDSN(e.dsn),
		res.Start.Format("2006-01-02 15:04 MST"), res.End.Format("2006-01-02 15:04 MST"))
	fmt.Fprintln(w, "People (the passwords are shown only now: change one with `warden user passwd NAME`, set a lost one with `warden user passwd --reset NAME`):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tORG\tUSER\tPASSWORD")
	for _, p := range res.People {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Role, p.Org, p.Name, p.Password)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThe counterpart's API token (%s, role counterpart), which reads its TAXII collection %s:\n\n    %s\n", demo.TokenName, res.Collection, res.Token)
	for _, m := range mails {
		if m.AckURL != "" {
			fmt.Fprintf(w, "\nThe hotline's e-mail stayed in the demo's mailbox (nothing was sent); the liaison acknowledged each alert by the link it carried, such as this one (used, and out of date now):\n\n    %s\n", m.AckURL)
			break
		}
	}
	fmt.Fprintf(w, "\nThe counterpart's scorecard for the quarter the request was sent in, with the rating of its answer (the page opens on the current quarter, which may not hold the request):\n\n    %s\n", scorecard)
	if !o.serving {
		serve := fmt.Sprintf("warden serve --db %s --signing-key %s", shownDSN(e.dsn), key)
		if o.base != demoBase {
			serve += " --base-url " + o.base
		}
		fmt.Fprintf(w, "\nStart the server:\n\n    %s\n\n", serve)
		if shownDSN(e.dsn) != e.dsn {
			fmt.Fprint(w, "(with the database's password in place of xxxxx, or in WARDEN_DB), ")
		}
		fmt.Fprintf(w, "then open %s/", o.base)
	} else {
		fmt.Fprintf(w, "\nThe server starts: open %s/", o.base)
	}
	fmt.Fprintln(w, " and sign in: docs/demo.md says what each person finds.")
	return nil
}
