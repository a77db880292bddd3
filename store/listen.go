package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// ListsChannel is the PostgreSQL notification channel on which a stored
// list version is announced (payload: "list version"), in the transaction
// that stores it: every node listening rebuilds its screening index at
// once instead of at its next poll.
const ListsChannel = "warden_lists"

// The listener's reconnection back-off, doubled from listenRetryMin up to
// listenRetryMax, and how long it waits for a notification before it
// checks that the connection is still alive (a peer that vanished without
// closing the socket would otherwise leave it waiting for ever).
const (
	listenRetryMin = 100 * time.Millisecond
	listenRetryMax = 5 * time.Second
	listenIdle     = 30 * time.Second
)

// Listener hears one PostgreSQL notification channel on a connection of its
// own, reconnecting after the connection fails (the server restarted) with
// a back-off. Its methods report its state, for readiness and metrics.
type Listener struct {
	channel    string
	connected  atomic.Bool
	heard      atomic.Int64
	reconnects atomic.Int64
}

// Channel is the channel listened on.
func (l *Listener) Channel() string { return l.channel }

// Connected reports whether the listener's connection is up and listening:
// while it is not, notifications are missed and only polling finds
// changes.
func (l *Listener) Connected() bool { return l.connected.Load() }

// Heard is the number of notifications received.
func (l *Listener) Heard() int64 { return l.heard.Load() }

// Reconnects is the number of times the connection was lost and is being,
// or was, made again.
func (l *Listener) Reconnects() int64 { return l.reconnects.Load() }

// Listen listens on channel until ctx ends, calling fn with the payload of
// each notification, in order, from one goroutine. After each connection
// made (the first included) it calls fn with "": notifications sent while
// it was not listening are lost, and the caller must look for what
// changed. Failures go to logf and never end the listening. On SQLite,
// which has no notifications between processes, it returns nil: callers
// poll.
func (db *DB) Listen(ctx context.Context, channel string, fn func(payload string), logf func(string, ...any)) *Listener {
	if db.driver != "pgx" {
		return nil
	}
	l := &Listener{channel: channel}
	go l.run(ctx, db.dsn, fn, logf)
	return l
}

func (l *Listener) run(ctx context.Context, dsn string, fn func(string), logf func(string, ...any)) {
	wait := listenRetryMin
	for ctx.Err() == nil {
		err := l.listen(ctx, dsn, fn, func() { wait = listenRetryMin })
		l.connected.Store(false)
		if ctx.Err() != nil {
			return
		}
		l.reconnects.Add(1)
		logf("listening on %s: %v; connecting again in %s (polling meanwhile)", l.channel, err, wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, listenRetryMax)
	}
}

// listen connects, listens and hands on notifications until the
// connection fails or ctx ends; up is called once it listens.
func (l *Listener) listen(ctx context.Context, dsn string, fn func(string), up func()) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	// Named apart from the store's connections in pg_stat_activity:
	// "warden listen", or the DSN's application_name and "listen".
	cfg.RuntimeParams["application_name"] = cmp.Or(cfg.RuntimeParams["application_name"], "warden") + " listen"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		return err
	}
	l.connected.Store(true)
	up()
	fn("")
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			l.heard.Add(1)
			fn(n.Payload)
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			if err := conn.Ping(ctx); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// notify sends payload on channel when tx commits, on PostgreSQL; on
// SQLite it does nothing.
func (db *DB) notify(ctx context.Context, tx *sql.Tx, channel, payload string) error {
	if db.driver != "pgx" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload)
	return err
}
