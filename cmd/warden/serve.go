package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"warden/ingest"
	"warden/screening"
	"warden/snapshot"
	"warden/web"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags("serve", "serve [--addr :8080] [--no-snapshot]", e.stderr)
	addr := fs.String("addr", ":8080", "listen address")
	noSnapshot := fs.Bool("no-snapshot", false, "do not load the bundled OFAC snapshot into an empty database")
	refresh := fs.Duration("refresh", 30*time.Second, "how often to check the lists for new versions and rebuild the screening index")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var ready atomic.Bool
	svc := screening.New(db)
	srv := &http.Server{
		Handler:           (&web.Server{DB: db, Screening: svc, Log: log, Ready: ready.Load}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "db", db.Driver())

	ls, err := db.Lists(ctx)
	if err != nil {
		return err
	}
	if len(ls) == 0 && !*noSnapshot {
		start := time.Now()
		v, err := ingest.Import(ctx, db, ingest.Request{List: snapshot.List, Format: snapshot.Format, Input: snapshot.Input(), Published: snapshot.Date}, nil)
		if err != nil {
			return fmt.Errorf("load bundled snapshot: %w", err)
		}
		log.Info("loaded bundled OFAC SDN snapshot", "date", snapshot.Date, "parties", v.Entities, "warnings", v.Warnings, "duration", time.Since(start).String())
	}
	start := time.Now()
	if _, err := svc.Refresh(ctx); err != nil {
		return fmt.Errorf("build screening index: %w", err)
	}
	log.Info("screening index built", "parties", svc.Len(), "duration", time.Since(start).String())
	go svc.Watch(ctx, *refresh, func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...)) })
	ready.Store(true)

	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
