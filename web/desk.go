package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"motcua"
	"motcua/dossiers"
	"motcua/forms"
	"motcua/internal/httpx"
	"motcua/internal/population"
	"motcua/internal/store"
)

// deskPage is the one-stop desk's registration of a walk-in or postal dossier: the
// applicant (found by ID number: motcua's account, or the population database's
// answer), the channel, the e-form filled on their behalf with the scanned papers, and
// which papers were copies.
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
	// CanLookUp offers to ask the population database; Lookup is the audit row of the
	// lookup made (carried to the registration, which names the dossier on it), and
	// Found what the page says of it.
	CanLookUp bool
	Lookup    int64
	Found     *deskFound
}

// deskFound is the answer of the "find the applicant" step, as the page shows it.
type deskFound struct {
	Person  *population.Person // the population database's answer; nil: only Message
	Message string
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
			dp.Lookup, _ = strconv.ParseInt(r.PostFormValue("population_lookup"), 10, 64)
			if c := motcua.Channel(r.PostFormValue("channel")); c == motcua.ChannelPost {
				channel = c
			}
			for _, c := range r.PostForm["copy"] {
				copies[c] = true
			}
			errs = pf.UploadErrors
			if pf.Action == "add" {
				extra[pf.Add] = 1
			} else if pf.Action == "lookup" {
				found, err := s.Dossiers.FindDeskApplicant(r.Context(), a, channel, dp.IDNumber)
				var me *motcua.Error
				switch {
				case err == nil && found.Account:
					dp.Found = &deskFound{Message: "Số định danh này đã có tài khoản của «" + found.Name +
						"»: hồ sơ được đăng ký cho tài khoản đó, không cần tra cứu Cơ sở dữ liệu quốc gia về dân cư."}
				case err == nil:
					dp.Lookup, dp.Name = found.LookupID, found.Person.Name
					prefillPerson(p.Form, data, found.Person)
					dp.Found = &deskFound{Person: &found.Person}
				case errors.As(err, &me) && me.Code == motcua.EINVALID:
					errs = append(errs, forms.FieldError{Path: "id_number", Message: me.Message})
				case errors.As(err, &me) && (me.Code == motcua.ENOTFOUND || me.Code == motcua.EUNAVAILABLE):
					// Not known, or not answering: the clerk types the details as before.
					dp.Lookup = found.LookupID
					dp.Found = &deskFound{Message: me.Message + " Hãy nhập thông tin người nộp theo giấy tờ người nộp xuất trình."}
				default:
					s.showError(w, r, err)
					return
				}
			} else if len(errs) == 0 {
				body, _ := json.Marshal(data)
				var list []string
				for c := range copies {
					list = append(list, c)
				}
				res, _, err := s.Dossiers.RegisterAtDesk(r.Context(), a, dp.Token, dossiers.DeskRequest{Procedure: p.Code,
					Channel: channel, Applicant: store.Applicant{IDNumber: dp.IDNumber, Name: dp.Name, Phone: dp.Phone},
					FormData: body, Copies: list, PopulationLookup: dp.Lookup})
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
		dp.CanLookUp = s.Dossiers.CanLookUpPopulation()
		d := s.page(r, "Tiếp nhận hồ sơ: "+p.Name)
		d.Errors = pageErrors(errs)
		d.Data = dp
		s.show(w, status, "desk", d)
	}
}

// prefillPerson fills the e-form's fields about the applicant with the population
// database's answer, in place of what was there: the field the catalog fills with the
// applicant's name, the personal ID number with its birth date and sex fields, and the
// first address (the place of residence). The clerk may still change any of them.
func prefillPerson(f forms.Form, data map[string]any, p population.Person) {
	address := false
	for _, sec := range f.Sections {
		for _, fd := range sec.Fields {
			switch {
			case fd.Prefill == forms.PrefillAccountName && p.Name != "":
				data[fd.Key] = p.Name
			case fd.Kind == forms.KindCCCD:
				data[fd.Key] = p.IDNumber
				if d, err := time.Parse("02/01/2006", p.BirthDate); err == nil && fd.BirthDateField != "" {
					data[fd.BirthDateField] = d.Format(time.DateOnly)
				}
				if sex := sexChoice[p.Sex]; sex != "" && fd.SexField != "" {
					data[fd.SexField] = sex
				}
			case fd.Kind == forms.KindAddress && !address && p.Residence != (population.Address{}):
				address = true
				m := map[string]any{}
				for k, v := range map[string]string{"street": p.Residence.Street, "ward": p.Residence.Ward, "province": p.Residence.Province} {
					if v != "" {
						m[k] = v
					}
				}
				data[fd.Key] = m
			}
		}
	}
}

// sexChoice maps the population database's sex to the e-forms' choice (the catalog
// requires a cccd field's sex field to offer "nam" and "nu").
var sexChoice = map[string]string{"Nam": "nam", "Nữ": "nu"}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
