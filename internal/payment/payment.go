// Package payment is the adapter to the payment platform of the national public-service
// portal (Nền tảng thanh toán trực tuyến, PayGov): ask for a payment, check its status,
// verify the platform's notices. It also holds the development gateway that `motcua run`
// and `motcua payment` start, which shows the applicant a pay / cancel page.
//
// The messages follow what is known of the platform (docs/payment.md): an INIT message
// with a reference (MaThamChieu), the amount in VND (SoTien, an integer, never a float),
// the receipt data (ThongTinBienLai: procedure and dossier codes) and a hash that
// authenticates it (MaXacThuc). Every call carries a timeout: a hung platform never
// holds a request or a worker longer than Config.Timeout. The package does no storage.
package payment

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// Message constants of the platform's INIT message.
const (
	MessageInit = "INIT"
	Version     = "1.0.6"
	KindPay     = "PAY"
)

// Status codes (TrangThai) of a payment on the platform.
const (
	StatusPending   = "0"
	StatusPaid      = "1"
	StatusCancelled = "2"
)

// Receipt is the data the platform prints on the e-receipt (ThongTinBienLai).
type Receipt struct {
	Service       string `json:"MaDichVu"`      // what is paid for: "1" phí, lệ phí
	ProcedureCode string `json:"MaTTHC"`        // the procedure's national code
	UnitCode      string `json:"MaDonVi"`       // the receiving agency
	DossierCode   string `json:"MaHoSo"`        // the dossier
	PayerName     string `json:"HoTenNguoiNop"` // who pays
	FeeName       string `json:"TenPhiLePhi"`   // the fee, as the catalog names it
}

// InitRequest asks the platform for a payment (LoaiBanTin INIT).
type InitRequest struct {
	Message   string  `json:"LoaiBanTin"`
	Version   string  `json:"PhienBan"`
	Partner   string  `json:"MaDoiTac"`
	Reference string  `json:"MaThamChieu"`
	Amount    int64   `json:"SoTien"`
	Kind      string  `json:"LoaiHinhThanhToan"`
	Time      string  `json:"ThoiGianGD"`  // yyyyMMddHHmmss, Vietnam time
	ReturnURL string  `json:"UrlTraVe"`    // where the applicant's browser comes back
	NotifyURL string  `json:"UrlThongBao"` // where the platform posts its notice (callback)
	Receipt   Receipt `json:"ThongTinBienLai"`
	Hash      string  `json:"MaXacThuc"`
}

func (r InitRequest) fields() []string {
	return []string{r.Message, r.Version, r.Partner, r.Reference, strconv.FormatInt(r.Amount, 10), r.Kind, r.Time,
		r.ReturnURL, r.NotifyURL, r.Receipt.ProcedureCode, r.Receipt.DossierCode}
}

// InitResponse answers an InitRequest: where the applicant pays.
type InitResponse struct {
	Code        string `json:"MaLoi"` // "00" accepted
	Description string `json:"MoTaLoi"`
	Reference   string `json:"MaThamChieu"`
	PayURL      string `json:"UrlThanhToan"`
	Hash        string `json:"MaXacThuc"`
}

func (r InitResponse) fields() []string { return []string{r.Code, r.Reference, r.PayURL} }

// Notice is the platform's word on a payment: posted to the notify URL (callback), or
// the answer to a status check (polling). Both carry the same hash.
type Notice struct {
	Reference   string `json:"MaThamChieu"`
	Transaction string `json:"MaGiaoDich"`
	Amount      int64  `json:"SoTien"`
	Status      string `json:"TrangThai"`
	Time        string `json:"ThoiGianGD"`
	Hash        string `json:"MaXacThuc"`
}

func (n Notice) fields() []string {
	return []string{n.Reference, n.Transaction, strconv.FormatInt(n.Amount, 10), n.Status, n.Time}
}

// StatusRequest asks the status of a payment.
type StatusRequest struct {
	Partner   string `json:"MaDoiTac"`
	Reference string `json:"MaThamChieu"`
	Hash      string `json:"MaXacThuc"`
}

func (r StatusRequest) fields() []string { return []string{r.Partner, r.Reference} }

// sign is the hash that authenticates a message: HMAC-SHA256 with the shared secret
// over the message's fields joined by "|", in hex.
func sign(secret string, fields []string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strings.Join(fields, "|")))
	return hex.EncodeToString(m.Sum(nil))
}

// verify reports whether hash authenticates fields, in constant time.
func verify(secret string, fields []string, hash string) bool {
	want := sign(secret, fields)
	return hmac.Equal([]byte(want), []byte(strings.ToLower(hash)))
}
