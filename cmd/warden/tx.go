package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"warden"
	"warden/auth"
	"warden/enforcement"
	"warden/intel"
)

func cmdTx(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "screen" {
		return fmt.Errorf("%w: tx screen --input payments.csv|jsonl [--output decisions.jsonl] [--policy FILE]", errUsage)
	}
	fs := newFlags("tx screen", "tx screen --input payments.csv|jsonl [--output decisions.jsonl] [--policy FILE]", e.stderr)
	input := fs.String("input", "", "payments: JSON lines (one payment each) or CSV (one row per party)")
	output := fs.String("output", "", "decisions as JSON lines (default stdout)")
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
	txs, lines, err := enforcement.ReadPayments(f, *input)
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

// policyFlag declares --policy, the enforcement policy file.
func policyFlag(fs *flag.FlagSet) *string {
	return fs.String("policy", os.Getenv("WARDEN_POLICY"), "enforcement policy, JSON (env WARDEN_POLICY; default: the policy stored in the database, else the shipped default: docs/policy.md)")
}

// checkJSONLines is a usage error unless path, an --output of JSON lines,
// is empty (stdout) or named .jsonl or .ndjson: another name would
// misdescribe what the file holds.
func checkJSONLines(path string) error {
	if ext := strings.ToLower(filepath.Ext(path)); path != "" && ext != ".jsonl" && ext != ".ndjson" {
		return fmt.Errorf("%w: --output %s: the results are JSON lines: name a .jsonl file", errUsage, path)
	}
	return nil
}

// outputFile is where --output sends results: the file, created, or stdout
// if path is empty.
func outputFile(e *env, path string) (io.Writer, func() error, error) {
	if path == "" {
		return e.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// openEnforcement loads the policy file (if empty: the policy stored in
// the database, else the shipped default), opens the
// database, builds the screening index and returns the enforcement service,
// which checks parties against the intelligence indicators as warden serve
// does, so that the CLI holds what the API holds.
func openEnforcement(ctx context.Context, e *env, policyFile string) (*enforcement.Service, func(), error) {
	policy, err := enforcement.LoadPolicy(policyFile)
	if err != nil {
		return nil, nil, err
	}
	db, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	sc, err := indexLists(ctx, e, db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	svc := enforcement.New(db, sc, auth.New(db).Approvals)
	svc.Policy = policy
	if policyFile == "" {
		svc.FollowStoredPolicy() // the installation's policy, if it has one
	}
	svc.Indicators = intel.New(db)
	return svc, func() {
		sc.Wait() // the index snapshot indexLists may be writing
		db.Close()
	}, nil
}
