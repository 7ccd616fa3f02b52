package api

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"motcua"
	"motcua/dossiers"
	"motcua/internal/httpx"
	"motcua/reports"
)

// The reports for the ministry's reporting system: form 06/VPCP/KSTT and Decision 766's
// indicators of the reader's scope for a period of Decree 09/2019.

// forPeriod parses the reporting period of the query (a clear 422 when it is not one)
// and hands it, with the reader, to serve.
func (s *API) forPeriod(serve func(w http.ResponseWriter, r *http.Request, a motcua.Actor, p reports.Period) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.Dossiers.ReportPeriod(r.URL.Query())
		if err == nil {
			err = serve(w, r, a, p)
		}
		if err != nil {
			s.HTTP.WriteError(w, r, err)
		}
	}
}

func (s *API) handleForm06() http.HandlerFunc {
	return s.forPeriod(func(w http.ResponseWriter, r *http.Request, a motcua.Actor, p reports.Period) error {
		f, err := s.Dossiers.Form06(r.Context(), a, p)
		if err == nil {
			httpx.Encode(w, http.StatusOK, f)
		}
		return err
	})
}

func (s *API) handleIndicators766() http.HandlerFunc {
	return s.forPeriod(func(w http.ResponseWriter, r *http.Request, a motcua.Actor, p reports.Period) error {
		items, err := s.Dossiers.Indicators766(r.Context(), a, p)
		if err == nil {
			httpx.Encode(w, http.StatusOK, map[string]any{"period": p, "items": items})
		}
		return err
	})
}

func (s *API) handleReportXLSX() http.HandlerFunc {
	return s.forPeriod(func(w http.ResponseWriter, r *http.Request, a motcua.Actor, p reports.Period) error {
		b, err := s.Dossiers.ReportWorkbook(r.Context(), a, p)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bieu-06-%s.xlsx"`, p.Key()))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
		return nil
	})
}

// reportTarget reads the period and the unit of a report request.
func (s *API) reportTarget(r *http.Request) (reports.Period, motcua.Unit, error) {
	a, _ := httpx.ActorFrom(r.Context())
	p, err := s.Dossiers.ReportPeriod(r.URL.Query())
	if err != nil {
		return reports.Period{}, motcua.Unit{}, err
	}
	u, err := s.Dossiers.ReportUnit(r.Context(), a, r.URL.Query())
	return p, u, err
}

// handleForm06PDF sends the newest signed issue of form 06 of the unit for the period
// (404 while none is signed).
func (s *API) handleForm06PDF() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, u, err := s.reportTarget(r)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		rep, err := s.Dossiers.SignedForm06(r.Context(), a, u, p)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.Header().Set("X-Report-Issue", strconv.Itoa(rep.Issue))
		writeDocument(w, r, rep.Name, "application/pdf", rep.Data, rep.SignedAt)
	}
}

// signReportRequest is the body of POST /reports/form06.pdf.
type signReportRequest struct {
	PIN     string `json:"pin"`
	Reissue bool   `json:"reissue"`
}

// handleSignForm06PDF signs form 06 of the unit for a closed period with the leader's
// credential: 201 with the PDF when this request signed it, 200 with the stored one
// when the period's report was signed already (unless "reissue": true).
func (s *API) handleSignForm06PDF() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var in signReportRequest
		if err := httpx.Decode(r, &in); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		p, u, err := s.reportTarget(r)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		rep, err := s.Dossiers.SignForm06(r.Context(), a, dossiers.SignReportInput{Unit: u, Period: p, PIN: in.PIN, Reissue: in.Reissue})
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		status := http.StatusOK
		if rep.Created {
			status = http.StatusCreated
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": rep.Name}))
		w.Header().Set("Content-Length", strconv.Itoa(len(rep.Data)))
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Report-Issue", strconv.Itoa(rep.Issue))
		w.WriteHeader(status)
		_, _ = w.Write(rep.Data)
	}
}
