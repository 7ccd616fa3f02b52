// Package payload encrypts and authenticates what motcua's workflows carry through
// Temporal. Temporal keeps every workflow's history and shows it in its UI; motcua keeps
// personal data out of it, but some payloads must carry a secret (the leader's PIN in the
// sign Update) or a note that may name a person. The codec seals every payload with
// AES-256-GCM, so the history holds ciphertext only; the API and the worker share the key.
//
// Sealing is also what makes a payload motcua's own: GCM authenticates, so only a holder
// of a key can make a payload that opens. Decode therefore refuses every payload that is
// not sealed by one of the codec's keys (ErrUnsealed), and the worker, which decodes with
// this codec, refuses a workflow start, an Update or a Signal that anyone else wrote,
// even one sent straight to the Temporal frontend naming a clerk as its actor: the SDK
// rejects an Update whose arguments do not decode (nothing is written to the history),
// fails a start before the workflow runs, and drops such a Signal.
//
// What legitimately reaches Decode unsealed, and why that opens no hole:
//   - no payload at all (an Update, query or workflow without arguments, a failure
//     without details): a nil or empty list decodes to an empty list. There is nothing
//     in it to trust; a handler that takes an argument fails to decode "no argument"
//     as its input, so an empty list cannot stand in for a decision either.
//   - the SDK's own queries (__stack_trace, __open_sessions,
//     __temporal_workflow_metadata), which the Temporal UI and CLI send without
//     arguments: as above. Their answers are sealed like every other result.
//   - search attributes and headers, which the SDK encodes with its default converter,
//     never with this codec: motcua sets no header and keeps nothing but indexed keys
//     in search attributes.
//
// Everything else, including a JSON null ("binary/null"), a memo and a failure's
// details, is written by motcua's own client or worker through this codec and so is
// sealed. There is no pass-through: a plain payload is not "probably harmless", it is
// a payload from someone without the key.
package payload

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

const (
	encoding      = "binary/encrypted"
	metaEncoding  = "encoding"
	metaKeyID     = "encryption-key-id"
	keySize       = 32
	keyFileHeader = "# motcua payload key (AES-256, base64); keep it secret, keep it backed up\n"
)

// Codec encrypts payloads with one key and decrypts with any of the keys it knows, so
// that keys can be rotated while old histories stay readable.
type Codec struct {
	current string
	aeads   map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// NewCodec builds a codec whose first key encrypts; every key decrypts.
func NewCodec(keys ...[]byte) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("payload codec: no key")
	}
	c := &Codec{aeads: map[string]cipher.AEAD{}}
	for i, k := range keys {
		if len(k) != keySize {
			return nil, fmt.Errorf("payload codec: key %d has %d bytes, want %d", i, len(k), keySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(k)
		c.aeads[id] = aead
		if i == 0 {
			c.current = id
		}
	}
	return c, nil
}

// KeyID names a key without revealing it: the first 8 bytes of its SHA-256, in hex.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// DataConverter is the default converter with this codec, for client and worker alike.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// Encode encrypts each payload, whole (data and metadata), under the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	aead := c.aeads[c.current]
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encode payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("encode payload: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{metaEncoding: []byte(encoding), metaKeyID: []byte(c.current)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// ErrUnsealed is the error of a payload that no key of the codec sealed.
var ErrUnsealed = errors.New("payload is not sealed by motcua's payload key")

// Decode opens payloads sealed by any of the codec's keys, and refuses any other: a
// plain payload, one sealed by an unknown key, one whose ciphertext was altered.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		dec, err := c.open(p)
		if err != nil {
			return nil, fmt.Errorf("decode payload %d: %w", i, err)
		}
		out[i] = dec
	}
	return out, nil
}

// open opens one sealed payload.
func (c *Codec) open(p *commonpb.Payload) (*commonpb.Payload, error) {
	if enc := string(p.GetMetadata()[metaEncoding]); enc != encoding {
		if enc == "" {
			enc = "none"
		}
		return nil, fmt.Errorf("%w (encoding %s)", ErrUnsealed, enc)
	}
	id := string(p.GetMetadata()[metaKeyID])
	aead, ok := c.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: unknown key %q (was the payload key rotated away?)", ErrUnsealed, id)
	}
	if len(p.GetData()) < aead.NonceSize() {
		return nil, fmt.Errorf("%w: ciphertext too short", ErrUnsealed)
	}
	nonce, sealed := p.Data[:aead.NonceSize()], p.Data[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, sealed, []byte(id))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsealed, err)
	}
	var dec commonpb.Payload
	if err := proto.Unmarshal(plain, &dec); err != nil {
		return nil, fmt.Errorf("decode payload: %w", err)
	}
	return &dec, nil
}

// Sealed reports whether every payload is sealed by one of the codec's keys (an empty
// list is: it carries nothing), naming the first that is not.
func (c *Codec) Sealed(payloads []*commonpb.Payload) error {
	for i, p := range payloads {
		if _, err := c.open(p); err != nil {
			return fmt.Errorf("payload %d: %w", i, err)
		}
	}
	return nil
}

// ParseKeys reads keys from a comma-separated list of base64 strings (the first
// encrypts), as MOTCUA_PAYLOAD_KEYS holds them.
func ParseKeys(s string) ([][]byte, error) {
	var keys [][]byte
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, err := base64.StdEncoding.DecodeString(part)
		if err != nil || len(k) != keySize {
			return nil, fmt.Errorf("a payload key must be %d bytes in base64 (openssl rand -base64 32)", keySize)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no payload key given")
	}
	return keys, nil
}

// LoadOrCreateKeyFile reads the key kept in path, making a new one (mode 0600) the first
// time: for `motcua run`, whose worker and API share the file.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		keys, err := ParseKeys(strings.TrimPrefix(string(b), keyFileHeader))
		if err != nil {
			return nil, fmt.Errorf("payload key file %s: %w", path, err)
		}
		return keys[0], nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read payload key: %w", err)
	}
	k := make([]byte, keySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("payload key directory: %w", err)
	}
	if err := os.WriteFile(path, []byte(keyFileHeader+base64.StdEncoding.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write payload key: %w", err)
	}
	return k, nil
}
