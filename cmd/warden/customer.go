package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"warden"
	"warden/enforcement"
)

const customerUsage = "customer import --input customers.csv [--output results.jsonl] [--policy FILE] | customer rescreen [--policy FILE]"

// cmdCustomer onboards customers from a CSV file: each is screened with the
// payments' policy and the outcome of each row is written as a JSON line.
func cmdCustomer(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "rescreen" {
		return cmdRescreen(ctx, e, args[1:])
	}
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("%w: %s", errUsage, customerUsage)
	}
	fs := newFlags("customer import", customerUsage, e.stderr)
	input := fs.String("input", "", "customers: CSV with a header naming id and any of schema,name,country,birth_date,account,wallet,identifiers,ip,domain,email")
	output := fs.String("output", "", "one JSON line per row: line, id, decision, hits, cases or error (default stdout)")
	policyFile := policyFlag(fs)
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *input == "" {
		return fmt.Errorf("%w: --input is required", errUsage)
	}
	if err := checkJSONLines(*output); err != nil {
		return err
	}
	f, err := os.Open(*input)
	if err != nil {
		return err
	}
	defer f.Close()
	cs, lines, err := enforcement.ReadCustomers(f, *input)
	if err != nil {
		return err
	}
	svc, closeDB, err := openEnforcement(ctx, e, *policyFile)
	if err != nil {
		return err
	}
	defer closeDB()
	w, closeOut, err := outputFile(e, *output)
	if err != nil {
		return err
	}
	defer closeOut()
	bar := newBar(e.stderr, int64(len(cs)), "onboarding", false)
	rows, sum, err := svc.Import(ctx, cs, lines, func() { bar.add(1) })
	bar.finish()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if r.ID == "" && r.Error == "" && r.Line == 0 {
			continue // not reached: interrupted
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stderr, "%d customers: %d cleared, %d held, %d blocked, %d rejected, %d already registered, %d errors\n", sum.Rows,
		sum.Decision[warden.DecisionCleared], sum.Decision[warden.DecisionHeld], sum.Decision[warden.DecisionBlocked], sum.Decision[warden.DecisionRejected], sum.Existed, sum.Errors)
	if err != nil {
		return err
	}
	if sum.Errors > 0 {
		return fmt.Errorf("%d of %d rows could not be onboarded (see the error of each in the output)", sum.Errors, sum.Rows)
	}
	return nil
}

// cmdRescreen screens every cleared customer again against the current
// lists.
func cmdRescreen(ctx context.Context, e *env, args []string) error {
	fs := newFlags("customer rescreen", "customer rescreen [--policy FILE]", e.stderr)
	policyFile := policyFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	svc, closeDB, err := openEnforcement(ctx, e, *policyFile)
	if err != nil {
		return err
	}
	defer closeDB()
	total, err := svc.DB.CountCustomers(ctx, warden.DecisionCleared)
	if err != nil {
		return err
	}
	bar := newBar(e.stderr, int64(total), "re-screening", false)
	res, err := svc.Rescreen(ctx, func() { bar.add(1) })
	bar.finish()
	fmt.Fprintf(e.stdout, "%d cleared customers screened again: %d changed (%d held, %d blocked, %d rejected)\n", res.Customers, res.Changed,
		res.Decisions[warden.DecisionHeld], res.Decisions[warden.DecisionBlocked], res.Decisions[warden.DecisionRejected])
	return err
}
