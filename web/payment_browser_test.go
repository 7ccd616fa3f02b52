package web_test

import (
	"strings"
	"testing"

	"motcua"
)

// TestApplicantPaysOnTheGatewayPage: in a real browser the applicant submits a dossier
// of 1.013932, presses "Thanh toán" on its page, pays on the development gateway's page
// and comes back to the dossier, which shows it paid with its e-receipt and is at the
// desk.
func TestApplicantPaysOnTheGatewayPage(t *testing.T) {
	s := startSite(t)
	tab := s.login(t, "congdan1")
	p := procedure(t, s.Stack, "1.013932")
	code := submitThroughPages(t, s, tab, p, false)
	if st := s.State(code); st.Status != motcua.StatusAwaitingPayment {
		t.Fatalf("after submission: %s, want awaiting_payment", st.Status)
	}
	tab.Go("/ho-so/" + string(code))
	if !strings.Contains(tab.Body(), motcua.StatusAwaitingPayment.Label()) {
		t.Errorf("the dossier page does not say it waits for payment:\n%s", tab.Body())
	}
	tab.Submit("#thanh-toan")
	if got := tab.Text("#so-tien"); got != "90.000 đồng" {
		t.Errorf("the payment page asks %q, want 90.000 đồng", got)
	}
	checkPage(t, tab, "payment")
	tab.Submit("#den-cong-thanh-toan")
	if !strings.HasPrefix(tab.URL(), s.Payments.PublicURL+"/pay/") {
		t.Fatalf("not on the gateway's page: %s", tab.URL())
	}
	if got := tab.Text("#amount"); got != "90000 đồng" {
		t.Errorf("the gateway asks %q, want 90000 đồng", got)
	}
	if got := tab.Text("#dossier"); got != string(code) {
		t.Errorf("the gateway names dossier %q, want %s", got, code)
	}
	tab.Submit("#pay")
	if !strings.Contains(tab.URL(), "/ho-so/"+string(code)) {
		t.Fatalf("not back at the dossier: %s", tab.URL())
	}
	body := tab.Body()
	if !strings.Contains(body, "Đã thanh toán phí, lệ phí") {
		t.Errorf("the dossier page does not say the fee is paid:\n%s", body)
	}
	// The e-receipt is made after the payment is recorded: it is on the page once made.
	s.Settle(code)
	tab.Go("/ho-so/" + string(code))
	body = tab.Body()
	for _, want := range []string{motcua.DocEReceipt.Label(), motcua.EventPay.Label()} {
		if !strings.Contains(body, want) {
			t.Errorf("the dossier page lacks %q:\n%s", want, body)
		}
	}
	if tab.Has("#thanh-toan") {
		t.Error("the dossier page still offers to pay")
	}
	if st := s.State(code); st.Status != motcua.StatusSubmitted {
		t.Errorf("after paying: %s, want submitted (at the desk)", st.Status)
	}
	checkPage(t, tab, "dossier-paid")
}
