package warden

import (
	"regexp"
	"time"
)

// List is a named sanctions list kept in Warden, such as "ofac" or "un".
type List struct {
	Name           string    `json:"name"`
	CurrentVersion int       `json:"current_version"`
	Entities       int       `json:"entities"`
	CreatedAt      time.Time `json:"created_at"`
	// ListDate is the list's own date (YYYY-MM-DD): the newest that its
	// publisher stated (or a person gave with --list-date) for the
	// current version or a later check of it, or else for the latest
	// earlier version that had one, so that an import of files that state
	// no date (OFAC's CSV, the CSL) does not lose it. Empty when no
	// version had one. Freshness is judged by it.
	ListDate string `json:"list_date,omitempty"`
	// ListDateVersion is the version ListDate was stated for: below
	// CurrentVersion when the current version's files stated none.
	ListDateVersion int `json:"list_date_version,omitempty"`
	// LastChanged is when the current version was imported: when the
	// list last changed.
	LastChanged time.Time `json:"last_changed,omitzero"`
	// LastChecked is when an import last read the list's files: the
	// current version's own import, or a later one that found them
	// identical and stored a check instead of an empty version.
	LastChecked time.Time `json:"last_checked,omitzero"`
}

// ListCheck is an import that found a list's files identical to its
// current version: no version is stored, but that the list was checked,
// when, by whom and what date the files stated is, so that freshness
// tells a list that did not change from one nobody looked at.
type ListCheck struct {
	List      string    `json:"list"`
	Version   int       `json:"version"` // the current version the files matched
	Format    string    `json:"format"`
	Published string    `json:"published,omitempty"` // the list date the files (or --list-date) stated
	CheckedAt time.Time `json:"checked_at"`
	Warnings  int       `json:"warnings"`
	Actor     string    `json:"actor,omitempty"`
}

// ListVersion is one import of a list and what it changed.
type ListVersion struct {
	List       string    `json:"list"`
	Version    int       `json:"version"`
	Format     string    `json:"format"`
	Published  string    `json:"published,omitempty"` // the list's own date
	ImportedAt time.Time `json:"imported_at"`
	Entities   int       `json:"entities"`
	Added      int       `json:"added"`
	Modified   int       `json:"modified"`
	Removed    int       `json:"removed"`
	Warnings   int       `json:"warnings"`
	// WarningSample holds the first warnings, for a person to look at.
	WarningSample []Warning `json:"warning_sample,omitempty"`
	// Components are the files of a multi-file format (OFAC CSV) that the
	// version was read from, each true when the file ended with its
	// format's end-of-file mark (see SourceMeta.Components): the import
	// guards refuse a next version without one of them, or with one that
	// lost its mark. Nil for single-file formats, and for versions
	// imported before Warden recorded them.
	Components map[string]bool `json:"components,omitempty"`
	// Unchanged is set on the answer of an import whose files held the
	// current version's parties exactly: no version was stored (this is
	// the current one), a ListCheck was.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Drop is how much of one kind of a list's content (its names,
// identifiers or addresses) a new version would take away from the version
// it replaces, counted over all the parties: a removed party drops all of
// its own, a modified one what it no longer has. The import guards weigh
// drops as they weigh removed parties, since a missing, empty or cut
// companion file (OFAC's alt.csv) strips the a.k.a.s of parties that stay
// listed, and a party that is listed but cannot be found by its other
// names is as good as removed.
type Drop struct {
	What    string // "names", "identifiers", "addresses" or "wallets"
	Dropped int
	Of      int // how many the replaced version holds
}

// Change is one party added, modified or removed by a list version.
type Change struct {
	Op     string  `json:"op"` // "added", "modified", "removed"
	Entity *Entity `json:"entity"`
}

var reListName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ValidListName reports whether name may name a list: lower-case letters,
// digits, '.', '_' and '-', at most 64 characters. Entity ids are
// "list:source_id", so a list name never holds ':'.
func ValidListName(name string) bool { return reListName.MatchString(name) }
