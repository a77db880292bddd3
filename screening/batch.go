package screening

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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
// checked; a bad or missing header is an EINVALID error of line 1, a bad
// row one naming its line, the first bad one if there are several. The
// rows are prepared on every core while the ones after them are read
// (reading, folding and tokenising the names is a good part of a batch's
// work), batchChunk rows at a time.
func ReadBatch(ctx context.Context, in warden.Input, path string, lists []string) ([]Row, error) {
	f, err := textio.Open(in, path, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var chunks []*rowChunk
	work := make(chan *rowChunk, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for c := range work {
				c.prepare()
			}
		})
	}
	cur := &rowChunk{}
	send := func() {
		chunks = append(chunks, cur)
		work <- cur
		cur = &rowChunk{}
	}
	header := false
	readErr := textio.CheckedRows(ctx, f, func(columns []string) error {
		header = true
		if !slices.ContainsFunc(columns, func(c string) bool { return c == "name" || c == "wallet" || c == "id" }) {
			return fmt.Errorf("header needs a name, wallet or id column (any of %s)", strings.Join(BatchColumns, ", "))
		}
		for _, c := range columns {
			if !slices.Contains(BatchColumns, c) { // a misspelt column would never be screened
				return fmt.Errorf("unknown column %q (columns: %s)", c, strings.Join(BatchColumns, ", "))
			}
		}
		return nil
	}, func(r textio.Row) error {
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
		if cur.qs == nil {
			cur.qs, cur.pos = make([]match.Query, 0, batchChunk), make([]string, 0, batchChunk)
		}
		cur.qs, cur.pos = append(cur.qs, q), append(cur.pos, r.Pos)
		if len(cur.qs) == batchChunk {
			send()
		}
		return nil
	})
	if len(cur.qs) > 0 {
		send()
	}
	close(work)
	wg.Wait()
	n := 0
	for _, c := range chunks {
		if c.err != nil { // a bad row comes before where reading stopped
			return nil, c.err
		}
		n += len(c.rows)
	}
	if readErr != nil {
		return nil, readErr
	}
	if !header {
		return nil, warden.Invalid(f.Name+":1", fmt.Errorf("the file is empty: it needs a header of any of %s", strings.Join(BatchColumns, ", ")))
	}
	rows := make([]Row, 0, n)
	for _, c := range chunks {
		rows = append(rows, c.rows...)
	}
	return rows, nil
}

// batchChunk is how many rows of a batch CSV are prepared together: enough
// that handing them to a core costs nothing beside preparing them, few
// enough that the cores share the last ones.
const batchChunk = 256

// rowChunk is rows of a batch CSV as read, then as prepared (prepare): the
// rows, or the error of the first bad one.
type rowChunk struct {
	pos  []string
	qs   []match.Query
	rows []Row
	err  error
}

// prepare makes the chunk's rows, stopping at the first bad one.
func (c *rowChunk) prepare() {
	c.rows = make([]Row, len(c.qs))
	for i, q := range c.qs {
		if c.rows[i], c.err = NewRow(c.pos[i], q); c.err != nil {
			return
		}
	}
	c.qs, c.pos = nil, nil
}

// Batch screens rows on every core and calls emit with each row's answer in
// input order. progress, if set, is told of each row done. The principal in
// ctx needs the screen permission; options that fail match.Options.Check,
// the batch's or a row's own, and a row naming a list the index does not
// hold (CheckLists) are EINVALID before any row is screened. A row's query
// is dropped once its answer is emitted: rows[i].Query is nil afterwards.
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
	// One goroutine a core screens rows, taking the next in input order
	// (onCores); the answers are emitted in that order as they complete.
	// Errors stay with their row.
	workers := make(chan struct{})
	go func() {
		defer close(workers)
		onCores(len(rows), 1, func(i int) bool {
			if ctx.Err() != nil {
				return false
			}
			o := opt
			if rows[i].Options != nil {
				o = *rows[i].Options
			}
			hits, err := s.ScreenPrepared(ctx, rows[i].Query, o)
			results[i].resp, results[i].err = View(rows[i].Query.Query(), hits), err
			close(results[i].done)
			return true
		})
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
		// An emitted row's query and answer are garbage to the collector:
		// a batch of a million rows need not hold them all to the end.
		rows[i].Query, results[i] = nil, result{}
	}
	cancel()
	<-workers
	return err
}

// onCores calls do with every index below n on one goroutine a core, each
// taking the next chunk of indexes in order, and returns when all are
// done; a goroutine stops early when do returns false. The goroutines
// live for the whole run: one a row grew a fresh stack for every row.
func onCores(n, chunk int, do func(i int) bool) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk) {
		wg.Go(func() {
			for {
				from := int(next.Add(int64(chunk))) - chunk
				if from >= n {
					return
				}
				for i := from; i < min(from+chunk, n); i++ {
					if !do(i) {
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// CSVHeader is the header of a batch's results as CSV (CSVRecord): one row
// per query, so that a query with no match is a row too. The row is the
// query's position in the input, then the query, how many hits matched,
// the best match (empty when nothing matched) with its programs (those of
// every listing of the party), its listings on other lists and why it
// matched, and the other matches. Hits under the threshold are left out:
// the JSON results hold them.
var CSVHeader = []string{"row", "query_name", "query_schema", "query_birth_date", "query_country", "query_wallet", "query_id",
	"matches", "entity_id", "list", "source_id", "schema", "name", "programs", "listings", "score", "matched_on", "explanation", "other_matches"}

// CSVRecord is the answer to the query at pos as a row of CSVHeader, its
// invisible characters written out (warden.Visible): a person reads it in
// a spreadsheet, where nothing else would tell two look-alike names apart.
func CSVRecord(pos string, resp Response) []string {
	rec := csvRecord(pos, resp)
	for i, c := range rec {
		rec[i] = warden.Visible(c)
	}
	return rec
}

func csvRecord(pos string, resp Response) []string {
	q := resp.Query
	join := func(v []string) string { return strings.Join(v, "; ") }
	rec := []string{pos, join(q.Names), string(q.Schema), join(q.BirthDates), join(q.Countries), join(q.Wallets), join(q.IDs)}
	var matches []HitView
	for _, h := range resp.Hits {
		if h.Match {
			matches = append(matches, h)
		}
	}
	rec = append(rec, strconv.Itoa(len(matches)))
	if len(matches) == 0 {
		return append(rec, make([]string, len(CSVHeader)-len(rec))...)
	}
	h := matches[0]
	on := h.Explanation.ListedName
	if h.Explanation.Identifier != "" {
		on = h.Explanation.Identifier
	}
	var listings, others []string
	for _, l := range h.Listings {
		listings = append(listings, l.EntityID)
	}
	for _, o := range matches[1:] {
		others = append(others, fmt.Sprintf("%s %s (%.3f)", o.EntityID, o.Name, o.Score))
	}
	return append(rec, h.EntityID, h.List, h.SourceID, h.Schema, h.Name, join(h.Programs), join(listings), strconv.FormatFloat(h.Score, 'f', 3, 64),
		on, ExplainText(h.Explanation), join(others))
}

// ExplainText is an explanation in one line of words, for a cell or a log:
// which names met, word by word with each word's similarity, the words
// either side lacks, and what each feature added or took away.
func ExplainText(e match.Explanation) string {
	var parts []string
	if e.Identifier != "" {
		parts = append(parts, fmt.Sprintf("exact identifier %s", e.Identifier))
	}
	if e.ListedName != "" {
		s := fmt.Sprintf("%q met %q", e.QueryName, e.ListedName)
		if e.Reading != "" {
			s += fmt.Sprintf(" read as %q", e.Reading)
		}
		s += fmt.Sprintf(", name score %.3f", e.NameScore)
		parts = append(parts, s)
	}
	if len(e.Tokens) > 0 {
		words := make([]string, len(e.Tokens))
		for i, t := range e.Tokens {
			words[i] = fmt.Sprintf("%s~%s %.2f", t.Query, t.Listed, t.Sim)
		}
		parts = append(parts, "words: "+strings.Join(words, ", "))
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "not in the listed name: "+strings.Join(e.Missing, ", "))
	}
	if len(e.Extra) > 0 {
		parts = append(parts, "listed words not in the query: "+strings.Join(e.Extra, ", "))
	}
	for _, f := range e.Features {
		s := fmt.Sprintf("%s %+.2f", f.Name, f.Contribution)
		if f.Detail != "" {
			s += " " + f.Detail
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
