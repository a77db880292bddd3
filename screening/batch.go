package screening

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"warden"
	"warden/internal/textio"
	"warden/match"
)

// BatchColumns are the columns a batch CSV may have; at least one of name,
// wallet or id is needed.
var BatchColumns = []string{"name", "schema", "birth_date", "country", "gender", "wallet", "id"}

// Row is one checked query of a batch with its position in the input.
type Row struct {
	Pos   string
	Query *match.Prepared
	// Options, if set, are this query's own options in place of the
	// batch's (a request's queries[i].threshold).
	Options *match.Options
}

// NewRow checks q and makes it a row; EINVALID naming pos if q is bad.
func NewRow(pos string, q match.Query) (Row, error) {
	p, err := match.Prepare(q)
	if err != nil {
		return Row{}, warden.Errorf(warden.EINVALID, "%s: %s", pos, warden.ErrorMessage(err))
	}
	return Row{Pos: pos, Query: p}, nil
}

// ReadBatch reads a batch CSV: a header naming any of BatchColumns, then one
// query per row, each restricted to lists (all lists if empty). Every row is
// checked; a bad row is an EINVALID error naming its line, the first bad
// one if there are several. The rows are read in order and prepared on
// every core (reading, folding and tokenising the names is a good part of a
// batch's work).
func ReadBatch(ctx context.Context, in warden.Input, path string, lists []string) ([]Row, error) {
	f, err := textio.Open(in, path, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []match.Query
	var pos []string
	header := true
	readErr := textio.Rows(ctx, f, nil, func(r textio.Row) error {
		if header {
			header = false
			found := false
			for _, c := range []string{"name", "wallet", "id"} {
				found = found || r.Has(c)
			}
			if !found {
				return warden.Invalid(r.Pos, fmt.Errorf("header needs a name, wallet or id column (any of %s)", strings.Join(BatchColumns, ", ")))
			}
			for _, c := range r.Columns() {
				if !slices.Contains(BatchColumns, c) { // a misspelt column would never be screened
					return warden.Invalid(r.Pos, fmt.Errorf("unknown column %q (columns: %s)", c, strings.Join(BatchColumns, ", ")))
				}
			}
		}
		q := match.Query{Schema: warden.Schema(r.Get("schema")), Gender: r.Get("gender"), Lists: lists}
		add := func(dst *[]string, col string) {
			if v := r.Get(col); v != "" {
				*dst = append(*dst, v)
			}
		}
		add(&q.Names, "name")
		add(&q.BirthDates, "birth_date")
		add(&q.Countries, "country")
		add(&q.Wallets, "wallet")
		add(&q.IDs, "id")
		qs, pos = append(qs, q), append(pos, r.Pos)
		return nil
	})
	rows, err := prepareRows(pos, qs)
	if err != nil { // a bad row comes before where reading stopped
		return nil, err
	}
	if readErr != nil {
		return nil, readErr
	}
	return rows, nil
}

// prepareRows makes rows of the queries qs read at positions pos, on every
// core, in chunks taken in turn; the error is that of the first bad row.
func prepareRows(pos []string, qs []match.Query) ([]Row, error) {
	rows := make([]Row, len(qs))
	errs := make([]error, len(qs))
	const chunk = 256
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(qs)+chunk-1)/chunk) {
		wg.Go(func() {
			for {
				from := int(next.Add(chunk)) - chunk
				if from >= len(qs) {
					return
				}
				for i := from; i < min(from+chunk, len(qs)); i++ {
					rows[i], errs[i] = NewRow(pos[i], qs[i])
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// Batch screens rows on every core and calls emit with each row's answer in
// input order. progress, if set, is told of each row done. The principal in
// ctx needs the screen permission; options that fail match.Options.Check,
// the batch's or a row's own, and a row naming a list the index does not
// hold (CheckLists) are EINVALID before any row is screened.
func (s *Service) Batch(ctx context.Context, rows []Row, opt match.Options, emit func(Row, Response) error, progress func()) error {
	if _, err := warden.Authorize(ctx, warden.ActScreen); err != nil {
		return err
	}
	if err := opt.Check(); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Options != nil {
			if err := r.Options.Check(); err != nil {
				return warden.Invalid(r.Pos, err)
			}
		}
		if err := s.CheckLists(r.Query.Query().Lists); warden.ErrorCode(err) == warden.EINVALID {
			return warden.Invalid(r.Pos, err)
		} else if err != nil {
			return err
		}
	}
	type result struct {
		resp Response
		err  error
		done chan struct{}
	}
	results := make([]result, len(rows))
	for i := range results {
		results[i].done = make(chan struct{})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One goroutine a core screens rows in input order; the answers are
	// emitted in that order as they complete. Errors stay with their row.
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	scheduled := make(chan struct{})
	go func() {
		defer close(scheduled)
		for i := range rows {
			if ctx.Err() != nil {
				return
			}
			g.Go(func() error {
				o := opt
				if rows[i].Options != nil {
					o = *rows[i].Options
				}
				hits, err := s.ScreenPrepared(ctx, rows[i].Query, o)
				results[i].resp, results[i].err = View(rows[i].Query.Query(), hits), err
				close(results[i].done)
				return nil
			})
		}
	}()
	var err error
	for i := range rows {
		select {
		case <-results[i].done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
		if results[i].err != nil {
			err = warden.Invalid(rows[i].Pos, results[i].err)
			break
		}
		if err = emit(rows[i], results[i].resp); err != nil {
			break
		}
		if progress != nil {
			progress()
		}
	}
	cancel()
	<-scheduled
	g.Wait()
	return err
}
