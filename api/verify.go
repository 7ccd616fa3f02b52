package api

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/dossiers"

	"motcua/internal/httpx"
)

// handleVerify checks the signatures of a PDF anyone uploads: citizens and other
// agencies verify a result without an account, so the route is public. The body is
// either the PDF itself (any Content-Type but multipart, usually application/pdf) or
// multipart/form-data with a "file" part. Whether it is a PDF is decided by its
// content, never by a name or a declared type. The answer is dossiers.VerifyReport
// (pades.Report, and "issued" when the PDF is one of ours: whether it was revoked): a
// well-formed PDF whose signatures fail is still 200, with valid=false.
//
// Each check counts against the caller's address (httpx.Kit.VerifyLimit, shared with
// the verification page), before the body is read.
func (s *API) handleVerify() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.HTTP.VerifyLimit.Allow(httpx.ClientIP(r)) {
			w.Header().Set("Retry-After", s.HTTP.VerifyLimit.RetryAfter())
			s.HTTP.WriteError(w, r, &motcua.Error{Code: httpx.ETOOMANY,
				Message: "Bạn đã xác thực quá nhiều lần. Vui lòng chờ một phút rồi thử lại."})
			return
		}
		data, err := httpx.ReadPDF(w, r)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		rep, err := s.Dossiers.Verify(r.Context(), data)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, rep)
	}
}

// handleRevokeResult withdraws a dossier's issued result (revoked or replaced, with the
// reason); every later verification of the PDF says so.
func (s *API) handleRevokeResult() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.RevokeInput
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		st, err := s.Dossiers.RevokeResult(r.Context(), a, codeParam(r), req)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, st)
	}
}

// handleCorrections lists the corrections and replacements of a dossier's result.
func (s *API) handleCorrections() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		cs, err := s.Dossiers.Corrections(r.Context(), a, codeParam(r))
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, map[string]any{"corrections": cs})
	}
}

// handleProposeCorrection records a proposal to correct or replace the issued result.
func (s *API) handleProposeCorrection() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		var req dossiers.CorrectionProposal
		if err := httpx.Decode(r, &req); err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		c, err := s.Dossiers.ProposeCorrection(r.Context(), a, codeParam(r), req)
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusCreated, c)
	}
}

// handleSignCorrection is the leader's signature on a proposed correction or
// replacement; handleIssueCorrection the clerical office's numbering and seal, after
// which the old result is marked.
func (s *API) handleSignCorrection() http.HandlerFunc { return s.correctionStep(false) }

func (s *API) handleIssueCorrection() http.HandlerFunc { return s.correctionStep(true) }

func (s *API) correctionStep(issue bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
		if err != nil || id <= 0 {
			s.HTTP.WriteError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy đề nghị đính chính, thay thế này."))
			return
		}
		var st dossiers.CorrectionStep
		if issue {
			st, err = s.Dossiers.IssueCorrection(r.Context(), a, codeParam(r), id)
		} else {
			var req dossiers.SignCorrectionInput
			if err := httpx.Decode(r, &req); err != nil {
				s.HTTP.WriteError(w, r, err)
				return
			}
			st, err = s.Dossiers.SignCorrection(r.Context(), a, codeParam(r), id, req)
		}
		if err != nil {
			s.HTTP.WriteError(w, r, err)
			return
		}
		httpx.Encode(w, http.StatusOK, st)
	}
}
