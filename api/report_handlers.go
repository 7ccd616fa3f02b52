package api

import (
	"fmt"
	"net/http"
	"strconv"

	"motcua/internal/httpx"
)

// The reports for the ministry's reporting system: form 06/VPCP/KSTT and Decision 766's
// indicators of the reader's scope for a period of Decree 09/2019.

func (s *API) handleForm06() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.Dossiers.ReportPeriod(r.URL.Query())
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		f, err := s.Dossiers.Form06(r.Context(), a, p)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, f)
	}
}

func (s *API) handleIndicators766() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.Dossiers.ReportPeriod(r.URL.Query())
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		items, err := s.Dossiers.Indicators766(r.Context(), a, p)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"period": p, "items": items})
	}
}

func (s *API) handleReportXLSX() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.Dossiers.ReportPeriod(r.URL.Query())
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		b, err := s.Dossiers.ReportWorkbook(r.Context(), a, p)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bieu-06-%s.xlsx"`, p.Key()))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
	}
}
