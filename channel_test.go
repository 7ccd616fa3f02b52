package motcua

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestChannelLabelsAndFallback(t *testing.T) {
	want := map[Channel]string{ChannelOnline: "trực tuyến", ChannelDesk: "trực tiếp", ChannelPost: "bưu chính",
		ChannelPortal: "Cổng DVC quốc gia"}
	for _, c := range Channels() {
		if !c.Valid() || c.Label() != want[c] || !utf8.ValidString(c.Label()) || !norm.NFC.IsNormalString(c.Label()) {
			t.Errorf("%s: label %q, want %q (NFC)", c, c.Label(), want[c])
		}
	}
	if Channel("fax").Valid() {
		t.Error("fax is not a channel")
	}
	tests := []struct {
		c      Channel
		online bool
		want   Channel
	}{
		{"", true, ChannelOnline}, {"", false, ChannelDesk}, {ChannelPost, true, ChannelPost}, {"x", false, ChannelDesk},
	}
	for _, tt := range tests {
		if got := ChannelOf(tt.c, tt.online); got != tt.want {
			t.Errorf("ChannelOf(%q, %t) = %q, want %q", tt.c, tt.online, got, tt.want)
		}
	}
	if !ChannelPortal.Electronic() || ChannelPost.Electronic() || ChannelDesk.Electronic() || !ChannelOnline.Electronic() {
		t.Error("Electronic: online and portal only")
	}
}
