package main

import (
	"context"
	"fmt"

	"warden/screening"
)

// cmdLink records that two listings name one real party, whatever the
// linking rules say: screening then gives one hit for both.
func cmdLink(ctx context.Context, e *env, args []string) error {
	return decideLink(ctx, e, args, true)
}

// cmdUnlink records that two listings name two parties: it beats every
// automatic link between them.
func cmdUnlink(ctx context.Context, e *env, args []string) error {
	return decideLink(ctx, e, args, false)
}

func decideLink(ctx context.Context, e *env, args []string, link bool) error {
	name, usage := "unlink", "unlink --reason R LIST:ID LIST:ID"
	if link {
		name, usage = "link", "link [--reason R] LIST:ID LIST:ID"
	}
	fs := newFlags(name, usage, e.stderr)
	reason := fs.String("reason", "", "why, for the audit log (required to unlink)")
	ids, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(ids) != 2 {
		return fmt.Errorf("%w: name two listings (list:source_id), as in %s", errUsage, usage)
	}
	if !link && *reason == "" {
		return fmt.Errorf("%w: --reason is required to unlink", errUsage)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := screening.New(db)
	decide := svc.Unlink
	if link {
		decide = svc.Link
	}
	d, err := decide(ctx, ids[0], ids[1], *reason)
	if err != nil {
		return err
	}
	what := "two parties (unlinked)"
	if d.Linked {
		what = "one party (linked)"
	}
	fmt.Fprintf(e.stdout, "%s and %s: %s; screening applies it at its next refresh\n", d.A, d.B, what)
	return nil
}
