package edxml

import "encoding/xml"

// The wire layout. Only the root names the namespace: Marshal writes it as the default
// namespace, which every child inherits; Parse checks every element's namespace in its
// first pass, so the children's tags need not repeat it (and prefixed input such as
// <edXML:MessageHeader> parses the same).
type wireRoot struct {
	XMLName     xml.Name       `xml:"http://www.go.vn/eDoc edXML"`
	Envelope    wireEnvelope   `xml:"edXMLEnvelope"`
	Attachments []wireAttached `xml:"AttachmentEncoded>Attachment"`
}

type wireEnvelope struct {
	Header wireHeader `xml:"edXMLHeader"`
	Body   wireBody   `xml:"edXMLBody"`
}

type wireHeader struct {
	MessageHeader *wireMessageHeader `xml:"MessageHeader"`
	Status        *Status            `xml:"Status"`
	Traces        wireTraces         `xml:"TraceHeaderList"`
}

type wireMessageHeader struct {
	From             Organization     `xml:"From"`
	To               []Organization   `xml:"To"`
	Code             Code             `xml:"Code"`
	PromulgationInfo PromulgationInfo `xml:"PromulgationInfo"`
	DocumentType     DocumentType     `xml:"DocumentType"`
	Subject          string           `xml:"Subject"`
	Content          string           `xml:"Content,omitempty"`
	SignerInfo       SignerInfo       `xml:"SignerInfo"`
	DueDate          string           `xml:"DueDate,omitempty"`
	ToPlaces         []string         `xml:"ToPlaces>Place,omitempty"`
	OtherInfo        OtherInfo        `xml:"OtherInfo"`
	SteeringType     int              `xml:"SteeringType"`
	ResponseFor      []ResponseFor    `xml:"ResponseFor,omitempty"`
	DocumentId       string           `xml:"DocumentId"`
}

type wireTraces struct {
	Traces   []TraceHeader `xml:"TraceHeader"`
	Business wireBusiness  `xml:"Bussiness"`
}

type wireBusiness struct {
	DocType      BusinessType  `xml:"BussinessDocType"`
	Reason       string        `xml:"BussinessDocReason,omitempty"`
	DocumentId   string        `xml:"DocumentId,omitempty"`
	Paper        int           `xml:"Paper"`
	StaffInfo    StaffInfo     `xml:"StaffInfo"`
	Replacements []Replacement `xml:"ReplacementInfoList>ReplacementInfo,omitempty"`
}

type wireBody struct {
	References []wireReference `xml:"edXMLManifest>Reference"`
}

type wireReference struct {
	ContentId      string `xml:"ContentId"`
	AttachmentName string `xml:"AttachmentName"`
	ContentType    string `xml:"ContentType"`
	Description    string `xml:"Description,omitempty"`
}

type wireAttached struct {
	ContentId      string `xml:"ContentId"`
	AttachmentName string `xml:"AttachmentName"`
	ContentType    string `xml:"ContentType"`
	Description    string `xml:"Description,omitempty"`
	Encoded        string `xml:"ContentTransferEncoded"`
}
