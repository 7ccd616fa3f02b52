package api

import (
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"motcua"
	"motcua/internal/httpx"
)

// Routes registers the whole JSON API on r, on one screen.
func (s *API) Routes(r chi.Router) {
	h := s.HTTP
	r.Post("/api/v1/verify", s.handleVerify()) // public PDF signature check, own limits (20 MB, application/pdf)
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(middleware.AllowContentType("application/json", "multipart/form-data"), httpx.LimitBody(1<<20))
		r.Post("/auth/login", s.handleAPILogin())           // development login for programs
		r.Get("/procedures", s.handleProcedures())          // the catalog
		r.Get("/procedures/{code}", s.handleProcedure())    // one procedure with its e-form
		r.Post("/payments/notify", s.handlePaymentNotify()) // the payment platform's notice, authenticated by its hash
		r.Group(func(r chi.Router) {
			r.Use(h.RequireActor)
			r.Post("/auth/logout", s.handleAPILogout())
			r.Get("/me", s.handleMe())
			r.Get("/notifications", s.handleNotifications())                                // my notifications (the outbox)
			r.Get("/my-documents", s.handleMyDocuments())                                   // my document store (kho dữ liệu điện tử)
			r.Post("/my-documents/national", s.handleFetchNational())                       // fetch mine from the national store
			r.Get("/my-documents/{id}", s.handleMyDocument())                               // one of mine; anyone else's is 404
			r.Post("/my-documents/{id}/reuse", s.handleReuseDocument())                     // attach it to a component by reference
			r.With(h.Require(motcua.PermSubmitDossier)).Post("/dossiers", s.handleSubmit()) // submit (Idempotency-Key)
			r.With(h.Require(motcua.PermSubmitDossier)).Get("/dossiers", s.handleMyDossiers())
			r.Get("/dossiers/{code}", s.handleDossier())                                        // applicant or staff in scope; others 404
			r.Post("/dossiers/{code}/supplement", s.handleSupplement())                         // the applicant's answer
			r.Post("/dossiers/{code}/withdraw", s.handleWithdraw())                             // the applicant withdraws
			r.Post("/dossiers/{code}/result/revoke", s.handleRevokeResult())                    // a leader withdraws the issued result
			r.Get("/dossiers/{code}/result/corrections", s.handleCorrections())                 // corrections and replacements of the result
			r.Post("/dossiers/{code}/result/corrections", s.handleProposeCorrection())          // staff propose one, with the reason
			r.Post("/dossiers/{code}/result/corrections/{id}/sign", s.handleSignCorrection())   // the competent leader signs it
			r.Post("/dossiers/{code}/result/corrections/{id}/issue", s.handleIssueCorrection()) // the clerical office numbers and seals it
			r.Get("/dossiers/{code}/receipt", s.handleReceipt())                                // form 01, once received
			r.Get("/dossiers/{code}/documents/{id}", s.handleDocument())                        // notices and the result
			r.Get("/dossiers/{code}/files/{id}", s.handleDossierFile())                         // attachments
			r.Post("/dossiers/{code}/actions", s.handleAction())                                // staff decisions (the workflow checks who and when)
			r.Get("/dossiers/{code}/payments", s.handlePayments())                              // the fee's payments
			r.Post("/dossiers/{code}/payments", s.handleStartPayment())                         // the applicant pays the fee: where to pay
			r.Post("/dossiers/{code}/payments/check", s.handleCheckPayment())                   // poll the platform
			r.Get("/dossiers/{code}/rating", s.handleRating())
			r.Post("/dossiers/{code}/rating", s.handleRate()) // the applicant rates, once, after return
			r.Post("/actions", s.handleBatchAction())         // one decision for several dossiers (sign a batch)
			r.With(h.Require(motcua.PermReadUnitWork)).Get("/inbox", s.handleInbox())
			r.With(h.Require(motcua.PermReadUnitWork)).Post("/inbox/{task}/claim", s.handleClaim())
			r.With(h.Require(motcua.PermReadUnitWork)).Post("/inbox/{task}/release", s.handleRelease()) // holder or head
			r.With(h.Require(motcua.PermReadUnitWork)).Post("/inbox/assign", s.handleAssign())          // the head, in bulk, audited per task
			r.With(h.Require(motcua.PermReadUnitWork)).Get("/inbox/filters", s.handleFilters())
			r.With(h.Require(motcua.PermReadUnitWork)).Post("/inbox/filters", s.handleSaveFilter())
			r.With(h.Require(motcua.PermReadUnitWork)).Delete("/inbox/filters/{id}", s.handleDeleteFilter())
			r.With(h.Require(motcua.PermReadUnitWork)).Get("/substitutes", s.handleSubstitutes()) // out of office
			r.With(h.Require(motcua.PermReadUnitWork)).Post("/substitutes", s.handleDeclareAbsence())
			r.With(h.Require(motcua.PermReadUnitWork)).Delete("/substitutes/{id}", s.handleCancelAbsence())
			r.With(h.Require(motcua.PermReadUnitWork)).Get("/dossiers/{code}/comments", s.handleComments()) // internal, never the applicant's
			r.With(h.Require(motcua.PermReadUnitWork)).Post("/dossiers/{code}/comments", s.handleAddComment())
			r.With(h.Require(motcua.PermSign)).Get("/signing-queue", s.handleSigningQueue())
			r.With(h.Require(motcua.PermReadStats)).Get("/stats", s.handleStats())
			r.With(h.Require(motcua.PermReadStats)).Get("/reports/form06", s.handleForm06())          // form 06/VPCP/KSTT
			r.With(h.Require(motcua.PermReadStats)).Get("/reports/form06.xlsx", s.handleReportXLSX()) // the same, and the 766 index, as XLSX
			r.With(h.Require(motcua.PermReadStats)).Get("/reports/indicators-766", s.handleIndicators766())
			r.With(h.Require(motcua.PermAdminister)).Get("/delegations", s.handleDelegations()) // signing delegations (TUQ., TL., Q.)
			r.With(h.Require(motcua.PermAdminister)).Post("/delegations", s.handleCreateDelegation())
			r.With(h.Require(motcua.PermAdminister)).Post("/delegations/{id}/revoke", s.handleRevokeDelegation())
			r.With(h.Require(motcua.PermReadStats)).Get("/reports/form06.pdf", s.handleForm06PDF())      // the signed report
			r.With(h.Require(motcua.PermReadStats)).Post("/reports/form06.pdf", s.handleSignForm06PDF()) // the unit's leader signs it
			// Documents exchanged with other agencies: staff read; the service checks who decides
			// (the clerical office composes and registers, leaders direct).
			r.Route("/exchange", func(r chi.Router) {
				r.Use(h.Require(motcua.PermReadUnitWork))
				r.Get("/outgoing", s.handleListOutgoing())
				r.Post("/outgoing", s.handleComposeOutgoing())
				r.Get("/outgoing/{id}", s.handleOutgoing()) // with each recipient's status
				r.Get("/incoming", s.handleListIncoming())
				r.Get("/incoming/{id}", s.handleIncoming())
				r.Post("/incoming/{id}/register", s.handleRegisterIncoming())
				r.Post("/incoming/{id}/direct", s.handleDirectIncoming()) // lead unit, supporting units, deadline
				r.Post("/incoming/{id}/file", s.handleFileIncoming())
				r.Post("/incoming/{id}/reply", s.handleReplyIncoming())
				r.Get("/registers/{kind}", s.handleRegisterBook())      // ?year=&format=json|xlsx|pdf
				r.Get("/agencies", s.handleAgencies())                  // the agencies on the axis
				r.Get("/dossiers/{code}/result", s.handleResultSends()) // the outgoing documents that carried the result
				r.Post("/dossiers/{code}/result", s.handleSendResult()) // send the signed result to other agencies
			})
		})
	})
	// Dossiers filed on the national portal: the calling system's own credential, a
	// body bounded by the service (inline files, base64).
	r.With(middleware.AllowContentType("application/json"), h.RequireSystem).
		Post("/api/v1/portal/dossiers", s.handlePortalDossier())
	r.Get("/api/openapi.json", s.handleOpenAPI()) // OpenAPI 3.1 of /api/v1
	// Uploads have their own size limit (20 MB), above the JSON API's 1 MB.
	r.With(h.RequireActor).Post("/api/v1/files", s.handleUpload())
}
