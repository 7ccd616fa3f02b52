package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/httpx"
	"motcua/internal/store"
)

// deskPage is the one-stop desk's registration of a walk-in or postal dossier: the
// applicant, the channel, the e-form filled on their behalf with the scanned papers,
// and which papers were copies.
type deskPage struct {
	Procedure  *forms.Procedure
	Procedures []*forms.Procedure
	Token      string
	IDNumber   string
	Name       string
	Phone      string
	Channels   []selectOption
	Copies     []selectOption
	Sections   []sectionView
}

// pageDeskList lists the procedures a clerk may register a dossier for.
func (s *Site) pageDeskList() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d := s.page(r, "Tiếp nhận hồ sơ trực tiếp, qua bưu chính")
		d.Data = deskPage{Procedures: s.Catalog.Procedures()}
		s.show(w, http.StatusOK, "desk", d)
	}
}

// pageDesk shows the registration form of a procedure and takes it back; "add:PATH"
// grows a group, anything else registers the dossier through the dossier service,
// with the page's token as idempotency key (a second click makes no second dossier).
func (s *Site) pageDesk() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := httpx.ActorFrom(r.Context())
		p, err := s.Catalog.At(chi.URLParam(r, "code"), s.Now())
		if err != nil {
			s.showError(w, r, motcua.Errorf(motcua.ENOTFOUND, "Không có thủ tục này trong danh mục đang áp dụng."))
			return
		}
		dp := deskPage{Procedure: p, Token: newToken()}
		channel, copies := motcua.ChannelDesk, map[string]bool{}
		data := map[string]any{}
		extra := map[string]int{}
		var errs []forms.FieldError
		status := http.StatusOK
		if r.Method == http.MethodPost {
			pf, err := s.readForm(r, a, p.Form.Sections)
			if err != nil {
				s.showError(w, r, err)
				return
			}
			data = pf.Data
			dp.Token = r.PostFormValue("token")
			dp.IDNumber = strings.TrimSpace(r.PostFormValue("id_number"))
			dp.Name = strings.TrimSpace(r.PostFormValue("applicant_name"))
			dp.Phone = strings.TrimSpace(r.PostFormValue("applicant_phone"))
			if c := motcua.Channel(r.PostFormValue("channel")); c == motcua.ChannelPost {
				channel = c
			}
			for _, c := range r.PostForm["copy"] {
				copies[c] = true
			}
			errs = pf.UploadErrors
			if pf.Action == "add" {
				extra[pf.Add] = 1
			} else if len(errs) == 0 {
				body, _ := json.Marshal(data)
				var list []string
				for c := range copies {
					list = append(list, c)
				}
				res, _, err := s.Dossiers.RegisterAtDesk(r.Context(), a, dp.Token, dossiers.DeskRequest{Procedure: p.Code,
					Channel: channel, Applicant: store.Applicant{IDNumber: dp.IDNumber, Name: dp.Name, Phone: dp.Phone},
					FormData: body, Copies: list})
				if err == nil {
					http.Redirect(w, r, "/can-bo/ho-so/"+url.PathEscape(string(res.Code))+"?ok=registered", http.StatusSeeOther)
					return
				}
				var fe dossiers.FieldErrors
				var me *motcua.Error
				switch {
				case errors.As(err, &fe):
					at := filePaths(p.Form, data)
					for _, e := range fe {
						if id, ok := strings.CutPrefix(e.Path, "/files/"); ok && at[id] != "" {
							e.Path = at[id]
						}
						errs = append(errs, e)
					}
				case errors.As(err, &me) && me.Code == motcua.EINVALID && strings.HasPrefix(me.Field, "applicant"):
					field := "id_number"
					if me.Field == "applicant.name" {
						field = "applicant_name"
					}
					errs = append(errs, forms.FieldError{Path: field, Message: me.Message})
				default:
					s.showError(w, r, err)
					return
				}
			}
			if len(errs) > 0 {
				status = http.StatusUnprocessableEntity
			}
		}
		for _, c := range []motcua.Channel{motcua.ChannelDesk, motcua.ChannelPost} {
			dp.Channels = append(dp.Channels, selectOption{ID: "channel-" + string(c), Value: string(c), Label: c.Label(), Selected: c == channel})
		}
		for _, c := range p.Components {
			dp.Copies = append(dp.Copies, selectOption{ID: "copy-" + c.ID, Value: c.ID, Label: c.Name, Selected: copies[c.ID]})
		}
		dp.Sections = formView(p.Form, data, errs, s.Dossiers.FilesOf(r.Context(), a, p.Form, data), extra)
		d := s.page(r, "Tiếp nhận hồ sơ: "+p.Name)
		d.Errors = pageErrors(errs)
		d.Data = dp
		s.show(w, status, "desk", d)
	}
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
