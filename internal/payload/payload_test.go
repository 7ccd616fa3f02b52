package payload

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

type signArgs struct {
	PIN  string
	Note string
}

func key(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

func TestThePINNeverAppearsInTheEncodedPayload(t *testing.T) {
	c, err := NewCodec(key(t))
	if err != nil {
		t.Fatal(err)
	}
	dc := c.DataConverter()
	p, err := dc.ToPayloads(signArgs{PIN: "482913", Note: "Đồng ý ký, Nguyễn Thị Bích Lĩnh"})
	if err != nil {
		t.Fatal(err)
	}
	raw := p.String()
	for _, secret := range []string{"482913", "Bích Lĩnh", "Note"} {
		if bytes.Contains([]byte(raw), []byte(secret)) {
			t.Fatalf("encoded payload shows %q", secret)
		}
	}
	var back signArgs
	if err := dc.FromPayloads(p, &back); err != nil || back.PIN != "482913" {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}

func TestKeyRotationKeepsOldPayloadsReadable(t *testing.T) {
	oldKey, newKey := key(t), key(t)
	old, _ := NewCodec(oldKey)
	p, _ := old.DataConverter().ToPayload("hồ sơ cũ")
	rotated, _ := NewCodec(newKey, oldKey)
	var s string
	if err := rotated.DataConverter().FromPayload(p, &s); err != nil || s != "hồ sơ cũ" {
		t.Fatalf("old payload after rotation: %q %v", s, err)
	}
	stranger, _ := NewCodec(key(t))
	if err := stranger.DataConverter().FromPayload(p, &s); err == nil {
		t.Fatal("a codec without the key decoded the payload")
	}
}

func TestTamperedPayloadIsRefused(t *testing.T) {
	c, _ := NewCodec(key(t))
	p, _ := c.DataConverter().ToPayload("x")
	p.Data[len(p.Data)-1] ^= 1
	var s string
	if err := c.DataConverter().FromPayload(p, &s); err == nil {
		t.Fatal("tampered payload decoded")
	}
}

// TestUnsealedPayloadsAreRefused: a payload the codec's keys did not seal does not
// decode, whatever it claims to be: plain JSON naming an actor (the forged decision of
// issue 11), a JSON null, a payload that says it is encrypted but carries garbage or
// names an unknown key. Before issue 11 the plain ones passed through.
func TestUnsealedPayloadsAreRefused(t *testing.T) {
	c, _ := NewCodec(key(t))
	plain := converter.GetDefaultDataConverter()
	forged, _ := plain.ToPayload(map[string]any{"Actor": map[string]any{"UserID": 2, "Roles": []string{"clerk"}}, "Note": "giả mạo"})
	null, _ := plain.ToPayload(nil)
	garbage := &commonpb.Payload{Metadata: map[string][]byte{metaEncoding: []byte(encoding), metaKeyID: []byte(c.current)},
		Data: bytes.Repeat([]byte{7}, 64)}
	short := &commonpb.Payload{Metadata: map[string][]byte{metaEncoding: []byte(encoding), metaKeyID: []byte(c.current)},
		Data: []byte{1, 2}}
	other, _ := NewCodec(key(t))
	strangers, _ := other.Encode([]*commonpb.Payload{forged})
	for name, p := range map[string]*commonpb.Payload{
		"json/plain":          forged,
		"binary/null":         null,
		"no metadata":         {Data: []byte(`{"Note":"x"}`)},
		"garbage ciphertext":  garbage,
		"short ciphertext":    short,
		"another codec's key": strangers[0],
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := c.Decode([]*commonpb.Payload{p}); !errors.Is(err, ErrUnsealed) {
				t.Errorf("Decode: %v, want ErrUnsealed", err)
			}
			if err := c.Sealed([]*commonpb.Payload{p}); !errors.Is(err, ErrUnsealed) {
				t.Errorf("Sealed: %v, want ErrUnsealed", err)
			}
			var v any
			if err := c.DataConverter().FromPayload(p, &v); err == nil {
				t.Errorf("the data converter decoded it to %v", v)
			}
		})
	}
	// One unsealed payload among sealed ones refuses the list.
	sealed, _ := c.Encode([]*commonpb.Payload{forged})
	if _, err := c.Decode([]*commonpb.Payload{sealed[0], forged}); !errors.Is(err, ErrUnsealed) {
		t.Errorf("a list with one plain payload: %v", err)
	}
}

// TestNoPayloadsDecodeToNone: an Update, query or workflow without arguments carries no
// payload; that is not an unsealed payload (and the worker rejects an Update whose
// input is missing).
func TestNoPayloadsDecodeToNone(t *testing.T) {
	c, _ := NewCodec(key(t))
	for _, ps := range [][]*commonpb.Payload{nil, {}} {
		out, err := c.Decode(ps)
		if err != nil || len(out) != 0 {
			t.Errorf("Decode(%v) = %v, %v", ps, out, err)
		}
		if err := c.Sealed(ps); err != nil {
			t.Errorf("Sealed(%v) = %v", ps, err)
		}
	}
	if err := c.DataConverter().FromPayloads(nil); err != nil {
		t.Errorf("FromPayloads(nil): %v", err)
	}
}

func TestKeysAndKeyFile(t *testing.T) {
	for _, bad := range []string{"", "not base64", "c2hvcnQ="} {
		if _, err := ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
	if _, err := NewCodec(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted")
	}
	path := filepath.Join(t.TempDir(), "keys", "payload.key")
	k1, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKeyFile(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load: %v", err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode().Perm())
	}
}
