package embedded

import (
	"context"
	"fmt"
	"log/slog"

	sdklog "go.temporal.io/sdk/log"
	tlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// serverLogger sends the embedded Temporal server's logs to slog, one level down: the
// server is chatty, and logs passing errors while its services start and stop ("not
// enough hosts", "frontend is not healthy yet"), which would alarm someone running
// motcua on a laptop. Its warnings go out at debug and its errors at warn.
type serverLogger struct{ l *slog.Logger }

func newServerLogger(l *slog.Logger) tlog.Logger { return &serverLogger{l: l} }

func (s *serverLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	if !s.l.Enabled(context.Background(), level) {
		return
	}
	attrs := make([]slog.Attr, 0, len(tags))
	for _, t := range tags {
		attrs = append(attrs, slog.Any(t.Key(), t.Value()))
	}
	s.l.LogAttrs(context.Background(), level, msg, attrs...)
}

func (s *serverLogger) Debug(msg string, tags ...tag.Tag)  { s.log(slog.LevelDebug-4, msg, tags) }
func (s *serverLogger) Info(msg string, tags ...tag.Tag)   { s.log(slog.LevelDebug, msg, tags) }
func (s *serverLogger) Warn(msg string, tags ...tag.Tag)   { s.log(slog.LevelDebug, msg, tags) }
func (s *serverLogger) Error(msg string, tags ...tag.Tag)  { s.log(slog.LevelWarn, msg, tags) }
func (s *serverLogger) DPanic(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }
func (s *serverLogger) Panic(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	panic(withTags(msg, tags))
}

// Fatal panics rather than exiting the process, so that motcua, not a library, decides
// how the program ends.
func (s *serverLogger) Fatal(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	panic(withTags(msg, tags))
}

func withTags(msg string, tags []tag.Tag) string {
	for _, t := range tags {
		msg += fmt.Sprintf(" %s=%v", t.Key(), t.Value())
	}
	return msg
}

func (s *serverLogger) With(tags ...tag.Tag) tlog.Logger {
	args := make([]any, 0, 2*len(tags))
	for _, t := range tags {
		args = append(args, t.Key(), t.Value())
	}
	return &serverLogger{l: s.l.With(args...)}
}

// quietSDKLogger is the SDK client logger for the short-lived admin client.
func quietSDKLogger() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))
}
