package activities

import (
	"bytes"
	"fmt"
	"testing"
)

func TestAppearancesAreDrawnOncePerKeyAndBounded(t *testing.T) {
	var c appearances
	draws := 0
	draw := func(s string) func() ([]byte, error) {
		return func() ([]byte, error) { draws++; return []byte(s), nil }
	}
	for range 3 {
		img, err := c.get(appearanceKey{"seal", "Bộ Nội vụ"}, draw("seal"))
		if err != nil || string(img) != "seal" {
			t.Fatalf("seal: %q %v", img, err)
		}
	}
	if draws != 1 {
		t.Errorf("the seal was drawn %d times", draws)
	}
	if img, _ := c.get(appearanceKey{"signature", "Bộ Nội vụ"}, draw("sig")); string(img) != "sig" || draws != 2 {
		t.Errorf("a signature of the same text is another image: %q after %d draws", img, draws)
	}
	if _, err := c.get(appearanceKey{"signature", "x"}, func() ([]byte, error) { return nil, fmt.Errorf("no font") }); err == nil {
		t.Error("a failed drawing was not reported")
	}
	for i := range 2 * maxAppearances {
		_, _ = c.get(appearanceKey{"signature", fmt.Sprint(i)}, draw("n"))
	}
	if len(c.images) > maxAppearances {
		t.Errorf("the cache holds %d images", len(c.images))
	}
	// The real drawings are cached as they are.
	a := &Activities{OrgName: "Bộ Nội vụ"}
	one, err := a.sealImage(a.OrgName)
	if err != nil {
		t.Fatal(err)
	}
	two, _ := a.sealImage(a.OrgName)
	if !bytes.Equal(one, two) || !bytes.HasPrefix(one, []byte("\x89PNG")) {
		t.Error("the seal image is not a stable PNG")
	}
}
