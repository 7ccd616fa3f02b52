// Package service is motcua's development signature service: a small CA made on first
// start (root, intermediate, one key and certificate per leader and per organization
// seal, a timestamping certificate), a subset of the CSC API v2 over HTTP with PIN
// authorization and single-use SADs, and an RFC 3161 timestamp endpoint.
//
// It is the only motcua code that holds signing keys, and it runs only in the signer
// process (`motcua signer`, or in-process in the laptop topology `motcua run`). The worker
// and the API use the client in internal/signing, which must never import this package.
//
// It is for development and tests: the keys are files on disk (0600), not in an HSM, the
// certificates carry no revocation information and chain to a root nobody else trusts.
package service
