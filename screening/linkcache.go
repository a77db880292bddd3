package screening

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"warden"
)

// The automatic links of the lists are kept beside the index snapshot too,
// in a file keyed as they are stored (linksKey): reading 21,000 links from
// SQLite row by row took longer than loading the index, and a cold `warden
// screen NAME` waited for them. They are a function of the lists and the
// rules alone, so a file of the same key holds the links the store holds;
// what people decided about links is read from the store every time. Like
// a snapshot, a file that cannot be used (truncated, damaged, of another
// key or layout) is logged, removed and written again from the store.
//
// Layout: the magic, the layout version (uint32), the key's length
// (uint32) and the key, the payload's length (uint64) and its CRC-32C
// (uint32), then the payload: the number of links, and each link's four
// strings (A, B, rule, detail), every count and length a uvarint.

const (
	linksMagic   = "WRDNLNK\n"
	linksVersion = 1
)

// linksPath is the file of the links under key (linksKey) in dir.
func linksPath(dir, key string) string {
	h := sha256.Sum256([]byte(key))
	return filepath.Join(dir, "links-"+hex.EncodeToString(h[:12])+".bin")
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodeLinks is the file of links under key.
func encodeLinks(key string, links []warden.ListingLink) []byte {
	var p []byte
	p = binary.AppendUvarint(p, uint64(len(links)))
	for _, l := range links {
		for _, s := range [4]string{l.A, l.B, string(l.Rule), l.Detail} {
			p = binary.AppendUvarint(p, uint64(len(s)))
			p = append(p, s...)
		}
	}
	b := append([]byte(linksMagic), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[len(linksMagic):], linksVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(key)))
	b = append(b, key...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(p)))
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(p, castagnoli))
	return append(b, p...)
}

// decodeLinks reads a file encodeLinks wrote under key.
func decodeLinks(b []byte, key string) ([]warden.ListingLink, error) {
	head := len(linksMagic) + 4
	if len(b) < head+4 || string(b[:len(linksMagic)]) != linksMagic {
		return nil, errors.New("not a links file")
	}
	if v := binary.LittleEndian.Uint32(b[len(linksMagic):]); v != linksVersion {
		return nil, fmt.Errorf("layout %d, this engine reads %d", v, linksVersion)
	}
	kl := uint64(binary.LittleEndian.Uint32(b[head:]))
	b = b[head+4:]
	if kl > uint64(len(b)) || string(b[:kl]) != key {
		return nil, errors.New("links of other list versions")
	}
	b = b[kl:]
	if len(b) < 12 {
		return nil, errors.New("truncated")
	}
	n, sum := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint32(b[8:])
	p := b[12:]
	if uint64(len(p)) != n {
		return nil, errors.New("truncated")
	}
	if crc32.Checksum(p, castagnoli) != sum {
		return nil, errors.New("checksum mismatch")
	}
	count, k := binary.Uvarint(p)
	if k <= 0 || count > uint64(len(p)) {
		return nil, errors.New("malformed")
	}
	p = p[k:]
	// The strings share one copy of the payload.
	all := string(p)
	at := 0
	str := func() (string, bool) {
		l, k := binary.Uvarint(p[at:])
		if k <= 0 || l > uint64(len(p)-at-k) {
			return "", false
		}
		at += k
		s := all[at : at+int(l)]
		at += int(l)
		return s, true
	}
	links := make([]warden.ListingLink, count)
	for i := range links {
		var f [4]string
		for j := range f {
			s, ok := str()
			if !ok {
				return nil, errors.New("malformed")
			}
			f[j] = s
		}
		links[i] = warden.ListingLink{A: f[0], B: f[1], Rule: warden.LinkRule(f[2]), Detail: f[3]}
	}
	if at != len(p) {
		return nil, errors.New("bytes left over")
	}
	return links, nil
}

// loadLinks returns the links under key from the service's snapshot
// directory, false if there is no usable file: a missing one is normal,
// another is logged and removed.
func (s *Service) loadLinks(key string) ([]warden.ListingLink, bool) {
	path := linksPath(s.dir, key)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err == nil {
		var links []warden.ListingLink
		if links, err = decodeLinks(b, key); err == nil {
			return links, true
		}
	}
	s.logf("screening links file %s not used, reading the store: %v", path, err)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.logf("remove screening links file: %v", err)
	}
	return nil, false
}

// saveLinks writes links as the file under key in the background (Wait
// waits for it), atomically as saveSnapshot writes, and removes the files
// of other keys.
func (s *Service) saveLinks(key string, links []warden.ListingLink) {
	s.writes.Add(1)
	go func() {
		defer s.writes.Done()
		path := linksPath(s.dir, key)
		err := writeAtomic(s.dir, ".links-*.tmp", path, func(w io.Writer) error {
			_, err := w.Write(encodeLinks(key, links))
			return err
		})
		if err != nil {
			s.logf("screening links file not written: %v", err)
			return
		}
		tidy(s.dir, path, "links-*.bin", ".links-*.tmp")
	}()
}
