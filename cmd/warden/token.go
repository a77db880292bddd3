package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"warden"
	"warden/auth"
	"warden/web"
)

func cmdToken(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: token create|list|revoke", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.New(db)
	switch args[0] {
	case "create":
		fs := newFlags("token create", "token create --role ROLE --name NAME [--org ORG] [--expires DURATION|DATE]", e.stderr)
		role := fs.String("role", "", "role: screener, analyst, admin, ...")
		name := fs.String("name", "", "name of the API client")
		org := fs.String("org", warden.HomeOrg, "organisation (a counterpart's id for role counterpart)")
		expires := fs.String("expires", "", "expiry as a duration (720h) or date (2027-01-31); none by default")
		if _, err := parse(fs, args[1:]); err != nil {
			return err
		}
		exp, err := web.ParseExpiry(*expires, time.Now().UTC())
		if err != nil {
			return fmt.Errorf("%w: --expires takes a duration such as 720h or a date such as 2027-01-31", errUsage)
		}
		secret, _, err := svc.CreateToken(ctx, *name, warden.Role(*role), *org, exp)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "token %q (role %s) created; it is shown once:\n", *name, *role)
		fmt.Fprintln(e.stdout, secret)
		return nil
	case "list":
		ts, err := svc.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tORG\tCREATED\tEXPIRES\tREVOKED")
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.Org, t.CreatedAt.Format(time.RFC3339), when(t.ExpiresAt), when(t.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		fs := newFlags("token revoke", "token revoke [--reason TEXT] NAME", e.stderr)
		reason := fs.String("reason", "", "why, for the audit log")
		rest, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return fmt.Errorf("%w: token revoke NAME", errUsage)
		}
		if err := svc.RevokeToken(ctx, rest[0], *reason); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "token %q revoked\n", rest[0])
		return nil
	}
	return fmt.Errorf("%w: token create|list|revoke", errUsage)
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
