package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"warden"
	"warden/publish"
)

// signingKeyEnv names the environment variable with the signing key's path.
const signingKeyEnv = "WARDEN_SIGNING_KEY"

// designateCommands are the subcommands of warden designate, by name.
var designateCommands = map[string]func(ctx context.Context, e *env, args []string) error{
	"export": cmdDesignateExport,
}

func cmdDesignate(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || designateCommands[args[0]] == nil {
		return fmt.Errorf("%w: warden designate export ...", errUsage)
	}
	return designateCommands[args[0]](ctx, e, args[1:])
}

func cmdDesignateExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags("designate export", "designate export --list NAME --version V --format ofac-csv|ftm|ftm-delta|stix [--since V0] --output DIR [--signing-key FILE]", e.stderr)
	list := fs.String("list", "cyber_sanctions", "list `name`")
	version := fs.Int("version", 0, "list version (default: current)")
	since := fs.Int("since", 0, "for ftm-delta: the earlier version the changes run from (0: from empty)")
	format := fs.String("format", "", "ofac-csv, ftm, ftm-delta or stix (required)")
	output := fs.String("output", "", "folder to write the files, manifest.json and manifest.json.sig into (required)")
	keyPath := fs.String("signing-key", os.Getenv(signingKeyEnv), "Ed25519 private key `file` from warden keys create (env "+signingKeyEnv+")")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *format == "":
		return fmt.Errorf("%w: --format is required (%s)", errUsage, strings.Join(publish.Formats, ", "))
	case *output == "":
		return fmt.Errorf("%w: --output is required", errUsage)
	case *keyPath == "":
		return fmt.Errorf("%w: --signing-key or %s is required: exports are signed", errUsage, signingKeyEnv)
	}
	priv, err := publish.LoadPrivateKey(*keyPath)
	if err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	versions, err := db.Versions(ctx, *list)
	if err != nil {
		return err
	}
	var v *warden.ListVersion
	for i := range versions {
		if versions[i].Version == *version || *version == 0 && (v == nil || versions[i].Version > v.Version) {
			v = &versions[i]
		}
	}
	if v == nil {
		return warden.Errorf(warden.ENOTFOUND, "list %q has no version %d", *list, *version)
	}
	set, err := publish.Export(ctx, db, publish.Request{List: *list, Version: v.Version, Since: *since, Format: *format, Published: v.ImportedAt})
	if err != nil {
		return err
	}
	if err := set.Signed(priv).WriteDir(*output); err != nil {
		return err
	}
	for _, f := range set.Manifest.Files {
		fmt.Fprintf(e.stdout, "%s\t%d\t%s\n", f.Name, f.Size, f.SHA256)
	}
	fmt.Fprintln(e.stdout, filepath.Join(*output, publish.ManifestName))
	return nil
}

func cmdKeys(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: warden keys create [--dir DIR]", errUsage)
	}
	fs := newFlags("keys create", "keys create [--dir DIR]", e.stderr)
	dir := fs.String("dir", ".", "folder for the key pair (the private key is written 0600)")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	priv, pub, err := publish.GenerateKey(*dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "private key %s (set signing_key / %s to it; keep it out of the database and backups others read)\npublic key %s\n", priv, signingKeyEnv, pub)
	return nil
}

func cmdVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlags("verify", "verify MANIFEST --key PUBKEY", e.stderr)
	keyPath := fs.String("key", "", "the publisher's public key `file` (PEM, as served at /.well-known/warden-signing-key) (required)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *keyPath == "" {
		return fmt.Errorf("%w: verify MANIFEST --key PUBKEY", errUsage)
	}
	pemBytes, err := os.ReadFile(*keyPath)
	if err != nil {
		return err
	}
	pub, err := publish.ParsePublicKey(pemBytes)
	if err != nil {
		return err
	}
	manifest, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	sig, err := os.ReadFile(rest[0] + ".sig")
	if err != nil {
		return warden.Errorf(warden.EINVALID, "no signature beside the manifest: %v", err)
	}
	dir := filepath.Dir(rest[0])
	m, err := publish.Verify(pub, manifest, sig, func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok: %s version %d (%s), %d files, signature and hashes match\n", m.List, m.Version, m.Format, len(m.Files))
	return nil
}
