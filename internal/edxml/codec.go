package edxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"motcua"
)

// Limits bound what Parse accepts. A zero field takes its DefaultLimits value.
type Limits struct {
	MaxBytes           int64 // the whole envelope
	MaxDepth           int   // element nesting
	MaxElements        int   // elements in all
	MaxAttachments     int
	MaxAttachmentBytes int64 // one attachment, decoded
}

// DefaultLimits are generous for real documents (a ministry's document rarely carries
// more than a few files of a few megabytes) and small enough for one worker's memory:
// parsing allocates about 13 times the envelope's size in all, so at most some 400 MiB
// for the largest envelope, freed when Parse returns.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 32 << 20, MaxDepth: 12, MaxElements: 5000,
		MaxAttachments: 50, MaxAttachmentBytes: 20 << 20}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = d.MaxElements
	}
	if l.MaxAttachments <= 0 {
		l.MaxAttachments = d.MaxAttachments
	}
	if l.MaxAttachmentBytes <= 0 {
		l.MaxAttachmentBytes = d.MaxAttachmentBytes
	}
	return l
}

func invalid(field, format string, args ...any) *motcua.Error {
	return &motcua.Error{Code: motcua.EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Marshal writes e as an edXML envelope after checking it (required fields, lengths,
// codes). The manifest is built from the attachments.
func Marshal(e Envelope) ([]byte, error) {
	if err := validate(e); err != nil {
		return nil, err
	}
	root := wireRoot{}
	h := &root.Envelope.Header
	if e.Status != nil {
		s := *e.Status
		h.Status = &s
	} else {
		m := e.Header
		h.MessageHeader = &wireMessageHeader{From: m.From, To: m.To, Code: m.Code,
			PromulgationInfo: m.PromulgationInfo, DocumentType: m.DocumentType,
			Subject: m.Subject, Content: m.Content, SignerInfo: m.SignerInfo, DueDate: m.DueDate,
			ToPlaces: m.ToPlaces, OtherInfo: m.OtherInfo, SteeringType: m.SteeringType,
			ResponseFor: m.ResponseFor, DocumentId: m.DocumentId}
	}
	b := e.Business
	h.Traces = wireTraces{Traces: e.Traces, Business: wireBusiness{DocType: b.DocType,
		Reason: b.Reason, DocumentId: b.DocumentId, Paper: b.Paper, StaffInfo: b.StaffInfo,
		Replacements: b.Replacements}}
	for _, a := range e.Attachments {
		root.Envelope.Body.References = append(root.Envelope.Body.References, wireReference{
			ContentId: a.ContentId, AttachmentName: a.Name, ContentType: a.ContentType,
			Description: a.Description})
		root.Attachments = append(root.Attachments, wireAttached{ContentId: a.ContentId,
			AttachmentName: a.Name, ContentType: a.ContentType, Description: a.Description,
			Encoded: base64.StdEncoding.EncodeToString(a.Data)})
	}
	out, err := xml.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("marshal edXML: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

// Parse reads one edXML envelope (a document or a status message) within limits. Every
// refusal is an *motcua.Error with code EINVALID and a Vietnamese message; Field names
// the element at fault when there is one.
func Parse(r io.Reader, limits Limits) (Envelope, error) {
	l := limits.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1))
	if err != nil {
		return Envelope{}, fmt.Errorf("read edXML: %w", err)
	}
	if int64(len(data)) > l.MaxBytes {
		return Envelope{}, invalid("", "Gói tin edXML vượt quá dung lượng cho phép (%d byte).", l.MaxBytes)
	}
	if err := scan(data, l); err != nil {
		return Envelope{}, err
	}
	var root wireRoot
	if err := xml.Unmarshal(data, &root); err != nil {
		return Envelope{}, &motcua.Error{Code: motcua.EINVALID, Err: err,
			Message: "Gói tin edXML không đúng cấu trúc: " + err.Error()}
	}
	e, err := fromWire(root, l)
	if err != nil {
		return Envelope{}, err
	}
	if err := validate(e); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// scan is the first, cheap pass: it refuses DTDs and entities, foreign namespaces, deep
// nesting, too many elements and oversized text before anything is unmarshalled.
func scan(data []byte, l Limits) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth, count := 0, 0
	maxText := l.MaxAttachmentBytes/3*4 + 4096 // base64 of the largest attachment, wrapped
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &motcua.Error{Code: motcua.EINVALID, Err: err,
				Message: "Gói tin edXML không phải XML hợp lệ: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return invalid("", "Gói tin edXML không được chứa khai báo DOCTYPE hay ENTITY.")
		case xml.StartElement:
			depth++
			count++
			if depth > l.MaxDepth {
				return invalid("", "Gói tin edXML lồng quá %d cấp.", l.MaxDepth)
			}
			if count > l.MaxElements {
				return invalid("", "Gói tin edXML có quá %d phần tử.", l.MaxElements)
			}
			if depth == 1 && t.Name.Local != "edXML" {
				return invalid(t.Name.Local, "Phần tử gốc phải là edXML, không phải %q.", t.Name.Local)
			}
			if t.Name.Space != Namespace {
				return invalid(t.Name.Local, "Phần tử %s không thuộc không gian tên %s.", t.Name.Local, Namespace)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if int64(len(t)) > maxText {
				return invalid("", "Gói tin edXML có nội dung quá lớn (tệp đính kèm vượt quá %d byte).", l.MaxAttachmentBytes)
			}
		}
	}
}

func fromWire(root wireRoot, l Limits) (Envelope, error) {
	h := root.Envelope.Header
	var e Envelope
	switch {
	case h.MessageHeader != nil && h.Status != nil:
		return e, invalid("Status", "Gói tin edXML không được vừa là văn bản vừa là trạng thái.")
	case h.Status != nil:
		s := *h.Status
		e.Status = &s
	case h.MessageHeader != nil:
		m := h.MessageHeader
		e.Header = MessageHeader{From: m.From, To: m.To, Code: m.Code,
			PromulgationInfo: m.PromulgationInfo, DocumentType: m.DocumentType,
			Subject: m.Subject, Content: m.Content, SignerInfo: m.SignerInfo, DueDate: m.DueDate,
			ToPlaces: m.ToPlaces, OtherInfo: m.OtherInfo, SteeringType: m.SteeringType,
			ResponseFor: m.ResponseFor, DocumentId: m.DocumentId}
	default:
		return e, invalid("MessageHeader", "Gói tin edXML thiếu MessageHeader hoặc Status.")
	}
	e.Traces = h.Traces.Traces
	b := h.Traces.Business
	e.Business = Business{DocType: b.DocType, Reason: b.Reason, DocumentId: b.DocumentId,
		Paper: b.Paper, StaffInfo: b.StaffInfo, Replacements: b.Replacements}

	if len(root.Attachments) > l.MaxAttachments {
		return e, invalid("Attachment", "Gói tin edXML có quá %d tệp đính kèm.", l.MaxAttachments)
	}
	refs := root.Envelope.Body.References
	if len(refs) != len(root.Attachments) {
		return e, invalid("edXMLManifest", "Danh mục tệp (edXMLManifest) có %d mục nhưng gói tin có %d tệp đính kèm.", len(refs), len(root.Attachments))
	}
	listed := map[string]bool{}
	for _, r := range refs {
		listed[r.ContentId] = true
	}
	for i, a := range root.Attachments {
		field := fmt.Sprintf("Attachment[%d]", i)
		if !listed[a.ContentId] {
			return e, invalid(field+".ContentId", "Tệp đính kèm %q không có trong danh mục tệp.", a.ContentId)
		}
		clean := a.Encoded
		if strings.ContainsAny(clean, " \n\r\t") { // line-wrapped base64
			clean = strings.Map(func(r rune) rune {
				if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
					return -1
				}
				return r
			}, clean)
		}
		if int64(base64.StdEncoding.DecodedLen(len(clean))) > l.MaxAttachmentBytes+2 {
			return e, invalid(field, "Tệp đính kèm %q vượt quá %d byte.", a.AttachmentName, l.MaxAttachmentBytes)
		}
		data, err := base64.StdEncoding.DecodeString(clean)
		if err != nil {
			return e, invalid(field+".ContentTransferEncoded", "Nội dung tệp đính kèm %q không phải base64 hợp lệ.", a.AttachmentName)
		}
		if int64(len(data)) > l.MaxAttachmentBytes {
			return e, invalid(field, "Tệp đính kèm %q vượt quá %d byte.", a.AttachmentName, l.MaxAttachmentBytes)
		}
		if len(data) == 0 {
			data = nil
		}
		e.Attachments = append(e.Attachments, Attachment{ContentId: a.ContentId,
			Name: a.AttachmentName, ContentType: a.ContentType, Description: a.Description, Data: data})
	}
	return e, nil
}
