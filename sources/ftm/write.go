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
// only e's id is written). Wallets are written as operations of their own.
func (w *Writer) WriteOp(op string, e *warden.Entity) error {
	if op == "DEL" {
		return w.enc.Encode(Op{Op: op, Entity: &Entity{ID: e.SourceID}})
	}
	for _, x := range FromWarden(e) {
		x.ID = idFor(e, x)
		if err := w.enc.Encode(Op{Op: op, Entity: x}); err != nil {
			return err
		}
	}
	return nil
}

// idFor keeps a delta's party ids equal to the source ids, so that a delta
// written by Warden applies to the list it came from.
func idFor(e *warden.Entity, x *Entity) string {
	if x.ID == e.ID {
		return e.SourceID
	}
	return x.ID
}
