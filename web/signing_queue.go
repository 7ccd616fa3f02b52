package web

import (
	"fmt"
	"net/http"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// queueView is the leader's signing queue, and the outcome of a batch just signed.
type queueView struct {
	Items     []store.QueueItem
	Results   []queueResult
	Signed    int
	RequestID string
	Chosen    map[motcua.DossierCode]bool // still ticked after a refusal
}

type queueResult struct {
	Code    motcua.DossierCode
	OK      bool
	Skipped bool
	Message string
}

// pageSigningQueue lists the dossiers awaiting the leader's signature; its form signs
// the chosen ones with the PIN through the dossier service, as POST /api/v1/actions does, and
// shows what happened to each.
func (s *Site) pageSigningQueue() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		qv := queueView{Chosen: map[motcua.DossierCode]bool{}}
		var errs []pageError
		status := http.StatusOK
		if r.Method == http.MethodPost {
			var codes []motcua.DossierCode
			for _, c := range r.PostForm["codes"] {
				codes = append(codes, motcua.DossierCode(c))
			}
			rid := r.PostFormValue("requestId")
			if len(rid) > 64 {
				rid = ""
			}
			res, err := s.Dossiers.DecideBatch(r.Context(), a, dossiers.Batch{Codes: codes,
				Decision: dossiers.Decision{Action: motcua.DecideSign, PIN: r.PostFormValue("pin"), RequestID: rid}}, dossiers.AccessAPI)
			if err != nil {
				if !shownError(err) {
					s.showError(w, r, err)
					return
				}
				errs = errorsOf(err, map[string]string{"codes": "chon-0"})
				status = httpx.StatusOf(motcua.ErrorCode(err))
			}
			for _, br := range res {
				ok := br.Err == nil
				qr := queueResult{Code: br.Code, OK: ok}
				qv.Chosen[br.Code] = !ok
				if ok {
					qv.Signed++
				} else {
					qr.Message, qr.Skipped = motcua.ErrorMessage(br.Err), motcua.ErrorCode(br.Err) == dossiers.ESKIPPED
					if status == http.StatusOK {
						status = httpx.StatusOf(motcua.ErrorCode(br.Err))
					}
					e := pageError{Field: "kq-" + string(br.Code), Message: "Hồ sơ " + string(br.Code) + ": " + qr.Message}
					if !qr.Skipped && len(errs) == 0 {
						e.Field = "pin" // the first refusal stops the batch: most often the PIN
					}
					if !qr.Skipped {
						errs = append(errs, e)
					}
				}
				qv.Results = append(qv.Results, qr)
			}
		}
		items, err := s.Dossiers.SigningQueue(r.Context(), a)
		if err != nil {
			s.showError(w, r, err)
			return
		}
		qv.Items, qv.RequestID = items, newRequestID()
		for i := range errs {
			if errs[i].Field == "chon-0" && len(items) == 0 {
				errs[i].Field = "" // nothing left to choose: the error cannot point at a checkbox
			}
		}
		d := s.page(r, "Hồ sơ trình ký")
		d.Errors = errs
		if qv.Signed > 0 && len(errs) == 0 {
			d.Notice = fmt.Sprintf("Đã ký số %d hồ sơ.", qv.Signed)
		}
		d.Data = qv
		s.show(w, status, "signing-queue", d)
	}
}
