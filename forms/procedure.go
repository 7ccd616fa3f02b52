package forms

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"motcua"
)

// Procedure is one version of an administrative procedure (thủ tục hành chính): who may
// apply, who receives and decides, how long it may take and how that time is split between
// steps, what documents it needs, what it costs, what it produces, and the e-form.
//
// A Procedure returned by a Catalog is shared and must be treated as read-only.
type Procedure struct {
	// Code is the procedure's code in the national procedure database (e.g. 1.014936);
	// where that could not be confirmed it is a provisional code "G09.<unit>.<n>", and
	// Notes says so.
	Code string `json:"code"`
	// CodeSource says where the code was confirmed (the national database's record, the
	// published list) or, for a provisional code, what was searched without finding one.
	CodeSource string `json:"codeSource"`
	Version    int    `json:"version"`
	Name       string `json:"name"`
	Domain     string `json:"domain"`
	// EffectiveFrom is the first day (Vietnam time) this version applies; EffectiveTo, when
	// set, the first day it no longer does.
	EffectiveFrom Date       `json:"effectiveFrom"`
	EffectiveTo   Date       `json:"effectiveTo,omitempty"`
	LegalBasis    []LegalDoc `json:"legalBasis"`

	ApplicantKinds []ApplicantKind `json:"applicantKinds"`
	// ReceivingUnit is the unit code of the one-stop desk that receives the dossier (VP).
	ReceivingUnit string `json:"receivingUnit"`
	// DecidingUnit is the unit whose leader signs the result in motcua.
	DecidingUnit string `json:"decidingUnit"`
	// DecidingAuthority is who decides under the law, in words (e.g. "Bộ trưởng Bộ Nội vụ").
	DecidingAuthority string `json:"decidingAuthority"`
	Signer            Signer `json:"signer"`

	TimeLimit  TimeLimit  `json:"timeLimit"`
	Steps      []Step     `json:"steps"`
	Supplement Supplement `json:"supplement"`

	Components []Component `json:"components"`
	Fee        Fee         `json:"fee"`
	Result     Result      `json:"result"`
	Retention  Retention   `json:"retention"`
	Form       Form        `json:"form"`

	// Sources are the published records this file was checked against.
	Sources []Source `json:"sources"`
	// Notes say what could not be confirmed and what was chosen instead.
	Notes []string `json:"notes,omitempty"`

	schema *jsonschema.Schema
	// schemaDoc is the generated JSON Schema document, kept for Schema().
	schemaDoc map[string]any
	now       func() time.Time
	limits    Limits
}

// ApplicantKind is who may submit a dossier (the domain's motcua.ApplicantKind).
type ApplicantKind = motcua.ApplicantKind

const (
	ApplicantCitizen      = motcua.ApplicantCitizen      // công dân
	ApplicantOrganization = motcua.ApplicantOrganization // tổ chức
	ApplicantAgency       = motcua.ApplicantAgency       // cơ quan nhà nước (thủ tục nội bộ)
)

// LegalDoc is one legal document the procedure rests on.
type LegalDoc struct {
	Number        string `json:"number"` // e.g. 03/2026/NĐ-CP
	Title         string `json:"title"`
	Issued        Date   `json:"issued,omitempty"`
	EffectiveFrom Date   `json:"effectiveFrom,omitempty"`
	EffectiveTo   Date   `json:"effectiveTo,omitempty"`
}

// Signer is how the result is signed (Decree 30/2020, Appendix I): an optional authority
// prefix (KT., TM., TL., Q., TUQ.) before the authority's title, then the signer's own title.
type Signer struct {
	Prefix         string `json:"prefix"`         // "", "KT.", "TM.", "TL.", "Q.", "TUQ."
	AuthorityTitle string `json:"authorityTitle"` // e.g. BỘ TRƯỞNG
	Title          string `json:"title"`          // e.g. THỨ TRƯỞNG
}

// Lines returns the signature block's title lines as printed, e.g.
// ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"], or just ["BỘ TRƯỞNG"] when there is no prefix.
func (s Signer) Lines() []string {
	if s.Prefix == "" {
		return []string{s.AuthorityTitle}
	}
	return []string{s.Prefix + " " + s.AuthorityTitle, s.Title}
}

var authorityPrefixes = []string{"", "KT.", "TM.", "TL.", "Q.", "TUQ."}

// headTitles are the titles of the heads of the demo organization's deciding units: the
// authority a result of a unit is signed for. A catalog whose signer names another head
// than its deciding unit's is refused (the CVTLT certificate: «KT. CỤC TRƯỞNG»
// under a Bộ trưởng's authority line).
var headTitles = map[string]string{"G09": "BỘ TRƯỞNG", "CVTLT": "CỤC TRƯỞNG", "TCPCP": "VỤ TRƯỞNG",
	"CCVC": "VỤ TRƯỞNG", "TDKT": "TRƯỞNG BAN", "VP": "CHÁNH VĂN PHÒNG"}

// deputyTitles are their deputies' titles, who sign KT.
var deputyTitles = map[string]string{"G09": "THỨ TRƯỞNG", "CVTLT": "PHÓ CỤC TRƯỞNG", "TCPCP": "PHÓ VỤ TRƯỞNG",
	"CCVC": "PHÓ VỤ TRƯỞNG", "TDKT": "PHÓ TRƯỞNG BAN", "VP": "PHÓ CHÁNH VĂN PHÒNG"}

// Signature is the result's signature block when the catalog's signer signs it (the
// head, or a deputy KT.), for the deciding unit named unitName, below parentName ("" for
// the ministry). A delegate's block is derived from it (dossiers.Service.Signature).
func (p *Procedure) Signature(unitName, parentName string) motcua.SignatureBlock {
	agency := strings.ToUpper(unitName)
	b := motcua.SignatureBlock{Form: motcua.SigningForm(p.Signer.Prefix), AuthorityTitle: p.Signer.AuthorityTitle,
		Authority: p.Signer.AuthorityTitle + " " + agency, Agency: agency, ParentAgency: strings.ToUpper(parentName),
		SignerTitle: p.Signer.Title}
	if b.Form == motcua.SignAsHead {
		b.SignerTitle = p.Signer.AuthorityTitle
	}
	return b
}

// TimeUnit is the unit of a time limit and of step budgets.
type TimeUnit string

const (
	WorkingDays  TimeUnit = "working_days"  // ngày làm việc
	WorkingHours TimeUnit = "working_hours" // giờ làm việc
	CalendarDays TimeUnit = "calendar_days" // ngày (kể cả ngày nghỉ)
)

// TimeLimit is the statutory time to resolve a dossier (thời hạn giải quyết), counted from
// receipt of a complete dossier. Online and in-person channels may differ.
type TimeLimit struct {
	Unit     TimeUnit `json:"unit"`
	InPerson float64  `json:"inPerson"`
	// Online is the limit for online submissions; 0 means the same as InPerson.
	Online float64 `json:"online,omitempty"`
	// Post is the limit for dossiers sent by post; 0 means the same as InPerson.
	Post float64 `json:"post,omitempty"`
	// Portal is the limit for dossiers filed on the national public-service portal; 0
	// means the same as Online.
	Portal float64 `json:"portal,omitempty"`
	// CountFrom says in words when the clock starts.
	CountFrom string `json:"countFrom,omitempty"`
}

// For returns the time limit for a channel ("online" or anything else for in person).
func (t TimeLimit) For(online bool) float64 {
	if online && t.Online > 0 {
		return t.Online
	}
	return t.InPerson
}

// ForChannel returns the time limit for a dossier received by channel c: desk and post
// count from the in-person limit, online and portal from the online one, unless the
// catalog gives the channel its own.
func (t TimeLimit) ForChannel(c motcua.Channel) float64 {
	switch {
	case c == motcua.ChannelPost && t.Post > 0:
		return t.Post
	case c == motcua.ChannelPortal && t.Portal > 0:
		return t.Portal
	}
	return t.For(c.Electronic())
}

// Step is one step of the review process with its share of the time limit. Steps run in
// order; Consult lists units asked for an opinion in parallel during the step, inside its
// budget.
type Step struct {
	ID     string            `json:"id"`
	Name   string            `json:"name"`
	Unit   string            `json:"unit"`
	Role   motcua.Role       `json:"role"`
	Action motcua.StepAction `json:"action"`
	// Budget is the step's share of the in-person time limit, in TimeLimit.Unit.
	Budget float64 `json:"budget"`
	// BudgetOnline is the share of the online limit; nil means the same as Budget.
	BudgetOnline *float64 `json:"budgetOnline,omitempty"`
	// BudgetPost and BudgetPortal are the shares of the post and portal limits; nil
	// means the same as Budget (post) or BudgetOnline (portal).
	BudgetPost   *float64 `json:"budgetPost,omitempty"`
	BudgetPortal *float64 `json:"budgetPortal,omitempty"`
	// Consult lists the ministry's units the step asks for an opinion, within the
	// step's budget.
	Consult []string `json:"consult,omitempty"`
	// ConsultExternal lists agencies outside the ministry the step may ask for an
	// opinion through the document axis: the consult decision sends each an outgoing
	// document (signed by the leader, numbered and sealed by the clerical office), and
	// the step waits for their replies (docs/exchange.md).
	ConsultExternal []ExternalAgency `json:"consultExternal,omitempty"`
}

// ExternalAgency is an agency outside the ministry, by its electronic identifier on the
// document axis (QĐ 20/2020/QĐ-TTg: 000.00.00.G09) and its name.
type ExternalAgency struct {
	OrganID string `json:"organId"`
	Name    string `json:"name"`
}

// validOrganID: the identifier's form of QĐ 20/2020/QĐ-TTg, ddd.dd.dd.Xdd (13 characters).
func validOrganID(id string) bool {
	if len(id) != 13 {
		return false
	}
	for i := 0; i < 13; i++ {
		c := id[i]
		switch i {
		case 3, 6, 9:
			if c != '.' {
				return false
			}
		case 10:
			if c < 'A' || c > 'Z' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// BudgetFor returns the step's budget for a channel.
func (s Step) BudgetFor(online bool) float64 {
	if online && s.BudgetOnline != nil {
		return *s.BudgetOnline
	}
	return s.Budget
}

// BudgetForChannel returns the step's budget for a dossier received by channel c.
func (s Step) BudgetForChannel(c motcua.Channel) float64 {
	switch {
	case c == motcua.ChannelPost && s.BudgetPost != nil:
		return *s.BudgetPost
	case c == motcua.ChannelPortal && s.BudgetPortal != nil:
		return *s.BudgetPortal
	}
	return s.BudgetFor(c.Electronic())
}

// Supplement is the procedure's supplement policy and the applicant's deadline to supply.
type Supplement struct {
	Policy            motcua.SupplementPolicy `json:"policy"`
	ApplicantDeadline Span                    `json:"applicantDeadline"`
}

// Span is an amount of time in a unit.
type Span struct {
	Value float64  `json:"value"`
	Unit  TimeUnit `json:"unit"`
}

// CopyKind says which form of a document is accepted.
type CopyKind string

const (
	Original         CopyKind = "original"           // bản chính
	Copy             CopyKind = "copy"               // bản sao
	CertifiedCopy    CopyKind = "certified_copy"     // bản sao chứng thực
	OriginalOrCopy   CopyKind = "original_or_copy"   // bản chính hoặc bản sao
	CertifiedOrCheck CopyKind = "copy_with_original" // bản sao kèm bản chính để đối chiếu
)

var copyKinds = []CopyKind{Original, Copy, CertifiedCopy, OriginalOrCopy, CertifiedOrCheck}

var copyKindLabels = map[CopyKind]string{
	Original:         "Bản chính",
	Copy:             "Bản sao",
	CertifiedCopy:    "Bản sao chứng thực",
	OriginalOrCopy:   "Bản chính hoặc bản sao",
	CertifiedOrCheck: "Bản sao kèm bản chính để đối chiếu",
}

// Label is the form of the document in Vietnamese, as the receipt's "Hình thức" column
// writes it.
func (k CopyKind) Label() string { return copyKindLabels[k] }

// Component is a required document of the dossier (thành phần hồ sơ).
type Component struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Template  string   `json:"template,omitempty"` // mẫu đơn, tờ khai, e.g. "Mẫu 1.1"
	Kind      CopyKind `json:"kind"`
	Count     int      `json:"count"`
	Mandatory bool     `json:"mandatory"`
	// MimeTypes are the accepted file types; MaxBytes the size limit of one file.
	MimeTypes []string `json:"mimeTypes"`
	MaxBytes  int64    `json:"maxBytes"`
	Note      string   `json:"note,omitempty"`
	// Reuse lists the types of the applicant's stored documents (kho dữ liệu điện tử)
	// that may stand for this component, attached by reference instead of uploaded: a
	// procedure code for the result it issues, a component ID for a component an
	// earlier dossier's desk accepted.
	Reuse []string `json:"reuse,omitempty"`
}

// Reuses reports whether a stored document of type t may stand for the component.
func (c Component) Reuses(t string) bool { return slices.Contains(c.Reuse, t) }

// Limits says, for the citizen, which files the component takes and how big each may
// be ("PDF, JPEG hoặc PNG; mỗi tệp tối đa 10 MB."), from the same fields Accepts checks.
func (c Component) Limits() string {
	names := map[string]string{"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
	var kinds []string
	for _, m := range c.MimeTypes {
		if n, ok := names[m]; ok {
			kinds = append(kinds, n)
		} else {
			kinds = append(kinds, m)
		}
	}
	list := strings.Join(kinds, ", ")
	if n := len(kinds); n > 1 {
		list = strings.Join(kinds[:n-1], ", ") + " hoặc " + kinds[n-1]
	}
	return fmt.Sprintf("%s; mỗi tệp tối đa %s.", list, byteSize(c.MaxBytes))
}

// ImagesOnly reports whether the component takes only pictures (photos), each one a file.
func (c Component) ImagesOnly() bool {
	for _, m := range c.MimeTypes {
		if !strings.HasPrefix(m, "image/") {
			return false
		}
	}
	return len(c.MimeTypes) > 0
}

// Accepts reports whether a file of the given MIME type and size may be attached to the
// component, with a Vietnamese message when it may not. The API calls it on upload, after
// sniffing the type from the content.
func (c Component) Accepts(mimeType string, size int64) error {
	mt, _, _ := strings.Cut(mimeType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if !slices.Contains(c.MimeTypes, mt) {
		return &motcua.Error{Code: motcua.EINVALID, Field: c.ID,
			Message: fmt.Sprintf("Tệp đính kèm cho «%s» phải là %s.", c.Name, mimeNames(c.MimeTypes))}
	}
	if size > c.MaxBytes {
		return &motcua.Error{Code: motcua.EINVALID, Field: c.ID,
			Message: fmt.Sprintf("Tệp đính kèm cho «%s» vượt quá %s.", c.Name, byteSize(c.MaxBytes))}
	}
	return nil
}

// Fee kinds.
const (
	FeeNone         = "none"          // không thu phí, lệ phí
	FeeFixed        = "fixed"         // một mức cho mỗi hồ sơ
	FeePerUnit      = "per_unit"      // theo đơn vị (trang, bản...)
	FeeByRegulation = "by_regulation" // theo biểu phí của Bộ Tài chính, chưa mã hóa
)

// When the fee is paid (Fee.When).
const (
	FeeAtSubmission = "submission" // khi nộp hồ sơ
	FeeAfterReceipt = "receipt"    // sau khi hồ sơ được tiếp nhận
)

// AfterReceipt reports whether the fee is paid after the desk receives the dossier.
func (f Fee) AfterReceipt() bool { return f.When == FeeAfterReceipt }

// Fee is the fee or charge of the procedure (phí, lệ phí) and how it is computed.
type Fee struct {
	Kind string `json:"kind"`
	// When is when the applicant pays a fee charged online: "submission" (the default:
	// the desk sees the dossier once it is paid) or "receipt" (the desk receives it,
	// then review waits for the payment), as the procedure says.
	When string `json:"when,omitempty"`
	// Amount is in VND: per dossier (fixed) or per unit (per_unit).
	Amount int64 `json:"amount,omitempty"`
	// UnitName names the unit for per_unit fees (e.g. "trang").
	UnitName string `json:"unitName,omitempty"`
	// UnitsFrom counts a per_unit fee's units in the form data; without it the units
	// are 1 a dossier.
	UnitsFrom *FeeUnits `json:"unitsFrom,omitempty"`
	Basis     string    `json:"basis,omitempty"`
	// Description is the fee line citizens read on the procedure's page.
	Description string `json:"description"`
	// InternalNote is the catalog keepers' remark on the fee (a source not yet checked
	// against the rule in force). It stays in the catalog's files: no page shows it and
	// the public API leaves it out.
	InternalNote string `json:"internalNote,omitempty"`
}

// FeeUnits counts the units of a per_unit fee in the form data: the sum, over the items
// of the list field List, of the product of the items' whole-number fields Multiply
// (pages × copies for each archive document asked for).
type FeeUnits struct {
	List     string   `json:"list"`
	Multiply []string `json:"multiply"`
}

// maxFeeUnits bounds the units one dossier is charged for, so a product of form
// numbers can never overflow.
const maxFeeUnits = 1_000_000

// Units counts the fee's units in validated form data: 1 without UnitsFrom.
func (f Fee) Units(data map[string]any) (int, error) {
	if f.UnitsFrom == nil {
		return 1, nil
	}
	items, _ := data[f.UnitsFrom.List].([]any)
	total := 0
	for i, it := range items {
		m, _ := it.(map[string]any)
		n := 1
		for _, field := range f.UnitsFrom.Multiply {
			v, ok := wholeNumber(m[field])
			if !ok || v < 0 {
				return 0, fmt.Errorf("fee units: %s[%d].%s is not a whole number", f.UnitsFrom.List, i, field)
			}
			if v > maxFeeUnits || n*v > maxFeeUnits {
				return 0, fmt.Errorf("fee units: more than %d", maxFeeUnits)
			}
			n *= v
		}
		if total += n; total > maxFeeUnits {
			return 0, fmt.Errorf("fee units: more than %d", maxFeeUnits)
		}
	}
	return total, nil
}

func wholeNumber(v any) (int, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = strings.TrimSpace(x)
	case float64:
		if x != math.Trunc(x) || x > maxFeeUnits {
			return 0, false
		}
		return int(x), true
	case int:
		return x, true
	case int64:
		if x > maxFeeUnits {
			return 0, false
		}
		return int(x), true
	default:
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// FeeFor is the fee in VND of a dossier of p with validated form data (0: no fee). A
// fee set by a regulation not encoded yet cannot be charged online and is 0 here.
func (p *Procedure) FeeFor(data map[string]any) (int64, error) {
	if p.Fee.Kind == FeeByRegulation || p.Fee.Kind == FeeNone {
		return 0, nil
	}
	units, err := p.Fee.Units(data)
	if err != nil {
		return 0, err
	}
	return p.Fee.Compute(units)
}

// Compute returns the fee in VND for a dossier with the given number of units (pages,
// copies); units is ignored unless the fee is per unit. A fee set by a regulation that is
// not encoded yet cannot be computed and returns an error.
func (f Fee) Compute(units int) (int64, error) {
	switch f.Kind {
	case FeeNone:
		return 0, nil
	case FeeFixed:
		return f.Amount, nil
	case FeePerUnit:
		if units < 0 {
			return 0, fmt.Errorf("fee per %s: negative count %d", f.UnitName, units)
		}
		if units > 0 && f.Amount > math.MaxInt64/int64(units) {
			return 0, fmt.Errorf("fee per %s: %d units overflow", f.UnitName, units)
		}
		return f.Amount * int64(units), nil
	}
	return 0, fmt.Errorf("fee %q: computed by regulation, not encoded (%s)", f.Kind, f.Basis)
}

// Result is the document the procedure produces.
type Result struct {
	DocumentType string `json:"documentType"` // giay_phep, quyet_dinh, chung_chi, ban_sao, thong_bao
	Name         string `json:"name"`
	Template     string `json:"template"` // name of the render template
	// Validity is how long the issued result is valid from its date of issue; nil: the
	// catalog says nothing (no end is recorded).
	Validity *Validity `json:"validity,omitempty"`
}

// Validity is a result's period of validity: Years and Months from the date of issue,
// or Unlimited (không thời hạn). Basis names the rule.
type Validity struct {
	Years     int    `json:"years,omitempty"`
	Months    int    `json:"months,omitempty"`
	Unlimited bool   `json:"unlimited,omitempty"`
	Basis     string `json:"basis,omitempty"`
}

// Until is the last day a result issued on the Vietnam date from is valid (from plus
// the period, less a day), ok false when it has no end.
func (v *Validity) Until(from time.Time) (until time.Time, ok bool) {
	if v == nil || v.Unlimited || v.Years == 0 && v.Months == 0 {
		return time.Time{}, false
	}
	from = from.In(motcua.Vietnam)
	d := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(v.Years, v.Months, -1), true
}

var resultTypes = []string{"giay_phep", "quyet_dinh", "chung_chi", "ban_sao", "thong_bao", "van_ban"}

// Retention is how long the archived dossier is kept.
type Retention struct {
	Years     int    `json:"years,omitempty"`
	Permanent bool   `json:"permanent,omitempty"`
	Basis     string `json:"basis,omitempty"`
}

// Source is a published record the file was checked against.
type Source struct {
	URL      string `json:"url"`
	Title    string `json:"title"`
	LookedUp Date   `json:"lookedUp"`
	// Confirms says which figures the source confirmed.
	Confirms string `json:"confirms"`
}

// Date is a calendar day, "YYYY-MM-DD", in Vietnam time.
type Date string

// Start returns the first instant of the day in Vietnam time.
func (d Date) Start() (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, string(d), motcua.Vietnam)
}

var (
	nationalCodeRE    = regexp.MustCompile(`^[12]\.[0-9]{6}$`)
	provisionalCodeRE = regexp.MustCompile(`^G09\.[A-Z]{2,6}\.[0-9]{2}$`)
	componentIDRE     = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	mimeRE            = regexp.MustCompile(`^[a-z]+/[a-z0-9.+-]+$`)
)

// knownUnits are the demo organization's unit codes (see the org notes); a catalog that
// names another unit is broken.
var knownUnits = []string{"G09", "VP", "TCPCP", "CVTLT", "CCVC", "TDKT"}

// maxComponentBytes caps a component's size limit; bigger uploads belong elsewhere.
const maxComponentBytes = 50 << 20

// check verifies a procedure's data as far as it can be checked alone. Every problem is
// reported, so that one review fixes a file.
func (p *Procedure) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if !nationalCodeRE.MatchString(p.Code) && !provisionalCodeRE.MatchString(p.Code) {
		bad("code %q: want a national code like 1.014936 or a provisional G09.UNIT.NN", p.Code)
	}
	if strings.TrimSpace(p.CodeSource) == "" {
		bad("codeSource: say where code %s was confirmed, or what was searched for a provisional one", p.Code)
	}
	if provisionalCodeRE.MatchString(p.Code) && len(p.Notes) == 0 {
		bad("provisional code %s needs a note saying why", p.Code)
	}
	if p.Version < 1 {
		bad("version %d: must be at least 1", p.Version)
	}
	if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.Domain) == "" {
		bad("name and domain are required")
	}
	from, err := p.EffectiveFrom.Start()
	if err != nil {
		bad("effectiveFrom %q: %v", p.EffectiveFrom, err)
	}
	if p.EffectiveTo != "" {
		to, err := p.EffectiveTo.Start()
		if err != nil {
			bad("effectiveTo %q: %v", p.EffectiveTo, err)
		} else if !to.After(from) {
			bad("effectiveTo %s is not after effectiveFrom %s", p.EffectiveTo, p.EffectiveFrom)
		}
	}
	if len(p.LegalBasis) == 0 {
		bad("legalBasis: at least one document")
	}
	for i, l := range p.LegalBasis {
		if l.Number == "" || l.Title == "" {
			bad("legalBasis[%d]: number and title are required", i)
		}
		for _, d := range []Date{l.Issued, l.EffectiveFrom, l.EffectiveTo} {
			if _, err := d.Start(); d != "" && err != nil {
				bad("legalBasis[%d] %s: date %q: %v", i, l.Number, d, err)
			}
		}
	}
	if len(p.ApplicantKinds) == 0 {
		bad("applicantKinds: at least one")
	}
	for _, k := range p.ApplicantKinds {
		if !slices.Contains([]ApplicantKind{ApplicantCitizen, ApplicantOrganization, ApplicantAgency}, k) {
			bad("applicantKinds: unknown %q", k)
		}
	}
	if p.ReceivingUnit != "VP" {
		bad("receivingUnit %q: every dossier is received at the one-stop desk (VP)", p.ReceivingUnit)
	}
	if !slices.Contains(knownUnits, p.DecidingUnit) {
		bad("decidingUnit %q: unknown unit", p.DecidingUnit)
	}
	if p.DecidingAuthority == "" {
		bad("decidingAuthority is required")
	}
	if !slices.Contains(authorityPrefixes, p.Signer.Prefix) {
		bad("signer.prefix %q: want one of KT., TM., TL., Q., TUQ. or empty", p.Signer.Prefix)
	}
	if p.Signer.AuthorityTitle == "" || (p.Signer.Prefix != "" && p.Signer.Title == "") {
		bad("signer: authorityTitle, and title when there is a prefix, are required")
	}
	p.checkAuthority(bad)
	p.checkTime(bad)
	p.checkComponents(bad)
	switch p.Fee.Kind {
	case FeeNone:
		if p.Fee.Amount != 0 {
			bad("fee: kind none with amount %d", p.Fee.Amount)
		}
	case FeeFixed, FeePerUnit:
		if p.Fee.Amount <= 0 {
			bad("fee: kind %s needs a positive amount", p.Fee.Kind)
		}
		if p.Fee.Kind == FeePerUnit && p.Fee.UnitName == "" {
			bad("fee: per_unit needs unitName")
		}
		if u := p.Fee.UnitsFrom; u != nil && (u.List == "" || len(u.Multiply) == 0) {
			bad("fee.unitsFrom needs list and multiply")
		}
	case FeeByRegulation:
		if p.Fee.Basis == "" {
			bad("fee: by_regulation needs the regulation in basis")
		}
	default:
		bad("fee.kind %q: unknown", p.Fee.Kind)
	}
	switch p.Fee.When {
	case "", FeeAtSubmission, FeeAfterReceipt:
	default:
		bad("fee.when %q: want %q or %q", p.Fee.When, FeeAtSubmission, FeeAfterReceipt)
	}
	if p.Fee.Description == "" {
		bad("fee.description is required")
	}
	if !slices.Contains(resultTypes, p.Result.DocumentType) || p.Result.Name == "" || p.Result.Template == "" {
		bad("result: documentType (one of %v), name and template are required", resultTypes)
	}
	if v := p.Result.Validity; v != nil && (v.Years < 0 || v.Months < 0 || v.Years > 100 || v.Months > 1200 ||
		v.Unlimited == (v.Years+v.Months > 0)) {
		bad("result.validity: either a period (years, months) or unlimited")
	}
	if p.Retention.Permanent == (p.Retention.Years > 0) {
		bad("retention: either permanent or a number of years")
	}
	if len(p.Sources) == 0 {
		bad("sources: cite at least one published record")
	}
	for i, s := range p.Sources {
		if !strings.HasPrefix(s.URL, "http") || s.Title == "" || s.Confirms == "" {
			bad("sources[%d]: url, title and confirms are required", i)
		}
		if _, err := s.LookedUp.Start(); err != nil {
			bad("sources[%d].lookedUp %q: %v", i, s.LookedUp, err)
		}
	}
	if err := p.Form.check(p.Components); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkAuthority holds the deciding unit, the deciding authority in words and the
// signature block to one another: the block is signed for the deciding unit's head, the
// words name that head, and a KT. is signed by that head's deputy.
func (p *Procedure) checkAuthority(bad func(string, ...any)) {
	head, ok := headTitles[p.DecidingUnit]
	if !ok {
		return // reported as an unknown unit
	}
	if p.Signer.AuthorityTitle != head {
		bad("signer.authorityTitle %q: the deciding unit %s is headed by the %s", p.Signer.AuthorityTitle, p.DecidingUnit, head)
	}
	if !strings.Contains(strings.ToUpper(p.DecidingAuthority), head) {
		bad("decidingAuthority %q does not name the %s of the deciding unit %s", p.DecidingAuthority, head, p.DecidingUnit)
	}
	switch motcua.SigningForm(p.Signer.Prefix) {
	case motcua.OnBehalf:
		if p.Signer.Title != deputyTitles[p.DecidingUnit] {
			bad("signer.title %q: KT. %s is signed by a %s", p.Signer.Title, head, deputyTitles[p.DecidingUnit])
		}
	case motcua.ByAuthorization, motcua.Acting, motcua.ByOrder:
		bad("signer.prefix %q: TUQ., TL. and Q. come from delegation records, not from the catalog", p.Signer.Prefix)
	}
}

// halves converts an amount to whole half-units, so that budgets like ½ day add up exactly.
func halves(v float64) (int64, bool) {
	h := v * 2
	return int64(h), h == math.Trunc(h) && h >= 0 && h < 1e9
}

func (p *Procedure) checkTime(bad func(string, ...any)) {
	t := p.TimeLimit
	if !slices.Contains([]TimeUnit{WorkingDays, WorkingHours, CalendarDays}, t.Unit) {
		bad("timeLimit.unit %q: unknown", t.Unit)
	}
	limits := map[motcua.Channel]int64{}
	for _, c := range motcua.Channels() {
		v, ok := halves(t.ForChannel(c))
		if !ok || v == 0 {
			bad("timeLimit %s: %v: want a positive multiple of ½", c, t.ForChannel(c))
		}
		limits[c] = v
	}
	if len(p.Steps) == 0 {
		bad("steps: at least one")
	}
	sums := map[motcua.Channel]int64{}
	ids := map[string]bool{}
	for i, s := range p.Steps {
		if s.ID == "" || ids[s.ID] {
			bad("steps[%d]: missing or repeated id %q", i, s.ID)
		}
		ids[s.ID] = true
		if s.Name == "" || !slices.Contains(knownUnits, s.Unit) || !s.Role.Valid() || s.Role == motcua.RoleCitizen {
			bad("steps[%d] %s: name, a known unit and a staff role are required", i, s.ID)
		}
		if !s.Action.Valid() {
			bad("steps[%d] %s: action %q unknown", i, s.ID, s.Action)
		}
		for _, c := range motcua.Channels() {
			b, ok := halves(s.BudgetForChannel(c))
			if !ok {
				bad("steps[%d] %s: budget (%s) must be a multiple of ½", i, s.ID, c)
			}
			sums[c] += b
		}
		for _, u := range s.Consult {
			if !slices.Contains(knownUnits, u) || u == s.Unit {
				bad("steps[%d] %s: consulted unit %q unknown or the step's own", i, s.ID, u)
			}
		}
		seenAgency := map[string]bool{}
		for _, a := range s.ConsultExternal {
			if !validOrganID(a.OrganID) || strings.TrimSpace(a.Name) == "" || seenAgency[a.OrganID] {
				bad("steps[%d] %s: consulted agency %q needs an organ ID of the form 000.00.00.G09, a name, and to be listed once", i, s.ID, a.OrganID)
			}
			seenAgency[a.OrganID] = true
		}
		if len(s.ConsultExternal) > 0 && s.Action != motcua.StepAppraise {
			bad("steps[%d] %s: only an appraisal step consults agencies", i, s.ID)
		}
	}
	if len(p.Steps) > 0 && p.Steps[0].Action != motcua.StepReceive {
		bad("steps: the first step must receive the dossier")
	}
	for _, c := range motcua.Channels() {
		if sums[c] != limits[c] {
			bad("steps: budgets (%s) add up to %v, the time limit of that channel is %v %s",
				c, float64(sums[c])/2, t.ForChannel(c), t.Unit)
		}
	}
	s := p.Supplement
	if !s.Policy.Valid() {
		bad("supplement.policy %q: want pause or restart", s.Policy)
	}
	if v, ok := halves(s.ApplicantDeadline.Value); !ok || v == 0 ||
		!slices.Contains([]TimeUnit{WorkingDays, WorkingHours, CalendarDays}, s.ApplicantDeadline.Unit) {
		bad("supplement.applicantDeadline: a positive value and a known unit are required")
	}
}

func (p *Procedure) checkComponents(bad func(string, ...any)) {
	if len(p.Components) == 0 {
		bad("components: at least one")
	}
	ids := map[string]bool{}
	for i, c := range p.Components {
		if !componentIDRE.MatchString(c.ID) || ids[c.ID] {
			bad("components[%d]: id %q malformed or repeated", i, c.ID)
		}
		ids[c.ID] = true
		if c.Name == "" || c.Count < 1 || !slices.Contains(copyKinds, c.Kind) {
			bad("components[%d] %s: name, count >= 1 and a known kind are required", i, c.ID)
		}
		if len(c.MimeTypes) == 0 {
			bad("components[%d] %s: at least one accepted MIME type", i, c.ID)
		}
		for _, m := range c.MimeTypes {
			if !mimeRE.MatchString(m) {
				bad("components[%d] %s: MIME type %q malformed", i, c.ID, m)
			}
		}
		if c.MaxBytes <= 0 || c.MaxBytes > maxComponentBytes {
			bad("components[%d] %s: maxBytes %d outside 1..%d", i, c.ID, c.MaxBytes, maxComponentBytes)
		}
	}
}

// Component returns the component with the given id.
func (p *Procedure) Component(id string) (Component, bool) {
	for _, c := range p.Components {
		if c.ID == id {
			return c, true
		}
	}
	return Component{}, false
}

// InForce reports whether the version applies at time t.
func (p *Procedure) InForce(t time.Time) bool {
	from, err := p.EffectiveFrom.Start()
	if err != nil || t.Before(from) {
		return false
	}
	if p.EffectiveTo == "" {
		return true
	}
	to, err := p.EffectiveTo.Start()
	return err == nil && t.Before(to)
}

// Key is "code@vN", how logs and errors name a procedure version.
func (p *Procedure) Key() string { return fmt.Sprintf("%s@v%d", p.Code, p.Version) }

func mimeNames(ms []string) string {
	names := make([]string, 0, len(ms))
	for _, m := range ms {
		switch m {
		case "application/pdf":
			names = append(names, "PDF")
		case "image/jpeg":
			names = append(names, "JPEG")
		case "image/png":
			names = append(names, "PNG")
		case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
			names = append(names, "DOCX")
		case "application/msword":
			names = append(names, "DOC")
		default:
			names = append(names, m)
		}
	}
	return strings.Join(names, ", ")
}

func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}
