package store

import (
	"context"
	"fmt"
	"slices"

	"motcua"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "demo"

// DemoUnit is a unit of the demo organization.
type DemoUnit struct{ Code, AgencyCode, Name, Parent string }

// DemoUnits is the demo organization: the Ministry of Home Affairs and the units that
// receive and decide the catalog's procedures.
var DemoUnits = []DemoUnit{
	{"G09", "000.00.00.G09", "Bộ Nội vụ", ""},
	{"VP", "000.00.01.G09", "Văn phòng Bộ", "G09"},
	{"TCPCP", "000.00.02.G09", "Vụ Tổ chức phi chính phủ", "G09"},
	{"CVTLT", "000.00.03.G09", "Cục Văn thư và Lưu trữ nhà nước", "G09"},
	{"CCVC", "000.00.04.G09", "Vụ Công chức - Viên chức", "G09"},
	{"TDKT", "000.00.05.G09", "Ban Thi đua - Khen thưởng Trung ương", "G09"},
}

// DemoAccount is a demo user and what it is for.
type DemoAccount struct {
	User User
	Unit string
	What string // shown at start and in the README
}

// DemoAccounts lists the demo users; every one has the password DemoPassword.
var DemoAccounts = []DemoAccount{
	{User{Username: "congdan1", Name: "Trần Văn Minh", Email: "congdan1@example.vn", Phone: "0912345678", Roles: []motcua.Role{motcua.RoleCitizen}}, "", "công dân: nộp và theo dõi hồ sơ"},
	{User{Username: "canbo1", Name: "Lê Thị Hoa", Title: "Chuyên viên", Roles: []motcua.Role{motcua.RoleClerk}}, "VP", "cán bộ một cửa: tiếp nhận hồ sơ"},
	{User{Username: "chuyenvien1", Name: "Phạm Quốc Huy", Title: "Chuyên viên chính", Roles: []motcua.Role{motcua.RoleClerk}}, "TCPCP", "chuyên viên: thẩm định hồ sơ về quỹ"},
	{User{Username: "chuyenvien2", Name: "Vũ Ngọc Ánh", Title: "Chuyên viên", Roles: []motcua.Role{motcua.RoleClerk}}, "CVTLT", "chuyên viên: thẩm định hồ sơ lưu trữ"},
	{User{Username: "chuyenvien3", Name: "Hoàng Đức Thắng", Title: "Chuyên viên", Roles: []motcua.Role{motcua.RoleClerk}}, "CCVC", "chuyên viên: hồ sơ công chức, viên chức; cho ý kiến"},
	{User{Username: "chuyenvien4", Name: "Ngô Thị Lan", Title: "Chuyên viên", Roles: []motcua.Role{motcua.RoleClerk}}, "TDKT", "chuyên viên: thẩm định hồ sơ khen thưởng"},
	{User{Username: "vanthu2", Name: "Bùi Văn Khoa", Title: "Văn thư", Roles: []motcua.Role{motcua.RoleClerical}}, "CVTLT", "văn thư của Cục Văn thư và Lưu trữ nhà nước"},
	{User{Username: "lanhdao1", Name: "Nguyễn Thị Bích Lĩnh", Title: "Thứ trưởng", Roles: []motcua.Role{motcua.RoleLeader}}, "G09", "lãnh đạo: ký số kết quả"},
	{User{Username: "lanhdao2", Name: "Đặng Minh Tuấn", Title: "Phó Cục trưởng", Roles: []motcua.Role{motcua.RoleLeader}}, "CVTLT", "lãnh đạo Cục: ký kết quả về lưu trữ (KT. Cục trưởng)"},
	{User{Username: "lanhdao3", Name: "Phan Thị Thu Hà", Title: "Chánh Văn phòng", Roles: []motcua.Role{motcua.RoleLeader}}, "VP", "Chánh Văn phòng Bộ: ký khi được ủy quyền (TUQ. Bộ trưởng)"},
	{User{Username: "vanthu1", Name: "Đỗ Thu Trang", Title: "Văn thư", Roles: []motcua.Role{motcua.RoleClerical}}, "VP", "văn thư: cấp số, đóng dấu"},
	{User{Username: "admin", Name: "Quản trị hệ thống", Roles: []motcua.Role{motcua.RoleAdmin}}, "G09", "quản trị: đơn vị, tài khoản, lịch nghỉ"},
	// Applicants besides congdan1: a second citizen; an association, a business (by tax
	// code) and an agency, each with its own account and an authorized representative.
	// Their numbers are made up.
	{User{Username: "congdan5", Name: "Lý Thị Mai", Email: "congdan5@example.vn", Phone: "0987654321", Roles: []motcua.Role{motcua.RoleCitizen},
		Applicant: motcua.ApplicantCitizen, IDNumber: "079185004321"}, "", "công dân thứ hai"},
	{User{Username: "hoi1", Name: "Hội Văn thư - Lưu trữ Việt Nam (mẫu)", Email: "hoi1@example.vn", Roles: []motcua.Role{motcua.RoleCitizen},
		Applicant: motcua.ApplicantOrganization, OrgIdentifier: "HOI.DEMO.0001"}, "", "tổ chức (hội): tài khoản của tổ chức"},
	{User{Username: "daidien.hoi1", Name: "Trịnh Văn Sơn", Roles: []motcua.Role{motcua.RoleCitizen}, Represents: "hoi1"}, "", "người đại diện theo ủy quyền của hội"},
	{User{Username: "doanhnghiep1", Name: "Công ty TNHH Lưu trữ số An Bình (mẫu)", Email: "doanhnghiep1@example.vn", Roles: []motcua.Role{motcua.RoleCitizen},
		Applicant: motcua.ApplicantOrganization, TaxCode: "0109999991"}, "", "doanh nghiệp (theo mã số thuế): tài khoản của doanh nghiệp"},
	{User{Username: "daidien.dn1", Name: "Cao Thị Yến", Roles: []motcua.Role{motcua.RoleCitizen}, Represents: "doanhnghiep1"}, "", "người đại diện theo ủy quyền của doanh nghiệp"},
	{User{Username: "coquan1", Name: "Sở Nội vụ tỉnh mẫu", Email: "coquan1@example.vn", Roles: []motcua.Role{motcua.RoleCitizen},
		Applicant: motcua.ApplicantAgency, OrgIdentifier: "000.00.00.DEMO"}, "", "cơ quan nhà nước: tài khoản của cơ quan"},
	{User{Username: "daidien.cq1", Name: "Lưu Quang Vinh", Roles: []motcua.Role{motcua.RoleCitizen}, Represents: "coquan1"}, "", "người đại diện của cơ quan: nộp hồ sơ khen thưởng, công chức"},
}

// DemoOrganizationFor returns the demo organization or agency account whose
// representatives may submit to a procedure open to kinds, or "" where citizens may.
func DemoOrganizationFor(kinds []motcua.ApplicantKind) string {
	switch {
	case slices.Contains(kinds, motcua.ApplicantCitizen):
		return ""
	case slices.Contains(kinds, motcua.ApplicantOrganization):
		return "hoi1"
	case slices.Contains(kinds, motcua.ApplicantAgency):
		return "coquan1"
	}
	return ""
}

// ApplicantFor returns a demo account that may submit to a procedure open to kinds:
// congdan1 when citizens may, else the representative of the demo organization or
// agency.
func ApplicantFor(kinds []motcua.ApplicantKind) string {
	for _, k := range []struct {
		kind motcua.ApplicantKind
		user string
	}{{motcua.ApplicantCitizen, "congdan1"}, {motcua.ApplicantOrganization, "daidien.hoi1"}, {motcua.ApplicantAgency, "daidien.cq1"}} {
		if slices.Contains(kinds, k.kind) {
			return k.user
		}
	}
	return ""
}

// SeedDemo creates the demo organization and accounts that do not exist yet. It can be
// run at every start.
func (s *Store) SeedDemo(ctx context.Context) error {
	for _, u := range DemoUnits {
		if _, err := s.UnitByCode(ctx, u.Code); err == nil {
			continue
		}
		if _, err := s.CreateUnit(ctx, u.Code, u.AgencyCode, u.Name, u.Parent); err != nil && motcua.ErrorCode(err) != motcua.ECONFLICT {
			return fmt.Errorf("seed unit %s: %w", u.Code, err)
		}
	}
	for _, a := range DemoAccounts {
		u := a.User
		u.Password = DemoPassword
		if _, err := s.CreateUser(ctx, u, a.Unit); err != nil && motcua.ErrorCode(err) != motcua.ECONFLICT {
			return fmt.Errorf("seed user %s: %w", u.Username, err)
		}
	}
	// The demo citizen's personal ID number, by which the desk finds them.
	if _, err := s.pool.Exec(ctx, `UPDATE users SET id_number = $1 WHERE username = 'congdan1' AND id_number IS NULL
		AND NOT EXISTS (SELECT 1 FROM users WHERE id_number = $1)`, DemoCitizenIDNumber); err != nil {
		return fmt.Errorf("seed the demo citizen's ID number: %w", err)
	}
	return nil
}

// DemoCitizenIDNumber is congdan1's personal ID number (a made-up one).
const DemoCitizenIDNumber = "001090012345"
