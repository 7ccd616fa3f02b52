// Package pades signs PDFs (PAdES baseline B-B, B-T with a time-stamping service) and
// verifies their signatures, for motcua's results: the leader's certification
// signature, the clerical office's number and date (FillFields), the organization's
// seal, and the organization's signature on copies and attachments.
//
// Every change it makes is an incremental update appended after the last byte of the
// file, so earlier signatures stay valid; it must never rewrite a file, and it does not
// import pdfcpu, which does. Verify reads untrusted uploads: its parser is bounded in
// depth, size and work, and it treats every change after a signature as forbidden unless
// a rule in diff.go allows it. See docs/signing.md.
package pades
