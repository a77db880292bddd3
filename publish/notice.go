package publish

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"warden"
	"warden/sources/ofaccsv"
)

// MaxNoticeEntries is the most parties a notice names; a version that
// changes more (a first import of a whole list) says how many it left out.
const MaxNoticeEntries = 5000

// NoticeStore is what a notice reads: the changes of a version and the
// parties as they were before it. *store.DB implements it.
type NoticeStore interface {
	Changes(ctx context.Context, list string, from, to int, fn func(warden.Change) error) error
	Entity(ctx context.Context, id string, version int) (*warden.Entity, error)
}

// Notice says in words what a list version added, changed and removed, in
// the style of an official recent-actions notice, so that a person reads
// a publication without a diff tool. Entries are in OFAC's phrasing (the
// remarks of the legacy CSV export), so a notice and an export agree.
type Notice struct {
	List      string
	Version   int
	Published time.Time
	Added     []string
	Changed   []Amendment
	Removed   []string
	// Omitted counts the changes beyond MaxNoticeEntries left out.
	Omitted int
}

// Amendment is one changed party: its entry before and after, and the
// parts (names, remarks, addresses, programs) that went and came.
type Amendment struct {
	Before, After   string
	Dropped, Gained []string
}

// BuildNotice reads version v's changes and writes them as a Notice; a
// changed party is compared with itself at version v-1.
func BuildNotice(ctx context.Context, db NoticeStore, list string, v int, published time.Time) (*Notice, error) {
	if v < 1 {
		return nil, warden.Errorf(warden.EINVALID, "version must be a positive integer")
	}
	n := &Notice{List: list, Version: v, Published: published.UTC()}
	var modified []*warden.Entity
	err := db.Changes(ctx, list, v-1, v, func(c warden.Change) error {
		if len(n.Added)+len(modified)+len(n.Removed) >= MaxNoticeEntries {
			n.Omitted++
			return nil
		}
		switch c.Op {
		case "added":
			n.Added = append(n.Added, Entry(c.Entity))
		case "removed":
			n.Removed = append(n.Removed, Entry(c.Entity))
		default:
			modified = append(modified, c.Entity)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Read the earlier versions after the changes: one query at a time.
	for _, e := range modified {
		old, err := db.Entity(ctx, e.ID, v-1)
		if err != nil {
			return nil, err
		}
		was, now := entryParts(old), entryParts(e)
		n.Changed = append(n.Changed, Amendment{Before: Entry(old), After: Entry(e), Dropped: minus(was, now), Gained: minus(now, was)})
	}
	return n, nil
}

// Entry writes a party as an official notice lists it: the primary name,
// the other names in parentheses, the addresses, the remarks in OFAC's
// phrasing, "(individual)" for a person and the programs in brackets,
// with every invisible or format character shown as its code point
// (warden.Visible: "YAKU<U+200B>BETS"):
//
//	YAKUBETS, Maksim Viktorovich (a.k.a. YAKUBETS, Maxim); DOB 20 May 1987;
//	nationality Russia; Digital Currency Address - XBT 1Aj...; (individual) [CYBER2].
func Entry(e *warden.Entity) string {
	parts := entryParts(e)
	var b strings.Builder
	b.WriteString(e.Caption())
	var akas []string
	for _, p := range parts {
		if strings.HasPrefix(p, nameMark) {
			akas = append(akas, strings.TrimPrefix(p, nameMark))
		}
	}
	if len(akas) > 0 {
		b.WriteString(" (" + strings.Join(akas, "; ") + ")")
	}
	for _, p := range parts {
		switch {
		case strings.HasPrefix(p, addressMark):
			b.WriteString(", " + strings.TrimPrefix(p, addressMark))
		case strings.HasPrefix(p, remarkMark):
			b.WriteString("; " + strings.TrimPrefix(p, remarkMark))
		}
	}
	if e.Schema == warden.SchemaPerson {
		b.WriteString(" (individual)")
	}
	for _, p := range e.Programs {
		b.WriteString(" [" + p + "]")
	}
	b.WriteString(".")
	return warden.Visible(b.String())
}

// Marks keep the kinds of entry parts apart; Entry and the amendments'
// lists take them off.
const (
	nameMark    = "\x00n"
	addressMark = "\x00a"
	remarkMark  = "\x00r"
	programMark = "\x00p"
)

// entryParts lists what an entry says, each part marked with its kind.
func entryParts(e *warden.Entity) []string {
	var parts []string
	caption := e.Caption()
	kinds := map[warden.NameKind]string{warden.NameFKA: "f.k.a.", warden.NameNKA: "n.k.a.", warden.NameWeak: "a.k.a. (low quality)"}
	for _, n := range e.Names {
		if n.Full == caption && n.Kind == warden.NamePrimary {
			continue
		}
		k := kinds[n.Kind]
		if k == "" {
			k = "a.k.a."
		}
		parts = append(parts, nameMark+k+" "+n.Full)
	}
	for _, a := range e.Addresses {
		s := a.Full
		if s == "" {
			country := a.CountryName
			if country == "" {
				country = a.Country
			}
			s = joinNonEmpty(", ", a.Street, joinNonEmpty(" ", a.City, a.Region, a.PostalCode), country)
		}
		if s != "" {
			parts = append(parts, addressMark+s)
		}
	}
	if r := strings.TrimSuffix(ofaccsv.Remarks(e), "."); r != "" {
		for _, p := range strings.Split(r, "; ") {
			parts = append(parts, remarkMark+p)
		}
	}
	for _, p := range e.Programs {
		parts = append(parts, programMark+"["+p+"]")
	}
	return parts
}

// minus returns the parts of a that b lacks, unmarked and with invisible
// characters shown (warden.Visible).
func minus(a, b []string) []string {
	var out []string
	for _, p := range a {
		if !slices.Contains(b, p) {
			out = append(out, warden.Visible(p[2:]))
		}
	}
	return out
}

func joinNonEmpty(sep string, s ...string) string {
	return strings.Join(slices.DeleteFunc(s, func(x string) bool { return strings.TrimSpace(x) == "" }), sep)
}

// Text writes the notice as plain text, one paragraph per entry.
func (n *Notice) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, version %d, published %s\n", n.List, n.Version, n.Published.Format("2 January 2006 15:04 UTC"))
	if len(n.Added)+len(n.Changed)+len(n.Removed) == 0 {
		b.WriteString("\nThis version changed no entry.\n")
	}
	if len(n.Added) > 0 {
		fmt.Fprintf(&b, "\nThe following have been added to the %s list:\n", n.List)
		for _, e := range n.Added {
			b.WriteString("\n" + e + "\n")
		}
	}
	if len(n.Changed) > 0 {
		fmt.Fprintf(&b, "\nThe following entries on the %s list have been changed:\n", n.List)
		for _, a := range n.Changed {
			fmt.Fprintf(&b, "\n%s -to- %s\n", a.Before, a.After)
			if len(a.Dropped) > 0 {
				b.WriteString("Removed: " + strings.Join(a.Dropped, "; ") + "\n")
			}
			if len(a.Gained) > 0 {
				b.WriteString("Added: " + strings.Join(a.Gained, "; ") + "\n")
			}
		}
	}
	if len(n.Removed) > 0 {
		fmt.Fprintf(&b, "\nThe following have been removed from the %s list:\n", n.List)
		for _, e := range n.Removed {
			b.WriteString("\n" + e + "\n")
		}
	}
	if n.Omitted > 0 {
		fmt.Fprintf(&b, "\n%d further changes are not listed here; see the version's export.\n", n.Omitted)
	}
	return b.String()
}
