package dossiers

import (
	"context"
	"errors"

	"motcua"
	"motcua/forms"
	"motcua/internal/store"
)

// The e-form and the applicant's document store: each component that takes stored
// documents offers those of an accepted type, each checked as a reuse would be; the
// data fields the catalog fills from a chosen document (forms.Field.FromDocument) are
// filled from it, and a value the applicant may not change is held to it at submission.

// ReuseOffer is a stored document offered for a component on the e-form. Refused says
// in Vietnamese why it cannot be reused now (empty: it can), Reason the Reuse* code.
type ReuseOffer struct {
	Document store.StoredDocument
	Refused  string
	Reason   string
}

// ReuseOffers lists, by component ID, the actor's stored documents of a type each
// component of p accepts, newest first, each checked now (revoked or replaced, past
// its validity, content or signature no longer verifying, a type or size the
// component does not take). The store is filled first, so a result issued while it
// was not filled still appears.
func (s *Service) ReuseOffers(ctx context.Context, a motcua.Actor, p *forms.Procedure) (map[string][]ReuseOffer, error) {
	var types []string
	for _, c := range p.Components {
		types = append(types, c.Reuse...)
	}
	if len(types) == 0 {
		return nil, nil
	}
	docs, err := s.MyDocuments(ctx, a, types)
	if err != nil {
		return nil, err
	}
	checked := map[string]error{} // by document: the check reads and verifies its content once
	out := map[string][]ReuseOffer{}
	for _, c := range p.Components {
		for _, d := range docs {
			if !c.Reuses(d.Type) {
				continue
			}
			err, ok := checked[d.ID]
			if !ok {
				var data []byte
				if _, data, err = s.Store.StoredDocument(ctx, a.UserID, d.ID); err == nil {
					err = s.checkReusable(d, data)
				}
				checked[d.ID] = err
			}
			if err == nil {
				err = c.Accepts(d.ContentType, d.Size)
			}
			o := ReuseOffer{Document: d}
			if err != nil {
				var me *motcua.Error
				if !errors.As(err, &me) {
					return nil, err
				}
				o.Refused, o.Reason = motcua.ErrorMessage(err), me.Field
			}
			out[c.ID] = append(out[c.ID], o)
		}
	}
	return out, nil
}

// DocumentValue is the value of a stored document's attribute (forms.Attr*) as a form
// field holds it: dates as YYYY-MM-DD (the Vietnam date), "" when it has none.
func DocumentValue(d store.StoredDocument, attr string) string {
	switch attr {
	case forms.AttrNumber:
		return d.Number
	case forms.AttrIssuer:
		return d.Issuer
	case forms.AttrIssuedOn:
		if d.IssuedAt.IsZero() {
			return ""
		}
		return d.IssuedAt.In(motcua.Vietnam).Format("2006-01-02")
	case forms.AttrValidUntil:
		if d.ValidUntil == nil {
			return ""
		}
		return d.ValidUntil.UTC().Format("2006-01-02")
	}
	return ""
}

// ChosenDocuments returns, by component ID, the stored document each component of p
// holds by reference in data (its file field holds a reused file of the actor).
func (s *Service) ChosenDocuments(ctx context.Context, a motcua.Actor, p *forms.Procedure, data map[string]any) (map[string]store.StoredDocument, error) {
	byDoc := map[string]string{} // stored document → component
	var ids []string
	for _, c := range p.Components {
		fd, ok := p.Form.FileFieldOf(c.ID)
		if len(c.Reuse) == 0 || !ok {
			continue
		}
		ids = append(ids, forms.FileIDs(data[fd.Key])...)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	files, err := s.Store.OwnFiles(ctx, a.UserID, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range p.Components {
		fd, ok := p.Form.FileFieldOf(c.ID)
		if len(c.Reuse) == 0 || !ok {
			continue
		}
		for _, id := range forms.FileIDs(data[fd.Key]) {
			if f, ok := files[id]; ok && f.ReusedFrom != "" {
				byDoc[f.ReusedFrom] = c.ID
			}
		}
	}
	if len(byDoc) == 0 {
		return nil, nil
	}
	docs, err := s.Store.StoredDocuments(ctx, a.UserID, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]store.StoredDocument{}
	for _, d := range docs {
		if c, ok := byDoc[d.ID]; ok {
			out[c] = d
		}
	}
	return out, nil
}

// FillFromDocuments fills the fields of p that the catalog fills from the document
// chosen for a component (chosen: ChosenDocuments): a field the applicant may not
// change always takes the document's value; one they may change takes it when it is
// empty, or always when force (the document was chosen just now). It returns the
// fields held to their document (key → the document), to show them read-only.
func FillFromDocuments(p *forms.Procedure, chosen map[string]store.StoredDocument, data map[string]any, force bool) map[string]store.StoredDocument {
	held := map[string]store.StoredDocument{}
	for comp, d := range chosen {
		for _, fd := range p.Form.FilledFrom(comp) {
			v := DocumentValue(d, fd.FromDocument.Attribute)
			if v == "" {
				continue
			}
			if !fd.FromDocument.Editable {
				held[fd.Key] = d
			}
			if cur, ok := data[fd.Key]; !fd.FromDocument.Editable || force || !ok || cur == "" {
				data[fd.Key] = v
			}
		}
	}
	return held
}

// checkFromDocuments refuses a submission whose field, which the applicant may not
// change, says other than the document chosen from their store for its component.
func (s *Service) checkFromDocuments(ctx context.Context, a motcua.Actor, p *forms.Procedure, data map[string]any) error {
	chosen, err := s.ChosenDocuments(ctx, a, p, data)
	if err != nil || len(chosen) == 0 {
		return err
	}
	var errs []forms.FieldError
	for _, fd := range p.Form.Fields() {
		src := fd.FromDocument
		if src == nil || src.Editable {
			continue
		}
		d, ok := chosen[src.Component]
		want := DocumentValue(d, src.Attribute)
		if !ok || want == "" || str(data[fd.Key]) == want {
			continue
		}
		shown := want
		if fd.Kind == forms.KindDate {
			shown = want[8:10] + "/" + want[5:7] + "/" + want[0:4]
		}
		errs = append(errs, forms.FieldError{Path: "/" + fd.Key, Code: "from_document",
			Message: "«" + fd.Label + "» phải ghi đúng như trên giấy tờ «" + d.Name + "» đã chọn từ kho dữ liệu điện tử: " + shown + "."})
	}
	if len(errs) > 0 {
		return invalidForm(errs)
	}
	return nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
