// Package signing is the client side of motcua's remote signature service: a Cloud
// Signature Consortium (CSC) API v2 client and a crypto.Signer built on it, so that the
// worker can sign a PDF's hash with a leader's or a seal's key it never holds.
//
// This package must not load, generate or hold private keys. The keys live only in the
// signature service (package internal/signing/service, run by `motcua signer`); a test
// checks that this package does not depend on that one and references no key-parsing
// function. The PIN a leader types is kept only for one signing session and is never
// printed: see PIN.
//
// The JSON types in csc.go are the wire format of the subset of CSC API v2.0.0.2 that
// motcua speaks; the service reuses them so both sides agree on every field name.
package signing
