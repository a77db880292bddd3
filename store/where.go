package store

import (
	"strconv"
	"strings"
)

// where builds a WHERE clause from the filters a query actually has, and
// its arguments, numbered from $1. An optional filter written into the
// statement as
//
//	($1 = '' OR col = $1)
//
// cannot use an index: SQLite plans the statement before it sees the
// values, and PostgreSQL's generic plan for a cached statement does too,
// so both scan (213–268 ms for one reference among 300,000 ledger rows on
// SQLite, 0.3 ms with "reference = $1").
type where struct {
	conds []string
	args  []any
	lead  []string // the columns eqLeading fixed, in order
}

// arg adds v to the arguments and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// and adds cond, whose placeholders come from arg.
func (w *where) and(cond string) { w.conds = append(w.conds, cond) }

// eq adds "col = v" if v is set: an empty filter selects everything.
func (w *where) eq(col, v string) {
	if v != "" {
		w.and(col + " = " + w.arg(v))
	}
}

// eqLeading adds "col = v" if v is set, for a column of few values whose
// rows cluster (the open cases are the newest, at the end of the id
// order), ordered by an index on (col, the order). Given "col = $1",
// PostgreSQL drops col from the order as a constant and, estimating that
// a common value comes soon enough, reads the primary key's index in
// order and filters: every decided case before the first open one. So
// the value is written as a range, which is no constant, and col leads
// orderBy: the index on (col, the order) is then the one way to the
// order without sorting.
func (w *where) eqLeading(col, v string) {
	if v != "" {
		p := w.arg(v)
		w.and(col + " >= " + p + " AND " + col + " <= " + p)
		w.lead = append(w.lead, col)
	}
}

// orderBy is " ORDER BY cols", led by the columns eqLeading fixed.
func (w *where) orderBy(cols string) string {
	return " ORDER BY " + strings.Join(append(w.lead[:len(w.lead):len(w.lead)], cols), ", ")
}

// String is the clause, " WHERE a AND b", or "" without conditions.
func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
