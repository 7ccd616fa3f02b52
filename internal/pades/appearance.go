package pades

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // callers may pass a scanned signature as JPEG
	_ "image/png"
)

// maxImagePixels bounds the appearance images Sign accepts (a 42 mm seal at 600 dpi is
// about 1000 x 1000).
const maxImagePixels = 4000 * 4000

// imageAppearance adds an image XObject (with its alpha as a soft mask) and a form
// XObject of size w x h points that draws it centred, aspect kept. It returns the form.
func imageAppearance(u *incremental, img []byte, w, h float64) (Ref, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return Ref{}, fmt.Errorf("decode image: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return Ref{}, fmt.Errorf("image of %dx%d pixels is out of bounds", cfg.Width, cfg.Height)
	}
	m, _, err := image.Decode(bytes.NewReader(img))
	if err != nil {
		return Ref{}, fmt.Errorf("decode image: %w", err)
	}
	imgRef := u.add(imageXObject(u, m))
	iw, ih := float64(cfg.Width), float64(cfg.Height)
	scale := min(w/iw, h/ih)
	dw, dh := iw*scale, ih*scale
	content := fmt.Sprintf("q %s 0 0 %s %s %s cm /Im0 Do Q", formatReal(dw), formatReal(dh), formatReal((w-dw)/2), formatReal((h-dh)/2))
	form := &Stream{Dict: Dict{
		"Type": Name("XObject"), "Subtype": Name("Form"),
		"BBox":      Array{0.0, 0.0, w, h},
		"Resources": Dict{"XObject": Dict{"Im0": imgRef}},
	}, Data: []byte(content)}
	return u.add(form), nil
}

// imageXObject converts m to a DeviceRGB image with an /SMask for its alpha (omitted
// when the image is opaque).
func imageXObject(u *incremental, m image.Image) *Stream {
	b := m.Bounds()
	rgba, ok := m.(*image.NRGBA)
	if !ok {
		rgba = image.NewNRGBA(b)
		draw.Draw(rgba, b, m, b.Min, draw.Src)
	}
	w, h := b.Dx(), b.Dy()
	rgb := make([]byte, 0, w*h*3)
	alpha := make([]byte, 0, w*h)
	opaque := true
	for y := 0; y < h; y++ {
		row := rgba.Pix[y*rgba.Stride : y*rgba.Stride+w*4]
		for x := 0; x < w; x++ {
			p := row[x*4 : x*4+4]
			rgb = append(rgb, p[0], p[1], p[2])
			alpha = append(alpha, p[3])
			if p[3] != 255 {
				opaque = false
			}
		}
	}
	d := Dict{
		"Type": Name("XObject"), "Subtype": Name("Image"),
		"Width": int64(w), "Height": int64(h),
		"ColorSpace": Name("DeviceRGB"), "BitsPerComponent": int64(8),
		"Filter": Name("FlateDecode"),
	}
	if !opaque {
		d["SMask"] = u.add(&Stream{Dict: Dict{
			"Type": Name("XObject"), "Subtype": Name("Image"),
			"Width": int64(w), "Height": int64(h),
			"ColorSpace": Name("DeviceGray"), "BitsPerComponent": int64(8),
			"Filter": Name("FlateDecode"),
		}, Data: deflate(alpha)})
	}
	return &Stream{Dict: d, Data: deflate(rgb)}
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
