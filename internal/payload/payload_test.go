package payload

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

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

func TestPlainPayloadsPassThrough(t *testing.T) {
	c, _ := NewCodec(key(t))
	p, _ := converter.GetDefaultDataConverter().ToPayload("plain")
	var s string
	if err := c.DataConverter().FromPayload(p, &s); err != nil || s != "plain" {
		t.Fatalf("plain payload: %q %v", s, err)
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
