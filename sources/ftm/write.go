package ftm

import (
	"encoding/json"
	"io"

	"warden"
)

// Writer writes Warden entities as FtM JSON lines.
type Writer struct{ enc *json.Encoder }

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &Writer{enc: enc}
}

// Write writes e and its wallets.
func (w *Writer) Write(e *warden.Entity) error {
	for _, x := range FromWarden(e) {
		if err := w.enc.Encode(x); err != nil {
			return err
		}
	}
	return nil
}

// WriteOp writes e as a delta operation: "ADD", "MOD" or "DEL" (for DEL
// only e's id is written). Ids are Warden's entity ids, as in Write, so a
// delta applies to a list imported from a full export. Wallets are written
// as operations of their own.
func (w *Writer) WriteOp(op string, e *warden.Entity) error {
	if op == "DEL" {
		return w.enc.Encode(Op{Op: op, Entity: &Entity{ID: e.ID}})
	}
	for _, x := range FromWarden(e) {
		if err := w.enc.Encode(Op{Op: op, Entity: x}); err != nil {
			return err
		}
	}
	return nil
}
