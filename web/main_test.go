package web

import (
	"os"
	"testing"

	"warden/auth"
)

// TestMain lowers the cost of the password hashes these tests make by the
// dozen (people of every role signed in): at the production cost each
// takes most of a second under the race detector. Hashing itself is tested
// at the production cost in package auth.
func TestMain(m *testing.M) {
	auth.HashCost = auth.Cost{Memory: 64, Time: 1}
	os.Exit(m.Run())
}
