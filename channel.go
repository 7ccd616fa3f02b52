package motcua

// Channel is how a dossier reached the ministry (kênh tiếp nhận, Circular 03/2025/TT-VPCP
// art. 5): filed online on the ministry's pages, handed in at the one-stop desk, sent by
// post, or filed on the national public-service portal. It is stored on the dossier,
// chooses the procedure's time limit, and is printed on the receipt.
type Channel string

const (
	ChannelOnline Channel = "online" // trực tuyến, on motcua's own pages or API
	ChannelDesk   Channel = "desk"   // trực tiếp, at the one-stop desk
	ChannelPost   Channel = "post"   // bưu chính, by public postal service
	ChannelPortal Channel = "portal" // on the national public-service portal
)

var channelLabels = map[Channel]string{
	ChannelOnline: "trực tuyến",
	ChannelDesk:   "trực tiếp",
	ChannelPost:   "bưu chính",
	ChannelPortal: "Cổng DVC quốc gia",
}

// Channels lists every channel, online first.
func Channels() []Channel { return []Channel{ChannelOnline, ChannelDesk, ChannelPost, ChannelPortal} }

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { _, ok := channelLabels[c]; return ok }

// Label is the channel in Vietnamese, as the receipt and the statistics print it.
func (c Channel) Label() string { return labelOf(channelLabels, c) }

// Electronic reports whether the applicant filed the dossier electronically (online or
// on the national portal): such dossiers take the procedure's online time limit.
func (c Channel) Electronic() bool { return c == ChannelOnline || c == ChannelPortal }

// ChannelOf is the channel of a dossier recorded before channels were stored: only the
// online flag was kept then.
func ChannelOf(c Channel, online bool) Channel {
	if c.Valid() {
		return c
	}
	if online {
		return ChannelOnline
	}
	return ChannelDesk
}
