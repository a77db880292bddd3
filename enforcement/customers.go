package enforcement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"warden"
)

// checkCustomer rejects a customer that cannot be registered or screened.
func checkCustomer(c *warden.Customer) error {
	c.ID, c.Name = strings.TrimSpace(c.ID), strings.TrimSpace(c.Name)
	if c.ID == "" {
		return warden.Errorf(warden.EINVALID, "a customer id is 1 to 100 printable characters")
	}
	if err := warden.CheckText(warden.TextID, "id", c.ID, 100); err != nil {
		return err
	}
	p := customerParty(*c)
	if err := checkParty("customer "+c.ID+": ", &p); err != nil {
		return err
	}
	if err := checkChannel("customer "+c.ID+": ", &p); err != nil {
		return err
	}
	c.Account, c.Wallet, c.IP, c.Domain, c.Email = p.Account, p.Wallet, p.IP, p.Domain, p.Email
	if c.Name == "" && c.Wallet == "" && len(c.Identifiers) == 0 && c.IP == "" && c.Domain == "" && c.Email == "" {
		return warden.Errorf(warden.EINVALID, "customer %s: nothing to screen (give a name, wallet, identifier, ip, domain or email)", c.ID)
	}
	// What Warden sets is not the caller's to give.
	c.Decision, c.Status, c.Hits, c.Cases, c.OnboardedBy = "", "", nil, nil, ""
	c.OnboardedAt, c.RescreenedAt = time.Time{}, time.Time{}
	return nil
}

// customerParty is a customer as the party screened, in the role
// "customer".
func customerParty(c warden.Customer) warden.TxParty {
	return warden.TxParty{Role: "customer", Schema: c.Schema, Name: c.Name, Country: c.Country, BirthDate: c.BirthDate, Address: c.Address, Account: c.Account, Wallet: c.Wallet, Identifiers: c.Identifiers,
		IP: c.IP, Domain: c.Domain, Email: c.Email}
}

// Onboard registers a customer and screens it with the payments' policy:
// cleared, held for an analyst (with a case per possible hit), blocked or
// rejected. Registering the same customer again returns the first decision
// and changes nothing; the same id with other details is ECONFLICT.
func (s *Service) Onboard(ctx context.Context, c warden.Customer) (warden.Customer, bool, error) {
	p, err := warden.Authorize(ctx, warden.ActCustomersAdd)
	if err != nil {
		return c, false, err
	}
	if err := checkCustomer(&c); err != nil {
		return c, false, err
	}
	b, _ := json.Marshal(c) // before Warden's fields: the idempotency hash
	sum := sha256.Sum256(b)
	ref := warden.CustomerReference(c.ID)
	d, cases, _, err := s.decide(ctx, p, ref, warden.Money{}, []warden.TxParty{customerParty(c)})
	if err != nil {
		return c, false, err
	}
	c.OnboardedAt, c.OnboardedBy = d.DecidedAt, p.Name
	ev := warden.NewAuditEvent(ctx, "customer.onboard", ref, "", map[string]any{"decision": d.Decision, "hits": len(d.Hits)})
	existed, err := s.DB.RecordCustomer(ctx, &c, &d, hex.EncodeToString(sum[:]), cases, ev)
	if err != nil {
		return c, false, err
	}
	if existed {
		c, err = s.DB.Customer(ctx, c.ID)
		return c, true, err
	}
	c.Decision, c.Status, c.Hits, c.Cases = d.Decision, d.Status, d.Hits, d.Cases
	return c, false, nil
}

// Customer returns one customer with its decision and status now.
func (s *Service) Customer(ctx context.Context, id string) (warden.Customer, error) {
	if _, err := warden.Authorize(ctx, warden.ActCustomersRead); err != nil {
		return warden.Customer{}, err
	}
	return s.DB.Customer(ctx, id)
}

// Customers lists the register in id order, a page at a time.
func (s *Service) Customers(ctx context.Context, f warden.CustomerFilter) ([]warden.Customer, error) {
	if _, err := warden.Authorize(ctx, warden.ActCustomersRead); err != nil {
		return nil, err
	}
	switch f.Status {
	case "", warden.DecisionCleared, warden.DecisionHeld, warden.DecisionBlocked, warden.DecisionRejected:
	default:
		return nil, warden.Errorf(warden.EINVALID, "status must be cleared, held, blocked or rejected")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	return s.DB.Customers(ctx, f)
}

// MaxImport is the most customers one import may hold.
const MaxImport = 100_000

// ImportRow is the outcome of one row of a customer import.
type ImportRow struct {
	Line     int     `json:"line"`
	ID       string  `json:"id"`
	Decision string  `json:"decision,omitempty"`
	Hits     int     `json:"hits"`
	Cases    []int64 `json:"cases,omitempty"`
	Existed  bool    `json:"existed,omitempty"`
	Error    string  `json:"error,omitempty"`
}

// ImportSummary counts an import's outcomes.
type ImportSummary struct {
	Rows     int            `json:"rows"`
	Errors   int            `json:"errors"`
	Existed  int            `json:"existed"`
	Decision map[string]int `json:"decisions"`
}

// ReadCustomers reads customers from CSV with a header naming any of id,
// schema, name, country, birth_date, address, account, wallet, identifiers
// (separated by ';'), ip, domain and email; id is required. It returns each customer's line.
func ReadCustomers(r io.Reader, name string) ([]warden.Customer, []int, error) {
	cr, col, err := readHeader(r, name, customerColumns)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := col["id"]; !ok {
		return nil, nil, warden.Errorf(warden.EINVALID, "%s:1: the header needs id (columns: %s)", name, strings.Join(customerColumns, ","))
	}
	get := cells(col)
	var out []warden.Customer
	var lines []int
	for {
		rec, line, err := readRow(cr, name, col)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if len(out) == MaxImport {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s: more than %d customers; split the file", name, MaxImport)
		}
		c := warden.Customer{ID: get(rec, "id"), Schema: warden.Schema(get(rec, "schema")), Name: get(rec, "name"), Country: get(rec, "country"),
			BirthDate: get(rec, "birth_date"), Address: get(rec, "address"), Account: get(rec, "account"), Wallet: get(rec, "wallet"), IP: get(rec, "ip"), Domain: get(rec, "domain"), Email: get(rec, "email")}
		c.Identifiers = splitIdentifiers(get(rec, "identifiers"))
		out, lines = append(out, c), append(lines, line)
	}
	return out, lines, nil
}

// Import onboards customers on all cores. A row that cannot be onboarded
// (bad input, a conflicting earlier registration) is reported with its
// line and does not stop the others; progress, if not nil, is called after
// each row, never by two goroutines at once. Rows come back in input order.
func (s *Service) Import(ctx context.Context, cs []warden.Customer, lines []int, progress func()) ([]ImportRow, ImportSummary, error) {
	if _, err := warden.Authorize(ctx, warden.ActCustomersAdd); err != nil {
		return nil, ImportSummary{}, err
	}
	rows := make([]ImportRow, len(cs))
	var g errgroup.Group
	g.SetLimit(workers())
	var progressMu sync.Mutex // progress is called by one goroutine at a time
	for i := range cs {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			c, existed, err := s.Onboard(ctx, cs[i])
			rows[i] = ImportRow{Line: lines[i], ID: cs[i].ID, Decision: c.Decision, Hits: len(c.Hits), Cases: c.Cases, Existed: existed}
			if progress != nil {
				progressMu.Lock()
				progress()
				progressMu.Unlock()
			}
			if err == nil {
				return nil
			}
			rows[i].Decision = ""
			rows[i].Error = warden.ErrorMessage(err)
			if code := warden.ErrorCode(err); code == warden.EINVALID || code == warden.ECONFLICT {
				return nil // the row's own fault: reported in its row
			}
			return err
		})
	}
	fatal := g.Wait()
	if fatal == nil {
		fatal = ctx.Err()
	}
	sum := ImportSummary{Rows: len(rows), Decision: map[string]int{}}
	for _, r := range rows {
		switch {
		case r.Error != "":
			sum.Errors++
		case r.Existed:
			sum.Existed++
		}
		if r.Decision != "" {
			sum.Decision[r.Decision]++
		}
	}
	return rows, sum, fatal
}

// RescreenResult is what screening the register again did.
type RescreenResult struct {
	Versions  map[string]int `json:"versions"`  // the list versions screened against, by list
	Customers int            `json:"customers"` // cleared customers screened
	Changed   int            `json:"changed"`   // of them, now held, blocked or rejected
	Decisions map[string]int `json:"decisions"`
	Skipped   bool           `json:"skipped,omitempty"` // done, or being done by another node, against these versions
	// Of a run (RescreenIfNew): its mode (warden.RescreenFull or
	// RescreenDelta), the parties a delta screened against, the cases of
	// delisted parties flagged, the customers given the full decision,
	// its parts, and whether they went to the job queue rather than
	// being worked here (the counts are then the queue's to make).
	Mode     string `json:"mode,omitempty"`
	Parties  int    `json:"parties,omitempty"`
	Delisted int    `json:"delisted,omitempty"`
	Decided  int    `json:"decided,omitempty"`
	Parts    int    `json:"parts,omitempty"`
	Queued   bool   `json:"queued,omitempty"`
}

// Rescreen screens every cleared customer again against the current lists:
// a customer that now hits is held (with cases), blocked or rejected, as at
// onboarding; false positives cleared before stay cleared. Held, blocked
// and rejected customers are left as they are. progress, if not nil, is
// called after each customer, never by two goroutines at once.
func (s *Service) Rescreen(ctx context.Context, progress func()) (RescreenResult, error) {
	p, err := warden.Authorize(ctx, warden.ActCustomersAdd)
	if err != nil {
		return RescreenResult{}, err
	}
	res := RescreenResult{Versions: s.Screening.Versions(), Decisions: map[string]int{}}
	var mu sync.Mutex // guards res and calls progress
	var g errgroup.Group
	g.SetLimit(workers())
	after := ""
	var pageErr error
pages:
	for {
		cs, err := s.DB.Customers(ctx, warden.CustomerFilter{Status: warden.DecisionCleared, After: after, Limit: 1000})
		if err != nil || len(cs) == 0 {
			pageErr = err
			break
		}
		for _, c := range cs {
			if ctx.Err() != nil {
				break pages
			}
			g.Go(func() error {
				changed, decision, err := s.rescreenOne(ctx, p, "", c)
				mu.Lock()
				defer mu.Unlock()
				res.Customers++
				if changed {
					res.Changed++
					res.Decisions[decision]++
				}
				if progress != nil {
					progress()
				}
				if err != nil {
					return fmt.Errorf("customer %s: %w", c.ID, err)
				}
				return nil
			})
		}
		after = cs[len(cs)-1].ID
	}
	err = g.Wait()
	if err == nil {
		err = pageErr
	}
	if err == nil {
		err = ctx.Err()
	}
	return res, err
}

// workers is how many customers are onboarded or screened at once: more
// than the cores, so that group commit batches the writes.
func workers() int { return max(2, 4*runtime.GOMAXPROCS(0)) }

// rescreenOne gives one cleared customer the full decision again,
// recording a change as run's ("" for none).
func (s *Service) rescreenOne(ctx context.Context, p warden.Principal, run string, c warden.Customer) (bool, string, error) {
	ref := warden.CustomerReference(c.ID)
	d, cases, _, err := s.decide(ctx, p, ref, warden.Money{}, []warden.TxParty{customerParty(c)})
	if err != nil || d.Decision == warden.DecisionCleared {
		return false, "", err
	}
	ev := warden.NewAuditEvent(ctx, "customer.rescreen", ref, "", map[string]any{"decision": d.Decision, "hits": len(d.Hits)})
	changed, err := s.DB.RescreenCustomer(ctx, run, c.ID, &d, cases, ev)
	return changed, d.Decision, err
}

// intelKey is what a re-screening's key adds for the intelligence its
// indicators came from: " intel:N", N the generation that every change to
// them moves; "" without indicators that say so.
func (s *Service) intelKey(ctx context.Context) (string, error) {
	g, ok := s.Indicators.(generationer)
	if !ok {
		return "", nil
	}
	n, err := g.Generation(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(" intel:%d", n), nil
}

// versionsKey is the stored key of a set of list versions, such as
// "map[ofac:3 un:1]" (fmt prints maps sorted by key), kept in the form
// earlier re-screenings were recorded under.
func versionsKey(v map[string]int) string { return fmt.Sprint(v) }
