// Package portal is motcua's side of the national public-service portal (Cổng Dịch vụ
// công quốc gia, DVCQG): what is sent to it (the dossier record and its processing
// steps, Circular 04/2025/TT-VPCP; Decree 63/2024 art. 7 wants each status change there
// within 10 minutes), the HTTP client that sends it, the Syncer that drains the status
// outbox to it, and a development portal (DevServer) that records every call and can be
// told to fail, hang, answer slowly or refuse.
//
// The Syncer talks to the portal through the Portal interface: the real endpoint is a
// configuration (URL, token, paths), and another transport is another implementation.
// docs/portal.md says which fields the public texts leave open and what was chosen.
//
// portal must not import workflows, api or web: it runs beside the worker, on the
// store's outbox, not inside a workflow.
package portal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motcua"
)

// Portal is the national portal's dossier sync API: add a dossier it has not seen,
// update one it has, and append a processing step. key is the idempotency key of the
// call (dossier code, transition number and operation): a call repeated with the same
// key after a crash must not be applied twice.
type Portal interface {
	// Add creates the dossier; ErrExists when the portal has it already.
	Add(ctx context.Context, key string, d Dossier) error
	// Update replaces the dossier's record; ErrUnknown when the portal does not have it.
	Update(ctx context.Context, key string, d Dossier) error
	// Progress appends a processing step.
	Progress(ctx context.Context, key string, p Progress) error
	// Rate sends the applicant's rating of a returned dossier (docs/ratings.md).
	Rate(ctx context.Context, key string, r Rating) error
}

// Rating is the applicant's satisfaction rating of a dossier (DanhGiaHoSo). The levels
// are the portal's codes (RatingCode) with motcua's number beside them; the criteria
// are motcua's (docs/ratings.md: the portal's question list is not public).
type Rating struct {
	Code     string            `json:"MaHoSo"`
	Level    int               `json:"MucDo"`   // 5 very satisfied … 1 very dissatisfied
	LevelKey string            `json:"MaMucDo"` // RHL, HL, BT, KHL, RKHL
	Criteria []RatingCriterion `json:"DanhSachTieuChi"`
	Comment  string            `json:"NoiDung,omitempty"`
	At       string            `json:"ThoiDiemDanhGia"`
}

// RatingCriterion is one criterion's level.
type RatingCriterion struct {
	Key      string `json:"MaTieuChi"`
	Name     string `json:"TenTieuChi"`
	Level    int    `json:"MucDo"`
	LevelKey string `json:"MaMucDo"`
}

// RatingCode is the portal's code of a level (TD-TH DanhGiaCoQuanDto).
func RatingCode(level int) string {
	switch level {
	case 5:
		return "RHL"
	case 4:
		return "HL"
	case 3:
		return "BT"
	case 2:
		return "KHL"
	case 1:
		return "RKHL"
	}
	return ""
}

// ErrExists is the portal's "the dossier exists already" (error_code 3 or -3): an add
// becomes an update.
var ErrExists = errors.New("the portal has this dossier already")

// ErrUnknown is the portal's "no such dossier" (error_code 4 or -4) to an update: the
// update becomes an add.
var ErrUnknown = errors.New("the portal does not know this dossier")

// RefusedError is the portal's final refusal of a call: retrying it unchanged cannot
// succeed, so the event is parked for an administrator.
type RefusedError struct {
	Status  int    // HTTP status
	Code    string // the portal's error_code, when it gave one
	Message string
}

func (e *RefusedError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("portal refused (HTTP %d, error_code %s): %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("portal refused (HTTP %d): %s", e.Status, e.Message)
}

// Refused reports whether err is a final refusal (not worth retrying unchanged).
func Refused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// TimeLayout is how the portal writes dates and times: yyyyMMddHHmmss in Vietnam time.
const TimeLayout = "20060102150405"

// Time formats t for the portal; the zero time is empty.
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Vietnam).Format(TimeLayout)
}

func timePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return Time(*t)
}

// Channels as the portal numbers them (KenhThucHien).
const (
	ChannelDesk   = 1 // trực tiếp
	ChannelOnline = 2 // trực tuyến
	ChannelPost   = 3 // bưu chính công ích
)

// Dossier is the dossier's record on the portal (HoSoDongBoDVC). Field names are the
// portal's.
type Dossier struct {
	Code          string `json:"MaHoSo"`
	ProcedureCode string `json:"MaTTHC"`
	ProcedureName string `json:"TenTTHC"`
	Domain        string `json:"TenLinhVuc"`
	Channel       int    `json:"KenhThucHien"`
	Applicant     string `json:"ChuHoSo"`
	Email         string `json:"Email,omitempty"`
	Phone         string `json:"SoDienThoai,omitempty"`
	Summary       string `json:"TrichYeuHoSo"`
	SubmittedAt   string `json:"NgayNopHoSo"`
	ReceivedAt    string `json:"NgayTiepNhan,omitempty"`
	DueAt         string `json:"NgayHenTra,omitempty"`
	Status        int    `json:"TrangThaiHoSo"`
	FinishedAt    string `json:"NgayKetThucXuLy,omitempty"`
	ReturnedAt    string `json:"NgayTra,omitempty"`
	RefusedAt     string `json:"NgayTuChoi,omitempty"`
	Agency        string `json:"DonViXuLy"`
	// Components are the submitted documents, with whether each was digitized at the
	// desk or reused from the document store.
	Components []Component `json:"TaiLieuNop"`
	// Results are the result documents with their numbers and download links.
	Results []Result `json:"DanhSachGiayToKetQua"`
	// Appointments holds the change of appointment this event made (a supplement
	// request, or an apology that sets a new date): the old and the new date.
	Appointments []Appointment `json:"DanhSachHoSoBoSung"`
	HasDigitized bool          `json:"HoSoCoThanhPhanSoHoa"`
	VNeID        bool          `json:"TaiKhoanDuocXacThucVoiVNeID"`
	PaidOnline   bool          `json:"DuocThanhToanTrucTuyen"`
}

// Component is a submitted document (TaiLieuNop).
type Component struct {
	ID        string `json:"TepDinhKemId"`
	Name      string `json:"TenTepDinhKem"`
	Code      string `json:"MaThanhPhanHoSo"`
	Link      string `json:"DuongDanTaiTepTin"`
	Digitized bool   `json:"DuocSoHoa"`
	// Reused: 0 not reused, 1 reused from the ministry's document store, 2 from the
	// national portal's.
	Reused int `json:"DuocTaiSuDung"`
}

// Result is a result document (DanhSachGiayToKetQua).
type Result struct {
	Name   string `json:"TenGiayTo"`
	ID     string `json:"GiayToId"`
	Link   string `json:"DuongDanTepTinKetQua"`
	Number string `json:"MaGiayToKetQua"`
}

// Appointment is a moved appointment (an entry of DanhSachHoSoBoSung).
type Appointment struct {
	RequestedBy string `json:"NguoiYeuCauBoSung"`
	Content     string `json:"NoiDungBoSung"`
	At          string `json:"NgayBoSung"`
	Before      string `json:"NgayHenTraTruoc"`
	After       string `json:"NgayHenTraMoi"`
}

// Progress is one processing step (QuaTrinhXuLyDongBoDVC).
type Progress struct {
	Code      string `json:"MaHoSo"`
	Handler   string `json:"NguoiXuLy"`
	Title     string `json:"ChucDanh"`
	At        string `json:"ThoiDiemXuLy"`
	Unit      string `json:"PhongBanXuLy"`
	Content   string `json:"NoiDungXuLy"`
	Status    int    `json:"TrangThai"`
	StartedAt string `json:"NgayBatDau"`
	DueAt     string `json:"NgayKetThucTheoQuyDinh,omitempty"`
}
