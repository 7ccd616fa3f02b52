package activities

import (
	"time"
)

// WorkingTime is the working-time calendar the activities count with (internal/calendar
// implements it; the adapter lives where the worker is wired).
type WorkingTime interface {
	// Start is when counting starts for something received at t: t itself inside
	// working hours before the cut-off, else the start of the next working session.
	Start(t time.Time) time.Time
	// Due is when minutes of working time, counted from start, have elapsed; time inside
	// paused intervals does not count.
	Due(start time.Time, minutes int, paused []Interval) time.Time
}

// SigningConfig is how the activities reach the signature service.
type SigningConfig struct {
	// SealCredential is the credential of the organization's seal, and SealPIN its PIN,
	// held by the system (the seal is applied by the clerical office's decision, not by
	// a person's PIN).
	SealCredential string
	SealPIN        string
	// TSAURL, when set, time-stamps every signature.
	TSAURL string
}
