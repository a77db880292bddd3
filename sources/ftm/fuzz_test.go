package ftm

import (
	"testing"

	"warden/sources/sourcetest"
)

func FuzzParse(f *testing.F) {
	sourcetest.Fuzz(f, Parser{}, "e.json",
		`{"id":"a","caption":"A","schema":"Person","properties":{"name":["A"],"birthDate":["1980"]}}`+"\n"+
			`{"id":"w","schema":"CryptoWallet","properties":{"publicKey":["1abc"],"holder":["a"]}}`+"\n"+
			`{"id":"s","schema":"Sanction","properties":{"entity":["a"],"programId":["CYBER2"]}}`)
}

func FuzzParseDelta(f *testing.F) {
	sourcetest.Fuzz(f, DeltaParser{}, "d.json",
		`{"op":"ADD","entity":{"id":"a","schema":"Person","properties":{"name":["A"]}}}`+"\n"+`{"op":"DEL","entity":{"id":"b"}}`)
}
