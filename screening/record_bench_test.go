package screening_test

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"testing"

	"warden"
	"warden/match"
	"warden/screening"
	"warden/store"
)

// BenchmarkBatchRecord measures what recording costs a 1,000-query batch:
// the same batch screened without a record (plain) and with one
// (recorded: every answer added, one insert at the end). The list is the
// first 2,000 names of the customer-like mix, so that most queries hit
// and the record has the most to summarise; record-only is the record
// without the screening.
func BenchmarkBatchRecord(b *testing.B) {
	ctx := warden.WithPrincipal(context.Background(), warden.Operator)
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "w.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f, err := os.Open(customers)
	if err != nil {
		b.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	im, err := db.BeginImport(ctx, "ofac", "test", false)
	if err != nil {
		b.Fatal(err)
	}
	for i, r := range recs[1:2001] {
		if err := im.Put(&warden.Entity{SourceID: string(rune('a'+i%26)) + r[0], Schema: warden.SchemaPerson, Names: []warden.Name{{Full: r[0], Kind: warden.NamePrimary}}}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := im.Commit(warden.SourceMeta{Published: "2024-07-02"}); err != nil {
		b.Fatal(err)
	}
	s := screening.New(db)
	if _, err := s.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	rows, err := screening.ReadBatch(ctx, warden.Input{Open: func(p string) (io.ReadCloser, error) { return os.Open(p) }}, customers, nil)
	if err != nil {
		b.Fatal(err)
	}
	rows = rows[:1000]
	var resps []screening.Response
	if err := s.Batch(ctx, rows, match.Options{}, func(_ screening.Row, resp screening.Response) error { resps = append(resps, resp); return nil }, nil); err != nil {
		b.Fatal(err)
	}
	hits := 0
	for _, r := range resps {
		hits += len(r.Hits)
	}
	b.Logf("%d queries, %d hits", len(resps), hits)
	// The record alone: the answers added and the record saved.
	b.Run("record-only", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			rec := s.NewRecord(ctx, warden.ChannelBatch, match.Options{})
			for i, resp := range resps {
				rec.Add(rows[i].Pos, resp)
			}
			if _, err := rec.Save(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	// One search, as POST /v1/screen answers it, without and with its
	// record.
	q := rows[0].Query.Query()
	for _, record := range []bool{false, true} {
		name := "single-plain"
		if record {
			name = "single-recorded"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				hits, err := s.Screen(ctx, q, match.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if record {
					rec := s.NewRecord(ctx, warden.ChannelAPI, match.Options{})
					rec.Add("", screening.View(q, hits))
					if _, err := rec.Save(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
	for _, record := range []bool{false, true} {
		name := "plain"
		if record {
			name = "recorded"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				rec := s.NewRecord(ctx, warden.ChannelBatch, match.Options{})
				err := s.Batch(ctx, rows, match.Options{}, func(r screening.Row, resp screening.Response) error {
					if record {
						rec.Add(r.Pos, resp)
					}
					return nil
				}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if record {
					if _, err := rec.Save(ctx); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
