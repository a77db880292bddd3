package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"text/tabwriter"

	"warden"
	"warden/auth"
	"warden/enforcement"
)

const policyUsage = "policy show [--json] [--history] | policy check FILE | policy propose FILE --reason R"

// cmdPolicy shows the enforcement policy in force, checks a policy file,
// or proposes one (a sanctions officer other than the operator approves
// it: docs/policy.md).
func cmdPolicy(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, policyUsage)
	}
	switch args[0] {
	case "show":
		return cmdPolicyShow(ctx, e, args[1:])
	case "check":
		return cmdPolicyCheck(e, args[1:])
	case "propose":
		return cmdPolicyPropose(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: %s", errUsage, policyUsage)
}

// readPolicyFile reads and checks the policy file named by the one
// positional argument.
func readPolicyFile(pos []string) (string, []byte, enforcement.Policy, error) {
	if len(pos) != 1 {
		return "", nil, enforcement.Policy{}, fmt.Errorf("%w: name one policy file", errUsage)
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return "", nil, enforcement.Policy{}, err
	}
	p, err := enforcement.CheckPolicy(b)
	if err != nil {
		return "", nil, p, fmt.Errorf("%s: %w", pos[0], err)
	}
	return pos[0], b, p, nil
}

func cmdPolicyCheck(e *env, args []string) error {
	fs := newFlags("policy check", "policy check FILE", e.stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	name, _, p, err := readPolicyFile(pos)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: a valid policy naming %d lists\n", name, len(p.Lists))
	return nil
}

func cmdPolicyPropose(ctx context.Context, e *env, args []string) error {
	fs := newFlags("policy propose", "policy propose FILE --reason R", e.stderr)
	reason := fs.String("reason", "", "why the policy changes (required)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *reason == "" {
		return fmt.Errorf("%w: --reason is required", errUsage)
	}
	_, b, _, err := readPolicyFile(pos)
	if err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := enforcement.New(db, nil, auth.New(db).Approvals)
	svc.FollowStoredPolicy()
	ap, err := svc.ProposePolicy(warden.WithPrincipal(ctx, operatorOfficer), b, *reason)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "proposal %d: a sanctions officer other than the operator approves it (POST /v1/approvals/%d/approve, or the policy page)\n", ap.ID, ap.ID)
	return nil
}

func cmdPolicyShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags("policy show", "policy show [--json] [--history]", e.stderr)
	asJSON := fs.Bool("json", false, "print the policy in force as JSON (a file to edit and propose)")
	history := fs.Bool("history", false, "list every version of the policy")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := enforcement.New(db, nil, auth.New(db).Approvals)
	svc.FollowStoredPolicy()
	if *history {
		vs, err := svc.PolicyHistory(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "VERSION\tIN FORCE FROM\tSOURCE\tPROPOSED BY\tAPPROVED BY\tREASON")
		for _, v := range vs {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", v.Version, v.At.Format("2006-01-02 15:04 UTC"), v.Source, v.ProposedBy, v.ApprovedBy, v.Reason)
		}
		return w.Flush()
	}
	pv, err := svc.CurrentPolicy(ctx)
	if err != nil {
		return err
	}
	p, err := enforcement.ParsePolicy(pv.Policy, "policy in force")
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, p)
	}
	if pv.Version == 0 {
		fmt.Fprintln(e.stdout, "No policy stored: the shipped default is in force until warden serve installs it.")
	} else {
		fmt.Fprintf(e.stdout, "Version %d, in force since %s (%s", pv.Version, pv.At.Format("2006-01-02 15:04 UTC"), pv.Source)
		if pv.ApprovedBy != "" {
			fmt.Fprintf(e.stdout, "; proposed by %s, approved by %s", pv.ProposedBy, pv.ApprovedBy)
		}
		fmt.Fprintln(e.stdout, ")")
	}
	fmt.Fprintf(e.stdout, "match %v, review %v, false positives remembered %d days, cases due in %d business days\n\n", p.Match, p.Review, p.FalsePositiveDays, p.CaseDeadlineDays)
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "LIST\tPROGRAM OR COMPONENT\tACTION")
	for _, l := range slices.Sorted(maps.Keys(p.Lists)) {
		lp := p.Lists[l]
		fmt.Fprintf(w, "%s\t(default)\t%s\n", l, lp.Default)
		for _, prog := range slices.Sorted(maps.Keys(lp.Programs)) {
			fmt.Fprintf(w, "%s\t%s\t%s\n", l, prog, lp.Programs[prog])
		}
	}
	fmt.Fprintf(w, "any other list\t(default)\t%s\n", p.Default)
	for _, prog := range slices.Sorted(maps.Keys(p.Programs)) {
		fmt.Fprintf(w, "any other list\t%s\t%s\n", prog, p.Programs[prog])
	}
	return w.Flush()
}
