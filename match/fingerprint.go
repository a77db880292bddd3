package match

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
)

// engineTables are the tables the engine reads names by, generated
// (nicknames, legal forms, the corpus of generic words) or written by
// hand. Their whole data goes into the fingerprint (tablesDigest), so that
// a change to any entry changes it, even one the probe names never meet.
// A new table belongs here. (Pointers: an array held in an interface
// would be a copy; a string constant is held as it is.)
var engineTables = []any{
	&nicknameWords, &nicknameAltAt, &nicknameAltOf, &nicknameSlots,
	&legalLatin, &legalOther, &legalRead, &legalForms,
	&genericIndustry, &genericPlaces, &genericWords,
	&hangulInitials, &hangulVowels, &hangulFinals, &hangulSurnames, &koreanVowelWords,
	&koreanInitials, &koreanVowels, &koreanFinals,
	&persian, &compoundStems, &persianSpellings, &persianNames,
	&compoundSurnames, &surnameReadings, &cantonese, &orgTerms, &wgInitials, &wgFinals,
	&cyrBase, &cyrSchemes, &greek, &arabic, &arabicParticles,
	&connectors, &titles, &numerals, &notRoman, &abbreviations,
	&skeletonRules, &subCosts, &qwertyRows,
	&hanRunes, &hanAt, hanText, &hangulSpeltAt, &hangulSpeltRunesAt, &hangulSpeltRunes, hangulSpeltText,
}

// tablesDigest is SHA-256 over the data of engineTables, each value
// written with its type's shape, maps in order of their keys.
func tablesDigest() [32]byte {
	h := sha256.New()
	var b []byte
	for _, t := range engineTables {
		b = appendValue(b[:0], reflect.ValueOf(t))
		h.Write(b)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// appendValue appends v to b in a form that differs whenever v does:
// lengths before contents, map entries sorted by their encoded keys.
func appendValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.String:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		return append(b, v.String()...)
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1)
		}
		return append(b, 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return binary.AppendUvarint(b, v.Uint())
	case reflect.Float32, reflect.Float64:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float()))
	case reflect.Slice, reflect.Array:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		for i := range v.Len() {
			b = appendValue(b, v.Index(i))
		}
		return b
	case reflect.Struct:
		for i := range v.NumField() {
			b = appendValue(b, v.Field(i))
		}
		return b
	case reflect.Map:
		type entry struct{ k, v []byte }
		es := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			es = append(es, entry{appendValue(nil, it.Key()), appendValue(nil, it.Value())})
		}
		slices.SortFunc(es, func(x, y entry) int { return bytes.Compare(x.k, y.k) })
		b = binary.AppendUvarint(b, uint64(len(es)))
		for _, e := range es {
			b = append(append(b, e.k...), e.v...)
		}
		return b
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, 0)
		}
		return appendValue(append(b, 1), v.Elem())
	}
	panic(fmt.Sprintf("match: engine table of kind %s", v.Kind())) // a table added to engineTables the encoder cannot write
}

// executableID identifies the running executable: its path, size and
// modification time, and the module and version-control state it was
// built from. "" if it cannot be told.
func executableID() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	id := fmt.Sprintf("%s\n%d\n%d\n", exe, fi.Size(), fi.ModTime().UnixNano())
	if bi, ok := debug.ReadBuildInfo(); ok {
		id += bi.GoVersion + "\n" + bi.Main.Path + " " + bi.Main.Version + " " + bi.Main.Sum + "\n"
		for _, s := range bi.Settings {
			id += s.Key + "=" + s.Value + "\n"
		}
	}
	return id
}

// fingerprintCache is the file in a snapshot directory that keeps the
// fingerprint of the executable that last computed it.
const fingerprintCache = ".fingerprint"

// cachedFingerprint is Fingerprint, read from dir's fingerprintCache when
// the running executable wrote it: computing it prepares a hundred names
// and warms every table (~40 ms), which a process that only loads a
// snapshot would pay for one comparison. An executable with another path,
// size, modification time or build computes it again (and writes it), so
// a rebuilt engine is never taken for the old one. The cache is as trusted
// as the snapshots beside it.
func cachedFingerprint(dir string) [32]byte {
	id := executableID()
	if id == "" {
		return Fingerprint()
	}
	key := sha256.Sum256([]byte("warden engine fingerprint\n" + id))
	path := filepath.Join(dir, fingerprintCache)
	if b, err := os.ReadFile(path); err == nil && len(b) == 64 && bytes.Equal(b[:32], key[:]) {
		return [32]byte(b[32:])
	}
	fp := Fingerprint()
	if f, err := os.CreateTemp(dir, ".fingerprint-*.tmp"); err == nil {
		_, werr := f.Write(append(key[:], fp[:]...))
		cerr := f.Close()
		if werr != nil || cerr != nil || os.Chmod(f.Name(), 0o644) != nil || os.Rename(f.Name(), path) != nil {
			os.Remove(f.Name()) // a cache: the next process computes it again
		}
	}
	return fp
}
