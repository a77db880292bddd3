package match

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

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
//	checksum     uint32   CRC-32C (Castagnoli) of the payload
//	padding      zero bytes up to a multiple of 8 from the start
//	payload      a section table, then the sections (encode)
//
// (integers little-endian). A snapshot is used only if every one of these
// agrees with the reader: the same layout, the same engine (a change to the
// preparation of names changes the fingerprint), the same key, the whole
// payload and its checksum. Anything else is an error wrapping ErrSnapshot,
// and the caller builds the index again.
//
// The checksum detects damage (a torn or truncated write, a bad disk), not
// tampering: the snapshot directory is the process's own, as trusted as
// the database beside it, so a CRC (hardware-accelerated, ~10 GB/s) serves
// where a cryptographic hash would cost ten times the time. The arrays
// lookups read (postings, deletion neighbourhoods, the word table, word
// counts, the slots bounds read), the string table's ends and where each
// party, name and token's forms start are fixed-width sections, 8-byte
// aligned, that a reader of a memory-mapped file (OpenSnapshot) uses in
// place; only a little-endian machine can, a big-endian one rebuilds.
// Loading decodes and allocates little more than the parties' scoring
// fields and the string table's bytes: on some virtual machines every page
// of fresh memory costs as much as a lookup.

// snapshotMagic opens every snapshot file.
const snapshotMagic = "WRDNIDX\n"

// snapshotVersion is the layout of the payload; change it whenever the
// encoder changes.
const snapshotVersion = 9

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
	h := make([]byte, 0, 128+len(key))
	h = append(h, snapshotMagic...)
	h = binary.LittleEndian.AppendUint32(h, snapshotVersion)
	h = append(h, fp[:]...)
	h = binary.LittleEndian.AppendUint32(h, uint32(len(key)))
	h = append(h, key...)
	h = binary.LittleEndian.AppendUint64(h, uint64(len(payload)))
	h = binary.LittleEndian.AppendUint32(h, crc32.Checksum(payload, castagnoli))
	h = append(h, make([]byte, align8(uint64(len(h)))-uint64(len(h)))...)
	if _, err := w.Write(h); err != nil {
		return fmt.Errorf("write index snapshot: %w", err)
	}
	if _, err := w.Write(payload); err != nil {
		return fmt.Errorf("write index snapshot: %w", err)
	}
	return nil
}

// castagnoli is the CRC-32C table: the polynomial CPUs compute in
// hardware.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ReadSnapshot loads an index from a snapshot written under key. It fails,
// wrapping ErrSnapshot, unless the snapshot is whole and was written by this
// engine under this key. The index keeps references into data, which the
// caller must not change afterwards.
func ReadSnapshot(data []byte, key []byte) (*Index, error) {
	// The engine's fingerprint is computed (the first time in a process)
	// while the payload is checked and decoded.
	fpc := make(chan [32]byte, 1)
	go func() { fpc <- Fingerprint() }()
	ix, err := readSnapshot(data, key, fpc)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	return ix, nil
}

// readSnapshot is ReadSnapshot, the engine's fingerprint to come from fpc.
func readSnapshot(data []byte, key []byte, fpc <-chan [32]byte) (*Index, error) {
	if !littleEndian {
		return nil, errors.New("snapshots are read only on little-endian machines")
	}
	if len(data) < len(snapshotMagic) || string(data[:len(snapshotMagic)]) != snapshotMagic {
		return nil, errors.New("not a snapshot (bad magic)")
	}
	d := data[len(snapshotMagic):]
	if len(d) < 4+32+4 {
		return nil, errors.New("truncated header")
	}
	if v := binary.LittleEndian.Uint32(d); v != snapshotVersion {
		return nil, fmt.Errorf("format version %d, this engine reads %d", v, snapshotVersion)
	}
	wrote := d[4:36]
	kl := binary.LittleEndian.Uint32(d[36:])
	d = d[40:]
	if uint64(kl) > uint64(len(d)) {
		return nil, errors.New("truncated key")
	}
	if !bytes.Equal(d[:kl], key) {
		return nil, fmt.Errorf("key %q is not %q", d[:kl], key)
	}
	d = d[kl:]
	if len(d) < 8+4 {
		return nil, errors.New("truncated header")
	}
	n := binary.LittleEndian.Uint64(d)
	sum := binary.LittleEndian.Uint32(d[8:])
	d = d[12:]
	head := uint64(len(data) - len(d))
	pad := align8(head) - head
	if uint64(len(d)) < pad || !allZero(d[:pad]) {
		return nil, errors.New("malformed header padding")
	}
	d = d[pad:]
	if n != uint64(len(d)) {
		return nil, fmt.Errorf("payload of %d bytes, header says %d", len(d), n)
	}
	// The checksum is computed while the payload is decoded, on another
	// core; the index is returned only once it holds.
	sumOK := make(chan bool, 1)
	go func() { sumOK <- crc32.Checksum(d, castagnoli) == sum }()
	ix, err := decode(d)
	if !<-sumOK {
		return nil, errors.New("checksum mismatch")
	}
	if fp := <-fpc; !bytes.Equal(wrote, fp[:]) {
		return nil, fmt.Errorf("written by another engine (fingerprint %x, this one %x)", wrote[:8], fp[:8])
	}
	if err != nil {
		return nil, err
	}
	// Only a whole index is primed: a failed one's mapping is released.
	// The caller finishes loading meanwhile; a search waits for what is
	// not done.
	go ix.prime()
	return ix, nil
}

// OpenSnapshot loads an index from the snapshot file at path written under
// key, as ReadSnapshot does, memory-mapping the file (reading it where
// mapping is not available): its fixed-width sections are used in place,
// read from the page cache as lookups touch them. The mapping is released
// once the index is unreachable (runtime.AddCleanup); the index holds the
// only references into it (strings and parties are copied out), and
// removing or replacing the file meanwhile is safe (the mapping keeps the
// old file's blocks). A missing file is an error wrapping fs.ErrNotExist.
func OpenSnapshot(path string, key []byte) (*Index, error) {
	fpc := make(chan [32]byte, 1)
	go func() { fpc <- cachedFingerprint(filepath.Dir(path)) }()
	data, unmap, err := mapFile(path)
	if err != nil {
		<-fpc
		return nil, fmt.Errorf("open index snapshot: %w", err)
	}
	ix, err := readSnapshot(data, key, fpc)
	if err != nil {
		unmap()
		return nil, fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	runtime.AddCleanup(ix, func(unmap func()) { unmap() }, unmap)
	return ix, nil
}

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
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
// it), the default weights, the snapshot layout and the data of every
// table the engine reads names by (engineTables). A snapshot written by
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
	tables := tablesDigest()
	e.buf = append(e.buf, tables[:]...)
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
			// A one-word span is its reading's word itself (spans).
			if ss[i].n == 1 && ri < len(n.readings) && ss[i].first >= 0 && ss[i].first < len(n.readings[ri]) &&
				ss[i].tok == &n.readings[ri][ss[i].first] {
				e.bool(true)
				continue
			}
			e.bool(false)
			e.token(ss[i].tok)
		}
	}
}

func (e *encoder) strings(l []string) {
	e.uvarint(uint64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}

// party writes every field of p.
func (e *encoder) party(p *party) {
	e.str(p.id)
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

// encode is the payload of ix's snapshot: a table of its sections (secVarint
// and on: where each starts and its length), then the sections, 8-byte
// aligned. The varint section holds the string table, then what lookups do
// not read in place, in the order below.
func (ix *Index) encode() ([]byte, error) {
	if ix.seen != nil {
		return nil, errors.New("index snapshot: the index is still being built")
	}
	e := newEncoder()
	// Parties: each encoded on its own (appendParty), decoded when first
	// needed.
	// Where each party, name and token's forms start in their bytes: a
	// fixed-width section each, used in place.
	partyAt := make([]uint32, 1, len(ix.parties)+1)
	nameAt := make([]uint32, 1, ix.Names()+1)
	occAt := make([]uint32, 1, len(ix.texts)+1)
	e.uvarint(uint64(len(ix.parties)))
	var ents []byte
	for i := range ix.parties {
		ents = appendParty(ents, ix.entity(int32(i)))
		partyAt = append(partyAt, uint32(len(ents)))
		e.party(&ix.parties[i])
	}
	// Names: each encoded on its own and decoded on first use, as the
	// parties are; their bytes at the end.
	e.uvarint(uint64(ix.Names()))
	body := e.buf
	var names []byte
	for i := range int32(ix.Names()) {
		e.buf = names
		e.name(ix.name(i))
		names = e.buf
		nameAt = append(nameAt, uint32(len(names)))
	}
	// The forms each token occurs in (occurrences), each token's encoded
	// on its own as the names are.
	e.buf = nil
	var occs []byte
	body = binary.AppendUvarint(body, uint64(len(ix.texts)))
	for _, forms := range ix.occ {
		e.uvarint(uint64(len(forms)))
		for i := range forms {
			e.token(&forms[i])
		}
		occs = append(occs, e.buf...)
		occAt = append(occAt, uint32(len(occs)))
		e.buf = e.buf[:0]
	}
	e.buf = body
	e.strings(ix.texts)
	e.uvarint(uint64(len(ix.forms)))
	for i := range ix.forms {
		e.token(&ix.forms[i])
	}
	// The identifiers, decoded when a query first holds one (Index.idsOf):
	// their length first, so that a reader can pass over them.
	body = e.buf
	e.buf = nil
	e.uvarint(uint64(len(ix.ids)))
	for k, l := range ix.ids {
		e.str(k)
		e.int32s(l)
	}
	ids := e.buf
	e.buf = binary.AppendUvarint(body, uint64(len(ids)))
	e.buf = append(e.buf, ids...)
	e.float(ix.logN)
	e.uvarint(uint64(len(ix.acronyms)))
	for k, v := range ix.acronyms {
		e.str(k)
		e.str(v)
	}
	// The string table and the parties go first in the payload so that a
	// reader has them before any reference to them.
	out := make([]byte, 0, 16+len(e.strs.blob)+len(ents)+len(e.buf))
	out = binary.AppendUvarint(out, uint64(len(e.strs.blob)))
	out = append(out, e.strs.blob...)
	out = binary.AppendUvarint(out, uint64(len(ents)))
	out = append(out, ents...)
	out = append(out, e.buf...)
	out = append(out, names...)
	out = append(out, occs...)
	// The fixed-width sections: the arrays lookups read, as they lie in
	// memory, so that a reader uses them in place.
	secs := [numSections][]byte{
		secVarint: out,
		secOwner:  fixed(ix.owner), secFirst: fixed(ix.first), secPostAt: fixed(ix.postAt), secPosts: fixed(ix.posts),
		secAts: fixed(ix.ats), secDelKeys: fixed(ix.delKeys), secDelIDs: fixed(ix.delIDs), secWords: fixed(ix.words),
		secDF: fixed(ix.df), secAbjad: fixed(ix.abjad), secAlted: fixed(ix.alted), secFormAt: fixed(ix.formAt),
		secSlotAt: fixed(ix.slotAt), secPostForms: fixed(ix.postForm), secStrEnds: fixed(e.strs.ends),
		secPartyAt: fixed(partyAt), secNameAt: fixed(nameAt), secOccAt: fixed(occAt), secSlots: fixedSlots(ix.slots),
	}
	// A table of where each section starts and its length, then the
	// sections, each starting 8-byte aligned.
	at := uint64(16 * numSections)
	var p []byte
	for _, sec := range secs {
		p = binary.LittleEndian.AppendUint64(p, at)
		p = binary.LittleEndian.AppendUint64(p, uint64(len(sec)))
		at = align8(at + uint64(len(sec)))
	}
	for _, sec := range secs {
		p = append(p, sec...)
		p = append(p, make([]byte, align8(uint64(len(p)))-uint64(len(p)))...)
	}
	return p, nil
}

// The sections of a payload (section table, encode).
const (
	secVarint    = iota // the string table, parties, names and the rest, varint-coded
	secOwner            // Index.owner
	secFirst            // Index.first
	secPostAt           // posting list id is secPosts[secPostAt[id]:secPostAt[id+1]]
	secPosts            // Index.posts
	secAts              // Index.ats
	secDelKeys          // Index.delKeys
	secDelIDs           // Index.delIDs
	secWords            // Index.words
	secDF               // Index.df
	secAbjad            // Index.abjad
	secAlted            // Index.alted
	secFormAt           // Index.formAt
	secSlotAt           // Index.slotAt
	secPostForms        // Index.postForm
	secStrEnds          // where each string of the string table ends (strTab.ends)
	secPartyAt          // party i's bytes are [secPartyAt[i], secPartyAt[i+1]) of the parties (stored.at)
	secNameAt           // name i's bytes, as secPartyAt (lazyNames.at)
	secOccAt            // token id's forms' bytes, as secPartyAt (lazyForms.at)
	secSlots            // Index.slots, as slotBytes lays each out
	numSections
)

// align8 rounds n up to a multiple of 8.
func align8(n uint64) uint64 { return (n + 7) &^ 7 }

// word is what a fixed-width section holds.
type word interface {
	~int32 | ~uint32 | ~uint64 | ~uint8 | ~bool
}

// fixed is l as it lies in memory, little-endian.
func fixed[T word](l []T) []byte {
	var b []byte
	for _, v := range l {
		switch v := any(v).(type) {
		case int32:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		case uint32:
			b = binary.LittleEndian.AppendUint32(b, v)
		case uint64:
			b = binary.LittleEndian.AppendUint64(b, v)
		case uint8:
			b = append(b, v)
		case bool:
			if v {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	}
	return b
}

// slotBytes is how a snapshot lays out a slot, as this engine holds one in
// memory (checked when a snapshot is read: viewSlots): rarity (float32),
// kind, first, partnerLen, then partner.
const slotBytes = 7 + maxShortWord + 1

// fixedSlots is l as viewSlots reads it, little-endian.
func fixedSlots(l []slot) []byte {
	b := make([]byte, 0, len(l)*slotBytes)
	for _, s := range l {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(s.rarity))
		b = append(b, byte(s.kind), s.first, s.partnerLen)
		b = append(b, s.partner[:]...)
	}
	return b
}

// viewSlots is the section b of slots as a []slot, in place where it is
// aligned, checking that no slot's partner is longer than its letters.
func viewSlots(b []byte) ([]slot, error) {
	var z slot
	if unsafe.Sizeof(z) != slotBytes || unsafe.Offsetof(z.kind) != 4 || unsafe.Offsetof(z.first) != 5 ||
		unsafe.Offsetof(z.partnerLen) != 6 || unsafe.Offsetof(z.partner) != 7 {
		return nil, errors.New("this engine lays slots out otherwise")
	}
	if len(b)%slotBytes != 0 {
		return nil, fmt.Errorf("slots section of %d bytes", len(b))
	}
	n := len(b) / slotBytes
	if n == 0 {
		return nil, nil
	}
	if uintptr(unsafe.Pointer(&b[0]))%unsafe.Alignof(z) != 0 {
		b = bytes.Clone(b)
	}
	l := unsafe.Slice((*slot)(unsafe.Pointer(&b[0])), n)
	for i := range l {
		if int(l[i].partnerLen) > len(l[i].partner) {
			return nil, fmt.Errorf("slot %d has a partner of %d letters", i, l[i].partnerLen)
		}
	}
	return l, nil
}

// littleEndian reports whether this machine stores integers as snapshots
// do; a big-endian one cannot use their arrays in place and rebuilds.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// view is the fixed-width section b as a []T: b itself when it is aligned
// for T, else a copy (a payload a caller read into unaligned memory).
func view[T word](b []byte) ([]T, error) {
	var z T
	size := int(unsafe.Sizeof(z))
	if len(b)%size != 0 {
		return nil, fmt.Errorf("section of %d bytes is not of %d-byte values", len(b), size)
	}
	n := len(b) / size
	if n == 0 {
		return nil, nil
	}
	if uintptr(unsafe.Pointer(&b[0]))%unsafe.Alignof(z) != 0 {
		b = bytes.Clone(b) // a fresh allocation is aligned
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n), nil
}

// decoder reads a payload. The first malformed value sets err; every read
// after it returns zero values, so the code reading sections need not check
// each one, and nothing it reads can make it panic.
type decoder struct {
	d    []byte
	err  error
	strs strTab
}

// strTab is a snapshot's string table: string i (from 1; 0 is "") is
// blob[ends[i-1]:ends[i]], a substring made when read, so that loading a
// snapshot makes no string header for each of its half a million strings.
type strTab struct {
	blob string
	ends []uint32
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
	if id >= uint64(len(d.strs.ends)) {
		d.fail("string %d of %d", id, len(d.strs.ends))
		return ""
	}
	if id == 0 {
		return ""
	}
	return d.strs.blob[d.strs.ends[id-1]:d.strs.ends[id]]
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
		as := make([]alt, n)
		for i := range as {
			as[i] = alt{text: d.str(), skel: d.str(), sim: d.float()}
		}
		t.setAlts(as)
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
			// The spans' own tokens (joined words), and which span has
			// each: they point into own once it is whole.
			var own []token
			var ownBy []int
			for j := range ss {
				s := &ss[j]
				s.first = d.int()
				s.n = d.int()
				if !d.bool() {
					own = append(own, token{})
					d.token(&own[len(own)-1])
					ownBy = append(ownBy, j)
					continue
				}
				if i >= len(n.readings) || s.first < 0 || s.first >= len(n.readings[i]) {
					d.fail("span of a word its reading lacks")
					return
				}
				s.tok = &n.readings[i][s.first]
			}
			for k, j := range ownBy {
				ss[j].tok = &own[k]
			}
			n.spans[i] = ss
		}
	}
}

// decode reads a payload written by encode, checking that every reference
// it holds (to a party, name, token or slot) is in range, so that a
// loaded index can be searched without panicking.
func decode(payload []byte) (*Index, error) {
	var secs [numSections][]byte
	if len(payload) < 16*numSections {
		return nil, errors.New("truncated section table")
	}
	for i := range secs {
		at := binary.LittleEndian.Uint64(payload[16*i:])
		n := binary.LittleEndian.Uint64(payload[16*i+8:])
		if at%8 != 0 || at > uint64(len(payload)) || n > uint64(len(payload))-at {
			return nil, fmt.Errorf("section %d malformed", i)
		}
		secs[i] = payload[at : at+n : at+n]
	}
	d := &decoder{d: secs[secVarint]}
	// The string table: one string for the whole blob, each entry a
	// substring of it made when read (strTab).
	ends, err := view[uint32](secs[secStrEnds])
	if err != nil {
		return nil, err
	}
	bl := d.count(1)
	if d.err != nil {
		return nil, d.err
	}
	blob := string(d.d[:bl])
	d.d = d.d[bl:]
	if len(ends) == 0 || ends[0] != 0 || ascending(ends, len(blob)) != nil {
		return nil, errors.New("malformed string table")
	}
	d.strs = strTab{blob, ends}
	el := d.count(1)
	if d.err != nil {
		return nil, d.err
	}
	st := &stored{data: d.d[:el:el]}
	d.d = d.d[el:]

	ix := &Index{stored: st}
	np := d.count(2)
	ix.parties = make([]party, np)
	if st.at, err = offsets(secs[secPartyAt], np, el); err != nil {
		return nil, fmt.Errorf("parties: %w", err)
	}
	st.parties = make([]atomic.Pointer[warden.Entity], np)
	for i := range ix.parties {
		p := &ix.parties[i]
		p.id = d.str()
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
	nn := d.count(1)
	ln := &lazyNames{strs: d.strs, got: make([]atomic.Pointer[name], nn)}
	nf := d.count(1)
	lo := &lazyForms{strs: d.strs, got: make([]atomic.Pointer[[]token], nf)}
	ix.texts = d.strings()
	if ix.slots, err = viewSlots(secs[secSlots]); err != nil {
		return nil, err
	}
	ix.forms = make([]token, d.count(12))
	for i := range ix.forms {
		d.token(&ix.forms[i])
	}
	il := d.count(1)
	if d.err != nil {
		return nil, d.err
	}
	ix.lazyIDs = &lazyIDs{strs: d.strs, data: d.d[:il:il], parties: np}
	d.d = d.d[il:]
	ix.logN = d.float()
	n := d.count(2)
	ix.acronyms = make(map[string]string, n)
	for range n {
		k := d.str()
		ix.acronyms[k] = d.str()
	}
	if d.err != nil {
		return nil, d.err
	}
	ln.at, err = offsets(secs[secNameAt], nn, len(d.d))
	if err == nil {
		lo.at, err = offsets(secs[secOccAt], nf, len(d.d)-int(ln.at[nn]))
	}
	if err != nil {
		return nil, fmt.Errorf("names and forms: %w", err)
	}
	nl, ol := ln.at[nn], lo.at[nf]
	if len(d.d) != int(nl)+int(ol) {
		return nil, fmt.Errorf("names and forms take %d and %d bytes, %d are left", nl, ol, len(d.d))
	}
	ln.data, lo.data = d.d[:nl:nl], d.d[nl:]
	ix.lazy, ix.lazyOcc = ln, lo
	errs := []error{
		inPlace(&ix.owner, secs[secOwner]), inPlace(&ix.first, secs[secFirst]), inPlace(&ix.postAt, secs[secPostAt]),
		inPlace(&ix.posts, secs[secPosts]), inPlace(&ix.ats, secs[secAts]), inPlace(&ix.delKeys, secs[secDelKeys]),
		inPlace(&ix.delIDs, secs[secDelIDs]), inPlace(&ix.words, secs[secWords]), inPlace(&ix.df, secs[secDF]),
		inPlace(&ix.abjad, secs[secAbjad]), inPlace(&ix.alted, secs[secAlted]), inPlace(&ix.formAt, secs[secFormAt]),
		inPlace(&ix.slotAt, secs[secSlotAt]), inPlace(&ix.postForm, secs[secPostForms]),
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	nt := len(ix.texts)
	switch {
	case len(ix.postAt) != nt+1 || len(ix.ats) != len(ix.posts) || len(ix.postForm) != len(ix.posts) || len(ix.delIDs) != len(ix.delKeys) || len(ix.df) != nt || len(lo.at) != nt+1:
		return nil, errors.New("token arrays disagree in length")
	case len(ix.words) < 2 || len(ix.words)&(len(ix.words)-1) != 0:
		return nil, errors.New("malformed word table")
	}
	if err := ascending(ix.postAt, len(ix.posts)); err != nil {
		return nil, err
	}
	for _, p := range ix.posts {
		if p < 0 || int(p) >= nn {
			return nil, fmt.Errorf("posting %d of %d names", p, nn)
		}
	}
	for _, id := range ix.delIDs {
		if id < 0 || int(id) >= nt {
			return nil, fmt.Errorf("deletion of token %d of %d", id, nt)
		}
	}
	for _, w := range ix.words {
		if int(w) > nt {
			return nil, fmt.Errorf("word table holds token %d of %d", w, nt)
		}
	}
	if err := ix.check(); err != nil {
		return nil, err
	}
	// A name's slots are its readings' words, each reading closed by
	// endReading: nameBound walks each reading to its end.
	for i := range nn {
		if a, b := ix.slotAt[i], ix.slotAt[i+1]; b > a && ix.slots[b-1].kind != endReading {
			return nil, fmt.Errorf("slots of name %d end in a word", i)
		}
	}
	return ix, nil
}

// inPlace sets *l to the fixed-width section b, used in place where it can be
// (view). A section of booleans must hold only 0 and 1.
func inPlace[T word](l *[]T, b []byte) error {
	var z T
	if _, ok := any(z).(bool); ok {
		for _, c := range b {
			if c > 1 {
				return errors.New("malformed boolean section")
			}
		}
	}
	v, err := view[T](b)
	*l = v
	return err
}

// check verifies that the arrays of a decoded index agree in length and
// that their references are in range.
func (ix *Index) check() error {
	nn, nt := ix.Names(), len(ix.texts)
	switch {
	case ix.lazy != nil && len(ix.owner) != len(ix.lazy.got):
		return fmt.Errorf("%d owners of %d names", len(ix.owner), len(ix.lazy.got))
	case len(ix.first) != len(ix.parties)+1 || (len(ix.first) > 0 && (ix.first[0] != 0 || int(ix.first[len(ix.first)-1]) != nn)):
		return errors.New("malformed name ranges")
	case len(ix.postAt) != nt+1 || len(ix.abjad) != nt || len(ix.alted) != nt || len(ix.formAt) != nt+1:
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

// offsets is the fixed-width section b of n+1 offsets into max bytes: the
// first 0, none falling, none past max.
func offsets(b []byte, n, max int) ([]uint32, error) {
	l, err := view[uint32](b)
	if err != nil {
		return nil, err
	}
	if len(l) != n+1 || l[0] != 0 {
		return nil, fmt.Errorf("%d offsets of %d items", len(l), n)
	}
	return l, ascending(l, max)
}

// ascending reports an error unless l never falls and stays within [0, max].
func ascending[T int32 | uint32](l []T, max int) error {
	prev := T(0)
	for _, v := range l {
		if v < prev || int(v) > max {
			return errors.New("malformed ranges")
		}
		prev = v
	}
	return nil
}

// lazyNames holds the names of an index loaded from a snapshot, each
// encoded, and decodes each on first use (Index.name): loading decodes
// none, a search only those it scores. A name is allocated when decoded,
// not before: a slice of every name, most never decoded, was ten megabytes
// of memory to touch on loading and for the collector to scan.
type lazyNames struct {
	strs strTab // the snapshot's string table
	data []byte
	at   []uint32               // name i is data[at[i]:at[i+1]]
	got  []atomic.Pointer[name] // name i once decoded
}

// name returns listed name i, decoding it first if it comes from a
// snapshot.
func (ix *Index) name(i int32) *name {
	if ix.lazy != nil {
		return ix.lazy.get(i)
	}
	return &ix.names[i]
}

// get returns name i, decoding it the first time. Two goroutines may both
// decode it; either result is kept, both are equal. The snapshot's
// checksum held, so a failure to decode is a bug in the encoder: the name
// is then left without readings (it matches nothing) rather than panic in
// a search.
func (l *lazyNames) get(i int32) *name {
	if n := l.got[i].Load(); n != nil {
		return n
	}
	n := new(name)
	d := &decoder{d: l.data[l.at[i]:l.at[i+1]], strs: l.strs}
	d.name(n)
	if d.err != nil || len(d.d) != 0 {
		*n = name{}
	}
	l.got[i].CompareAndSwap(nil, n)
	return l.got[i].Load()
}

// lazyForms holds the forms each token occurs in (occurrences) in an
// index loaded from a snapshot, encoded per token and decoded on first use.
type lazyForms struct {
	strs strTab // the snapshot's string table
	data []byte
	at   []uint32                  // token id's forms are data[at[id]:at[id+1]]
	got  []atomic.Pointer[[]token] // token id's forms once decoded
}

// get returns the forms of token id, decoding them the first time. Two
// goroutines may both decode them; either result is kept, both are equal.
// The snapshot's checksum held, so a failure to decode is a bug in the
// encoder: the token then has no form (it meets no query word), as a name
// that fails is left without readings.
func (l *lazyForms) get(id int32) []token {
	if o := l.got[id].Load(); o != nil {
		return *o
	}
	d := &decoder{d: l.data[l.at[id]:l.at[id+1]], strs: l.strs}
	out := make([]token, d.count(12))
	for i := range out {
		d.token(&out[i])
	}
	if d.err != nil || len(d.d) != 0 {
		out = nil
	}
	l.got[id].CompareAndSwap(nil, &out)
	return *l.got[id].Load()
}

// lazyIDs holds the identifiers of an index loaded from a snapshot,
// encoded, and decodes them into a map the first time a query holds one
// (Index.idsOf): most screenings are of names alone, and filling the map
// was a tenth of loading.
type lazyIDs struct {
	strs    strTab // the snapshot's string table
	data    []byte
	parties int // how many parties the index holds
	once    sync.Once
	ids     map[string][]int32
}

// get returns the identifiers' map, decoding it the first time. The
// snapshot's checksum held, so a failure to decode is a bug in the
// encoder: the index then matches no identifier rather than panic.
func (l *lazyIDs) get() map[string][]int32 {
	l.once.Do(func() {
		d := &decoder{d: l.data, strs: l.strs}
		n := d.count(2)
		m := make(map[string][]int32, n)
		for range n {
			k := d.str()
			ps := d.int32s()
			for _, e := range ps {
				if e < 0 || int(e) >= l.parties {
					d.fail("identifier of party %d of %d", e, l.parties)
				}
			}
			m[k] = ps
		}
		if d.err == nil && len(d.d) == 0 {
			l.ids = m
		}
	})
	return l.ids
}

// idsOf returns the parties holding identifier key k.
func (ix *Index) idsOf(k string) []int32 {
	if ix.lazyIDs != nil {
		return ix.lazyIDs.get()[k]
	}
	return ix.ids[k]
}

// stored holds the parties of an index loaded from a snapshot, each
// encoded (appendParty) and decoded on first access: loading a million parties
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
	e, err := decodeParty(s.data[s.at[i]:s.at[i+1]])
	if err != nil {
		// The payload's checksum held, so this is a bug in the encoder:
		// say so in the party rather than panic in a search.
		e = &warden.Entity{Remarks: "warden: index snapshot party undecodable: " + err.Error()}
	}
	s.parties[i].CompareAndSwap(nil, e)
	return s.parties[i].Load()
}
