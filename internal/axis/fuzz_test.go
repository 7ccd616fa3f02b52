package axis

import (
	"bytes"
	"testing"
	"time"
)

// FuzzDecodeMessages feeds the client's list decoder what a hostile axis might answer:
// it must never panic, stay within its bound, and hand out only checked messages.
func FuzzDecodeMessages(f *testing.F) {
	f.Add([]byte(`{"messages":[{"id":"1","kind":"edoc","from":"000.00.00.G09","key":"k","documentId":"d","size":10,"sentAt":"2026-12-01T02:00:00Z","deliveries":[{"to":"000.00.00.T01","ackedAt":"2026-12-01T03:00:00Z"}]}]}`))
	f.Add([]byte(`{"messages":[]}`))
	f.Add([]byte(`{"messages":[{"id":"","kind":"status"}]}`))
	f.Add([]byte(`{"messages":null} {}`))
	f.Add([]byte(`[` + string(bytes.Repeat([]byte("["), 10000))))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		msgs, err := DecodeMessages(bytes.NewReader(data))
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("decode took %v", d)
		}
		if err != nil {
			return
		}
		if len(msgs) > MaxLimit {
			t.Fatalf("%d messages accepted", len(msgs))
		}
		for _, m := range msgs {
			if m.ID == "" || !m.Kind.Valid() || m.Size < 0 {
				t.Fatalf("unchecked message accepted: %+v", m)
			}
		}
	})
}

func TestDecodeMessagesRefusesAnOversizedAnswer(t *testing.T) {
	big := append([]byte(`{"messages":[],"pad":"`), bytes.Repeat([]byte("a"), MaxJSONResponse)...)
	if _, err := DecodeMessages(bytes.NewReader(big)); err == nil {
		t.Fatal("an answer over MaxJSONResponse was read")
	}
}
