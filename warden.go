// Package warden holds the domain of the Warden cyber-sanctions system: the
// model of a listed party, the error codes every layer speaks, and the small
// interfaces through which list parsers hand over what they read.
//
// The root package imports no adapter. Parsers live under sources/, storage
// under store/, HTTP under web/, and the one binary under cmd/warden.
package warden
