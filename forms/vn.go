package forms

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"motcua"
)

// Names of the formats registered with the JSON Schema compiler.
const (
	formatCCCD   = "vn-cccd"
	formatPhone  = "vn-phone"
	formatFileID = "file-id"
)

// maxMoney caps amounts of money: a thousand trillion đồng, far above any fund's assets,
// well inside int64 and exactly representable as a float64.
const maxMoney = 1_000_000_000_000_000

// provinceCodes are the 3-digit codes that begin a personal identification number: the
// province where the birth was registered (Circular 07/2016/TT-BCA, appendix). A person's
// number never changes, so numbers issued before the 2025 merger of provinces stay valid;
// the 34 merged provinces kept codes from this list, so it is also the list that new
// numbers are drawn from.
var provinceCodes = map[string]string{
	"001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
	"010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
	"017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
	"025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
	"033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
	"038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
	"046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
	"054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
	"064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
	"072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
	"080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
	"087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
	"094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

// cccdError says why a personal ID number is wrong, in words a citizen understands; the
// caller prefixes the field's label.
type cccdError struct{ reason string }

func (e *cccdError) Error() string { return e.reason }

// CCCD is a parsed personal identification number (số định danh cá nhân, on the citizen
// identity card): 3 digits of province, 1 of century and sex, 2 of birth year, 6 random.
type CCCD struct {
	Province  string // code, e.g. "001"
	BirthYear int
	Female    bool
}

// ParseCCCD checks a personal ID number's shape and the meaning of its first six digits.
// now bounds the birth year: nobody applying was born in the future.
func ParseCCCD(s string, now time.Time) (CCCD, error) {
	if len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		return CCCD{}, &cccdError{"phải gồm đúng 12 chữ số"}
	}
	prov := s[:3]
	if _, ok := provinceCodes[prov]; !ok {
		return CCCD{}, &cccdError{fmt.Sprintf("3 chữ số đầu (%s) không phải mã tỉnh, thành phố nơi đăng ký khai sinh", prov)}
	}
	// Century and sex (Circular 07/2016/TT-BCA): 0/1 = 20th century male/female, 2/3 = 21st,
	// 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th.
	g := int(s[3] - '0')
	yy, _ := strconv.Atoi(s[4:6])
	year := 1900 + (g/2)*100 + yy
	if year > now.In(motcua.Vietnam).Year() {
		return CCCD{}, &cccdError{fmt.Sprintf("chữ số thứ 4 đến thứ 6 (%s) cho năm sinh %d, chưa tới", s[3:6], year)}
	}
	return CCCD{Province: prov, BirthYear: year, Female: g%2 == 1}, nil
}

// Phone numbers after the 2018 conversion: mobiles are 10 digits starting 03, 05, 07, 08 or
// 09; landlines are 11 digits starting 02 (area code of 3 digits with the 0, then 8 digits).
var phoneRE = regexp.MustCompile(`^(0[35789][0-9]{8}|02[0-9]{9})$`)

// ValidPhone reports whether a normalized phone number is a Vietnamese mobile or landline.
func ValidPhone(s string) bool { return phoneRE.MatchString(s) }

// normalizePhone removes separators and turns +84 / 84 into the leading 0.
func normalizePhone(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return s // not a phone number; let validation say so
		}
	}
	out := b.String()
	switch {
	case strings.HasPrefix(out, "+84"):
		out = "0" + out[3:]
	case strings.HasPrefix(out, "84") && (len(out) == 11 || len(out) == 12):
		out = "0" + out[2:]
	}
	return out
}

// File IDs are issued by the API's blob store: an opaque token of URL-safe characters.
var fileIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// dmyRE matches dates as people type them: d/m/yyyy with /, - or . between parts.
var dmyRE = regexp.MustCompile(`^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$`)

// normalizeDate turns dd/mm/yyyy into ISO yyyy-mm-dd. A string that is neither is returned
// as it is, for the schema's date format to reject.
func normalizeDate(s string) string {
	m := dmyRE.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("%s-%02d-%02d", m[3], mo, d)
}

// ShowDate formats an ISO date as pages show it, dd/mm/yyyy.
func ShowDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}
