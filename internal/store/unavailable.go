package store

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err says that PostgreSQL cannot be reached or is going
// away, rather than that a query is wrong: a refused or failed connection, a
// connection broken under a query, the server shutting down or starting up (SQLSTATE
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, class 08
// connection exceptions, 53300 too_many_connections), a connection that could not be
// had from the pool in time, and the pool closed under a request. The HTTP layer
// answers these 503 with Retry-After instead of 500: the request may succeed shortly,
// and nothing about it is a defect.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	// Whatever made a connection attempt fail (refused, reset, the server starting or
	// shutting down, the database closed to connections), there is no database.
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "53300",
			strings.HasPrefix(pe.Code, "08"):
			return true
		}
		return false // the server answered: the query, not the connection, failed
	}
	if pgconn.Timeout(err) || errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	// A connection reset or closed under a query: pgconn wraps the network error.
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	// pgxpool waits for a connection until the request's deadline and then answers
	// with the context's error, unwrapped; nothing answering in time is the same thing.
	return errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "closed pool")
}
