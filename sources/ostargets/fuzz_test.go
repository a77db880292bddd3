package ostargets

import (
	"testing"

	"warden/sources/sourcetest"
)

func FuzzParse(f *testing.F) {
	sourcetest.Fuzz(f, Parser{}, "targets.simple.csv",
		"\"id\",\"schema\",\"name\",\"aliases\",\"birth_date\",\"countries\"\n\"a\",\"Person\",\"A\",\"B;C\",\"1980\",\"ru;ua\"\n")
}
