package csl

import (
	"testing"

	"warden/sources/sourcetest"
)

func FuzzParse(f *testing.F) {
	sourcetest.Fuzz(f, Parser{}, "consolidated.csv",
		"_id,source,entity_number,type,programs,name,addresses,ids\n27888,SDN,27888,Entity,CYBER2,ACEX OY,\"Vantaa, FI\",\"FI, 24549145, Registration Number; 1abc, Digital Currency Address - XBT\"\n")
}
