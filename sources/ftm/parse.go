package ftm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"warden"
	"warden/internal/textio"
)

// Parser reads FtM entity JSON lines.
type Parser struct{}

// DeltaParser reads FtM delta JSON lines ({"op": "ADD"|"MOD"|"DEL", ...}).
type DeltaParser struct{}

// Detect reports whether head is FtM JSON lines; delta tells the kind.
func Detect(head []byte) (ftm, delta bool) {
	h := strings.TrimSpace(strings.TrimPrefix(string(head), "\xEF\xBB\xBF"))
	if !strings.HasPrefix(h, "{") {
		return false, false
	}
	first, _, _ := strings.Cut(h, "\n")
	if strings.HasPrefix(first, `{"op"`) || strings.Contains(first, `"op":`) && strings.Contains(first, `"entity":`) {
		return true, true
	}
	return strings.Contains(first, `"schema"`) && strings.Contains(first, `"properties"`), false
}

func eachLine(ctx context.Context, in warden.Input, fn func(pos string, line []byte) error) error {
	return textio.EachFile(in, true, func(f *textio.File) error {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), textio.MaxLine)
		n := 1
		for ; sc.Scan(); n++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(fmt.Sprintf("%s:%d", f.Name, n), sc.Bytes()); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			return warden.Invalid(fmt.Sprintf("%s:%d", f.Name, n), err)
		}
		return nil
	})
}

// Parse reads whole-list FtM files. Parties are held until the end, because
// Sanction, Ownership, Address and wallet entities that refer to them may come
// before or after them.
func (Parser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	var meta warden.SourceMeta
	g := newGraph()
	err := eachLine(ctx, in, func(pos string, line []byte) error {
		var x Entity
		if err := json.Unmarshal(line, &x); err != nil {
			return warden.Invalid(pos, err)
		}
		if x.ID == "" || x.Schema == "" {
			return warden.Invalid(pos, fmt.Errorf("entity without id or schema"))
		}
		if err := g.add(&x, pos); err != nil {
			return err
		}
		if x.LastSeen > meta.Published {
			meta.Published = x.LastSeen
		}
		return nil
	})
	if err != nil {
		return meta, err
	}
	if len(meta.Published) > 10 {
		meta.Published = meta.Published[:10]
	}
	return meta, g.emit(sink)
}

// Parse applies delta operations: ADD and MOD put parties, DEL deletes them.
// A CryptoWallet whose holder is the party put just before it (as Warden's
// own writer emits them) becomes that party's identifier; any other wallet is
// a party of its own. An Ownership whose asset is that party becomes its
// owned_by link, named after the owner if the delta puts the owner too.
// Its list date is the newest last_seen of the entities it puts, as for
// whole FtM files.
func (DeltaParser) Parse(ctx context.Context, in warden.Input, sink warden.Sink) (warden.SourceMeta, error) {
	var meta warden.SourceMeta
	var last *warden.Entity
	captions := map[string]string{}
	err := eachLine(ctx, in, func(pos string, line []byte) error {
		var op Op
		if err := json.Unmarshal(line, &op); err != nil {
			return warden.Invalid(pos, err)
		}
		if op.Entity == nil || op.Entity.ID == "" {
			return warden.Invalid(pos, fmt.Errorf("operation without entity id"))
		}
		switch op.Op {
		case "DEL":
			last = nil
			return sink.Delete(op.Entity.ID)
		case "ADD", "MOD":
			x := op.Entity
			if x.LastSeen > meta.Published {
				meta.Published = x.LastSeen
			}
			if h := x.Properties["holder"]; x.Schema == "CryptoWallet" && last != nil && len(h) > 0 && h[0] == last.SourceID {
				addWallet(last, x)
				return sink.Put(last)
			}
			if a := x.Properties["asset"]; x.Schema == "Ownership" && last != nil && len(a) > 0 && a[0] == last.SourceID {
				pct := percentage(x.Properties["percentage"])
				for _, owner := range x.Properties["owner"] {
					last.Links = append(last.Links, warden.Link{Type: "owned_by", SourceID: owner, Name: captions[owner], Percent: pct})
				}
				return sink.Put(last)
			}
			e, ok := toWarden(x)
			if !ok {
				sink.Warn(warden.Warning{Pos: pos, Msg: fmt.Sprintf("%s entity %s is not a party; skipped", x.Schema, x.ID)})
				return nil
			}
			if err := e.Validate(); err != nil {
				return warden.Invalid(pos, err)
			}
			e.Sort()
			last = e
			captions[e.SourceID] = e.Caption()
			return sink.Put(e)
		default:
			return warden.Invalid(pos, fmt.Errorf("unknown op %q", op.Op))
		}
	})
	if len(meta.Published) > 10 {
		meta.Published = meta.Published[:10]
	}
	return meta, err
}

// addWallet attaches a CryptoWallet entity's keys to its holder.
func addWallet(holder *warden.Entity, x *Entity) {
	cur := ""
	if c := x.Properties["currency"]; len(c) > 0 {
		cur = strings.ToUpper(c[0])
	}
	for _, k := range x.Properties["publicKey"] {
		holder.AddIdentifier(warden.Identifier{Type: warden.IDCrypto, Value: k, Currency: cur, Label: "publicKey"})
	}
}

// graph gathers an FtM file's entities so references can be resolved.
type graph struct {
	parties   []*warden.Entity
	byID      map[string]*warden.Entity
	addrRefs  map[string][]string
	addresses map[string]string
	deferred  []*Entity
	pos       map[*Entity]string
}

func newGraph() *graph {
	return &graph{byID: map[string]*warden.Entity{}, addrRefs: map[string][]string{}, addresses: map[string]string{}, pos: map[*Entity]string{}}
}

func (g *graph) add(x *Entity, pos string) error {
	if x.Schema == "CryptoWallet" && len(x.Properties["holder"]) > 0 {
		g.deferred = append(g.deferred, x)
		g.pos[x] = pos
		return nil
	}
	if e, ok := toWarden(x); ok {
		if err := e.Validate(); err != nil {
			return warden.Invalid(pos, err)
		}
		g.parties = append(g.parties, e)
		g.byID[e.SourceID] = e
		g.addrRefs[e.SourceID] = x.Properties["addressEntity"]
		return nil
	}
	switch x.Schema {
	case "Address":
		if f := x.Properties["full"]; len(f) > 0 {
			g.addresses[x.ID] = f[0]
		} else {
			g.addresses[x.ID] = x.Caption
		}
	default:
		g.deferred = append(g.deferred, x)
		g.pos[x] = pos
	}
	return nil
}

func (g *graph) emit(sink warden.Sink) error {
	for _, x := range g.deferred {
		p := x.Properties
		switch x.Schema {
		case "Sanction":
			for _, id := range p["entity"] {
				if e := g.byID[id]; e != nil {
					for _, v := range p["programId"] {
						warden.Add(&e.Programs, v)
					}
					for _, v := range p["startDate"] {
						if e.ListedOn == "" || v < e.ListedOn {
							e.ListedOn = v
						}
					}
				}
			}
		case "Ownership":
			for _, asset := range p["asset"] {
				if e := g.byID[asset]; e != nil {
					pct := percentage(p["percentage"])
					for _, owner := range p["owner"] {
						e.Links = append(e.Links, warden.Link{Type: "owned_by", SourceID: owner, Name: g.caption(owner), Percent: pct})
					}
				}
			}
		case "CryptoWallet":
			holder := g.byID[p["holder"][0]]
			if holder == nil {
				e, _ := toWarden(x)
				if err := e.Validate(); err != nil {
					return warden.Invalid(g.pos[x], err)
				}
				g.parties = append(g.parties, e)
				continue
			}
			addWallet(holder, x)
		}
		// Other schemata (Family, Directorship, UnknownLink, ...) carry no
		// party of their own and are not needed for screening.
	}
	for _, e := range g.parties {
		for _, ref := range g.addrRefs[e.SourceID] {
			if full := g.addresses[ref]; full != "" {
				e.Addresses = append(e.Addresses, warden.Address{Full: full})
			}
		}
		e.Sort()
		if err := sink.Put(e); err != nil {
			return err
		}
	}
	return nil
}

func (g *graph) caption(id string) string {
	if e := g.byID[id]; e != nil {
		return e.Caption()
	}
	return ""
}

// percentage reads an Ownership's share ("51", "51%", "12.5"); 0 if it is
// missing, unreadable or out of range.
func percentage(vs []string) float64 {
	if len(vs) == 0 {
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(vs[0]), "%")), 64)
	if err != nil || f <= 0 || f > 100 {
		return 0
	}
	return f
}
