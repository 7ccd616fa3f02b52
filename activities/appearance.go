package activities

import (
	"sync"

	"motcua/internal/pades"
)

// appearances keeps the seal's and the signers' appearance images: drawing one and
// compressing it as PNG took most of a signature's CPU (docs/PERFORMANCE.md), and its
// inputs (the organization, a leader's name) hardly ever change. The zero value is
// ready; it holds at most maxAppearances images and starts afresh when full.
type appearances struct {
	mu     sync.Mutex
	images map[appearanceKey][]byte
}

type appearanceKey struct{ kind, text string }

const maxAppearances = 256

func (c *appearances) get(k appearanceKey, draw func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	img, ok := c.images[k]
	c.mu.Unlock()
	if ok {
		return img, nil
	}
	img, err := draw()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.images == nil || len(c.images) >= maxAppearances {
		c.images = map[appearanceKey][]byte{}
	}
	c.images[k] = img
	return img, nil
}

// sealImage is the seal of the organization named org, 36 mm across.
func (a *Activities) sealImage(org string) ([]byte, error) {
	return a.looks.get(appearanceKey{"seal", org}, func() ([]byte, error) { return pades.SealImage(org, "", 36) })
}

// signatureImage is the drawn signature of the person named.
func (a *Activities) signatureImage(name string) ([]byte, error) {
	return a.looks.get(appearanceKey{"signature", name}, func() ([]byte, error) { return pades.SignatureImage(name) })
}
