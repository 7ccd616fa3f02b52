package dossiers

import (
	"context"
	"time"

	"motcua/internal/store"
)

// ExternalConsultation is an agency outside the ministry asked for an opinion on a
// dossier through the document axis: the request (an outgoing document) and the reply.
type ExternalConsultation struct {
	OrganID   string    `json:"organId"`
	OrganName string    `json:"organName"`
	Step      string    `json:"step"`
	AskedAt   time.Time `json:"askedAt"`
	// State is "waiting" or "answered"; StateLabel says it in Vietnamese.
	State      string                `json:"state"`
	StateLabel string                `json:"stateLabel"`
	Request    ConsultationRequest   `json:"request"`
	Reply      *ConsultationResponse `json:"reply,omitempty"`
}

// ConsultationRequest is the outgoing document that asks.
type ConsultationRequest struct {
	OutgoingID int64  `json:"outgoingId"`
	DocumentID string `json:"documentId,omitempty"`
	Subject    string `json:"subject"`
	// State is the outgoing document's (draft until the leader signs, then sent).
	State string `json:"state"`
}

// ConsultationResponse is the agency's reply, an incoming document.
type ConsultationResponse struct {
	IncomingID int64     `json:"incomingId"`
	DocumentID string    `json:"documentId"`
	Subject    string    `json:"subject"`
	Files      []string  `json:"files"`
	AnsweredAt time.Time `json:"answeredAt"`
}

func (s *Service) externalConsultations(ctx context.Context, v store.DossierView) ([]ExternalConsultation, error) {
	var out []ExternalConsultation
	for _, c := range v.ExternalConsultations {
		o, err := s.Store.OutgoingDocument(ctx, c.OutgoingID)
		if err != nil {
			return nil, err
		}
		e := ExternalConsultation{OrganID: c.OrganID, OrganName: c.OrganName, Step: c.Step, AskedAt: c.AskedAt,
			State: "waiting", StateLabel: "Đang chờ ý kiến của " + c.OrganName,
			Request: ConsultationRequest{OutgoingID: o.ID, DocumentID: o.DocumentID, Subject: o.Subject, State: o.State}}
		if c.ReplyIncomingID != 0 {
			in, err := s.Store.IncomingDocument(ctx, c.ReplyIncomingID)
			if err != nil {
				return nil, err
			}
			files, err := s.Store.ExchangeFiles(ctx, "incoming", in.ID)
			if err != nil {
				return nil, err
			}
			r := &ConsultationResponse{IncomingID: in.ID, DocumentID: in.DocumentID, Subject: in.Subject, Files: []string{},
				AnsweredAt: c.AnsweredAt}
			for _, f := range files {
				r.Files = append(r.Files, f.Name)
			}
			e.State, e.StateLabel, e.Reply = "answered", c.OrganName+" đã trả lời", r
		}
		out = append(out, e)
	}
	return out, nil
}
