package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"warden"
	"warden/auth"
	"warden/enforcement"
)

func cmdTx(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "screen" {
		return fmt.Errorf("%w: tx screen --input payments.csv|jsonl [--output decisions.jsonl] [--policy FILE]", errUsage)
	}
	fs := newFlags("tx screen", "tx screen --input payments.csv|jsonl [--output decisions.jsonl] [--policy FILE]", e.stderr)
	input := fs.String("input", "", "payments: JSON lines (one payment each) or CSV (one row per party)")
	output := fs.String("output", "", "decisions as JSON lines (default stdout)")
	policyFile := fs.String("policy", os.Getenv("WARDEN_POLICY"), "enforcement policy, JSON (env WARDEN_POLICY; default: block on every program)")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *input == "" {
		return fmt.Errorf("%w: --input is required", errUsage)
	}
	policy, err := enforcement.LoadPolicy(*policyFile)
	if err != nil {
		return err
	}
	f, err := os.Open(*input)
	if err != nil {
		return err
	}
	defer f.Close()
	txs, lines, err := enforcement.ReadPayments(f, *input)
	if err != nil {
		return err
	}
	svc, closeDB, err := openEnforcement(ctx, e, policy)
	if err != nil {
		return err
	}
	defer closeDB()
	var w io.Writer = e.stdout
	if *output != "" {
		out, err := os.Create(*output)
		if err != nil {
			return err
		}
		defer out.Close()
		w = out
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	counts := map[string]int{}
	for i, t := range txs {
		d, _, err := svc.Screen(ctx, t)
		if err != nil {
			return fmt.Errorf("%s:%d: payment %q: %w", *input, lines[i], t.Reference, err)
		}
		counts[d.Decision]++
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stderr, "%d payments: %d cleared, %d held, %d blocked, %d rejected\n", len(txs),
		counts[warden.DecisionCleared], counts[warden.DecisionHeld], counts[warden.DecisionBlocked], counts[warden.DecisionRejected])
	return nil
}

// openEnforcement opens the database, builds the screening index and
// returns the enforcement service with policy, acting as the operator.
func openEnforcement(ctx context.Context, e *env, policy enforcement.Policy) (*enforcement.Service, func(), error) {
	sc, closeDB, err := openScreening(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	db := sc.DB()
	svc := enforcement.New(db, sc, auth.New(db).Approvals)
	svc.Policy = policy
	return svc, closeDB, nil
}
