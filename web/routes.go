package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/internal/httpx"
)

// Routes registers every page on r, on one screen, and answers a browser's 404 with a
// page.
func (s *Site) Routes(r chi.Router) {
	h := s.HTTP
	r.NotFound(h.OptionalActor(http.HandlerFunc(s.notFound)).ServeHTTP)
	r.Handle("/static/*", http.FileServerFS(staticFiles))            // CSS, images
	r.With(h.OptionalActor).Get("/", s.handleHome())                 // home page
	r.With(h.OptionalActor).Post("/dang-nhap", s.handlePageLogin())  // password login form
	r.With(h.OptionalActor).Post("/dang-xuat", s.handlePageLogout()) // logout
	r.Get("/auth/oidc/login", s.handleOIDCLogin())                   // start SSO
	r.Get("/auth/oidc/callback", s.handleOIDCCallback())             // finish SSO

	// Citizens and the public: the catalog, a procedure, its e-form (one page, with a
	// draft and a check-your-answers page), the confirmation, my dossiers, a dossier's
	// page (timeline, what is expected of me, the supplement answer, downloads), the
	// public lookup and the verification page.
	r.Group(func(r chi.Router) {
		r.Use(h.OptionalActor)
		r.Get("/dang-nhap", s.handleLoginPage())
		r.Get("/thu-tuc", s.pageCatalog())
		r.Get("/thu-tuc/{code}", s.pageProcedure())
		r.Get("/tra-cuu", s.pageLookup())
		r.Post("/tra-cuu", s.pageLookup())
		r.Get("/tra-cuu/xac-thuc", s.pageVerify())
		r.Post("/tra-cuu/xac-thuc", s.pageVerify())
	})
	r.Group(func(r chi.Router) {
		r.Use(s.pageAuth, s.pageRequire(motcua.PermSubmitDossier))
		r.Get("/thu-tuc/{code}/nop", s.pageForm())
		r.Post("/thu-tuc/{code}/nop", s.pageForm())
		r.Get("/thu-tuc/{code}/kiem-tra", s.pageCheck())
		r.Post("/thu-tuc/{code}/kiem-tra", s.pageCheck())
		r.Get("/ho-so", s.pageMyDossiers())
		r.Get("/kho-giay-to", s.pageMyDocuments()) // the applicant's document store
		r.Get("/ho-so/{code}", s.pageMyDossier())
		r.Get("/ho-so/{code}/da-nop", s.pageSubmitted())
		r.Post("/ho-so/{code}/bo-sung", s.pageSupplement())
		r.Post("/ho-so/{code}/rut", s.pageWithdraw())
		r.Post("/ho-so/{code}/danh-gia", s.pageRate())
		r.Post("/ho-so/{code}/thanh-toan", s.pagePay())         // to the payment platform's page
		r.Get("/ho-so/{code}/thanh-toan/ket-qua", s.pagePaid()) // back from it
	})

	// The one-stop desk registers walk-in and postal dossiers: the scanned papers make
	// the request as large as the citizens' e-form.
	r.Group(func(r chi.Router) {
		r.Use(httpx.LimitBody(maxFormPost), s.pageAuth, s.pageRequire(motcua.PermActOnDossier))
		r.Get("/can-bo/tiep-nhan", s.pageDeskList())
		r.Get("/can-bo/tiep-nhan/{code}", s.pageDesk())
		r.Post("/can-bo/tiep-nhan/{code}", s.pageDesk())
	})

	// Composing an outgoing document uploads its PDF: the request may be as large as the
	// desk's.
	r.Group(func(r chi.Router) {
		r.Use(httpx.LimitBody(maxFormPost), s.pageAuth, s.pageRequire(motcua.PermReadUnitWork))
		r.Get("/van-ban/di/soan", s.pageCompose())
		r.Post("/van-ban/di/soan", s.pageCompose())
	})

	// Clerks, leaders and administrators: inbox, dossier decisions, signing queue,
	// statistics, administration. The workflow, not the page, decides whether a
	// decision is allowed.
	r.Group(func(r chi.Router) {
		r.Use(httpx.LimitBody(1<<20), s.pageAuth)
		r.Group(func(r chi.Router) {
			r.Use(s.pageRequire(motcua.PermReadUnitWork))
			r.Get("/can-bo/viec", s.pageInbox())
			r.Post("/can-bo/viec/{task}/nhan", s.pageClaim())
			r.Post("/can-bo/viec/{task}/tra-lai", s.pageRelease())
			r.Post("/can-bo/viec/bo-loc", s.pageSaveFilter())
			r.Post("/can-bo/viec/bo-loc/{id}/xoa", s.pageDeleteFilter())
			r.Post("/can-bo/viec/giao", s.pageAssign()) // the head, in bulk, audited per task
			r.Get("/can-bo/vang-mat", s.pageAbsences()) // out of office: the substitute
			r.Post("/can-bo/vang-mat", s.pageAbsences())
			r.Post("/can-bo/vang-mat/{id}/huy", s.pageCancelAbsence())
			r.Get("/can-bo/ho-so/{code}", s.pageStaffDossier())
			r.Post("/can-bo/ho-so/{code}/xu-ly", s.pageStaffAction())
			r.Post("/can-bo/ho-so/{code}/y-kien", s.pageStaffComment())
			r.Post("/can-bo/ho-so/{code}/dinh-chinh", s.pageProposeCorrection())
			r.Post("/can-bo/ho-so/{code}/dinh-chinh/{id}/ky", s.pageCorrectionStep(false))
			r.Post("/can-bo/ho-so/{code}/dinh-chinh/{id}/ban-hanh", s.pageCorrectionStep(true))
			// Documents exchanged with other agencies and the registers of Decree 30/2020.
			r.Get("/van-ban/den", s.pageIncomingList())
			r.Get("/van-ban/den/{id}", s.pageIncoming())
			r.Post("/van-ban/den/{id}/vao-so", s.pageRegisterIncoming()) // the clerical office
			r.Post("/van-ban/den/{id}/chi-dao", s.pageDirectIncoming())  // a leader
			r.Get("/van-ban/di", s.pageOutgoingList())
			r.Get("/van-ban/di/{id}", s.pageOutgoing())
			r.Get("/van-ban/so", s.pageBooks())
			r.Get("/van-ban/ket-qua/{code}", s.pageSendResult())  // a dossier's signed result to other agencies
			r.Post("/van-ban/ket-qua/{code}", s.pageSendResult()) // the clerk or the clerical office
		})
		r.Group(func(r chi.Router) {
			r.Use(s.pageRequire(motcua.PermSign))
			r.Get("/lanh-dao/trinh-ky", s.pageSigningQueue())
			r.Post("/lanh-dao/trinh-ky", s.pageSigningQueue())
		})
		r.With(s.pageRequire(motcua.PermReadStats)).Get("/thong-ke", s.pageStats())
		r.With(s.pageRequire(motcua.PermReadStats)).Get("/bao-cao", s.pageReports())        // form 06 and the 766 index
		r.With(s.pageRequire(motcua.PermReadStats)).Post("/bao-cao/ky", s.pageSignReport()) // the unit's leader signs form 06
		// Administration: units, staff accounts and their roles, the working-day
		// calendar's overrides, a read-only list of the catalog's versions, and the
		// portal sync's parked status changes.
		r.Group(func(r chi.Router) {
			r.Use(s.pageRequire(motcua.PermAdminister))
			r.Get("/quan-tri", s.pageAdmin())
			r.Get("/quan-tri/don-vi", s.pageAdminUnits())
			r.Post("/quan-tri/don-vi", s.pageAdminUnits())
			r.Get("/quan-tri/tai-khoan", s.pageAdminUsers())
			r.Post("/quan-tri/tai-khoan", s.pageAdminUsers())
			r.Post("/quan-tri/tai-khoan/{id}/vai-tro", s.pageAdminRoles())
			r.Get("/quan-tri/lich", s.pageAdminCalendar())
			r.Post("/quan-tri/lich", s.pageAdminCalendar())
			r.Post("/quan-tri/lich/{day}/xoa", s.pageAdminCalendarRemove())
			r.Get("/quan-tri/thu-tuc", s.pageAdminProcedures())
			r.Get("/quan-tri/dong-bo-cong-dvc", s.pageAdminPortal())
			r.Post("/quan-tri/dong-bo-cong-dvc/{id}/gui-lai", s.pageAdminPortalRetry())
			r.Get("/quan-tri/uy-quyen", s.pageAdminDelegations())
			r.Post("/quan-tri/uy-quyen", s.pageAdminDelegations())
			r.Post("/quan-tri/uy-quyen/{id}/thu-hoi", s.pageAdminDelegationRevoke())
		})
	})
}

func codeParam(r *http.Request) motcua.DossierCode {
	return motcua.DossierCode(chi.URLParam(r, "code"))
}

// pageID is the route's {id}, 0 when it is not a number.
func pageID(r *http.Request) int64 {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// idParam is the route's {id}, a positive number; anything else is refused as not
// found, with notFound naming the record in Vietnamese.
func idParam(r *http.Request, notFound string) (int64, error) {
	if id := pageID(r); id > 0 {
		return id, nil
	}
	return 0, motcua.Errorf(motcua.ENOTFOUND, "%s", notFound)
}

// pageActOnID is a page that does one thing to the reader's record named by the
// route's {id} (delete a filter, cancel an absence, revoke a delegation, send a parked
// change again) and then sees next(r); a malformed id or a refusal is shown as an error.
func (s *Site) pageActOnID(notFound string, act func(ctx context.Context, a motcua.Actor, id int64) error,
	next func(r *http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		id, err := idParam(r, notFound)
		if err == nil {
			err = act(r.Context(), a, id)
		}
		if err != nil {
			s.showError(w, r, err)
			return
		}
		http.Redirect(w, r, next(r), http.StatusSeeOther)
	}
}

// to is a next of pageActOnID that always goes to url.
func to(url string) func(*http.Request) string { return func(*http.Request) string { return url } }

// notFound answers a path no route serves: a page for a browser, a problem for a
// program.
func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		s.showError(w, r, errNotFoundPage(r.URL.Path))
		return
	}
	s.HTTP.WriteError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không tìm thấy địa chỉ %s.", r.URL.Path))
}
