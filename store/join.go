package store

import (
	"context"
	"database/sql"

	"warden"
)

// txKey is the context key under which a change's transaction travels.
type txKey struct{}

// withTx returns ctx carrying tx, the transaction of the change in
// progress, so that what a change calls back (an approved action) can
// read and write in that transaction with ordinary store methods instead
// of being handed a *sql.Tx: reading through the pool while the committer
// holds a transaction would see other data, and on a database with one
// connection would wait for ever.
func withTx(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// joinTx returns the transaction of the change ctx runs in. Methods that
// only make sense as part of a larger change (an approval) use it; called
// outside one they fail with EINTERNAL.
func joinTx(ctx context.Context) (*sql.Tx, error) {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx, nil
	}
	return nil, warden.Errorf(warden.EINTERNAL, "store: called outside the transaction of a change")
}

// reader returns the transaction of the change ctx runs in, if any, and the
// pool otherwise: a read that an approved action makes must see, and not
// wait for, the change that carries it out.
func (db *DB) reader(ctx context.Context) querier {
	if tx, err := joinTx(ctx); err == nil {
		return tx
	}
	return db.sql
}

// querier is what reads need from a pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
