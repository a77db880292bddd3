package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"warden"
)

// screeningData is what a screening's record holds as JSON: in its data
// column, or compressed in packed.
type screeningData struct {
	Threshold float64                `json:"threshold"`
	Limit     int                    `json:"limit"`
	Lists     []warden.ScreenedList  `json:"lists"`
	Items     []warden.ScreeningItem `json:"items"`
	Top       []warden.ScreeningHit  `json:"top"`
}

// itemsChunk is how many items of a screening one goroutine encodes.
const itemsChunk = 2048

// marshalScreening is json.Marshal(d), the items encoded on every core
// when there are many: a batch's record is encoded after its last query,
// while the command waits, and 20,000 items took 40 ms on one core.
func marshalScreening(d screeningData) ([]byte, error) {
	n := (len(d.Items) + itemsChunk - 1) / itemsChunk
	if n < 2 || runtime.GOMAXPROCS(0) < 2 {
		return json.Marshal(d)
	}
	parts := make([][]byte, n)
	errs := make([]error, n)
	lists, errLists := json.Marshal(d.Lists)
	top, errTop := json.Marshal(d.Top)
	onCores(n, func(_ *struct{}, c int) {
		parts[c], errs[c] = json.Marshal(d.Items[c*itemsChunk : min(len(d.Items), (c+1)*itemsChunk)])
	})
	if err := errors.Join(append(errs, errLists, errTop)...); err != nil {
		return nil, err
	}
	size := len(lists) + len(top) + 96
	for _, p := range parts {
		size += len(p)
	}
	threshold, err := json.Marshal(d.Threshold)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, size)
	b = append(b, `{"threshold":`...)
	b = append(b, threshold...)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(d.Limit), 10)
	b = append(b, `,"lists":`...)
	b = append(b, lists...)
	b = append(b, `,"items":[`...)
	for i, p := range parts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, p[1:len(p)-1]...) // each part is a JSON array of at least one item
	}
	b = append(b, `],"top":`...)
	b = append(b, top...)
	return append(b, '}'), nil
}

// onCores calls do for every chunk c in [0, n), on every core; each
// goroutine passes do its own state, zero at first, to keep what it
// reuses from one chunk to the next.
func onCores[S any](n int, do func(s *S, c int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			var s S
			for c := int(next.Add(1) - 1); c < n; c = int(next.Add(1) - 1) {
				do(&s, c)
			}
		})
	}
	wg.Wait()
}

// packFrom is the size of a record's JSON from which it is stored
// compressed, in the packed column, rather than as text in data: a
// batch's record, megabytes that SQLite wrote and checkpointed at 30 ms a
// megabyte while the command waited (0037_screening_packed.sql).
const packFrom = 64 << 10

// packChunk is how much of a record's JSON one goroutine compresses into
// one gzip member; the members, concatenated in order, are one gzip stream
// to a reader.
const packChunk = 512 << 10

// packLevel is the compression level: level 2 made a 3.3 MB record 650 KB
// in the time level 1 made it 735 KB, and reads back in half the time.
const packLevel = 2

// packScreening compresses a record's JSON, its chunks on every core.
func packScreening(data []byte) []byte {
	n := (len(data) + packChunk - 1) / packChunk
	parts := make([]bytes.Buffer, n)
	onCores(n, func(zw **gzip.Writer, c int) { // a writer a goroutine
		if *zw == nil {
			*zw, _ = gzip.NewWriterLevel(&parts[c], packLevel) // a valid level: no error
		} else {
			(*zw).Reset(&parts[c])
		}
		// Writes to a bytes.Buffer do not fail.
		(*zw).Write(data[c*packChunk : min(len(data), (c+1)*packChunk)])
		(*zw).Close()
	})
	size := 0
	for i := range parts {
		size += parts[i].Len()
	}
	packed := make([]byte, 0, size)
	for i := range parts {
		packed = append(packed, parts[i].Bytes()...)
	}
	return packed
}

// storedRecord is a record's JSON as a row holds it: the text of data,
// or packed when it was stored compressed.
type storedRecord struct {
	data   string
	packed []byte
}

// reader reads the record's JSON.
func (r storedRecord) reader() (io.Reader, error) {
	if r.packed == nil {
		return strings.NewReader(r.data), nil
	}
	return gzip.NewReader(bytes.NewReader(r.packed))
}

// json is the record's JSON.
func (r storedRecord) json() ([]byte, error) {
	if r.packed == nil {
		return []byte(r.data), nil
	}
	zr, err := r.reader()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// recordSummary reads from a record's JSON what the list of records
// shows: its threshold, its lists and its first item. It stops there, so
// that the thousands of other items of a batch are neither uncompressed
// nor parsed (a 3.3 MB record took 30–80 ms to uncompress and 40–70 ms to
// parse), whatever order the fields come in.
func recordSummary(r io.Reader) (threshold float64, lists []warden.ScreenedList, first *warden.ScreeningItem, err error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, nil, nil, fmt.Errorf("record: not an object (%v, %v)", tok, err)
	}
	const haveThreshold, haveLists, haveItems = 1, 2, 4
	const all = haveThreshold | haveLists | haveItems
	have := 0
	for have != all && dec.More() {
		key, err := dec.Token()
		if err != nil {
			return 0, nil, nil, err
		}
		switch key {
		case "threshold":
			have |= haveThreshold
			err = dec.Decode(&threshold)
		case "lists":
			have |= haveLists
			err = dec.Decode(&lists)
		case "items":
			have |= haveItems
			first, err = firstItem(dec, have == all)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return 0, nil, nil, err
		}
	}
	return threshold, lists, first, nil
}

// firstItem decodes the first item of the items array dec is at (nil
// when it is empty or null), and passes the rest unless done, when the
// caller needs nothing after it.
func firstItem(dec *json.Decoder, done bool) (*warden.ScreeningItem, error) {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return nil, err
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("record: items are %v", tok)
	}
	var first *warden.ScreeningItem
	if dec.More() {
		first = new(warden.ScreeningItem)
		if err := dec.Decode(first); err != nil {
			return nil, err
		}
	}
	if done {
		return first, nil
	}
	var skip json.RawMessage
	for dec.More() {
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return nil, fmt.Errorf("record: items end with %v (%v)", tok, err)
	}
	return first, nil
}

// maxScreeningNames is how much of the screened names a record keeps in
// its names column (the first names, for the search by name).
const maxScreeningNames = 500

// RecordScreening stores a screening's record and its audit event in one
// transaction, setting s.ID and s.Digest; ev's object becomes
// screening:ID and its detail holds the digest, so that the audit chain
// vouches for the record. A batch is one insert, whatever its size.
func (db *DB) RecordScreening(ctx context.Context, s *warden.Screening, ev *warden.AuditEvent) error {
	data, err := marshalScreening(screeningData{Threshold: s.Threshold, Limit: s.Limit, Lists: s.Lists, Items: s.Items, Top: s.Top})
	if err != nil {
		return fmt.Errorf("record screening: %w", err)
	}
	sum := sha256.Sum256(data)
	s.Digest = hex.EncodeToString(sum[:])
	var names []string
	n := 0
	for _, it := range s.Items {
		for _, nm := range it.Query.Names {
			if n+len(nm) > maxScreeningNames {
				break
			}
			names, n = append(names, strings.ToLower(nm)), n+len(nm)+1
		}
	}
	// A large record is stored compressed; a small one as text, whose
	// bytes are not copied into a string for the column, as nothing
	// changes them.
	text, packed := unsafe.String(unsafe.SliceData(data), len(data)), any(nil)
	if len(data) >= packFrom {
		text, packed = "", packScreening(data)
	}
	err = db.change(ctx, ev, func(tx *sql.Tx) error {
		id, err := nextID(ctx, tx, "screenings")
		if err != nil {
			return fmt.Errorf("record screening: %w", err)
		}
		s.ID = id
		if ev != nil {
			ev.Object = "screening:" + strconv.FormatInt(id, 10)
			if ev.Detail, err = setDetail(ev.Detail, "digest", s.Digest); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO screenings (id, at, actor, actor_kind, role, channel, queries, hits, matches, best_score, names, digest, data, packed)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			id, timestamp(s.Time), s.Actor, s.ActorKind, string(s.Role), s.Channel, s.Queries, s.Hits, s.Matches,
			int64(math.Round(s.BestScore*1000)), strings.Join(names, "\n"), s.Digest, text, packed)
		if err != nil {
			return fmt.Errorf("record screening: %w", err)
		}
		return nil
	})
	if err != nil {
		s.ID = 0
	}
	return err
}

const screeningColumns = `id, at, actor, actor_kind, role, channel, queries, hits, matches, best_score, digest, data, packed`

// scanScreening scans a row of screeningColumns into a record and its
// stored JSON.
func scanScreening(scan func(...any) error) (warden.Screening, storedRecord, error) {
	var s warden.Screening
	var at, role string
	var best int64
	var rec storedRecord
	if err := scan(&s.ID, &at, &s.Actor, &s.ActorKind, &role, &s.Channel, &s.Queries, &s.Hits, &s.Matches, &best, &s.Digest, &rec.data, &rec.packed); err != nil {
		return s, rec, err
	}
	s.Time, s.Role, s.BestScore = parseTime(at), warden.Role(role), float64(best)/1000
	return s, rec, nil
}

// Screening returns one screening's record in full; ENOTFOUND if there
// is none.
func (db *DB) Screening(ctx context.Context, id int64) (warden.Screening, error) {
	s, rec, err := scanScreening(db.sql.QueryRowContext(ctx, `SELECT `+screeningColumns+` FROM screenings WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return s, warden.Errorf(warden.ENOTFOUND, "screening %d not found", id)
	}
	if err != nil {
		return s, fmt.Errorf("screening: %w", err)
	}
	data, err := rec.json()
	if err != nil {
		return s, fmt.Errorf("screening %d: %w", id, err)
	}
	var d screeningData
	if err := json.Unmarshal(data, &d); err != nil {
		return s, fmt.Errorf("screening %d: %w", id, err)
	}
	s.Threshold, s.Limit, s.Lists, s.Items, s.Top = d.Threshold, d.Limit, d.Lists, d.Items, d.Top
	return s, nil
}

// Screenings returns the records f selects, newest first, without their
// items and hits but with the first item (the query, for a single
// search) and the lists searched. The WHERE clause holds only the filters
// set.
func (db *DB) Screenings(ctx context.Context, f warden.ScreeningFilter) ([]warden.Screening, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Channel != "" {
		add("channel = ?", f.Channel)
	}
	if !f.Since.IsZero() {
		add("at >= ?", timestamp(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < ?", timestamp(f.Until))
	}
	if f.Name != "" {
		add("names LIKE ? ESCAPE '\\'", "%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Name))+"%")
	}
	if f.MatchesOnly {
		where = append(where, "matches > 0")
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	q := `SELECT ` + screeningColumns + ` FROM screenings`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("screenings: %w", err)
	}
	defer rows.Close()
	out := []warden.Screening{}
	for rows.Next() {
		s, rec, err := scanScreening(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("screenings: %w", err)
		}
		// The list needs the lists and the first query only.
		r, err := rec.reader()
		if err != nil {
			return nil, fmt.Errorf("screening %d: %w", s.ID, err)
		}
		var first *warden.ScreeningItem
		if s.Threshold, s.Lists, first, err = recordSummary(r); err != nil {
			return nil, fmt.Errorf("screening %d: %w", s.ID, err)
		}
		if first != nil {
			s.Items = []warden.ScreeningItem{*first}
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FileReport records that a report was filed (replacing an earlier
// record of the same report) with its audit event.
func (db *DB) FileReport(ctx context.Context, f warden.ReportFiling, ev *warden.AuditEvent) error {
	return db.change(ctx, ev, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO report_filings (kind, subject, reference, note, filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (kind, subject) DO UPDATE SET reference = excluded.reference, note = excluded.note, filed_by = excluded.filed_by, filed_at = excluded.filed_at`,
			f.Kind, f.Subject, f.Reference, f.Note, f.FiledBy, timestamp(f.FiledAt))
		if err != nil {
			return fmt.Errorf("file report: %w", err)
		}
		return nil
	})
}

// ReportFilings returns the filings of reports of kind, by subject.
func (db *DB) ReportFilings(ctx context.Context, kind string) (map[string]warden.ReportFiling, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT kind, subject, reference, note, filed_by, filed_at FROM report_filings WHERE kind = $1`, kind)
	if err != nil {
		return nil, fmt.Errorf("report filings: %w", err)
	}
	defer rows.Close()
	out := map[string]warden.ReportFiling{}
	for rows.Next() {
		var f warden.ReportFiling
		var at string
		if err := rows.Scan(&f.Kind, &f.Subject, &f.Reference, &f.Note, &f.FiledBy, &at); err != nil {
			return nil, fmt.Errorf("report filings: %w", err)
		}
		f.FiledAt = parseTime(at)
		out[f.Subject] = f
	}
	return out, rows.Err()
}
