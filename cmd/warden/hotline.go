package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"warden"
	"warden/hotline"
	"warden/internal/hotlinerun"
	"warden/jobs"
	"warden/notify"
)

// hotlineCommands are the subcommands of warden hotline, by name. They
// act as the operator and write to the database only: a running warden
// serve's engine notifies on its next reconcile (--hotline-every), so the
// command needs no job engine of its own.
var hotlineCommands = map[string]func(ctx context.Context, e *env, args []string) error{
	"raise":   cmdHotlineRaise,
	"ack":     cmdHotlineRespond(false),
	"resolve": cmdHotlineRespond(true),
	"oncall":  cmdHotlineOnCall,
}

func cmdHotline(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || hotlineCommands[args[0]] == nil {
		return fmt.Errorf("%w: warden hotline raise|ack|resolve|oncall ...", errUsage)
	}
	return hotlineCommands[args[0]](ctx, e, args[1:])
}

// cmdHotlineRaise raises an alert and prints it as JSON; with a dedup key
// of an open alert it prints that alert and says so.
func cmdHotlineRaise(ctx context.Context, e *env, args []string) error {
	fs := newFlags("hotline raise", "hotline raise --summary TEXT [--severity high] [--policy ID] [--details TEXT] [--object designation:7] [--dedup-key KEY]", e.stderr)
	var in hotline.RaiseInput
	fs.StringVar(&in.Summary, "summary", "", "what is wrong, in a line (required)")
	fs.StringVar(&in.Details, "details", "", "more about it")
	severity := fs.String("severity", string(warden.SeverityHigh), "critical, high or low")
	fs.Int64Var(&in.Policy, "policy", 0, "escalation policy `id` (default: the policy that takes the severity, if one does)")
	fs.StringVar(&in.Object, "object", "", "what it is about: request:ID, case:ID, designation:ID")
	fs.StringVar(&in.DedupKey, "dedup-key", "", "while an alert with this key is open, raising again returns it")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if in.Summary == "" {
		return fmt.Errorf("%w: --summary is required", errUsage)
	}
	in.Severity, in.Source = warden.Severity(*severity), "cli"
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, created, err := hotline.New(db, hotline.Options{}).Raise(ctx, in)
	if err != nil {
		return err
	}
	if !created {
		fmt.Fprintf(e.stderr, "alert %d with dedup key %q is open already\n", a.ID, in.DedupKey)
	}
	return printJSON(e, a)
}

// cmdHotlineRespond acknowledges or resolves an alert and prints it.
func cmdHotlineRespond(resolve bool) func(ctx context.Context, e *env, args []string) error {
	name := "ack"
	if resolve {
		name = "resolve"
	}
	return func(ctx context.Context, e *env, args []string) error {
		fs := newFlags("hotline "+name, "hotline "+name+" ID [--note TEXT]", e.stderr)
		note := fs.String("note", "", "why, or what is being done (in the hotline log)")
		pos, err := parse(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return fmt.Errorf("%w: give the alert's id", errUsage)
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: alert id %q is not a number", errUsage, pos[0])
		}
		db, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		s := hotline.New(db, hotline.Options{})
		var a warden.Alert
		if resolve {
			a, err = s.Resolve(ctx, id, *note)
		} else {
			a, err = s.Acknowledge(ctx, id, *note)
		}
		if err != nil {
			return err
		}
		return printJSON(e, a)
	}
}

// cmdHotlineOnCall prints who is on call in every rotation, until when,
// and who is next.
func cmdHotlineOnCall(ctx context.Context, e *env, args []string) error {
	fs := newFlags("hotline oncall", "hotline oncall [--at RFC3339]", e.stderr)
	atFlag := fs.String("at", "", "the time to ask about, RFC 3339 (default: now)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	at := time.Now()
	if *atFlag != "" {
		t, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			return fmt.Errorf("%w: --at %q: give an RFC 3339 time such as 2026-03-02T09:00:00Z", errUsage, *atFlag)
		}
		at = t
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	oc, err := hotline.New(db, hotline.Options{}).OnCall(ctx, at)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROTATION\tNOW\tUNTIL\tNEXT")
	for _, o := range oc {
		now := o.Now.Person
		if o.Now.Override {
			now += " (covering)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Rotation.Name, now, o.Now.End.UTC().Format(time.RFC3339), o.Next.Person)
	}
	return tw.Flush()
}

// hotlineConfig is how warden serve runs the hotline: where its signed
// links point, how it sends e-mail, and how its engine works.
type hotlineConfig struct {
	baseURL                                            string
	smtpHost, smtpUser, smtpPassword, smtpFrom, smtpCA string
	smtpTLS                                            string
	smtpPort                                           int
	linkKey                                            string
	attempts, workers                                  int
	every, rescueAfter, claimFor                       time.Duration
}

// hotlineFlags declares the hotline's flags of warden serve; configure
// fills them from the environment and the configuration file like the
// others (the SMTP password from WARDEN_SMTP_PASSWORD).
func hotlineFlags(fs *flag.FlagSet) *hotlineConfig {
	c := &hotlineConfig{}
	fs.StringVar(&c.baseURL, "base-url", "", "the URL people reach this server at, for the signed links in hotline notifications (default: http:// and the listen address)")
	fs.StringVar(&c.smtpHost, "smtp-host", "", "SMTP server that sends the hotline's e-mail (empty: e-mail notifications wait, failing, until a server that has one sends them)")
	fs.IntVar(&c.smtpPort, "smtp-port", notify.DefaultSMTPPort, "SMTP port")
	fs.StringVar(&c.smtpUser, "smtp-user", "", "SMTP user name (empty: no authentication)")
	fs.StringVar(&c.smtpPassword, "smtp-password", "", "SMTP password; prefer the environment variable WARDEN_SMTP_PASSWORD")
	fs.StringVar(&c.smtpFrom, "smtp-from", "", "sender address of the hotline's e-mail, e.g. \"Warden hotline <hotline@example.org>\" (required with --smtp-host)")
	fs.StringVar(&c.smtpTLS, "smtp-tls", string(notify.TLSMandatory), "STARTTLS: mandatory, opportunistic or none")
	fs.StringVar(&c.smtpCA, "smtp-ca", "", "PEM `file` of the certificate authorities the SMTP server's certificate is checked against (default: the system's)")
	fs.StringVar(&c.linkKey, "hotline-link-key", "", "`file` holding the key that signs the hotline's one-time links, created if missing; every node needs the same (default: a key drawn once and kept in the database, which every node shares)")
	fs.IntVar(&c.attempts, "hotline-attempts", hotline.DefaultAttempts, "how many times a notification is tried before it is dead-lettered (the waits between them, from 15 s doubling to an hour, last about two hours)")
	fs.DurationVar(&c.every, "hotline-every", time.Second, "how often the hotline reconciles its jobs with the database and reads new domain events")
	fs.DurationVar(&c.rescueAfter, "hotline-rescue-after", jobs.DefaultRescueAfter, "how long a job may run before it is taken for abandoned by a dead process and run again")
	fs.IntVar(&c.workers, "hotline-workers", jobs.DefaultMaxWorkers, "how many of the hotline's jobs (steps, deliveries) this server runs at once")
	fs.DurationVar(&c.claimFor, "hotline-claim-for", hotline.DefaultClaimFor, "how long a server holds a notification it is sending before another may send it (a server killed while sending); longer than a delivery takes to time out")
	return c
}

// options checks c and returns the hotline's options. Without a link key
// file, LinkKey is nil: serve takes the one kept in the database, which
// every node shares.
func (c *hotlineConfig) options(log *slog.Logger) (hotline.Options, error) {
	var o hotline.Options
	if c.attempts < 1 || c.workers < 1 || c.every <= 0 || c.rescueAfter <= 0 || c.claimFor <= 0 {
		return o, fmt.Errorf("%w: --hotline-attempts, --hotline-workers, --hotline-every, --hotline-rescue-after and --hotline-claim-for must be positive", errUsage)
	}
	if c.baseURL != "" {
		u, err := url.Parse(c.baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return o, fmt.Errorf("%w: --base-url %q: give an http or https URL such as https://warden.example.org", errUsage, c.baseURL)
		}
		o.BaseURL = strings.TrimSuffix(c.baseURL, "/")
	}
	var email *notify.Email
	if c.smtpHost != "" {
		tlsPolicy := notify.TLSPolicy(c.smtpTLS)
		switch tlsPolicy {
		case notify.TLSMandatory, notify.TLSOpportunistic, notify.TLSNone:
		default:
			return o, fmt.Errorf("%w: --smtp-tls %q: use mandatory, opportunistic or none", errUsage, c.smtpTLS)
		}
		if c.smtpFrom == "" {
			return o, fmt.Errorf("%w: --smtp-from is required with --smtp-host", errUsage)
		}
		if c.smtpPort < 1 || c.smtpPort > 65535 {
			return o, fmt.Errorf("%w: --smtp-port %d is not a port", errUsage, c.smtpPort)
		}
		email = &notify.Email{Host: c.smtpHost, Port: c.smtpPort, Username: c.smtpUser, Password: c.smtpPassword, From: c.smtpFrom, TLS: tlsPolicy}
		if c.smtpCA != "" {
			pem, err := os.ReadFile(c.smtpCA)
			if err != nil {
				return o, fmt.Errorf("--smtp-ca: %w", err)
			}
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				return o, fmt.Errorf("%w: --smtp-ca %s holds no PEM certificate", errUsage, c.smtpCA)
			}
			email.TLSConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		}
	}
	o.Senders = hotlinerun.Senders(email, &notify.Webhook{})
	o.Attempts = c.attempts
	o.ClaimFor = c.claimFor
	o.Log = log
	if c.linkKey != "" {
		key, err := linkKeyFile(c.linkKey)
		if err != nil {
			return o, err
		}
		o.LinkKey = key
	}
	return o, nil
}

// linkKeyFile reads the link key from path (hexadecimal, at least 32
// bytes), creating the file with a new random key if it does not exist.
// The new file is written aside and linked into place, so that a node
// starting at the same time reads a whole key, the same.
func linkKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		rand.Read(key)
		tmp, err := os.CreateTemp(filepath.Dir(path), ".link-key-*")
		if err != nil {
			return nil, fmt.Errorf("--hotline-link-key: %w", err)
		}
		defer os.Remove(tmp.Name())
		_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Link(tmp.Name(), path)
		}
		if errors.Is(err, fs.ErrExist) {
			return linkKeyFile(path) // another node made it first
		}
		if err != nil {
			return nil, fmt.Errorf("--hotline-link-key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--hotline-link-key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("%w: --hotline-link-key %s: want at least 32 bytes in hexadecimal", errUsage, path)
	}
	return key, nil
}

// baseURL is the default --base-url: http:// and the address the server
// listens on, localhost for an unspecified address.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
