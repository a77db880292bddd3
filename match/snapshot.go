package match

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"warden"
)

// A snapshot is a built Index written out so that a process can load it
// in milliseconds instead of preparing every listed name again. Its layout:
//
//	magic        8 bytes  "WRDNIDX\n"
//	version      uint32   snapshotVersion, the layout of the payload
//	fingerprint  32 bytes Fingerprint() of the engine that wrote it
//	key length   uint32, then the key (the caller's: the list versions)
//	payload len  uint64
//	checksum     32 bytes SHA-256 of the payload
//	payload
//
// (integers little-endian). A snapshot is used only if every one of these
// agrees with the reader: the same layout, the same engine (a change to the
// preparation of names changes the fingerprint), the same key, the whole
// payload and its checksum. Anything else is an error wrapping ErrSnapshot,
// and the caller builds the index again.

// snapshotMagic opens every snapshot file.
const snapshotMagic = "WRDNIDX\n"

// snapshotVersion is the layout of the payload; change it whenever the
// encoder changes.
const snapshotVersion = 1

// ErrSnapshot is wrapped by every error saying a snapshot cannot be used.
var ErrSnapshot = errors.New("index snapshot unusable")

// maxSnapshotKey bounds the key a reader accepts, so that a corrupt length
// cannot make it allocate.
const maxSnapshotKey = 1 << 20

// WriteSnapshot writes ix to w as a snapshot under key, which a reader must
// give again to load it (the versions of the lists the index was built
// from).
func (ix *Index) WriteSnapshot(w io.Writer, key []byte) error {
	if len(key) > maxSnapshotKey {
		return fmt.Errorf("index snapshot key of %d bytes is over %d", len(key), maxSnapshotKey)
	}
	payload, err := ix.encode()
	if err != nil {
		return err
	}
	fp := Fingerprint()
	sum := sha256.Sum256(payload)
	h := make([]byte, 0, 128+len(key))
	h = append(h, snapshotMagic...)
	h = binary.LittleEndian.AppendUint32(h, snapshotVersion)
	h = append(h, fp[:]...)
	h = binary.LittleEndian.AppendUint32(h, uint32(len(key)))
	h = append(h, key...)
	h = binary.LittleEndian.AppendUint64(h, uint64(len(payload)))
	h = append(h, sum[:]...)
	if _, err := w.Write(h); err != nil {
		return fmt.Errorf("write index snapshot: %w", err)
	}
	if _, err := w.Write(payload); err != nil {
		return fmt.Errorf("write index snapshot: %w", err)
	}
	return nil
}

// ReadSnapshot loads an index from a snapshot written under key. It fails,
// wrapping ErrSnapshot, unless the snapshot is whole and was written by this
// engine under this key. The index keeps references into data, which the
// caller must not change afterwards.
func ReadSnapshot(data []byte, key []byte) (*Index, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrSnapshot}, args...)...)
	}
	if len(data) < len(snapshotMagic) || string(data[:len(snapshotMagic)]) != snapshotMagic {
		return nil, bad("not a snapshot (bad magic)")
	}
	d := data[len(snapshotMagic):]
	if len(d) < 4+32+4 {
		return nil, bad("truncated header")
	}
	if v := binary.LittleEndian.Uint32(d); v != snapshotVersion {
		return nil, bad("format version %d, this engine reads %d", v, snapshotVersion)
	}
	fp := Fingerprint()
	if !bytes.Equal(d[4:36], fp[:]) {
		return nil, bad("written by another engine (fingerprint %x, this one %x)", d[4:12], fp[:8])
	}
	kl := binary.LittleEndian.Uint32(d[36:])
	d = d[40:]
	if uint64(kl) > uint64(len(d)) {
		return nil, bad("truncated key")
	}
	if !bytes.Equal(d[:kl], key) {
		return nil, bad("key %q is not %q", d[:kl], key)
	}
	d = d[kl:]
	if len(d) < 8+32 {
		return nil, bad("truncated header")
	}
	n := binary.LittleEndian.Uint64(d)
	sum := d[8:40]
	d = d[40:]
	if n != uint64(len(d)) {
		return nil, bad("payload of %d bytes, header says %d", len(d), n)
	}
	// The checksum is computed while the payload is decoded, on another
	// core; the index is returned only once it holds.
	sumOK := make(chan bool, 1)
	go func() {
		got := sha256.Sum256(d)
		sumOK <- bytes.Equal(got[:], sum)
	}()
	ix, err := decode(d)
	if !<-sumOK {
		return nil, bad("checksum mismatch")
	}
	if err != nil {
		return nil, bad("%v", err)
	}
	return ix, nil
}

// fingerprintProbe are names in every script and kind the engine reads:
// the fingerprint is what the engine makes of them, so that any change to
// folding, readings, tokenisation, legal forms, alts or weights changes it.
var fingerprintProbe = []struct {
	name   string
	schema warden.Schema
}{
	{"Vladimir Vladimirovich PUTIN", warden.SchemaPerson},
	{"Владимир Владимирович Путин", warden.SchemaPerson},
	{"Олександр Петрович Коваленко", warden.SchemaPerson},
	{"Мухаммад Юсуф", warden.SchemaPerson},
	{"Αλέξανδρος Παπαδόπουλος", warden.SchemaPerson},
	{"محمد بن سلمان آل سعود", warden.SchemaPerson},
	{"علی خامنه‌ای", warden.SchemaPerson},
	{"سپاه پاسداران انقلاب اسلامی", warden.SchemaOrganization},
	{"金正恩", warden.SchemaPerson},
	{"김정은", warden.SchemaPerson},
	{"조선광선은행", warden.SchemaCompany},
	{"习近平", warden.SchemaPerson},
	{"中国石油天然气集团有限公司", warden.SchemaCompany},
	{"ธนาคารกรุงเทพ จำกัด", warden.SchemaCompany},
	{"ទីក្រុងភ្នំពេញ", ""},
	{"שלום אברהם", warden.SchemaPerson},
	{"გიორგი ბერიძე", warden.SchemaPerson},
	{"Արամ Խաչատրյան", warden.SchemaPerson},
	{"राजेश कुमार", warden.SchemaPerson},
	{"ヤマダ タロウ", warden.SchemaPerson},
	{"Bill Gates", warden.SchemaPerson},
	{"William Henry Gates III", warden.SchemaPerson},
	{"Bob Smith", warden.SchemaPerson},
	{"Sasha Ivanova", warden.SchemaPerson},
	{"Katya Petrova", warden.SchemaPerson},
	{"Dmitry Medvedev", warden.SchemaPerson},
	{"Jose Maria de la Cruz", warden.SchemaPerson},
	{"Abu Bakr al-Baghdadi", warden.SchemaPerson},
	{"Mohammed bin Rashid Al Maktoum", warden.SchemaPerson},
	{"Osama BIN LADEN", warden.SchemaPerson},
	{"J. R. R. Tolkien", warden.SchemaPerson},
	{"Dr. John A. Smith Jr.", warden.SchemaPerson},
	{"Maks1m Yakub3ts", ""},
	{"Peter the 4th", warden.SchemaPerson},
	{"Louis XIV", warden.SchemaPerson},
	{"Rosneft Oil Company PJSC", warden.SchemaCompany},
	{"Gazprom Neft Public Joint Stock Company", warden.SchemaCompany},
	{"Bank Melli Iran", warden.SchemaCompany},
	{"Islamic Revolutionary Guard Corps (IRGC)", warden.SchemaOrganization},
	{"Acme International Manufacturing Corp.", warden.SchemaCompany},
	{"Four Seasons Trading Co. Ltd", warden.SchemaCompany},
	{"4 Seasons Trading Company Limited", warden.SchemaCompany},
	{"First National Technology Inc", warden.SchemaCompany},
	{"Intl Mfg Tech GmbH", warden.SchemaCompany},
	{"Société Anonyme des Pétroles", warden.SchemaCompany},
	{"Aktiengesellschaft für Industrie", warden.SchemaCompany},
	{"Sociedad Anónima de Capital Variable", warden.SchemaCompany},
	{"S.A. de C.V.", warden.SchemaCompany},
	{"OOO Romashka", warden.SchemaCompany},
	{"ООО «Ромашка»", warden.SchemaCompany},
	{"Общество с ограниченной ответственностью Ромашка", warden.SchemaCompany},
	{"AO Kalashnikov Concern", warden.SchemaCompany},
	{"Limited Liability Partnership Alpha Beta", warden.SchemaCompany},
	{"Kabushiki Kaisha Toyota", warden.SchemaCompany},
	{"Sp. z o.o. Kowalski", warden.SchemaCompany},
	{"Dubai Trading Middle East General Trading LLC", warden.SchemaCompany},
	{"Global Shipping Services", warden.SchemaCompany},
	{"The Second Holding Company", warden.SchemaCompany},
	{"Hezbollah", warden.SchemaOrganization},
	{"Al-Qaida in the Arabian Peninsula", warden.SchemaOrganization},
	{"MV Ocean Star", warden.SchemaVessel},
	{"Ilyushin IL-76", warden.SchemaAircraft},
	{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", warden.SchemaCryptoWallet},
	{"Kim Jong Un", warden.SchemaPerson},
	{"Kim Jong-un", warden.SchemaPerson},
	{"Gim Jeong-eun", warden.SchemaPerson},
	{"Ri Yong Chol", warden.SchemaPerson},
	{"Xi Jinping", warden.SchemaPerson},
	{"Wang Xiaoping", warden.SchemaPerson},
	{"Nguyễn Văn An", warden.SchemaPerson},
	{"Łukasz Żółć", warden.SchemaPerson},
	{"Ørsted Æblegård", warden.SchemaPerson},
	{"Straße Müller", warden.SchemaPerson},
	{"Çağlar Öztürk", warden.SchemaPerson},
	{"Mohammadd Rezaa", ""},
	{"Jon Smtih", ""},
	{"Catherine Zeta-Jones", warden.SchemaPerson},
	{"Alexander Lukashenko", warden.SchemaPerson},
	{"Aleksandr Grigoryevich Lukashenka", warden.SchemaPerson},
	{"Vasilyevich Ivanov Ivan", warden.SchemaPerson},
	{"Ekaterina", warden.SchemaPerson},
	{"Ivan", warden.SchemaPerson},
	{"Mike", warden.SchemaPerson},
	{"Jack", warden.SchemaPerson},
	{"Peggy", warden.SchemaPerson},
	{"Liz", warden.SchemaPerson},
	{"Zhong Guo Ren Min Yin Hang", warden.SchemaCompany},
	{"Banco Nacional de Cuba", warden.SchemaCompany},
	{"Korea Kwangson Banking Corp", warden.SchemaCompany},
	{"Tanchon Commercial Bank", warden.SchemaCompany},
	{"Mahan Air", warden.SchemaCompany},
	{"Hamas", ""},
	{"Hizballah", ""},
	{"a", ""},
	{"x y z", ""},
	{"O'Brien-McDonald", warden.SchemaPerson},
	{"‏عبد الله‎", ""},
	{"ZERO\u200bWIDTH", ""},
	{"Caf\u0065\u0301", ""},
	{"THE TWENTY-FIRST CENTURY FOX", warden.SchemaCompany},
	{"21st Century Fox", warden.SchemaCompany},
}

var (
	fingerprintOnce sync.Once
	fingerprint     [32]byte
)

// Fingerprint identifies the engine: SHA-256 over what it makes of
// fingerprintProbe (every field of every token, as the snapshot writes
// it), the default weights and the snapshot layout. A snapshot written by
// an engine that reads names otherwise is never loaded. It is computed
// once per process.
func Fingerprint() [32]byte {
	fingerprintOnce.Do(func() { fingerprint = computeFingerprint() })
	return fingerprint
}

// computeFingerprint is Fingerprint, computed afresh.
func computeFingerprint() [32]byte {
	e := newEncoder()
	e.canonical = true
	e.uvarint(snapshotVersion)
	for _, p := range fingerprintProbe {
		n := prepare(p.name, warden.NamePrimary, p.schema)
		n.addLeet(p.schema)
		e.name(&n)
	}
	w := DefaultWeights
	for _, f := range []float64{w.Extra, w.Legal, w.Connector, w.Initial, w.Patronymic, w.BirthDateAgree, w.BirthDateConflict,
		w.CountryAgree, w.CountryConflict, w.SchemaConflict, w.GenderConflict, w.WeakAlias} {
		e.float(f)
	}
	e.float(DefaultThreshold)
	e.str(fmt.Sprintf("%+v", w)) // a Weights field the list above misses
	h := sha256.New()
	h.Write(e.strs.blob)
	h.Write(e.buf)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// encoder writes the payload: a string table (every distinct string once,
// so that tokens refer to their text, skeleton and consonants by number),
// then the index's fields as flat arrays of varints.
type encoder struct {
	buf  []byte
	strs strTable
	// canonical writes each token's alts in order of their text: their
	// order means nothing (altSim takes the best), and tables built from
	// maps give them in another order in each process, which must not
	// change the fingerprint.
	canonical bool
}

// strTable numbers distinct strings; blob holds them end to end.
type strTable struct {
	ids  map[string]uint32
	blob []byte
	ends []uint32
}

func newEncoder() *encoder {
	return &encoder{strs: strTable{ids: map[string]uint32{"": 0}, ends: []uint32{0}}}
}

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) int(v int)        { e.buf = binary.AppendVarint(e.buf, int64(v)) }
func (e *encoder) float(f float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(f))
}
func (e *encoder) bool(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// str writes s as its number in the string table.
func (e *encoder) str(s string) {
	id, ok := e.strs.ids[s]
	if !ok {
		id = uint32(len(e.strs.ends))
		e.strs.ids[s] = id
		e.strs.blob = append(e.strs.blob, s...)
		e.strs.ends = append(e.strs.ends, uint32(len(e.strs.blob)))
	}
	e.uvarint(uint64(id))
}

func (e *encoder) int32s(l []int32) {
	e.uvarint(uint64(len(l)))
	for _, v := range l {
		e.int(int(v))
	}
}

// token writes every field of t. Alts are written inline.
func (e *encoder) token(t *token) {
	e.str(t.text)
	e.str(t.skel)
	e.buf = append(e.buf, byte(t.kind))
	e.bool(t.exact)
	e.float(t.rarity)
	e.uvarint(uint64(t.letters))
	e.bool(t.abjad)
	e.str(t.cons)
	e.buf = append(e.buf, byte(t.src))
	e.str(t.orig)
	e.uvarint(uint64(len(t.alts)))
	as := t.alts
	if e.canonical && len(as) > 1 {
		as = slices.SortedFunc(slices.Values(as), func(a, b alt) int { return strings.Compare(a.text, b.text) })
	}
	for _, a := range as {
		e.str(a.text)
		e.str(a.skel)
		e.float(a.sim)
	}
}

// name writes every field of n.
func (e *encoder) name(n *name) {
	e.str(n.raw)
	e.str(n.folded)
	e.str(string(n.kind))
	e.uvarint(uint64(len(n.readings)))
	for _, r := range n.readings {
		e.uvarint(uint64(len(r)))
		for i := range r {
			e.token(&r[i])
		}
	}
	e.uvarint(uint64(len(n.spans)))
	for ri, ss := range n.spans {
		e.uvarint(uint64(len(ss)))
		for i := range ss {
			e.int(ss[i].first)
			e.int(ss[i].n)
			// A one-word span is most often its reading's word as it was
			// before weighing: write only its rarity then.
			if ss[i].n == 1 && ri < len(n.readings) && ss[i].first >= 0 && ss[i].first < len(n.readings[ri]) &&
				sameButRarity(&ss[i].tok, &n.readings[ri][ss[i].first]) {
				e.bool(true)
				e.float(ss[i].tok.rarity)
				continue
			}
			e.bool(false)
			e.token(&ss[i].tok)
		}
	}
}

// sameButRarity reports whether a and b agree in every field but rarity.
func sameButRarity(a, b *token) bool {
	return a.text == b.text && a.skel == b.skel && a.kind == b.kind && a.exact == b.exact && a.letters == b.letters &&
		a.abjad == b.abjad && a.cons == b.cons && a.src == b.src && a.orig == b.orig && slices.Equal(a.alts, b.alts)
}

func (e *encoder) strings(l []string) {
	e.uvarint(uint64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}

// party writes every field of p.
func (e *encoder) party(p *party) {
	e.str(string(p.schema))
	e.str(p.list)
	e.str(p.gender)
	e.uvarint(uint64(len(p.birth)))
	for _, d := range p.birth {
		e.str(d.From)
		e.str(d.To)
		e.bool(d.Approximate)
	}
	e.strings(p.countries)
}

// encode is the payload of ix's snapshot: the string table, then the
// sections below in order.
func (ix *Index) encode() ([]byte, error) {
	if ix.seen != nil {
		return nil, errors.New("index snapshot: the index is still being built")
	}
	e := newEncoder()
	// Parties: each encoded as JSON on its own, decoded when first needed.
	e.uvarint(uint64(len(ix.parties)))
	var ents []byte
	for i := range ix.parties {
		b, err := json.Marshal(ix.entity(int32(i)))
		if err != nil {
			return nil, fmt.Errorf("index snapshot: party %d: %w", i, err)
		}
		ents = append(ents, b...)
		e.uvarint(uint64(len(b)))
		e.party(&ix.parties[i])
	}
	// Names: each encoded on its own and decoded on first use, as the
	// parties are; their lengths here, their bytes at the end.
	e.uvarint(uint64(len(ix.names)))
	body := e.buf
	var names []byte
	for i := range ix.names {
		e.buf = names
		e.name(&ix.names[i])
		body = binary.AppendUvarint(body, uint64(len(e.buf)-len(names)))
		names = e.buf
	}
	e.buf = body
	e.int32s(ix.owner)
	e.int32s(ix.first)
	// vocab is rebuilt from texts.
	e.strings(ix.texts)
	e.uvarint(uint64(len(ix.postings)))
	for id, l := range ix.postings {
		e.uvarint(uint64(len(l)))
		prev := int32(0)
		for k, n := range l {
			e.int(int(n - prev)) // ascending: small deltas
			prev = n
			e.uvarint(uint64(ix.at[id][k]))
		}
	}
	e.uvarint(uint64(len(ix.slots)))
	for _, s := range ix.slots {
		e.float(float64(s.rarity))
		e.buf = append(e.buf, byte(s.kind), s.first)
	}
	e.int32s(ix.slotAt)
	// The deletion neighbourhoods are most of an index and their keys
	// random: fixed-width, which reads fastest.
	e.uvarint(uint64(len(ix.delKeys)))
	for _, k := range ix.delKeys {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, k)
	}
	for _, id := range ix.delIDs {
		e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(id))
	}
	e.uvarint(uint64(len(ix.df)))
	for w, n := range ix.df {
		e.str(w)
		e.int(int(n))
	}
	e.uvarint(uint64(len(ix.abjad)))
	for _, b := range ix.abjad {
		e.bool(b)
	}
	e.uvarint(uint64(len(ix.forms)))
	for i := range ix.forms {
		e.token(&ix.forms[i])
	}
	e.int32s(ix.formAt)
	e.uvarint(uint64(len(ix.ids)))
	for k, l := range ix.ids {
		e.str(k)
		e.int32s(l)
	}
	e.float(ix.logN)
	e.uvarint(uint64(len(ix.alted)))
	for _, b := range ix.alted {
		e.bool(b)
	}
	e.uvarint(uint64(len(ix.acronyms)))
	for k, v := range ix.acronyms {
		e.str(k)
		e.str(v)
	}
	// The string table and the parties go first in the payload so that a
	// reader has them before any reference to them.
	out := make([]byte, 0, 16+4*len(e.strs.ends)+len(e.strs.blob)+len(ents)+len(e.buf))
	out = binary.AppendUvarint(out, uint64(len(e.strs.ends)))
	for _, end := range e.strs.ends {
		out = binary.AppendUvarint(out, uint64(end))
	}
	out = binary.AppendUvarint(out, uint64(len(e.strs.blob)))
	out = append(out, e.strs.blob...)
	out = binary.AppendUvarint(out, uint64(len(ents)))
	out = append(out, ents...)
	out = append(out, e.buf...)
	return append(out, names...), nil
}

// decoder reads a payload. The first malformed value sets err; every read
// after it returns zero values, so the code reading sections need not check
// each one, and nothing it reads can make it panic.
type decoder struct {
	d    []byte
	err  error
	strs []string
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
	d.d = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.d)
	if n <= 0 {
		d.fail("malformed number")
		return 0
	}
	d.d = d.d[n:]
	return v
}

func (d *decoder) int() int {
	v, n := binary.Varint(d.d)
	if n <= 0 || v < math.MinInt32 || v > math.MaxInt32 {
		d.fail("malformed number")
		return 0
	}
	d.d = d.d[n:]
	return int(v)
}

// count reads a length, each item of which takes at least min bytes, so
// that a corrupt length cannot make the reader allocate more than the
// payload could hold.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.d)/min) {
		d.fail("length %d is past the end", n)
		return 0
	}
	return int(n)
}

func (d *decoder) byte() byte {
	if len(d.d) < 1 {
		d.fail("truncated")
		return 0
	}
	b := d.d[0]
	d.d = d.d[1:]
	return b
}

func (d *decoder) bool() bool { return d.byte() != 0 }

func (d *decoder) float() float64 {
	if len(d.d) < 8 {
		d.fail("truncated")
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.d))
	d.d = d.d[8:]
	return f
}

func (d *decoder) str() string {
	id := d.uvarint()
	if id >= uint64(len(d.strs)) {
		d.fail("string %d of %d", id, len(d.strs))
		return ""
	}
	return d.strs[id]
}

func (d *decoder) strings() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = d.str()
	}
	return l
}

func (d *decoder) int32s() []int32 {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	l := make([]int32, n)
	for i := range l {
		l[i] = int32(d.int())
	}
	return l
}

// token reads a token written by encoder.token into t.
func (d *decoder) token(t *token) {
	t.text = d.str()
	t.skel = d.str()
	t.kind = kind(d.byte())
	t.exact = d.bool()
	t.rarity = d.float()
	t.letters = uint32(d.uvarint())
	t.abjad = d.bool()
	t.cons = d.str()
	t.src = origin(d.byte())
	t.orig = d.str()
	if n := d.count(3); n > 0 {
		t.alts = make([]alt, n)
		for i := range t.alts {
			t.alts[i] = alt{text: d.str(), skel: d.str(), sim: d.float()}
		}
	}
}

// name reads a name written by encoder.name.
func (d *decoder) name(n *name) {
	n.raw = d.str()
	n.folded = d.str()
	n.kind = warden.NameKind(d.str())
	if nr := d.count(1); nr > 0 {
		n.readings = make([][]token, nr)
		for i := range n.readings {
			r := make([]token, d.count(12))
			for j := range r {
				d.token(&r[j])
			}
			n.readings[i] = r
		}
	}
	if ns := d.count(1); ns > 0 {
		n.spans = make([][]span, ns)
		for i := range n.spans {
			ss := make([]span, d.count(3))
			for j := range ss {
				s := &ss[j]
				s.first = d.int()
				s.n = d.int()
				if !d.bool() {
					d.token(&s.tok)
					continue
				}
				if i >= len(n.readings) || s.first < 0 || s.first >= len(n.readings[i]) {
					d.fail("span of a word its reading lacks")
					return
				}
				s.tok = n.readings[i][s.first]
				s.tok.rarity = d.float()
			}
			n.spans[i] = ss
		}
	}
}

// decode reads a payload written by encode, checking that every reference
// it holds (to a party, name, token or slot) is in range, so that a
// loaded index can be searched without panicking.
func decode(payload []byte) (*Index, error) {
	d := &decoder{d: payload}
	// The string table: one string for the whole blob, each entry a
	// substring of it (no allocation per string).
	ends := make([]uint32, d.count(1))
	for i := range ends {
		ends[i] = uint32(d.uvarint())
	}
	bl := d.count(1)
	if d.err != nil {
		return nil, d.err
	}
	blob := string(d.d[:bl])
	d.d = d.d[bl:]
	d.strs = make([]string, len(ends))
	for i := 1; i < len(ends); i++ {
		if ends[i] < ends[i-1] || int(ends[i]) > len(blob) {
			return nil, errors.New("malformed string table")
		}
		d.strs[i] = blob[ends[i-1]:ends[i]]
	}
	el := d.count(1)
	if d.err != nil {
		return nil, d.err
	}
	st := &stored{data: d.d[:el:el]}
	d.d = d.d[el:]

	ix := &Index{stored: st}
	np := d.count(2)
	ix.parties = make([]party, np)
	st.at = make([]uint32, np+1)
	st.parties = make([]atomic.Pointer[warden.Entity], np)
	for i := range ix.parties {
		if l := d.uvarint(); l > uint64(el-int(st.at[i])) {
			d.fail("party %d past the end of the parties", i)
		} else {
			st.at[i+1] = st.at[i] + uint32(l)
		}
		p := &ix.parties[i]
		p.schema = warden.Schema(d.str())
		p.list = d.str()
		p.gender = d.str()
		if nb := d.count(3); nb > 0 {
			p.birth = make([]warden.DateRange, nb)
			for j := range p.birth {
				p.birth[j] = warden.DateRange{From: d.str(), To: d.str(), Approximate: d.bool()}
			}
		}
		p.countries = d.strings()
	}
	if d.err == nil && int(st.at[np]) != len(st.data) {
		d.fail("parties take %d bytes, not %d", st.at[np], len(st.data))
	}
	nn := d.count(1)
	ix.names = make([]name, nn)
	ln := &lazyNames{strs: d.strs, at: make([]uint32, nn+1), once: make([]sync.Once, nn)}
	for i := range nn {
		if l := d.uvarint(); l > uint64(len(payload)) {
			d.fail("name %d longer than the payload", i)
		} else {
			ln.at[i+1] = ln.at[i] + uint32(l)
		}
	}
	ix.owner = d.int32s()
	ix.first = d.int32s()
	ix.texts = d.strings()
	// The maps take most of the loading time: they are filled on another
	// core while the rest is read.
	var maps sync.WaitGroup
	defer maps.Wait() // whatever decode returns, the maps are done with
	maps.Go(func() {
		ix.vocab = make(map[string]int32, len(ix.texts))
		for i, t := range ix.texts {
			ix.vocab[t] = int32(i)
		}
	})
	ix.postings = make([][]int32, d.count(1))
	ix.at = make([][]uint32, len(ix.postings))
	// Every posting list sliced from one array.
	var posts []int32
	var ats []uint32
	for id := range ix.postings {
		n := d.count(2)
		if len(posts) < n {
			posts, ats = make([]int32, max(n, 1<<16)), make([]uint32, max(n, 1<<16))
		}
		l, at := posts[:n:n], ats[:n:n]
		posts, ats = posts[n:], ats[n:]
		prev := 0
		for k := range l {
			prev += d.int()
			if prev < 0 || prev >= len(ix.names) {
				d.fail("posting %d of %d names", prev, len(ix.names))
			}
			l[k] = int32(prev)
			at[k] = uint32(d.uvarint())
		}
		ix.postings[id], ix.at[id] = l, at
	}
	ix.slots = make([]slot, d.count(10))
	for i := range ix.slots {
		ix.slots[i] = slot{rarity: float32(d.float()), kind: kind(d.byte()), first: d.byte()}
	}
	ix.slotAt = d.int32s()
	n := d.count(12)
	ix.delKeys, ix.delIDs = make([]uint64, n), make([]int32, n)
	if d.err == nil {
		for i := range ix.delKeys {
			ix.delKeys[i] = binary.LittleEndian.Uint64(d.d[8*i:])
		}
		d.d = d.d[8*n:]
		for i := range ix.delIDs {
			id := binary.LittleEndian.Uint32(d.d[4*i:])
			if id >= uint32(len(ix.texts)) {
				d.fail("deletion of token %d of %d", id, len(ix.texts))
				break
			}
			ix.delIDs[i] = int32(id)
		}
		if d.err == nil {
			d.d = d.d[4*n:]
		}
	}
	n = d.count(2)
	type count struct {
		w string
		n int32
	}
	df := make([]count, n)
	for i := range df {
		df[i] = count{d.str(), int32(d.int())}
	}
	maps.Go(func() {
		ix.df = make(map[string]int32, len(df))
		for _, c := range df {
			ix.df[c.w] = c.n
		}
	})
	ix.abjad = make([]bool, d.count(1))
	for i := range ix.abjad {
		ix.abjad[i] = d.bool()
	}
	ix.forms = make([]token, d.count(12))
	for i := range ix.forms {
		d.token(&ix.forms[i])
	}
	ix.formAt = d.int32s()
	n = d.count(2)
	ix.ids = make(map[string][]int32, n)
	for range n {
		k := d.str()
		l := d.int32s()
		for _, e := range l {
			if e < 0 || int(e) >= np {
				d.fail("identifier of party %d of %d", e, np)
			}
		}
		ix.ids[k] = l
	}
	ix.logN = d.float()
	ix.alted = make([]bool, d.count(1))
	for i := range ix.alted {
		ix.alted[i] = d.bool()
	}
	n = d.count(2)
	ix.acronyms = make(map[string]string, n)
	for range n {
		k := d.str()
		ix.acronyms[k] = d.str()
	}
	if d.err != nil {
		return nil, d.err
	}
	if uint64(len(d.d)) != uint64(ln.at[nn]) {
		return nil, fmt.Errorf("names take %d bytes, %d are left", ln.at[nn], len(d.d))
	}
	ln.data = d.d
	ix.lazy = ln
	if err := ix.check(); err != nil {
		return nil, err
	}
	return ix, nil
}

// check verifies that the arrays of a decoded index agree in length and
// that their references are in range.
func (ix *Index) check() error {
	nn, nt := len(ix.names), len(ix.texts)
	switch {
	case len(ix.owner) != nn:
		return fmt.Errorf("%d owners of %d names", len(ix.owner), nn)
	case len(ix.first) != len(ix.parties)+1 || (len(ix.first) > 0 && (ix.first[0] != 0 || int(ix.first[len(ix.first)-1]) != nn)):
		return errors.New("malformed name ranges")
	case len(ix.postings) != nt || len(ix.abjad) != nt || len(ix.alted) != nt || len(ix.formAt) != nt+1:
		return errors.New("token arrays disagree in length")
	case len(ix.slotAt) != nn+1:
		return errors.New("malformed slot ranges")
	}
	for _, o := range ix.owner {
		if o < 0 || int(o) >= len(ix.parties) {
			return fmt.Errorf("name of party %d of %d", o, len(ix.parties))
		}
	}
	if err := ascending(ix.first, nn); err != nil {
		return err
	}
	if err := ascending(ix.slotAt, len(ix.slots)); err != nil {
		return err
	}
	return ascending(ix.formAt, len(ix.forms))
}

// ascending reports an error unless l never falls and stays within [0, max].
func ascending(l []int32, max int) error {
	prev := int32(0)
	for _, v := range l {
		if v < prev || int(v) > max {
			return errors.New("malformed ranges")
		}
		prev = v
	}
	return nil
}

// lazyNames holds the names of an index loaded from a snapshot, each
// encoded, and decodes each into Index.names on first use (Index.name):
// loading decodes none, a search only those it scores.
type lazyNames struct {
	strs []string // the snapshot's string table
	data []byte
	at   []uint32 // name i is data[at[i]:at[i+1]]
	once []sync.Once
}

// name returns listed name i, decoding it first if it comes from a
// snapshot.
func (ix *Index) name(i int32) *name {
	if ix.lazy != nil {
		ix.lazy.once[i].Do(func() { ix.lazy.decode(i, &ix.names[i]) })
	}
	return &ix.names[i]
}

// decode decodes name i into n. The snapshot's checksum held, so a
// failure is a bug in the encoder: the name is then left without readings
// (it matches nothing) rather than panic in a search.
func (l *lazyNames) decode(i int32, n *name) {
	d := &decoder{d: l.data[l.at[i]:l.at[i+1]], strs: l.strs}
	d.name(n)
	if d.err != nil || len(d.d) != 0 {
		*n = name{}
	}
}

// stored holds the parties of an index loaded from a snapshot, each
// encoded (JSON) and decoded on first access: loading a million parties
// decodes none of them, and a search decodes only those of its hits.
type stored struct {
	data    []byte
	at      []uint32 // party i is data[at[i]:at[i+1]]
	parties []atomic.Pointer[warden.Entity]
}

// get returns party i, decoding it the first time. Two goroutines may both
// decode it; either result is kept, both are equal.
func (s *stored) get(i int32) *warden.Entity {
	if e := s.parties[i].Load(); e != nil {
		return e
	}
	e := new(warden.Entity)
	if err := json.Unmarshal(s.data[s.at[i]:s.at[i+1]], e); err != nil {
		// The payload's checksum held, so this is a bug in the encoder:
		// say so in the party rather than panic in a search.
		e.Remarks = "warden: index snapshot party undecodable: " + err.Error()
	}
	s.parties[i].CompareAndSwap(nil, e)
	return s.parties[i].Load()
}
