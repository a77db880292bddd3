package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"warden"
	"warden/enforcement"
	"warden/internal/csvsafe"
	"warden/match"
	"warden/screening"
)

// Bulk work from the UI: a CSV of queries screened, or of customers
// onboarded, in the background, the page showing its progress until the
// result can be downloaded as CSV. Jobs live in the server's memory: a
// restart forgets them (customers onboarded stay onboarded; the API and
// `warden customer import` are the way for work that must survive one).

// Bulk limits.
const (
	maxBulkScreenUpload   = maxBatchBody  // a bulk screening's CSV
	maxBulkCustomerUpload = maxImportBody // a customer upload's CSV
	// maxBulkRows is the most rows one bulk job takes.
	maxBulkRows = 100_000
	// bulkRunning is how many jobs one person may have running at once,
	// bulkKept how many jobs the server keeps in all, bulkTTL how long a
	// finished one stays to be downloaded.
	bulkRunning = 2
	bulkKept    = 100
	bulkTTL     = 2 * time.Hour
	// bulkTimeout bounds a job's run.
	bulkTimeout = time.Hour
)

// bulkJob is one bulk screening or customer upload.
type bulkJob struct {
	ID, Kind, File string // Kind: "screen" or "customers"
	Owner          string // who started it: only they see it
	Total          int
	Started        time.Time
	done           atomic.Int64
	evidence       atomic.Int64 // the screening's record, once saved

	mu       sync.Mutex
	finished time.Time
	err      string
	summary  string
	result   []byte
}

// bulkStatus is a job as its page shows it.
type bulkStatus struct {
	ID, Kind, File  string
	Done, Total     int
	Percent         int
	Running         bool
	HasResult       bool
	Evidence        int64
	Error, Summary  string
	Started, Finish time.Time
}

func (j *bulkJob) status() bulkStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := bulkStatus{ID: j.ID, Kind: j.Kind, File: j.File, Done: int(j.done.Load()), Total: j.Total, Running: j.finished.IsZero(),
		HasResult: j.result != nil, Evidence: j.evidence.Load(), Error: j.err, Summary: j.summary, Started: j.Started, Finish: j.finished}
	if st.Total > 0 {
		st.Percent = st.Done * 100 / st.Total
	}
	if !st.Running && st.Error == "" {
		st.Percent = 100
	}
	return st
}

// finish records a job's end: its result CSV, or the error that stopped it.
func (j *bulkJob) finish(now time.Time, result []byte, summary string, err string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.finished, j.result, j.summary, j.err = now, result, summary, err
}

// bulkJobs are the server's jobs by id.
type bulkJobs struct {
	mu   sync.Mutex
	jobs map[string]*bulkJob
}

// add registers a new job of owner's, forgetting finished jobs past
// bulkTTL; refused when owner already runs bulkRunning jobs or the server
// keeps bulkKept.
func (b *bulkJobs) add(j *bulkJob, now time.Time) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.jobs == nil {
		b.jobs = map[string]*bulkJob{}
	}
	running := 0
	for id, x := range b.jobs {
		st := x.status()
		if !st.Running && now.Sub(st.Finish) > bulkTTL {
			delete(b.jobs, id)
			continue
		}
		if st.Running && x.Owner == j.Owner {
			running++
		}
	}
	if running >= bulkRunning {
		return warden.Errorf(warden.ERATELIMITED, "you already have %d bulk jobs running; wait for one to finish", running)
	}
	if len(b.jobs) >= bulkKept {
		return warden.Errorf(warden.EUNAVAILABLE, "the server holds %d bulk jobs; try again later", len(b.jobs))
	}
	b.jobs[j.ID] = j
	return nil
}

// get is owner's job id; not found for anyone else.
func (b *bulkJobs) get(id, owner string) (*bulkJob, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if j := b.jobs[id]; j != nil && j.Owner == owner {
		return j, nil
	}
	return nil, warden.Errorf(warden.ENOTFOUND, "bulk job %q not found (jobs are kept %s after they finish)", id, bulkTTL)
}

// mine are owner's jobs, newest first.
func (b *bulkJobs) mine(owner string) []bulkStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []bulkStatus
	for _, j := range b.jobs {
		if j.Owner == owner {
			out = append(out, j.status())
		}
	}
	slices.SortFunc(out, func(a, b bulkStatus) int { return b.Started.Compare(a.Started) })
	return out
}

func (s *Server) bulkPage(w http.ResponseWriter, r *http.Request) {
	s.bulkView(w, r, http.StatusOK, "")
}

func (s *Server) bulkView(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	p, _ := warden.PrincipalFrom(r.Context())
	s.render(w, r, status, "bulk", view{Title: "Bulk screening and upload", Nav: "bulk", Error: errMsg, Data: map[string]any{
		"Jobs": s.bulk.mine(p.Name), "Columns": strings.Join(screening.BatchColumns, ","), "CustomerColumns": "id,schema,name,country,birth_date,address,account,wallet,identifiers,ip,domain,email",
		"MaxRows": maxBulkRows}})
}

// uploaded is the CSV file of the form's part "file", read within limit.
func uploaded(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, string, error) {
	if r.MultipartForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := r.ParseMultipartForm(uploadMemory); err != nil {
			if errors.As(err, new(*http.MaxBytesError)) {
				return nil, "", warden.Errorf(warden.ETOOLARGE, "file: larger than %d MiB; split it", limit>>20)
			}
			return nil, "", warden.Errorf(warden.EINVALID, "file: the upload could not be read: %v", err)
		}
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, "", warden.Errorf(warden.EINVALID, "file: choose a CSV file")
	}
	defer f.Close()
	b, err := readAllLimit(f, limit)
	if err != nil {
		return nil, "", err
	}
	name := hdr.Filename
	if name == "" {
		name = "upload.csv"
	}
	return b, name, nil
}

// readAllLimit reads f, refusing more than limit bytes.
func readAllLimit(f multipart.File, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, warden.Errorf(warden.EINVALID, "file: %v", err)
	}
	if int64(len(b)) > limit {
		return nil, warden.Errorf(warden.ETOOLARGE, "file: larger than %d MiB; split it", limit>>20)
	}
	return b, nil
}

// bulkScreenForm starts screening every row of the uploaded CSV (the
// columns of warden screen --input) and shows the job's page.
func (s *Server) bulkScreenForm(w http.ResponseWriter, r *http.Request) {
	b, name, err := uploaded(w, r, maxBulkScreenUpload)
	var rows []screening.Row
	if err == nil {
		rows, err = screening.ReadBatch(r.Context(), warden.Input{Open: func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}, name, nil)
	}
	if err == nil {
		err = checkBulkRows(len(rows))
	}
	for i := 0; err == nil && i < len(rows); i++ {
		for _, d := range rows[i].Query.Query().BirthDates {
			if err = checkDate(rows[i].Pos+": birth_date", d); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = s.chargeQueries(w, r, len(rows))
	}
	if err != nil {
		s.bulkFailed(w, r, err)
		return
	}
	s.startBulk(w, r, "screen", name, len(rows), func(ctx context.Context, j *bulkJob) ([]byte, string, error) {
		// The CSV of warden screen --input --output R.csv: one row per
		// query, the best match and why, the others named.
		var out bytes.Buffer
		cw := csvsafe.NewWriter(&out)
		cw.Write(screening.CSVHeader)
		matched := 0
		evidence := s.Screening.NewRecord(ctx, warden.ChannelUI, match.Options{})
		evidence.Grow(len(rows))
		err := s.Screening.Batch(ctx, rows, match.Options{}, func(row screening.Row, resp screening.Response) error {
			evidence.Add(row.Pos, resp)
			rec := screening.CSVRecord(row.Pos, resp)
			for i, c := range rec {
				rec[i] = warden.Visible(c)
			}
			if rec[slices.Index(screening.CSVHeader, "entity_id")] != "" {
				matched++
			}
			return cw.Write(rec)
		}, func() { j.done.Add(1) })
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		if err == nil {
			// Recorded as every screening is: its evidence page and PDF.
			var sc *warden.Screening
			if sc, err = evidence.Save(ctx); err == nil {
				j.evidence.Store(sc.ID)
			}
		}
		return out.Bytes(), fmt.Sprintf("%d queries screened, %d with a match.", len(rows), matched), err
	})
}

// bulkCustomersForm starts onboarding every customer of the uploaded CSV
// (the columns of POST /v1/customers/import), each screened and decided
// by policy and audited as the API does, and shows the job's page.
func (s *Server) bulkCustomersForm(w http.ResponseWriter, r *http.Request) {
	b, name, err := uploaded(w, r, maxBulkCustomerUpload)
	var cs []warden.Customer
	var lines []int
	if err == nil {
		cs, lines, err = enforcement.ReadCustomers(bytes.NewReader(b), name)
	}
	if err == nil {
		err = checkBulkRows(len(cs))
	}
	if err != nil {
		s.bulkFailed(w, r, err)
		return
	}
	s.startBulk(w, r, "customers", name, len(cs), func(ctx context.Context, j *bulkJob) ([]byte, string, error) {
		rows, sum, err := s.Enforcement.Import(ctx, cs, lines, func() { j.done.Add(1) })
		var out bytes.Buffer
		cw := csvsafe.NewWriter(&out)
		cw.Write([]string{"line", "id", "decision", "hits", "cases", "existed", "error"})
		for _, row := range rows {
			if row.ID == "" && row.Line == 0 {
				continue // not reached: the import stopped before it
			}
			var cases []string
			for _, c := range row.Cases {
				cases = append(cases, strconv.FormatInt(c, 10))
			}
			cw.Write([]string{strconv.Itoa(row.Line), visible(row.ID), row.Decision, strconv.Itoa(row.Hits), strings.Join(cases, "; "), strconv.FormatBool(row.Existed), row.Error})
		}
		cw.Flush()
		var ds []string
		for _, d := range []string{warden.DecisionCleared, warden.DecisionHeld, warden.DecisionBlocked, warden.DecisionRejected} {
			if n := sum.Decision[d]; n > 0 {
				ds = append(ds, fmt.Sprintf("%d %s", n, d))
			}
		}
		summary := fmt.Sprintf("%d customers: %s; %d already onboarded, %d refused.", sum.Rows, strings.Join(ds, ", "), sum.Existed, sum.Errors)
		return out.Bytes(), summary, err
	})
}

// checkBulkRows refuses an empty upload or one past maxBulkRows.
func checkBulkRows(n int) error {
	if n == 0 || n > maxBulkRows {
		return warden.Errorf(warden.EINVALID, "file: a bulk upload holds 1 to %d rows, not %d", maxBulkRows, n)
	}
	return nil
}

// bulkFailed shows the bulk page again with the error of an upload refused.
func (s *Server) bulkFailed(w http.ResponseWriter, r *http.Request, err error) {
	status, _, detail := s.status(r, err)
	s.bulkView(w, r, status, detail)
}

// startBulk runs work in the background as the person who asked, beyond
// the request (not cancelled with it, within bulkTimeout), and sends them
// to the job's page.
func (s *Server) startBulk(w http.ResponseWriter, r *http.Request, kind, file string, total int, work func(context.Context, *bulkJob) ([]byte, string, error)) {
	p, _ := warden.PrincipalFrom(r.Context())
	id := make([]byte, 12)
	rand.Read(id)
	j := &bulkJob{ID: hex.EncodeToString(id), Kind: kind, File: file, Owner: p.Name, Total: total, Started: s.now()}
	if err := s.bulk.add(j, s.now()); err != nil {
		s.bulkFailed(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), bulkTimeout)
	go func() {
		defer cancel()
		defer func() {
			if v := recover(); v != nil {
				s.Log.Error("bulk job panic", "job", j.ID, "panic", v)
				j.finish(s.now(), nil, "", "internal error; quote bulk job "+j.ID)
			}
		}()
		result, summary, err := work(ctx, j)
		msg := ""
		if err != nil {
			_, _, msg = s.status(r, err)
		}
		j.finish(s.now(), result, summary, msg)
	}()
	http.Redirect(w, r, "/bulk/"+j.ID, http.StatusSeeOther)
}

// bulkJobPage shows a job's progress; while it runs the page asks for
// itself again every second (htmx), swapping the progress in place.
func (s *Server) bulkJobPage(w http.ResponseWriter, r *http.Request) {
	p, _ := warden.PrincipalFrom(r.Context())
	j, err := s.bulk.get(r.PathValue("id"), p.Name)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "bulk-job", view{Title: "Bulk job", Nav: "bulk", Data: j.status()})
}

// bulkResult downloads a finished job's result CSV.
func (s *Server) bulkResult(w http.ResponseWriter, r *http.Request) {
	p, _ := warden.PrincipalFrom(r.Context())
	j, err := s.bulk.get(r.PathValue("id"), p.Name)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	j.mu.Lock()
	result, running := j.result, j.finished.IsZero()
	j.mu.Unlock()
	if running || result == nil {
		s.errorPage(w, r, warden.Errorf(warden.ECONFLICT, "bulk job %s has no result yet", j.ID))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+j.Kind+"-"+j.ID+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(result)
}
