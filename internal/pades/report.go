package pades

import (
	"fmt"
	"time"
)

// Report is the result of verifying a PDF's signatures. It is served as JSON at
// POST /api/v1/verify and shown on the public verification page: Verdict and Message
// for people, Code fields for programs.
type Report struct {
	// Valid is true only when the document has at least one signature, every signature
	// is valid, and nothing in the file lies outside what they allow.
	Valid bool `json:"valid"`
	// Verdict is "valid", "invalid" or "unsigned".
	Verdict string `json:"verdict"`
	// Message is the verdict in Vietnamese, one sentence.
	Message    string            `json:"message"`
	Size       int64             `json:"size"`
	Revisions  int               `json:"revisions"`
	Signatures []SignatureReport `json:"signatures"`
	// Problems concern the file as a whole (structure, data outside any revision).
	Problems []Problem `json:"problems,omitempty"`
	// Unsigned lists what the last revisions changed that no signature covers (allowed
	// changes only; anything else is a problem of the signatures before it).
	Unsigned []Change `json:"unsigned_changes,omitempty"`
}

// SignatureReport is what was found about one signature.
type SignatureReport struct {
	Field string `json:"field"`
	// Kind is "certification", "approval" or "document_timestamp".
	Kind      string `json:"kind"`
	DocMDP    int    `json:"docmdp,omitempty"`
	SubFilter string `json:"subfilter"`
	// Revision is the 1-based revision this signature signs; CoversWholeFile says
	// whether it is the last one.
	Revision        int  `json:"revision"`
	CoversWholeFile bool `json:"covers_whole_file"`

	Signer    *CertInfo      `json:"signer,omitempty"`
	Name      string         `json:"name,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Location  string         `json:"location,omitempty"`
	Claimed   *time.Time     `json:"claimed_time,omitempty"` // /M or signing-time: the signer's word
	Timestamp *TimestampInfo `json:"timestamp,omitempty"`

	Checks Checks `json:"checks"`
	Valid  bool   `json:"valid"`
	// Problems say why the signature is not valid (empty when it is).
	Problems []Problem `json:"problems,omitempty"`
	// Changes are the allowed changes made after this signature (numbering, later
	// signatures, time-stamps).
	Changes []Change `json:"changes,omitempty"`
}

// Checks are the individual results, true when passed.
type Checks struct {
	ByteRange   bool `json:"byte_range"`   // the ranges cover the revision; the gap is exactly /Contents
	Integrity   bool `json:"integrity"`    // the digest of the ranges matches the signed one
	Signature   bool `json:"signature"`    // the signature over the signed attributes verifies
	Trusted     bool `json:"trusted"`      // the certificate chains to a configured root
	KeyUsage    bool `json:"key_usage"`    // the certificate may sign documents
	Timestamp   bool `json:"timestamp"`    // a time-stamp token is present and valid
	LaterChange bool `json:"later_change"` // every later revision is allowed
}

// CertInfo describes a certificate for people.
type CertInfo struct {
	Subject      string    `json:"subject"`
	CommonName   string    `json:"common_name"`
	Organization string    `json:"organization,omitempty"`
	Issuer       string    `json:"issuer"`
	Serial       string    `json:"serial"`
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
}

// TimestampInfo describes an RFC 3161 time-stamp token.
type TimestampInfo struct {
	Time  time.Time `json:"time"`
	TSA   string    `json:"tsa,omitempty"`
	Valid bool      `json:"valid"`
}

// Problem is one reason for invalidity: a stable English code, a Vietnamese message for
// the public page, and a technical detail in English.
type Problem struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"`
	Revision int    `json:"revision,omitempty"`
}

// Change is one allowed change of a later revision.
type Change struct {
	Revision int    `json:"revision"`
	Kind     string `json:"kind"` // form_filled, signature_added, timestamp_added, dss_added, metadata_changed, annotation_added
	Field    string `json:"field,omitempty"`
	Value    string `json:"value,omitempty"`
}

// Problem codes.
const (
	CodeNoSignatures       = "no_signatures"
	CodeRevisionStructure  = "revision_structure"
	CodeTrailingData       = "trailing_data"
	CodeTooLarge           = "too_large"
	CodeSignatureDict      = "signature_dictionary_invalid"
	CodeContentsMissing    = "contents_missing"
	CodeByteRangeInvalid   = "byte_range_invalid"
	CodeByteRangeGap       = "byte_range_gap_mismatch"
	CodeByteRangeRevision  = "byte_range_not_revision_end"
	CodeSubFilter          = "subfilter_unsupported"
	CodeCMSInvalid         = "cms_invalid"
	CodeDigestMismatch     = "digest_mismatch"
	CodeSignatureInvalid   = "signature_invalid"
	CodeWeakAlgorithm      = "weak_algorithm"
	CodeUntrusted          = "certificate_untrusted"
	CodeKeyUsage           = "key_usage"
	CodeTimestampInvalid   = "timestamp_invalid"
	CodeTimestampUntrusted = "timestamp_untrusted"
	CodeSignatureReplaced  = "signature_dictionary_modified"
	CodePageModified       = "page_modified"
	CodeContentModified    = "content_modified"
	CodeCatalogModified    = "catalog_modified"
	CodeFormModified       = "form_modified"
	CodeFieldLocked        = "field_locked"
	CodeFieldNotAllowed    = "field_not_allowed"
	CodeDocMDP             = "docmdp_violation"
	CodeObjectDeleted      = "object_deleted"
	CodeUnsignedSigField   = "unsigned_signature_field"
	CodeAnnotationAdded    = "annotation_added"
	CodeUnreadable         = "unreadable_object"
)

var messages = map[string]string{
	CodeNoSignatures:       "Văn bản không có chữ ký số.",
	CodeRevisionStructure:  "Cấu trúc các lần lưu của tệp không hợp lệ.",
	CodeTrailingData:       "Có dữ liệu nằm ngoài các lần lưu hợp lệ của tệp (có thể đã bị chèn thêm nội dung).",
	CodeTooLarge:           "Tệp quá lớn để kiểm tra.",
	CodeSignatureDict:      "Từ điển chữ ký không hợp lệ.",
	CodeContentsMissing:    "Chữ ký không có giá trị chữ ký số.",
	CodeByteRangeInvalid:   "Phạm vi dữ liệu được ký bị thiếu hoặc sai.",
	CodeByteRangeGap:       "Phạm vi được ký không khớp với vị trí của giá trị chữ ký (có dấu hiệu chèn nội dung).",
	CodeByteRangeRevision:  "Phạm vi được ký không kết thúc tại cuối một lần lưu của tệp.",
	CodeSubFilter:          "Định dạng chữ ký không được hỗ trợ.",
	CodeCMSInvalid:         "Không đọc được dữ liệu chữ ký số.",
	CodeDigestMismatch:     "Nội dung văn bản đã bị thay đổi sau khi ký.",
	CodeSignatureInvalid:   "Giá trị chữ ký số không đúng.",
	CodeWeakAlgorithm:      "Chữ ký dùng thuật toán băm không còn an toàn.",
	CodeUntrusted:          "Chứng thư số của người ký không do tổ chức chứng thực tin cậy cấp, hoặc đã hết hạn.",
	CodeKeyUsage:           "Chứng thư số không được phép dùng để ký văn bản.",
	CodeTimestampInvalid:   "Dấu thời gian của chữ ký không hợp lệ.",
	CodeTimestampUntrusted: "Dấu thời gian không do dịch vụ cấp dấu thời gian tin cậy cấp.",
	CodeSignatureReplaced:  "Từ điển chữ ký đã bị thay đổi sau khi ký.",
	CodePageModified:       "Trang văn bản đã bị thay đổi sau khi ký.",
	CodeContentModified:    "Nội dung hoặc tài nguyên của văn bản đã bị thay đổi sau khi ký.",
	CodeCatalogModified:    "Cấu trúc văn bản đã bị thay đổi sau khi ký.",
	CodeFormModified:       "Biểu mẫu của văn bản đã bị thay đổi ngoài việc điền số liệu.",
	CodeFieldLocked:        "Ô dữ liệu đã bị sửa sau khi bị khóa bởi chữ ký số.",
	CodeFieldNotAllowed:    "Ô dữ liệu không được phép điền sau khi ký.",
	CodeDocMDP:             "Thay đổi sau khi ký vượt quá mức cho phép của chữ ký chứng nhận.",
	CodeObjectDeleted:      "Một phần của văn bản đã bị xóa sau khi ký.",
	CodeUnsignedSigField:   "Một ô chữ ký chưa ký đã được thêm vào sau khi ký.",
	CodeAnnotationAdded:    "Chú thích hoặc hình vẽ đã được thêm lên văn bản sau khi ký.",
	CodeUnreadable:         "Một phần của tệp không đọc được.",
}

func problem(code string, rev int, format string, args ...any) Problem {
	return Problem{Code: code, Message: messages[code], Detail: fmt.Sprintf(format, args...), Revision: rev}
}
