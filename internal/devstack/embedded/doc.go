// Package embedded runs a Temporal server inside the motcua process, persisted in
// PostgreSQL, for `motcua run`. It is apart from package devstack because linking the
// Temporal server costs every process about 45 ms of package initialization: builds
// that never embed the server (production images, built with -tags slim) leave it out.
package embedded
