package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"warden"
	"warden/audit"
	"warden/auth"
	"warden/cooperation"
	"warden/designation"
	"warden/enforcement"
	"warden/hotline"
	"warden/ingest"
	"warden/intel"
	"warden/internal/hotlinerun"
	"warden/jobs"
	"warden/lists"
	"warden/publish"
	"warden/screening"
	"warden/snapshot"
	"warden/store"
	"warden/web"
)

// configure fills the flags the command line left unset from the
// environment (WARDEN_ plus the flag's name in capitals, - as _) and then
// from the JSON configuration file, if any: flags win over the
// environment, which wins over the file. docs/configuration.md lists them.
func configure(fs *flag.FlagSet, e *env, file string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	conf := map[string]any{}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("configuration file: %w", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.UseNumber()
		if err := dec.Decode(&conf); err != nil {
			return fmt.Errorf("configuration file %s: %w", file, err)
		}
	}
	for k := range conf {
		if k != "db" && fs.Lookup(k) == nil {
			return fmt.Errorf("configuration file %s: unknown setting %q", file, k)
		}
	}
	if v, ok := conf["db"]; ok && e.dsnDefault {
		e.dsn = fmt.Sprint(v)
	}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || f.Name == "config" || err != nil {
			return
		}
		env := "WARDEN_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s: %w", env, e)
			}
			return
		}
		if v, ok := conf[f.Name]; ok {
			if e := fs.Set(f.Name, fmt.Sprint(v)); e != nil {
				err = fmt.Errorf("configuration file %s: %s: %w", file, f.Name, e)
			}
		}
	})
	return err
}

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags("serve", "serve [--config FILE] [--addr :8080] [--no-snapshot] [--intel-pull-every 15m] [...]", e.stderr)
	config := fs.String("config", os.Getenv("WARDEN_CONFIG"), "JSON configuration file (env WARDEN_CONFIG)")
	addr := fs.String("addr", ":8080", "listen address")
	noSnapshot := fs.Bool("no-snapshot", false, "do not load the bundled OFAC snapshot into an empty database")
	refresh := fs.Duration("refresh", time.Second, "how often to check the lists for new versions and rebuild the screening index, besides PostgreSQL's notifications (docs/nodes.md)")
	rate := fs.Float64("rate-limit", 10000, "requests per second each token or person may make")
	burst := fs.Int("rate-burst", 20000, "requests each token or person may make at once")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (set when served over HTTPS, e.g. behind a proxy)")
	nodeName := fs.String("node-name", "", "this node's name in the job engine's tables (river_job.attempted_by) and logs, unique per node (default: made up from the host name and the start time)")
	trustedProxies := fs.String("trusted-proxies", "", "reverse proxies (addresses or CIDR prefixes, comma-separated) whose X-Forwarded-For names the client, for the per-address login and public limits")
	lockAfter := fs.Int("lock-after", 5, "failed logins in a row that lock a person out")
	lockFor := fs.Duration("lock-for", 15*time.Minute, "how long a lock-out lasts")
	sessionTTL := fs.Duration("session-ttl", 12*time.Hour, "how long a login session lasts")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	shutdownWait := fs.Duration("shutdown-timeout", 30*time.Second, "how long to wait for requests in flight on shutdown")
	policyFile := fs.String("policy", "", "enforcement policy to install when the database holds none, JSON (docs/policy.md; default: the shipped default policy); a change after that is a four-eyes proposal (warden policy propose)")
	desList := fs.String("designation-list", designation.DefaultList, "the authority's own list, which designations publish (docs/designations.md)")
	desPrograms := fs.String("designation-programs", strings.Join(designation.DefaultPrograms, ","), "the programs a designation may name, comma-separated")
	publishEvery := fs.Duration("publish-every", 5*time.Second, "how often to publish the approved designations whose time has come")
	sweepEvery := fs.Duration("request-sweep-every", time.Minute, "how often to write the requests' deadline events that are due (approaching, missed)")
	pullEvery := fs.Duration("intel-pull-every", 15*time.Minute, "how often to pull the partners' TAXII feeds of intelligence (docs/taxii.md)")
	signingKey := fs.String("signing-key", "", "Ed25519 private key `file` (warden keys create) that signs the public exports; without it they answer 503")
	publicLists := fs.String("public-lists", designation.DefaultList, "lists anyone may fetch signed exports and notices of at /public/lists/..., comma-separated (empty: none)")
	demoFirst := fs.Bool("demo", false, "build the demo first (warden demo, docs/demo.md; its hotline links to --base-url, else the listen address) unless the database holds it, and serve its signed exports")
	hl := hotlineFlags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := configure(fs, e, *config); err != nil {
		return err
	}
	// NaN passes every "< 0" check, and an infinite rate never limits.
	if !(*rate > 0) || math.IsInf(*rate, 1) || *burst < 1 {
		return fmt.Errorf("%w: --rate-limit must be a positive number and --rate-burst a positive integer", errUsage)
	}
	if *lockAfter < 1 || *lockFor <= 0 || *sessionTTL <= 0 || *refresh <= 0 || *shutdownWait <= 0 {
		return fmt.Errorf("%w: --lock-after, --lock-for, --session-ttl, --refresh and --shutdown-timeout must be positive", errUsage)
	}
	if *publishEvery <= 0 || *sweepEvery <= 0 || *pullEvery <= 0 {
		return fmt.Errorf("%w: --publish-every, --request-sweep-every and --intel-pull-every must be positive", errUsage)
	}
	if !warden.ValidListName(*desList) {
		return fmt.Errorf("%w: --designation-list %q: use lower-case letters, digits, '.', '_' or '-'", errUsage, *desList)
	}
	proxies, err := parsePrefixes(*trustedProxies)
	if err != nil {
		return fmt.Errorf("%w: --trusted-proxies: %v", errUsage, err)
	}
	public, publicNames := web.Public{}, []string(nil)
	for _, name := range strings.Split(*publicLists, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if !warden.ValidListName(name) {
			return fmt.Errorf("%w: --public-lists: %q is not a list name", errUsage, name)
		}
		publicNames = append(publicNames, name)
	}
	if *signingKey != "" {
		key, err := publish.LoadPrivateKey(*signingKey)
		if err != nil {
			return err
		}
		public.Key = key
	}
	policy, err := enforcement.LoadPolicy(*policyFile)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level: %v", errUsage, err)
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	hlOpts, err := hl.options(log)
	if err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if hlOpts.BaseURL == "" {
		hlOpts.BaseURL = baseURL(ln.Addr())
	}
	// The demo is built once the server's address is known, so that the
	// links its hotline e-mailed point to this server.
	if *demoFirst {
		key, err := serveDemo(ctx, e, *noSnapshot, hlOpts.BaseURL, hlOpts.LinkKey)
		if err == nil && public.Key == nil {
			public.Key, err = publish.LoadPrivateKey(key)
		}
		if err != nil {
			ln.Close()
			return err
		}
	}
	if hlOpts.LinkKey == nil {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		if hlOpts.LinkKey, err = db.HotlineLinkKey(ctx, fresh); err != nil {
			ln.Close()
			return err
		}
	}
	var ready atomic.Bool
	svc := screening.New(db)
	svc.UseSnapshots(screening.SnapshotDir(e.dsn, e.indexDir), func(f string, a ...any) { log.Warn(fmt.Sprintf(f, a...)) })
	authSvc := auth.New(db)
	authSvc.LockAfter, authSvc.LockFor, authSvc.SessionTTL = *lockAfter, *lockFor, *sessionTTL
	enf := enforcement.New(db, svc, authSvc.Approvals)
	enf.Policy = policy
	source := "default"
	if *policyFile != "" {
		source = "file " + filepath.Base(*policyFile)
	}
	pv, differs, err := enf.UseStoredPolicy(warden.WithPrincipal(ctx, warden.Operator), policy, source)
	if err != nil {
		ln.Close()
		return err
	}
	if differs && *policyFile != "" {
		log.Warn(fmt.Sprintf("--policy %s differs from the policy in force (version %d, %s): the stored policy stays in force; change it with warden policy propose", *policyFile, pv.Version, pv.Source))
	}
	des := designation.New(db, authSvc.Approvals)
	des.ListName, des.Programs = *desList, strings.Split(*desPrograms, ",")
	hot := hotline.New(db, hlOpts)
	coop := cooperation.New(db, des)
	// Intelligence: attribution opens designation proposals, and payments
	// and customers are screened against its active indicators.
	intelSvc := intel.New(db)
	intelSvc.Designator = des
	enf.Indicators = intelSvc
	// Durable work runs as River jobs: the designations' scheduled
	// publication, the requests' deadline events, the intelligence feeds'
	// pulls and the list parties' indicators, and the hotline's steps,
	// deliveries and event triggers.
	workers := river.NewWorkers()
	logf := func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) }
	designation.Workers(des, workers, logf)
	cooperation.Workers(coop, workers, logf)
	intel.Workers(intelSvc, workers, logf)
	enforcement.Workers(enf, workers)
	periodic := append(designation.PeriodicJobs(*publishEvery), cooperation.PeriodicJobs(*sweepEvery)...)
	periodic = append(periodic, intel.PeriodicJobs(*pullEvery)...)
	queue, err := hotlinerun.Open(ctx, db, hot, hl.every, jobs.Config{ID: *nodeName, Logger: log, RescueAfter: hl.rescueAfter, MaxWorkers: hl.workers, Workers: workers, Periodic: periodic})
	if err != nil {
		ln.Close()
		return err
	}
	// A re-screening's parts are jobs any node works.
	enf.Rescreening.Queue = queue
	// The queue stops before the database closes (defers run last first),
	// letting the jobs running finish.
	defer func() {
		stop, cancel := context.WithTimeout(context.Background(), *shutdownWait)
		defer cancel()
		if err := queue.Stop(stop); err != nil {
			log.Error("stopping the job queue", "err", err)
		}
	}()
	// A list version stored by any node or command wakes the watcher at
	// once on PostgreSQL; --refresh polls in any case (docs/nodes.md).
	wake := make(chan struct{}, 1)
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	listener := db.Listen(listenCtx, store.ListsChannel, func(string) {
		select {
		case wake <- struct{}{}:
		default: // a refresh is due already
		}
	}, func(f string, a ...any) { log.Warn(fmt.Sprintf(f, a...)) })
	// Several nodes may share a PostgreSQL database: so do their limits.
	var shared web.RateStore
	var listening func() bool
	if listener != nil {
		shared, listening = db, listener.Connected
	}
	srv := &http.Server{
		Handler: (&web.Server{Lists: &lists.Service{DB: db, Public: publicNames}, Audit: &audit.Service{DB: db}, Screening: svc, Auth: authSvc, Enforcement: enf, Designations: des, Hotline: hot, Cooperation: coop, Intel: intelSvc, Log: log, Ready: ready.Load,
			RateLimit: *rate, RateBurst: *burst, SecureCookies: *secure, TrustedProxies: proxies, Public: public,
			SharedLimits: shared, Jobs: db.JobBacklog, Rescreen: enf.RescreenProgress, Listening: listening}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "db", db.Driver())
	// stopped ends start-up work that failed: a stop asked for while it ran
	// (SIGTERM, or the context of a test) is a normal stop, not a failure.
	stopped := func(err error) error {
		if ctx.Err() == nil {
			return err
		}
		log.Info("stopped while starting")
		shutdown, cancel := context.WithTimeout(context.Background(), *shutdownWait)
		defer cancel()
		return srv.Shutdown(shutdown)
	}

	ls, err := db.Lists(ctx)
	if err != nil {
		return stopped(err)
	}
	if len(ls) == 0 && !*noSnapshot {
		start := time.Now()
		v, err := ingest.Import(ctx, db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: snapshot.Input(), Published: snapshot.Date}, nil)
		if err != nil {
			return stopped(fmt.Errorf("load bundled snapshot: %w", err))
		}
		log.Info("loaded bundled OFAC SDN snapshot", "date", snapshot.Date, "parties", v.Entities, "warnings", v.Warnings, "duration", time.Since(start).String())
	}
	start := time.Now()
	if _, err := svc.Refresh(ctx); err != nil {
		return stopped(fmt.Errorf("build screening index: %w", err))
	}
	log.Info("screening index ready", "parties", svc.Len(), "duration", time.Since(start).String())
	go svc.Watch(ctx, *refresh, wake, func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) })
	go rescreenLoop(ctx, enf, *refresh, log)
	if err := hotlinerun.Start(ctx, queue, hot, log); err != nil {
		return stopped(err)
	}
	log.Info("hotline engine started", "base_url", hlOpts.BaseURL, "email", hlOpts.Senders[warden.ChannelEmail] != nil)
	ready.Store(true)
	if us, err := db.Users(ctx); err == nil && len(us) == 0 {
		log.Warn("no users yet: add one with `warden user add NAME --role admin` to log in to the web UI")
	}

	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), *shutdownWait)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// rescreenLoop has the customer register screened again whenever the
// lists, the intelligence's indicators or the policy have changed since it
// last was, checking every interval: the first node to see the change
// claims the run and queues its parts as jobs, which every node works
// (enforcement.RescreenArgs); the others find it claimed.
func rescreenLoop(ctx context.Context, enf *enforcement.Service, interval time.Duration, log *slog.Logger) {
	op := warden.WithPrincipal(ctx, warden.Operator)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		res, err := enf.RescreenIfNew(op)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("customer re-screening failed", "err", err)
		case err == nil && !res.Skipped:
			log.Info("customer re-screening queued", "mode", res.Mode, "parts", res.Parts, "parties", res.Parties, "delisted", res.Delisted, "versions", res.Versions)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// parsePrefixes reads a comma-separated list of addresses and CIDR
// prefixes; an address is a prefix of its full length.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR prefix", item)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
