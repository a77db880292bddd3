package ukconlist

import (
	"testing"

	"warden/sources/sourcetest"
)

func FuzzParseCSV(f *testing.F) {
	sourcetest.Fuzz(f, CSV{}, "ConList.csv",
		"Last Updated,14/04/2025\r\nName 6,Name 1,DOB,Group Type,Alias Type,Regime,Group ID\r\nYAKUBETS,Maksim,20/05/1987,Individual,Primary name,Cyber,13800\r\n")
}
