package pades

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/internal/render"
)

// rect converts a render rectangle (x, y, w, h) to x1, y1, x2, y2.
func rect(r render.Rect) [4]float64 { return [4]float64{r.X, r.Y, r.X + r.W, r.Y + r.H} }

// The whole pipeline on a real result from internal/render: the leader's image where
// the layout says, the number and date in its fields (drawn with the form's own DejaVu
// subset, not a second copy of the font), the seal over the left third of the image.
func TestRenderedDecisionSignFillSeal(t *testing.T) {
	p := newPKI(t)
	r, err := render.New(render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(context.Background(), &render.Decision{
		Header: render.Header{Agency: "BỘ NỘI VỤ", Place: "Hà Nội", Date: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
			Signer:     render.Signer{Prefix: "KT. BỘ TRƯỞNG", Title: "THỨ TRƯỞNG", Name: "Nguyễn Thị Bích Lĩnh"},
			Recipients: []string{"Như Điều 3;", "Lưu: VT, TCPCP."}, VerifyURL: "https://motcua.example/tra-cuu/000.00.00.G09-261120-0001"},
		Symbol: "QĐ-BNV", Subject: "Về việc công nhận Quỹ Bảo trợ trẻ em đủ điều kiện hoạt động", Authority: "BỘ TRƯỞNG BỘ NỘI VỤ",
		Bases:    []string{"Căn cứ Nghị định số 93/2019/NĐ-CP;"},
		Articles: []string{"Công nhận Quỹ Bảo trợ trẻ em đủ điều kiện hoạt động.", "Quyết định này có hiệu lực kể từ ngày ký./."},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := out.Layout
	sigImg, err := SignatureImage("Nguyễn Thị Bích Lĩnh")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(context.Background(), out.PDF, SignOptions{Kind: Certification, Key: p.leader.key, Chain: p.leader.chain,
		Appearance: &Appearance{Page: l.Page, Rect: rect(l.SignerImage), Image: sigImg}, FieldName: "motcua.leader"})
	if err != nil {
		t.Fatal(err)
	}
	filled, err := FillFields(signed, map[string]string{render.FieldNumber: "125", render.FieldDate: "ngày 22 tháng 11 năm 2026"})
	if err != nil {
		t.Fatal(err)
	}
	if grown := len(filled) - len(signed); grown > 20000 {
		t.Errorf("filling grew the file by %d bytes: the form's font was not reused", grown)
	}
	seal, err := SealImage("Bộ Nội vụ", "", l.Seal.W/PointsPerMM)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := Sign(context.Background(), filled, SignOptions{Kind: Approval, LockFields: true, Key: p.org.key, Chain: p.org.chain,
		Appearance: &Appearance{Page: l.Page, Rect: rect(l.Seal), Image: seal}, FieldName: "motcua.seal"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(sealed, verifyOpts(p))
	if err != nil || !rep.Valid {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	if dir := os.Getenv("PADES_KEEP"); dir != "" {
		os.WriteFile(filepath.Join(dir, "decision.pdf"), sealed, 0o644)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", writeTemp(t, "d.pdf", sealed), "-").CombinedOutput()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"125", "ngày 22 tháng 11 năm 2026"} {
			if !strings.Contains(string(txt), want) {
				t.Errorf("pdftotext lacks %q:\n%s", want, txt)
			}
		}
	}
}
