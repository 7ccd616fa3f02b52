package motcua

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SigningForm is how a person signs a result for the authority that decides it (Decree
// 30/2020/NĐ-CP, art. 13): as the head, for the head as a deputy (KT.), by the head's
// written authorization (TUQ.), by order (TL.), as acting head (Q.), or for a collective
// (TM.). Its value is the prefix printed before the authority's title.
type SigningForm string

const (
	SignAsHead      SigningForm = ""     // the head signs in their own name
	OnBehalf        SigningForm = "KT."  // ký thay: a deputy for the head
	ByAuthorization SigningForm = "TUQ." // thừa ủy quyền: written, limited in time and content, not passed on
	ByOrder         SigningForm = "TL."  // thừa lệnh
	Acting          SigningForm = "Q."   // quyền: acting head
	ForCollective   SigningForm = "TM."  // thay mặt a collective body
)

// SigningForms are the forms in the order the decree lists them.
var SigningForms = []SigningForm{SignAsHead, OnBehalf, ForCollective, ByOrder, Acting, ByAuthorization}

// Valid reports whether f is a known signing form.
func (f SigningForm) Valid() bool { return slices.Contains(SigningForms, f) }

// Label is the form's Vietnamese name.
func (f SigningForm) Label() string {
	switch f {
	case SignAsHead:
		return "Thủ trưởng ký"
	case OnBehalf:
		return "Ký thay (KT.)"
	case ByAuthorization:
		return "Thừa ủy quyền (TUQ.)"
	case ByOrder:
		return "Thừa lệnh (TL.)"
	case Acting:
		return "Quyền (Q.)"
	case ForCollective:
		return "Thay mặt (TM.)"
	}
	return string(f)
}

// Delegable reports whether a delegation record may grant the form: a written
// authorization, an order, or acting as head. A deputy's KT. comes with the post, not
// with a record, and the head needs none.
func (f SigningForm) Delegable() bool {
	return f == ByAuthorization || f == ByOrder || f == Acting
}

// SignatureBlock is what the result says about who signs it, which must agree
// everywhere it appears: the authority line under the title ("CỤC TRƯỞNG CỤC VĂN THƯ VÀ
// LƯU TRỮ NHÀ NƯỚC"), the signature block ("KT. CỤC TRƯỞNG" / "PHÓ CỤC TRƯỞNG"), and the
// title in the signer's certificate ("Phó Cục trưởng").
type SignatureBlock struct {
	Form SigningForm `json:"form"`
	// AuthorityTitle is the deciding authority's title, upper case (CỤC TRƯỞNG).
	AuthorityTitle string `json:"authorityTitle"`
	// Authority is the authority line of a decision: the title and the body it heads.
	Authority string `json:"authority"`
	// Agency is the issuing body (CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC), ParentAgency the one
	// above it ("" when it is the ministry itself).
	Agency       string `json:"agency"`
	ParentAgency string `json:"parentAgency,omitempty"`
	// SignerTitle is the signer's own title as printed (PHÓ CỤC TRƯỞNG); for the head it
	// is the authority's title.
	SignerTitle string `json:"signerTitle"`
	SignerID    int64  `json:"signerId,omitempty"`
	SignerName  string `json:"signerName,omitempty"`
	// DelegationID is the delegation record the signer signs by (TUQ., TL., Q.), 0 for
	// the head or a deputy.
	DelegationID int64 `json:"delegationId,omitempty"`
}

// Lines are the block's title lines as printed: ["KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG"],
// or ["CỤC TRƯỞNG"] for the head.
func (b SignatureBlock) Lines() []string {
	if b.Form == SignAsHead {
		return []string{b.AuthorityTitle}
	}
	return []string{string(b.Form) + " " + b.AuthorityTitle, b.SignerTitle}
}

// Prefix is the first line of the block ("KT. CỤC TRƯỞNG", or "CỤC TRƯỞNG").
func (b SignatureBlock) Prefix() string { return b.Lines()[0] }

// Check says whether the block is coherent in itself: a known form, the authority line
// naming the authority's title, the head signing under their own title and anyone else
// under a different one.
func (b SignatureBlock) Check() error {
	switch {
	case !b.Form.Valid():
		return Errorf(EINVALID, "Hình thức ký «%s» không hợp lệ.", b.Form)
	case strings.TrimSpace(b.AuthorityTitle) == "" || strings.TrimSpace(b.SignerTitle) == "":
		return Errorf(EINVALID, "Thiếu chức danh của người có thẩm quyền hoặc của người ký.")
	case !strings.HasPrefix(b.Authority, b.AuthorityTitle+" "):
		return Errorf(EINVALID, "Dòng thẩm quyền «%s» không phải của %s.", b.Authority, b.AuthorityTitle)
	case b.Form == SignAsHead && !SameTitle(b.SignerTitle, b.AuthorityTitle):
		return Errorf(EINVALID, "Người ký với chức danh %s không ký với tư cách %s.", b.SignerTitle, b.AuthorityTitle)
	case b.Form != SignAsHead && SameTitle(b.SignerTitle, b.AuthorityTitle):
		return Errorf(EINVALID, "%s ký với tư cách người đứng đầu, không ghi «%s».", b.AuthorityTitle, b.Form)
	}
	return nil
}

// CheckCertificate refuses to sign when the signer's certificate does not carry the
// title the block prints: a Thứ trưởng's key under «KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG» is a
// result signed by someone it does not name.
func (b SignatureBlock) CheckCertificate(certTitle string) error {
	if err := b.Check(); err != nil {
		return err
	}
	if !SameTitle(certTitle, b.SignerTitle) {
		if strings.TrimSpace(certTitle) == "" {
			certTitle = "(không ghi chức danh)"
		}
		return Errorf(EFORBIDDEN, "Chứng thư số của người ký ghi chức danh «%s», không khớp với khối chữ ký «%s».",
			certTitle, strings.Join(b.Lines(), " / "))
	}
	return nil
}

// CheckSeal refuses to seal a result with a seal that is not its issuing agency's
// (Decree 30/2020: the seal on a document is that of the agency named in its agency
// line, b.Agency): sealOrg is the organization the seal's certificate names. A Cục's
// decision under the ministry's seal, or the ministry's under a Cục's, is refused.
func (b SignatureBlock) CheckSeal(sealOrg string) error {
	if strings.TrimSpace(b.Agency) == "" {
		return Errorf(EINVALID, "Kết quả không ghi cơ quan ban hành, không thể đóng dấu.")
	}
	if !SameTitle(sealOrg, b.Agency) {
		if strings.TrimSpace(sealOrg) == "" {
			sealOrg = "(không ghi tổ chức)"
		}
		return Errorf(EFORBIDDEN, "Con dấu của «%s» không phải của cơ quan ban hành văn bản «%s».", sealOrg, b.Agency)
	}
	return nil
}

// SameTitle compares two titles as people write them: case and spacing aside
// ("Phó Cục trưởng" is "PHÓ CỤC TRƯỞNG").
func SameTitle(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }
	return norm(a) != "" && norm(a) == norm(b)
}

// Delegation is a written authorization to sign results for someone who holds the
// authority (delegator): a kind (TUQ., TL., Q.), the procedures it covers, the days it
// runs (Vietnam time, both ends included) and the document that grants it. A TUQ.
// delegation is limited in time and content and cannot be passed on.
type Delegation struct {
	ID            int64       `json:"id"`
	DelegatorID   int64       `json:"delegatorId"`
	DelegatorName string      `json:"delegator,omitempty"`
	DelegateID    int64       `json:"delegateId"`
	DelegateName  string      `json:"delegate,omitempty"`
	Kind          SigningForm `json:"kind"`
	Procedures    []string    `json:"procedures"`
	// From and Until are days: midnight in Vietnam time of the first and the last day.
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
	// Document names the authorizing document (number, date, who signed it).
	Document  string     `json:"document"`
	CreatedAt time.Time  `json:"createdAt,omitzero"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

// MaxDelegationDays bounds a delegation's length: an authorization is limited in time.
const MaxDelegationDays = 366

// Check says whether the record is one an administrator may keep.
func (d Delegation) Check() error {
	field := func(f, msg string) error { return &Error{Code: EINVALID, Field: f, Message: msg} }
	switch {
	case d.DelegatorID == 0:
		return field("delegatorId", "Vui lòng chọn người ủy quyền.")
	case d.DelegateID == 0:
		return field("delegateId", "Vui lòng chọn người được ủy quyền.")
	case d.DelegatorID == d.DelegateID:
		return field("delegateId", "Không thể tự ủy quyền cho chính mình.")
	case !d.Kind.Delegable():
		return field("kind", "Hình thức ủy quyền phải là TUQ., TL. hoặc Q.")
	case len(d.Procedures) == 0:
		return field("procedures", "Văn bản ủy quyền phải nêu các thủ tục được ủy quyền.")
	case d.From.IsZero() || d.Until.IsZero():
		return field("until", "Văn bản ủy quyền phải có thời hạn: từ ngày, đến ngày.")
	case Day(d.Until).Before(Day(d.From)):
		return field("until", "Ngày kết thúc phải sau ngày bắt đầu.")
	case Day(d.Until).Sub(Day(d.From)) > MaxDelegationDays*24*time.Hour:
		return field("until", fmt.Sprintf("Thời hạn ủy quyền không quá %d ngày.", MaxDelegationDays))
	case strings.TrimSpace(d.Document) == "" || utf8.RuneCountInString(d.Document) > 300:
		return field("document", "Vui lòng ghi số, ngày của văn bản ủy quyền (tối đa 300 ký tự).")
	}
	for _, p := range d.Procedures {
		if strings.TrimSpace(p) == "" || len(p) > 40 {
			return field("procedures", "Mã thủ tục không hợp lệ.")
		}
	}
	return nil
}

// Covers reports whether the delegation lets its delegate sign a result of procedure
// at instant t: not revoked, naming the procedure, and t's day in Vietnam between From
// and Until, both included.
func (d Delegation) Covers(procedure string, t time.Time) bool {
	if d.RevokedAt != nil && !t.Before(*d.RevokedAt) {
		return false
	}
	day := Day(t)
	return slices.Contains(d.Procedures, procedure) && !day.Before(Day(d.From)) && !day.After(Day(d.Until))
}

// Day is midnight in Vietnam of t's day in Vietnam.
func Day(t time.Time) time.Time {
	y, m, dd := t.In(Vietnam).Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, Vietnam)
}

// Signers says who may sign a result of procedure at t: each holder of the authority
// (the head or the deputies the catalog's signing form names), unless a delegation of
// theirs covers the procedure then, in which case its delegate instead. It returns the
// user IDs and, for each, the delegation they sign by (0 for a holder).
func Signers(holders []int64, delegations []Delegation, procedure string, t time.Time) map[int64]int64 {
	out := map[int64]int64{}
	for _, h := range holders {
		delegated := false
		for _, d := range delegations {
			if d.DelegatorID == h && d.Covers(procedure, t) {
				out[d.DelegateID] = d.ID
				delegated = true
			}
		}
		if !delegated {
			out[h] = 0
		}
	}
	return out
}
