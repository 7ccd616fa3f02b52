package service

import (
	"crypto"
	"crypto/x509"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"
)

// Media types of RFC 3161 section 3.4 (time-stamp protocol via HTTP).
const (
	ctTimestampQuery = "application/timestamp-query"
	ctTimestampReply = "application/timestamp-reply"
)

// maxTSARequest bounds a time-stamp request: a hash, a nonce and a policy.
const maxTSARequest = 16 << 10

// handleTSA answers one RFC 3161 time-stamp request. Like public TSAs it needs no token: a
// timestamp only says that a hash existed at a time. Refusals are RFC 3161 replies with a
// rejection status, so a client learns why, not just an HTTP error.
func (s *Service) handleTSA(w http.ResponseWriter, r *http.Request) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != ctTimestampQuery {
		http.Error(w, "Content-Type must be "+ctTimestampQuery, http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxTSARequest))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	reject := func(fi timestamp.FailureInfo, why string) {
		s.log.Warn("tsa refused", "reason", why)
		resp, err := timestamp.CreateErrorResponse(timestamp.Rejection, fi)
		if err != nil {
			http.Error(w, "cannot encode reply", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", ctTimestampReply)
		w.Write(resp)
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		reject(timestamp.BadDataFormat, "unparsable request")
		return
	}
	switch req.HashAlgorithm {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	default:
		// SHA-1 is refused: it no longer binds a document.
		reject(timestamp.BadAlgorithm, "hash algorithm "+req.HashAlgorithm.String())
		return
	}
	if len(req.HashedMessage) != req.HashAlgorithm.Size() {
		reject(timestamp.BadDataFormat, "hash length")
		return
	}
	if req.TSAPolicyOID != nil && !req.TSAPolicyOID.Equal(s.tsaPolicy) {
		reject(timestamp.UnacceptedPolicy, "policy "+req.TSAPolicyOID.String())
		return
	}
	for _, e := range req.Extensions {
		if e.Critical {
			reject(timestamp.UnacceptedExtension, "critical extension "+e.Id.String())
			return
		}
	}
	ts := &timestamp.Timestamp{
		HashAlgorithm: req.HashAlgorithm,
		HashedMessage: req.HashedMessage,
		Time:          s.now().UTC().Truncate(time.Second),
		Accuracy:      time.Second,
		Nonce:         req.Nonce,
		Policy:        s.tsaPolicy,
		// certReq: the TSA certificate and the intermediate, so that a verifier holding
		// only the root can build the chain.
		AddTSACertificate: req.Certificates,
		Certificates:      []*x509.Certificate{s.pki.intermediate.cert},
	}
	resp, err := ts.CreateResponseWithOpts(s.pki.tsa.cert, s.pki.tsa.key, crypto.SHA256)
	if err != nil {
		s.log.Error("tsa sign", "err", err)
		reject(timestamp.SystemFailure, "signing failed")
		return
	}
	s.log.Info("tsa timestamp", "hash", req.HashAlgorithm.String(), "certReq", req.Certificates)
	w.Header().Set("Content-Type", ctTimestampReply)
	w.Write(resp)
}
