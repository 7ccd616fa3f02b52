package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"motcua"
)

// routes is the whole HTTP surface on one screen.
func (s *server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.realIP, s.recoverer, s.logRequests, s.measure, securityHeaders)
	r.NotFound(s.optionalActor(http.HandlerFunc(s.notFound)).ServeHTTP)
	r.MethodNotAllowed(s.methodNotAllowed)

	r.Get("/healthz", s.handleHealthz())                                         // process up
	r.Get("/readyz", s.handleReadyz())                                           // PostgreSQL and Temporal answer
	r.Handle("/metrics", promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})) // Prometheus
	r.Handle("/static/*", http.FileServerFS(staticFiles))                        // CSS, images
	r.With(s.optionalActor).Get("/", s.handleHome())                             // home page
	r.With(s.optionalActor).Post("/dang-nhap", s.handlePageLogin())              // password login form
	r.With(s.optionalActor).Post("/dang-xuat", s.handlePageLogout())             // logout
	r.Get("/auth/oidc/login", s.handleOIDCLogin())                               // start SSO
	r.Get("/auth/oidc/callback", s.handleOIDCCallback())                         // finish SSO
	r.Group(s.citizenPages)                                                      // pages: citizens and the public
	r.Group(s.staffPages)                                                        // pages: clerks, leaders, administrators

	r.Post("/api/v1/verify", s.handleVerify()) // public PDF signature check, own limits (20 MB, application/pdf)
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(middleware.AllowContentType("application/json", "multipart/form-data"), limitBody(1<<20))
		r.Post("/auth/login", s.handleAPILogin())        // development login for programs
		r.Get("/procedures", s.handleProcedures())       // the catalog
		r.Get("/procedures/{code}", s.handleProcedure()) // one procedure with its e-form
		r.Group(func(r chi.Router) {
			r.Use(s.requireActor)
			r.Post("/auth/logout", s.handleAPILogout())
			r.Get("/me", s.handleMe())
			r.Get("/notifications", s.handleNotifications())                                // my notifications (the outbox)
			r.With(s.require(motcua.PermSubmitDossier)).Post("/dossiers", s.handleSubmit()) // submit (Idempotency-Key)
			r.With(s.require(motcua.PermSubmitDossier)).Get("/dossiers", s.handleMyDossiers())
			r.Get("/dossiers/{code}", s.handleDossier())                 // applicant or staff in scope; others 404
			r.Post("/dossiers/{code}/supplement", s.handleSupplement())  // the applicant's answer
			r.Post("/dossiers/{code}/withdraw", s.handleWithdraw())      // the applicant withdraws
			r.Get("/dossiers/{code}/receipt", s.handleReceipt())         // form 01, once received
			r.Get("/dossiers/{code}/documents/{id}", s.handleDocument()) // notices and the result
			r.Get("/dossiers/{code}/files/{id}", s.handleDossierFile())  // attachments
			r.Post("/dossiers/{code}/actions", s.handleAction())         // staff decisions (the workflow checks who and when)
			r.Post("/actions", s.handleBatchAction())                    // one decision for several dossiers (sign a batch)
			r.With(s.require(motcua.PermReadUnitWork)).Get("/inbox", s.handleInbox())
			r.With(s.require(motcua.PermReadUnitWork)).Post("/inbox/{task}/claim", s.handleClaim())
			r.With(s.require(motcua.PermSign)).Get("/signing-queue", s.handleSigningQueue())
			r.With(s.require(motcua.PermReadStats)).Get("/stats", s.handleStats())
		})
	})
	r.Get("/api/openapi.json", s.handleOpenAPI()) // OpenAPI 3.1 of /api/v1
	// Uploads have their own size limit (20 MB), above the JSON API's 1 MB.
	r.With(s.requireActor).Post("/api/v1/files", s.handleUpload())
	return r
}
