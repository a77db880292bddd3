package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"warden"
	"warden/auth"
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
	switch args[0] {
	case "create":
		fs := newFlags("token create", "token create --role ROLE --name NAME [--expires DURATION|DATE]", e.stderr)
		role := fs.String("role", "", "role: screener, analyst, admin, ...")
		name := fs.String("name", "", "name of the API client")
		expires := fs.String("expires", "", "expiry as a duration (720h) or date (2027-01-31); none by default")
		if _, err := parse(fs, args[1:]); err != nil {
			return err
		}
		now := time.Now().UTC()
		var exp *time.Time
		if *expires != "" {
			t, err := parseExpiry(*expires, now)
			if err != nil {
				return err
			}
			exp = &t
		}
		secret, err := auth.CreateToken(ctx, db, *name, warden.Role(*role), exp, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "token %q (role %s) created; it is shown once:\n", *name, *role)
		fmt.Fprintln(e.stdout, secret)
		return nil
	case "list":
		ts, err := db.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tEXPIRES\tREVOKED")
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.CreatedAt.Format(time.RFC3339), when(t.ExpiresAt), when(t.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if len(args) != 2 {
			return fmt.Errorf("%w: token revoke NAME", errUsage)
		}
		if err := db.RevokeToken(ctx, args[1], time.Now().UTC()); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "token %q revoked\n", args[1])
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

func parseExpiry(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(d), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: --expires takes a duration such as 720h or a date such as 2027-01-31", errUsage)
}
