package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"motcua"
	"motcua/internal/payment"
	"motcua/internal/stacktest"
)

// TestFeePaymentEndsEveryWayCorrectly drives the fee of procedure 1.013932 through the
// development gateway over real HTTP, with real PostgreSQL and Temporal: paid (callback,
// then a poll of the same payment), cancelled, a wrong amount, a forged notice, a
// payment found by polling alone (then its late callback), and callbacks and polls of
// one payment at once: each payment is taken once (one pay event, one e-receipt).
func TestFeePaymentEndsEveryWayCorrectly(t *testing.T) {
	s := stacktest.Start(t)
	p, err := s.Catalog.Version("1.013932", 1)
	if err != nil {
		t.Fatal(err)
	}
	citizen := s.As("congdan1")
	const fee = 90_000 // the sample asks 3 pages × 2 copies + 12 pages × 1 copy, 5.000 đồng a page

	submit := func(t *testing.T) motcua.DossierCode {
		t.Helper()
		sub := stacktest.SubmitUnpaid(citizen, p)
		if sub.Status != motcua.StatusAwaitingPayment {
			t.Fatalf("status after submission %s, want awaiting_payment", sub.Status)
		}
		return sub.Code
	}
	payments := func(t *testing.T, code motcua.DossierCode) []stacktest.Payment {
		t.Helper()
		var ps []stacktest.Payment
		citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(code)+"/payments", nil, &ps)
		return ps
	}
	status := func(t *testing.T, code motcua.DossierCode) motcua.Status {
		t.Helper()
		var d dossierJSON
		citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &d)
		return d.Status
	}
	// recorded counts the dossier's pay events and e-receipts once the workflow has
	// made what it makes; a payment taken twice would show two of either.
	recorded := func(t *testing.T, code motcua.DossierCode) (pays, receipts int, receipt string) {
		t.Helper()
		s.Settle(code)
		var d dossierJSON
		citizen.MustDo(200, "GET", "/api/v1/dossiers/"+string(code), nil, &d)
		for _, e := range d.History {
			if e.Action == string(motcua.EventPay) {
				pays++
			}
		}
		for _, doc := range d.Documents {
			if doc.Kind == string(motcua.DocEReceipt) {
				receipts, receipt = receipts+1, doc.ID
			}
		}
		return pays, receipts, receipt
	}
	confirmedBy := func(t *testing.T, ref string) string {
		t.Helper()
		var by string
		if err := s.Store.Pool().QueryRow(t.Context(), `SELECT confirmed_by FROM payments WHERE reference = $1`, ref).Scan(&by); err != nil {
			t.Fatal(err)
		}
		return by
	}
	postNotice := func(t *testing.T, n payment.Notice) int {
		t.Helper()
		b, _ := json.Marshal(n)
		res, err := http.Post(s.URL+"/api/v1/payments/notify", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}

	t.Run("paid, then the same payment polled", func(t *testing.T) {
		code := submit(t)
		var portal int
		if err := s.Store.Pool().QueryRow(t.Context(), `SELECT o.portal_status FROM status_outbox o JOIN dossiers d ON d.id = o.dossier_id
			WHERE d.code = $1 ORDER BY o.seq DESC LIMIT 1`, code).Scan(&portal); err != nil || portal != 6 {
			t.Fatalf("portal status while waiting: %d %v, want 6", portal, err)
		}
		paid := citizen.Pay(code, "pay", 0)
		if paid.Amount != fee {
			t.Fatalf("asked %d, want %d", paid.Amount, fee)
		}
		if st := s.State(code); st.Status != motcua.StatusSubmitted {
			t.Fatalf("after the callback: %s, want submitted (at the desk)", st.Status)
		}
		var again stacktest.Payment
		citizen.MustDo(200, "POST", "/api/v1/dossiers/"+string(code)+"/payments/check", nil, &again)
		if again.Status != "paid" || again.PaidAmount == nil || *again.PaidAmount != fee {
			t.Fatalf("after the poll: %+v", again)
		}
		// The e-receipt is made after the payment is recorded.
		pays, receipts, receipt := recorded(t, code)
		if pays != 1 || receipts != 1 {
			t.Fatalf("%d pay events, %d e-receipts; want one and one", pays, receipts)
		}
		if by := confirmedBy(t, paid.Reference); by != "callback" {
			t.Fatalf("confirmed by %q, want the callback (the poll came second)", by)
		}
		r := citizen.Get("/api/v1/dossiers/" + string(code) + "/documents/" + receipt)
		text := stacktest.PDFText(t, r.Body)
		for _, want := range []string{"BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ", "90.000", string(code), paid.Reference} {
			if !strings.Contains(text, want) {
				t.Errorf("e-receipt lacks %q:\n%s", want, text)
			}
		}
		// The desk can now receive it.
		s.Drive(code, p)
	})

	t.Run("cancelled", func(t *testing.T) {
		code := submit(t)
		first := citizen.Pay(code, "cancel", 0)
		ps := payments(t, code)
		if ps[0].Reference != first.Reference || ps[0].Status != "cancelled" {
			t.Fatalf("payments %+v", ps)
		}
		if st := status(t, code); st != motcua.StatusAwaitingPayment {
			t.Fatalf("after cancel: %s", st)
		}
		second := citizen.Pay(code, "pay", 0)
		if second.Reference == first.Reference {
			t.Fatalf("a new payment reuses the cancelled reference %s", first.Reference)
		}
		if st := s.State(code); st.Status != motcua.StatusSubmitted {
			t.Fatalf("after paying again: %s", st.Status)
		}
	})

	t.Run("wrong amount is flagged, not accepted", func(t *testing.T) {
		code := submit(t)
		citizen.Pay(code, "pay", fee-1000)
		ps := payments(t, code)
		if ps[0].Status != "mismatch" || ps[0].PaidAmount == nil || *ps[0].PaidAmount != fee-1000 {
			t.Fatalf("payments %+v", ps)
		}
		if st := s.State(code); st.Status != motcua.StatusAwaitingPayment {
			t.Fatalf("after a wrong amount: %s", st.Status)
		}
		if pays, receipts, _ := recorded(t, code); pays != 0 || receipts != 0 {
			t.Fatalf("a wrong amount made %d pay events and %d e-receipts", pays, receipts)
		}
	})

	t.Run("forged notice refused", func(t *testing.T) {
		code := submit(t)
		var started stacktest.Payment
		citizen.MustDo(200, "POST", "/api/v1/dossiers/"+string(code)+"/payments", nil, &started)
		notice := payment.Notice{Reference: started.Reference, Transaction: "GD-FORGED", Amount: fee, Status: payment.StatusPaid, Time: "20260101080000"}
		post := func(n payment.Notice) int { return postNotice(t, n) }
		if code := post(payment.Sign("not-the-secret", notice)); code != 403 {
			t.Fatalf("forged notice: %d, want 403", code)
		}
		unsigned := notice
		unsigned.Hash = ""
		if code := post(unsigned); code != 403 {
			t.Fatalf("unsigned notice: %d, want 403", code)
		}
		if ps := payments(t, code); ps[0].Status != "pending" {
			t.Fatalf("after forged notices: %+v", ps)
		}
		if st := s.State(code); st.Status != motcua.StatusAwaitingPayment {
			t.Fatalf("after forged notices: %s", st.Status)
		}
		// The same notice signed with the shared secret is taken, twice as once.
		for range 2 {
			if code := post(payment.Sign(s.PaymentSecret, notice)); code != 200 {
				t.Fatalf("genuine notice: %d", code)
			}
		}
		if st := s.State(code); st.Status != motcua.StatusSubmitted {
			t.Fatalf("after the genuine notice: %s", st.Status)
		}
	})

	t.Run("found by polling alone", func(t *testing.T) {
		code := submit(t)
		s.Payments.NoCallback = true
		defer func() { s.Payments.NoCallback = false }()
		citizen.Pay(code, "pay", 0)
		if st := s.State(code); st.Status != motcua.StatusAwaitingPayment {
			t.Fatalf("without a callback: %s", st.Status)
		}
		var polled stacktest.Payment
		citizen.MustDo(200, "POST", "/api/v1/dossiers/"+string(code)+"/payments/check", nil, &polled)
		if polled.Status != "paid" {
			t.Fatalf("polled %+v", polled)
		}
		if st := s.State(code); st.Status != motcua.StatusSubmitted {
			t.Fatalf("after the poll: %s", st.Status)
		}
		// The platform's callback comes late, after the poll: taken, and nothing changes.
		ps := payments(t, code)
		late := payment.Notice{Reference: ps[0].Reference, Transaction: "GD-LATE", Amount: fee, Status: payment.StatusPaid, Time: "20260101080000"}
		if got := postNotice(t, payment.Sign(s.PaymentSecret, late)); got != 200 {
			t.Fatalf("the late callback: %d", got)
		}
		if pays, receipts, _ := recorded(t, code); pays != 1 || receipts != 1 {
			t.Fatalf("%d pay events, %d e-receipts after poll and callback; want one and one", pays, receipts)
		}
		if by := confirmedBy(t, ps[0].Reference); by != "poll" {
			t.Fatalf("confirmed by %q, want the poll (the callback came second)", by)
		}
	})

	t.Run("callbacks and polls at once", func(t *testing.T) {
		code := submit(t)
		s.Payments.NoCallback = true
		defer func() { s.Payments.NoCallback = false }()
		started := citizen.Pay(code, "pay", 0)
		n := payment.Sign(s.PaymentSecret, payment.Notice{Reference: started.Reference, Transaction: "GD-RACE",
			Amount: fee, Status: payment.StatusPaid, Time: "20260101080000"})
		var wg sync.WaitGroup
		answers := make(chan int, 6)
		for i := range 6 {
			wg.Go(func() {
				if i%2 == 0 {
					answers <- postNotice(t, n)
					return
				}
				answers <- citizen.Request("POST", "/api/v1/dossiers/"+string(code)+"/payments/check", nil, nil).Status
			})
		}
		wg.Wait()
		close(answers)
		for a := range answers {
			if a != 200 {
				t.Errorf("a confirmation answered %d", a)
			}
		}
		if st := s.State(code); st.Status != motcua.StatusSubmitted {
			t.Fatalf("after the confirmations: %s", st.Status)
		}
		if pays, receipts, _ := recorded(t, code); pays != 1 || receipts != 1 {
			t.Fatalf("%d pay events, %d e-receipts after six confirmations; want one and one", pays, receipts)
		}
		if ps := payments(t, code); len(ps) != 1 || ps[0].Status != "paid" {
			t.Fatalf("payments %+v", ps)
		}
	})
}

// TestRatingOnceByTheApplicantAfterReturn: only the applicant rates, only after the
// result was returned, once.
func TestRatingOnceByTheApplicantAfterReturn(t *testing.T) {
	s := stacktest.Start(t)
	p, err := s.Catalog.Version("1.014937", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.CreateUser(t.Context(), storeUser("congdan2"), ""); err != nil {
		t.Fatal(err)
	}
	citizen := s.As(stacktest.ApplicantFor(p))
	sub := stacktest.Submit(citizen, p)
	path := "/api/v1/dossiers/" + string(sub.Code) + "/rating"
	body := map[string]any{"score": 4, "criteria": map[string]int{"guidance": 5, "timeliness": 4}, "comment": "Cán bộ hướng dẫn tận tình."}

	early := citizen.Request("POST", path, body, nil)
	if early.Status != 409 || !strings.Contains(early.Problem().Title+string(early.Body), "sau khi hồ sơ đã được trả kết quả") {
		t.Fatalf("before return: %d %s", early.Status, early.Body)
	}
	s.Drive(sub.Code, p)
	if r := s.As("congdan2").Request("POST", path, body, nil); r.Status != 404 {
		t.Fatalf("another citizen: %d %s", r.Status, r.Body)
	}
	if r := s.As("canbo1").Request("POST", path, body, nil); r.Status != 403 {
		t.Fatalf("the clerk: %d %s", r.Status, r.Body)
	}
	if r := citizen.Request("POST", path, map[string]any{"score": 6}, nil); r.Status != 422 {
		t.Fatalf("score 6: %d %s", r.Status, r.Body)
	}
	citizen.MustDo(201, "POST", path, body, nil)
	twice := citizen.Request("POST", path, body, nil)
	if twice.Status != 409 || !strings.Contains(string(twice.Body), "chỉ được đánh giá một lần") {
		t.Fatalf("twice: %d %s", twice.Status, twice.Body)
	}
	var n int
	if err := s.Store.Pool().QueryRow(t.Context(), `SELECT count(*) FROM ratings WHERE score = 4`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("ratings stored: %d %v", n, err)
	}
}
