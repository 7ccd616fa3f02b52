package motcua

import (
	"testing"
	"time"
)

func TestSignatureBlockAgreesWithCertificate(t *testing.T) {
	cvtlt := SignatureBlock{Form: OnBehalf, AuthorityTitle: "CỤC TRƯỞNG", SignerTitle: "PHÓ CỤC TRƯỞNG",
		Authority: "CỤC TRƯỞNG CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC", Agency: "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC"}
	minister := SignatureBlock{Form: OnBehalf, AuthorityTitle: "BỘ TRƯỞNG", SignerTitle: "THỨ TRƯỞNG",
		Authority: "BỘ TRƯỞNG BỘ NỘI VỤ", Agency: "BỘ NỘI VỤ"}
	head := cvtlt
	head.Form, head.SignerTitle = SignAsHead, "CỤC TRƯỞNG"
	tuq := minister
	tuq.Form, tuq.SignerTitle = ByAuthorization, "VỤ TRƯỞNG"
	tests := []struct {
		name      string
		block     SignatureBlock
		certTitle string
		code      string // "" when the signature may go ahead
	}{
		{"deputy of the Cục with a Phó Cục trưởng certificate", cvtlt, "Phó Cục trưởng", ""},
		{"the issue's case: a Thứ trưởng under KT. CỤC TRƯỞNG", cvtlt, "Thứ trưởng", EFORBIDDEN},
		{"a deputy minister under KT. BỘ TRƯỞNG", minister, "Thứ trưởng", ""},
		{"a Phó Cục trưởng under KT. BỘ TRƯỞNG", minister, "Phó Cục trưởng", EFORBIDDEN},
		{"a certificate without a title", minister, "", EFORBIDDEN},
		{"the head in their own name", head, "Cục trưởng", ""},
		{"the head's block signed by the deputy", head, "Phó Cục trưởng", EFORBIDDEN},
		{"TUQ. by a Vụ trưởng", tuq, "Vụ  trưởng", ""},
		{"KT. whose signer title is the head's", SignatureBlock{Form: OnBehalf, AuthorityTitle: "BỘ TRƯỞNG", SignerTitle: "BỘ TRƯỞNG",
			Authority: "BỘ TRƯỞNG BỘ NỘI VỤ"}, "Bộ trưởng", EINVALID},
		{"authority line of another body's head", SignatureBlock{Form: OnBehalf, AuthorityTitle: "CỤC TRƯỞNG", SignerTitle: "PHÓ CỤC TRƯỞNG",
			Authority: "BỘ TRƯỞNG BỘ NỘI VỤ"}, "Phó Cục trưởng", EINVALID},
		{"unknown form", SignatureBlock{Form: "ABC.", AuthorityTitle: "BỘ TRƯỞNG", SignerTitle: "THỨ TRƯỞNG",
			Authority: "BỘ TRƯỞNG BỘ NỘI VỤ"}, "Thứ trưởng", EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.block.CheckCertificate(tt.certTitle)
			if got := ErrorCode(err); (err == nil) != (tt.code == "") || (err != nil && got != tt.code) {
				t.Fatalf("CheckCertificate(%q) = %v (code %q), want code %q", tt.certTitle, err, got, tt.code)
			}
		})
	}
}

func TestSealMustBeTheIssuingAgencys(t *testing.T) {
	cuc := SignatureBlock{Form: OnBehalf, AuthorityTitle: "CỤC TRƯỞNG", Authority: "CỤC TRƯỞNG CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC",
		Agency: "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC", ParentAgency: "BỘ NỘI VỤ", SignerTitle: "PHÓ CỤC TRƯỞNG"}
	bo := SignatureBlock{Form: OnBehalf, AuthorityTitle: "BỘ TRƯỞNG", Authority: "BỘ TRƯỞNG BỘ NỘI VỤ",
		Agency: "BỘ NỘI VỤ", SignerTitle: "THỨ TRƯỞNG"}
	tests := []struct {
		name    string
		block   SignatureBlock
		sealOrg string
		code    string
	}{
		{"the Cục's seal on the Cục's result", cuc, "Cục Văn thư và Lưu trữ nhà nước", ""},
		{"spacing and case aside", cuc, "  CỤC VĂN THƯ VÀ  LƯU TRỮ NHÀ NƯỚC ", ""},
		{"the ministry's seal on the Cục's result", cuc, "Bộ Nội vụ", EFORBIDDEN},
		{"the ministry's seal on the ministry's result", bo, "Bộ Nội vụ", ""},
		{"the Cục's seal on the ministry's result", bo, "Cục Văn thư và Lưu trữ nhà nước", EFORBIDDEN},
		{"a seal naming no organization", bo, "", EFORBIDDEN},
		{"a result naming no issuing agency", SignatureBlock{}, "Bộ Nội vụ", EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.block.CheckSeal(tt.sealOrg)
			if got := ErrorCode(err); (err == nil) != (tt.code == "") || (err != nil && got != tt.code) {
				t.Fatalf("CheckSeal(%q) = %v (code %q), want code %q", tt.sealOrg, err, got, tt.code)
			}
		})
	}
}

func TestSignatureBlockLines(t *testing.T) {
	b := SignatureBlock{Form: OnBehalf, AuthorityTitle: "CỤC TRƯỞNG", SignerTitle: "PHÓ CỤC TRƯỞNG"}
	if got := b.Lines(); len(got) != 2 || got[0] != "KT. CỤC TRƯỞNG" || got[1] != "PHÓ CỤC TRƯỞNG" {
		t.Errorf("KT. lines = %q", got)
	}
	b.Form = SignAsHead
	if got := b.Lines(); len(got) != 1 || got[0] != "CỤC TRƯỞNG" {
		t.Errorf("head lines = %q", got)
	}
}

func vnDay(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDelegationCoversOnlyItsDaysAndProcedures(t *testing.T) {
	revoked := vnDay("2027-03-10").Add(9 * time.Hour)
	d := Delegation{ID: 7, DelegatorID: 1, DelegateID: 2, Kind: ByAuthorization, Procedures: []string{"1.014936"},
		From: vnDay("2027-03-01"), Until: vnDay("2027-03-15"), Document: "Quyết định số 12/QĐ-BNV"}
	r := d
	r.RevokedAt = &revoked
	tests := []struct {
		name      string
		d         Delegation
		procedure string
		at        time.Time
		want      bool
	}{
		{"first day, 00:00 Vietnam", d, "1.014936", vnDay("2027-03-01"), true},
		{"the evening before, Vietnam time", d, "1.014936", vnDay("2027-03-01").Add(-time.Minute), false},
		{"last day, 23:59 Vietnam (16:59 UTC)", d, "1.014936", vnDay("2027-03-15").Add(23*time.Hour + 59*time.Minute).UTC(), true},
		{"the day after until", d, "1.014936", vnDay("2027-03-16"), false},
		{"another procedure", d, "1.014937", vnDay("2027-03-05"), false},
		{"revoked, before", r, "1.014936", revoked.Add(-time.Minute), true},
		{"revoked, after", r, "1.014936", revoked, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Covers(tt.procedure, tt.at); got != tt.want {
				t.Errorf("Covers(%s, %s) = %v, want %v", tt.procedure, tt.at, got, tt.want)
			}
		})
	}
}

func TestSignersRouteToTheDelegateOnlyWhileCovered(t *testing.T) {
	d := Delegation{ID: 7, DelegatorID: 1, DelegateID: 2, Kind: ByAuthorization, Procedures: []string{"1.014936"},
		From: vnDay("2027-03-01"), Until: vnDay("2027-03-15"), Document: "x"}
	tests := []struct {
		name string
		at   time.Time
		proc string
		want map[int64]int64
	}{
		{"during", vnDay("2027-03-02"), "1.014936", map[int64]int64{2: 7, 3: 0}},
		{"after until", vnDay("2027-03-16"), "1.014936", map[int64]int64{1: 0, 3: 0}},
		{"another procedure", vnDay("2027-03-02"), "G09.CCVC.01", map[int64]int64{1: 0, 3: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Signers([]int64{1, 3}, []Delegation{d}, tt.proc, tt.at)
			if len(got) != len(tt.want) {
				t.Fatalf("Signers = %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if g, ok := got[k]; !ok || g != v {
					t.Fatalf("Signers = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestDelegationCheck(t *testing.T) {
	ok := Delegation{DelegatorID: 1, DelegateID: 2, Kind: ByAuthorization, Procedures: []string{"1.014936"},
		From: vnDay("2027-03-01"), Until: vnDay("2027-03-15"), Document: "Quyết định số 12/QĐ-BNV"}
	mod := func(f func(*Delegation)) Delegation { d := ok; f(&d); return d }
	tests := []struct {
		name  string
		d     Delegation
		field string
	}{
		{"valid", ok, ""},
		{"to oneself", mod(func(d *Delegation) { d.DelegateID = 1 }), "delegateId"},
		{"KT. is not delegated", mod(func(d *Delegation) { d.Kind = OnBehalf }), "kind"},
		{"no procedures", mod(func(d *Delegation) { d.Procedures = nil }), "procedures"},
		{"no end", mod(func(d *Delegation) { d.Until = time.Time{} }), "until"},
		{"ends before it starts", mod(func(d *Delegation) { d.Until = vnDay("2027-02-01") }), "until"},
		{"longer than a year", mod(func(d *Delegation) { d.Until = vnDay("2028-03-03") }), "until"},
		{"no document", mod(func(d *Delegation) { d.Document = " " }), "document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Check()
			var f string
			if e, ok := err.(*Error); ok {
				f = e.Field
			}
			if (err == nil) != (tt.field == "") || f != tt.field {
				t.Fatalf("Check() = %v, want an error on %q", err, tt.field)
			}
		})
	}
}

func TestOnlyTheSignatureIsTakenByDelegationFromOutsideTheHolderUnit(t *testing.T) {
	awaiting := Facts{Status: StatusAwaitingSignature, Holder: Holder{UnitPath: "/G09/", StepRole: RoleLeader}}
	chief := Actor{UserID: 9, Roles: []Role{RoleLeader}, UnitPath: "/G09/VP/"}
	clerk := Actor{UserID: 8, Roles: []Role{RoleClerk}, UnitPath: "/G09/VP/"}
	tests := []struct {
		name     string
		f        Facts
		decision string
		a        Actor
		code     string
	}{
		{"a leader below the holder signs by delegation", awaiting, DecideSign, chief, ""},
		{"the same leader without one is outside the unit", awaiting, DecideSign, chief, EFORBIDDEN},
		{"a clerk cannot sign, delegation or not", awaiting, DecideSign, clerk, EFORBIDDEN},
		{"returning for rework is not delegated", awaiting, DecideReturnForRework, chief, EFORBIDDEN},
		{"not awaiting a signature", Facts{Status: StatusSigned, Holder: awaiting.Holder}, DecideSign, chief, ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.MayDecideAsDelegate(tt.decision, tt.a)
			if tt.name == "the same leader without one is outside the unit" {
				err = tt.f.MayDecide(tt.decision, tt.a)
			}
			if got := ErrorCode(err); (err == nil) != (tt.code == "") || (err != nil && got != tt.code) {
				t.Fatalf("= %v (code %q), want %q", err, got, tt.code)
			}
		})
	}
}
