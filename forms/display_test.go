package forms

import "testing"

func TestDisplayPrintsFormDataAsDocumentsDo(t *testing.T) {
	fields := []Field{
		{Key: "d", Kind: KindDate},
		{Key: "c", Kind: KindChoice, Options: []Choice{{Value: "so_hoa", Label: "Số hóa tài liệu lưu trữ"}}},
		{Key: "m", Kind: KindMoney},
		{Key: "n", Kind: KindNumber},
		{Key: "y", Kind: KindNumber},
		{Key: "big", Kind: KindNumber},
		{Key: "b", Kind: KindYesNo},
		{Key: "a", Kind: KindAddress},
		{Key: "empty", Kind: KindText},
		{Key: "f", Kind: KindFile},
		{Key: "g", Kind: KindGroup, Fields: []Field{{Key: "name", Kind: KindText}}},
	}
	got := displayObject(fields, map[string]any{
		"d": "1990-07-21", "c": "so_hoa", "m": 5500000000.0, "n": 92.5, "y": 2007.0, "big": 1500000.0, "b": true,
		"a": map[string]any{"street": "Số 8 Tôn Thất Thuyết", "ward": "Phường Cầu Giấy", "province": "Thành phố Hà Nội"},
		"f": []any{"upl_x"}, "g": []any{map[string]any{"name": "Lê Thị Hoa"}},
	})
	for k, want := range map[string]string{"d": "21/07/1990", "c": "Số hóa tài liệu lưu trữ", "m": "5.500.000.000 đồng",
		"n": "92,5", "y": "2007", "big": "1.500.000", "b": "Có", "empty": "",
		"a": "Số 8 Tôn Thất Thuyết, Phường Cầu Giấy, Thành phố Hà Nội"} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if _, ok := got["f"]; ok {
		t.Error("file field displayed")
	}
	if g, _ := got["g"].([]map[string]any); len(g) != 1 || g[0]["name"] != "Lê Thị Hoa" {
		t.Errorf("group = %#v", got["g"])
	}
}
