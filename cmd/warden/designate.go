package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"warden"
	"warden/auth"
	"warden/designation"
	"warden/store"
)

func init() {
	designateCommands["propose"] = cmdDesignatePropose
	designateCommands["list"] = cmdDesignateList
	designateCommands["approve"] = cmdDesignateApprove
}

// operatorOfficer is the principal of warden designate: the operator,
// acting as a sanctions officer. Four eyes compares persons, so the
// operator is one person like any other: it cannot approve its own
// proposals, nor those of anyone it created or whose password it chose
// (auth.Related); its proposals are approved by a sanctions officer it
// does not control. There is no --as NAME: the command line has no way to
// authenticate anyone else.
var operatorOfficer = warden.Principal{Name: warden.Operator.Name, Role: warden.RoleSanctionsOfficer, Org: warden.HomeOrg, Kind: warden.Operator.Kind, Person: warden.Operator.Person}

// designations opens the designation service as warden serve configures
// it (WARDEN_DESIGNATION_LIST, WARDEN_DESIGNATION_PROGRAMS).
func designations(db *store.DB) *designation.Service {
	s := designation.New(db, auth.New(db).Approvals)
	if v := os.Getenv("WARDEN_DESIGNATION_LIST"); v != "" {
		s.ListName = v
	}
	if v := os.Getenv("WARDEN_DESIGNATION_PROGRAMS"); v != "" {
		s.Programs = strings.Split(v, ",")
	}
	return s
}

// cmdDesignatePropose proposes the designation in a JSON file (the body of
// POST /v1/designations; designation/testdata/party.json is one) and
// prints it as JSON.
func cmdDesignatePropose(ctx context.Context, e *env, args []string) error {
	fs := newFlags("designate propose", "designate propose --file party.json", e.stderr)
	file := fs.String("file", "", "the proposal, JSON (required)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return fmt.Errorf("%w: --file is required", errUsage)
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var in designation.Input
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := designations(db).Create(warden.WithPrincipal(ctx, operatorOfficer), in, true)
	if err != nil {
		return err
	}
	return printJSON(e, d)
}

// cmdDesignateList prints the designations, newest first.
func cmdDesignateList(ctx context.Context, e *env, args []string) error {
	fs := newFlags("designate list", "designate list [--status S] [--json]", e.stderr)
	status := fs.String("status", "", "draft, proposed, approved, published, rejected or delisted")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ds, err := designations(db).List(warden.WithPrincipal(ctx, operatorOfficer), warden.DesignationStatus(*status))
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, map[string]any{"designations": ds})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATUS\tKIND\tPARTY\tPROGRAM\tPROPOSED BY\tVERSION")
	for _, d := range ds {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\n", d.ID, d.Status, d.Kind, d.Party.Caption(), d.Program, d.ProposedBy, d.Version)
	}
	return w.Flush()
}

// cmdDesignateApprove approves a proposal as the operator (see
// operatorOfficer): refused for the operator's own proposals and those of
// people it controls. A designation due now is published at once.
func cmdDesignateApprove(ctx context.Context, e *env, args []string) error {
	fs := newFlags("designate approve", "designate approve ID --reason R", e.stderr)
	reason := fs.String("reason", "", "why (required)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*reason) == "" {
		return fmt.Errorf("%w: designate approve ID --reason R", errUsage)
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return fmt.Errorf("%w: designation id %q is not an integer", errUsage, pos[0])
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := designations(db).Decide(warden.WithPrincipal(ctx, operatorOfficer), id, true, *reason)
	if err != nil {
		return err
	}
	return printJSON(e, d)
}
