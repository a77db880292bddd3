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

// readPassword reads a new password: twice, without echo, from a terminal;
// otherwise the first line of stdin (for scripts).
func readPassword(e *env, prompt string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, prompt)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUser(ctx context.Context, e *env, args []string) error {
	const usageText = "user add NAME --role ROLE [--org ORG] | user passwd NAME | user list | user disable NAME"
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
		pw, err := readPassword(e, "Password for "+rest[0]+": ")
		if err != nil {
			return err
		}
		if _, err := svc.CreateUser(ctx, rest[0], warden.Role(*role), *org, pw, "added at the command line"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %q (role %s) added\n", rest[0], *role)
		return nil
	case "passwd":
		if len(args) != 2 {
			return fmt.Errorf("%w: user passwd NAME", errUsage)
		}
		pw, err := readPassword(e, "New password for "+args[1]+": ")
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, args[1], pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password of %q changed; their sessions ended\n", args[1])
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
