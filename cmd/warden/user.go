package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"warden"
	"warden/audit"
	"warden/auth"
)

// readPasswords reads one password for each prompt, the last being a new
// one: from a terminal without echo (the new one twice); otherwise one a
// line from stdin (for scripts).
func readPasswords(e *env, prompts ...string) ([]string, error) {
	var out []string
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		for _, prompt := range append(prompts, "Again: ") {
			fmt.Fprint(e.stderr, prompt)
			pw, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.stderr)
			if err != nil {
				return nil, err
			}
			out = append(out, string(pw))
		}
		if n := len(out); out[n-1] != out[n-2] {
			return nil, errors.New("the passwords differ")
		}
		return out[:len(prompts)], nil
	}
	r := bufio.NewReader(e.stdin)
	for range prompts {
		line, err := r.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return nil, fmt.Errorf("%d passwords on standard input, one a line, are needed", len(prompts))
		}
		out = append(out, strings.TrimRight(line, "\r\n"))
	}
	return out, nil
}

func cmdUser(ctx context.Context, e *env, args []string) error {
	const usageText = "user add NAME --role ROLE [--org ORG] | user passwd [--reset] NAME | user list | user disable NAME"
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, usageText)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.New(db)
	switch args[0] {
	case "add":
		fs := newFlags("user add", "user add NAME --role ROLE [--org ORG]  (the password is read from the terminal or stdin)", e.stderr)
		role := fs.String("role", "", "role: admin, sanctions-officer, analyst, screener, liaison, counterpart, auditor")
		org := fs.String("org", warden.HomeOrg, "organisation (a counterpart's id for role counterpart)")
		rest, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return fmt.Errorf("%w: user add NAME --role ROLE", errUsage)
		}
		if !warden.Role(*role).Valid() {
			return fmt.Errorf("%w: --role must be one of %v", errUsage, warden.Roles)
		}
		pw, err := readPasswords(e, "Password for "+rest[0]+": ")
		if err != nil {
			return err
		}
		if _, err := svc.CreateUser(ctx, rest[0], warden.Role(*role), *org, pw[0], "added at the command line"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %q (role %s) added\n", rest[0], *role)
		return nil
	case "passwd":
		fs := newFlags("user passwd", "user passwd [--reset] NAME  (the current password, then the new one, are read from the terminal or stdin)", e.stderr)
		reset := fs.Bool("reset", false, "reset a forgotten password: only the new one is read, and the person should change it themselves")
		rest, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return fmt.Errorf("%w: user passwd [--reset] NAME", errUsage)
		}
		prompts := []string{"Current password of " + rest[0] + ": ", "New password for " + rest[0] + ": "}
		if *reset {
			prompts = prompts[1:]
		}
		pw, err := readPasswords(e, prompts...)
		if err != nil {
			return err
		}
		current, as := "", ctx
		if !*reset {
			// Whoever knows the current password changes it as the
			// person, not as the operator: it stays their own, and
			// gives the operator no control over them.
			u, err := svc.User(ctx, rest[0])
			if err != nil {
				return err
			}
			current, as = pw[0], warden.WithPrincipal(ctx, warden.Principal{Name: u.Name, Role: u.Role, Org: u.Org, Kind: "user", Person: u.Name})
		}
		if _, err := svc.SetPassword(as, rest[0], current, pw[len(pw)-1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password of %q changed; their sessions ended\n", rest[0])
		return nil
	case "disable":
		if len(args) != 2 {
			return fmt.Errorf("%w: user disable NAME", errUsage)
		}
		if err := svc.DisableUser(ctx, args[1], "disabled at the command line"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %q disabled\n", args[1])
		return nil
	case "list":
		us, err := svc.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tORG\tCREATED\tDISABLED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Org, u.CreatedAt.Format(time.RFC3339), when(u.DisabledAt))
		}
		return tw.Flush()
	}
	return fmt.Errorf("%w: %s", errUsage, usageText)
}

func cmdOrg(ctx context.Context, e *env, args []string) error {
	if len(args) < 1 || args[0] != "add" && args[0] != "list" {
		return fmt.Errorf("%w: org add ID NAME | org list", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.New(db)
	if args[0] == "list" {
		os, err := svc.Orgs(ctx)
		if err != nil {
			return err
		}
		for _, o := range os {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", o.ID, o.Kind, o.Name)
		}
		return nil
	}
	if len(args) != 3 {
		return fmt.Errorf("%w: org add ID NAME", errUsage)
	}
	if _, err := svc.CreateOrg(ctx, args[1], args[2], "counterpart"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "counterpart organisation %q added\n", args[1])
	return nil
}

func cmdAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "verify" && args[0] != "export" {
		return fmt.Errorf("%w: audit verify | audit export [--output FILE]", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "verify" {
		n, err := audit.Verify(ctx, db)
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintln(e.stdout, "audit chain empty: no event has been recorded yet")
			return nil
		}
		fmt.Fprintf(e.stdout, "audit chain intact: %d events\n", n)
		return nil
	}
	fs := newFlags("audit export", "audit export [--output FILE]", e.stderr)
	output := fs.String("output", "", "file to write (default stdout)")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	w := e.stdout
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	n, err := (&audit.Service{DB: db}).Export(ctx, warden.AuditFilter{}, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d events exported\n", n)
	return nil
}
