package match

import (
	"reflect"
	"strconv"
	"testing"

	"warden"
)

// TestPartyCodecCoversEntity fills every field of a warden.Entity, however
// deep, with a value of its own, and checks that the snapshot's binary form
// of a party gives it back: a field added to the entity and not to
// appendParty and decodeParty fails here, not silently in a snapshot.
func TestPartyCodecCoversEntity(t *testing.T) {
	var e warden.Entity
	n := 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.String:
			v.SetString("s" + strconv.Itoa(n))
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int:
			v.SetInt(int64(n))
		case reflect.Float64:
			v.SetFloat(float64(n) + 0.5)
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			fill(v.Index(0))
			fill(v.Index(1))
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem())
		default:
			t.Fatalf("warden.Entity holds a %s: teach this test and appendParty to fill and write it", v.Type())
		}
	}
	fill(reflect.ValueOf(&e).Elem())
	b := appendParty([]byte("prefix"), &e)
	got, err := decodeParty(b[len("prefix"):])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &e) {
		t.Errorf("party decoded as\n%+v\nwritten as\n%+v", got, &e)
	}
	// Every shorter input is refused, never read past its end.
	for i := len("prefix"); i < len(b); i++ {
		if _, err := decodeParty(b[len("prefix"):i]); err == nil {
			t.Fatalf("%d of %d bytes decoded without error", i-len("prefix"), len(b)-len("prefix"))
		}
	}
	// The decoded strings are the decoder's own: changing the input
	// changes none of them.
	for i := len("prefix"); i < len(b); i++ {
		b[i] = 'x'
	}
	if got.ID != e.ID || got.Remarks != e.Remarks {
		t.Errorf("decoded strings share the input: %q, %q", got.ID, got.Remarks)
	}
}
