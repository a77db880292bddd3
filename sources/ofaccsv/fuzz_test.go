package ofaccsv

import (
	"testing"

	"warden/sources/sourcetest"
)

func FuzzParse(f *testing.F) {
	sourcetest.Fuzz(f, Parser{}, "sdn.csv",
		"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a",
		"26137,\"KHORASHADIZADEH, Ali\",\"individual\",\"CYBER2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 21 Sep 1979; POB Tehran, Iran; nationality Iran; Digital Currency Address - XBT 149w62rY42aZBox8fGcmqNsXUzSStKeq8C; a.k.a. 'Mastercartaria'.\"\r\n")
}
