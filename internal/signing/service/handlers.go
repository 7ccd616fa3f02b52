package service

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"motcua/internal/signing"
)

// maxRequest bounds a CSC request body: twenty hashes and a PIN fit in far less.
const maxRequest = 64 << 10

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, desc string, remaining *int) {
	writeJSON(w, status, signing.ErrorResponse{Error: code, ErrorDescription: desc, RemainingAttempts: remaining})
}

func badRequest(w http.ResponseWriter, desc string) {
	writeError(w, http.StatusBadRequest, signing.ErrCodeInvalidRequest, desc, nil)
}

// decode reads a JSON body into v. An empty body is an empty object, as CSC allows for
// info.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequest))
	if err != nil {
		badRequest(w, "Request body too large or unreadable")
		return false
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return true
	}
	if err := json.Unmarshal(data, v); err != nil {
		badRequest(w, "Malformed JSON request")
		return false
	}
	return true
}

// keyAlg names a public key's algorithm and size.
func keyAlg(pub crypto.PublicKey) (string, int) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "rsa", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ecdsa", k.Curve.Params().BitSize
	}
	return "unknown", 0
}

// signAlgos lists the CSC signAlgo values a key accepts.
func signAlgos(pub crypto.PublicKey) []string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return []string{signing.OIDRSAEncryption, signing.OIDSHA256WithRSA, signing.OIDSHA384WithRSA, signing.OIDSHA512WithRSA}
	case *ecdsa.PublicKey:
		return []string{signing.OIDECDSAWithSHA256, signing.OIDECDSAWithSHA384, signing.OIDECDSAWithSHA512}
	}
	return nil
}

func (s *Service) handleInfo(w http.ResponseWriter, r *http.Request) {
	var req signing.InfoRequest
	if !decode(w, r, &req) {
		return
	}
	algos := append(signAlgos(&rsa.PublicKey{}), signAlgos(&ecdsa.PublicKey{})...)
	writeJSON(w, http.StatusOK, signing.InfoResponse{
		Specs:       signing.SpecVersion,
		Name:        "motcua development signature service",
		Logo:        "",
		Region:      "VN",
		Lang:        "vi-VN",
		Description: "Dịch vụ ký số dùng cho phát triển và kiểm thử – chữ ký không có giá trị pháp lý",
		// "external": callers authenticate outside the API, with a pre-shared service token.
		AuthType: []string{"external"},
		Methods: []string{"credentials/list", "credentials/info", "credentials/authorize",
			"signatures/signHash"},
		SignAlgorithms: signing.SignAlgorithms{Algos: algos},
	})
}

// credentialInfo builds the CSC description of c.
func (s *Service) credentialInfo(c *credential, certs string, certInfo, authInfo bool, withID bool) signing.CredentialInfo {
	cert := c.key.cert
	_, bits := keyAlg(cert.PublicKey)
	info := signing.CredentialInfo{
		Description: c.spec.Description,
		Key: signing.KeyInfo{
			Status: signing.KeyEnabled,
			Algo:   signAlgos(cert.PublicKey),
			Len:    bits,
		},
		SCAL:      "2", // the SAD is bound to the hashes it authorizes
		Multisign: maxSignaturesPerSAD,
		Lang:      "vi-VN",
	}
	if withID {
		info.CredentialID = c.spec.ID
	}
	if _, ok := cert.PublicKey.(*ecdsa.PublicKey); ok {
		info.Key.Curve = signing.OIDP256
	}
	if s.state[c.spec.ID].Locked {
		info.Key.Status = signing.KeyDisabled
	}
	ci := &signing.CertInfo{Status: "valid"}
	now := s.now()
	if now.After(cert.NotAfter) {
		ci.Status = "expired"
	} else if now.Before(cert.NotBefore) {
		ci.Status = "not_yet_valid"
	}
	switch certs {
	case signing.CertificatesNone:
	case signing.CertificatesChain:
		for _, x := range c.chain {
			ci.Certificates = append(ci.Certificates, signing.EncodeBase64(x.Raw))
		}
	default: // "single" is the default
		ci.Certificates = []string{signing.EncodeBase64(cert.Raw)}
	}
	if certInfo {
		ci.IssuerDN = DN(cert.Issuer)
		ci.SubjectDN = DN(cert.Subject)
		ci.SerialNumber = strings.ToUpper(cert.SerialNumber.Text(16))
		ci.ValidFrom = cert.NotBefore.UTC().Format("20060102150405Z")
		ci.ValidTo = cert.NotAfter.UTC().Format("20060102150405Z")
	}
	info.Cert = ci
	if authInfo {
		info.Auth = &signing.AuthInfo{
			Mode:       signing.AuthModeExplicit,
			Expression: signing.AuthDataPIN,
			Objects: []signing.AuthObject{{
				Type: "Password", ID: signing.AuthDataPIN, Format: "N",
				Label: "PIN", Description: "Mã PIN của khóa ký số",
			}},
		}
	}
	return info
}

func validCertificatesParam(v string) bool {
	switch v {
	case "", signing.CertificatesNone, signing.CertificatesSingle, signing.CertificatesChain:
		return true
	}
	return false
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request) {
	var req signing.CredentialsListRequest
	if !decode(w, r, &req) {
		return
	}
	// The token identifies the calling service, not a user, so userID is required.
	if req.UserID == "" {
		badRequest(w, "Missing (or invalid type) string parameter userID")
		return
	}
	if !validCertificatesParam(req.Certificates) {
		badRequest(w, "Invalid parameter certificates")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := signing.CredentialsListResponse{CredentialIDs: []string{}, OnlyValid: req.OnlyValid}
	for _, id := range s.order {
		c := s.creds[id]
		if c.spec.UserID != req.UserID {
			continue
		}
		info := s.credentialInfo(c, req.Certificates, req.CertInfo, req.AuthInfo, true)
		if req.OnlyValid && (info.Key.Status != signing.KeyEnabled || info.Cert.Status != "valid") {
			continue
		}
		resp.CredentialIDs = append(resp.CredentialIDs, id)
		if req.CredentialInfo {
			resp.CredentialInfos = append(resp.CredentialInfos, info)
		}
	}
	s.log.Info("csc credentials/list", "user", req.UserID, "count", len(resp.CredentialIDs))
	writeJSON(w, http.StatusOK, resp)
}

func (s *Service) handleCredentialInfo(w http.ResponseWriter, r *http.Request) {
	var req signing.CredentialsInfoRequest
	if !decode(w, r, &req) {
		return
	}
	c, ok := s.creds[req.CredentialID]
	if !ok {
		badRequest(w, "Invalid parameter credentialID")
		return
	}
	if !validCertificatesParam(req.Certificates) {
		badRequest(w, "Invalid parameter certificates")
		return
	}
	s.mu.Lock()
	info := s.credentialInfo(c, req.Certificates, req.CertInfo, req.AuthInfo, false)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
}

// decodeHashes decodes Base64 hashes and checks their length against h.
func decodeHashes(in []string, h crypto.Hash) ([][]byte, bool) {
	out := make([][]byte, 0, len(in))
	for _, s := range in {
		b, err := signing.DecodeBase64(s)
		if err != nil || len(b) != h.Size() {
			return nil, false
		}
		out = append(out, b)
	}
	return out, true
}

func (s *Service) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	var req signing.CredentialsAuthorizeRequest
	if !decode(w, r, &req) {
		return
	}
	c, ok := s.creds[req.CredentialID]
	if !ok {
		badRequest(w, "Invalid parameter credentialID")
		return
	}
	if req.NumSignatures < 1 {
		badRequest(w, "Missing (or invalid type) integer parameter numSignatures")
		return
	}
	if req.NumSignatures > maxSignaturesPerSAD {
		badRequest(w, "Numbers of signatures is too high")
		return
	}
	h := signing.HashFromOID(req.HashAlgorithmOID)
	if h == 0 {
		badRequest(w, "Invalid parameter hashAlgorithmOID")
		return
	}
	// SCAL 2: the SAD is bound to the hashes, so they must be given now.
	hashes, ok := decodeHashes(req.Hashes, h)
	if !ok || len(hashes) != req.NumSignatures {
		badRequest(w, "Invalid parameter hashes")
		return
	}
	var pin string
	for _, a := range req.AuthData {
		if a.ID == signing.AuthDataPIN {
			pin = a.Value
		}
	}
	if pin == "" {
		badRequest(w, "Missing (or invalid type) string parameter PIN")
		return
	}
	got := sha256.Sum256([]byte(pin))

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state[c.spec.ID]
	if st.Locked {
		s.log.Warn("csc credentials/authorize refused: locked", "credential", c.spec.ID)
		badRequest(w, signing.DescPINLocked)
		return
	}
	if subtle.ConstantTimeCompare(got[:], c.pin[:]) != 1 {
		st.Failures++
		if st.Failures >= s.maxFail {
			st.Locked = true
		}
		if err := s.saveState(); err != nil {
			s.log.Error("csc save PIN state", "err", err)
			writeError(w, http.StatusInternalServerError, signing.ErrCodeServerError, "Cannot record the PIN attempt", nil)
			return
		}
		remaining := max(s.maxFail-st.Failures, 0)
		s.log.Warn("csc credentials/authorize refused: wrong PIN", "credential", c.spec.ID,
			"failures", st.Failures, "locked", st.Locked)
		writeError(w, http.StatusBadRequest, signing.ErrCodeInvalidRequest, signing.DescInvalidPIN, &remaining)
		return
	}
	if st.Failures != 0 {
		st.Failures = 0
		if err := s.saveState(); err != nil {
			s.log.Error("csc save PIN state", "err", err)
		}
	}
	sad, err := newSAD()
	if err != nil {
		writeError(w, http.StatusInternalServerError, signing.ErrCodeServerError, "Cannot create SAD", nil)
		return
	}
	now := s.now()
	s.pruneSADs(now)
	a := &authorization{
		credentialID: c.spec.ID,
		hash:         req.HashAlgorithmOID,
		remaining:    make(map[string]int, len(hashes)),
		expires:      now.Add(s.sadLife),
	}
	for _, h := range hashes {
		a.remaining[string(h)]++
	}
	s.sads[sad] = a
	s.log.Info("csc credentials/authorize", "credential", c.spec.ID, "signatures", req.NumSignatures)
	writeJSON(w, http.StatusOK, signing.CredentialsAuthorizeResponse{SAD: sad, ExpiresIn: int(s.sadLife.Seconds())})
}

// hashForSignAlgo returns the hash a signHash request asks for, checking signAlgo against
// the key and hashAlgorithmOID against signAlgo.
// On refusal it returns the CSC error description.
func hashForSignAlgo(pub crypto.PublicKey, signAlgo, hashOID string) (crypto.Hash, string) {
	implied := map[string]crypto.Hash{
		signing.OIDSHA256WithRSA: crypto.SHA256, signing.OIDSHA384WithRSA: crypto.SHA384, signing.OIDSHA512WithRSA: crypto.SHA512,
		signing.OIDECDSAWithSHA256: crypto.SHA256, signing.OIDECDSAWithSHA384: crypto.SHA384, signing.OIDECDSAWithSHA512: crypto.SHA512,
	}
	allowed := false
	for _, a := range signAlgos(pub) {
		allowed = allowed || a == signAlgo
	}
	if !allowed {
		return 0, "Invalid parameter signAlgo"
	}
	h := signing.HashFromOID(hashOID)
	if hashOID != "" && h == 0 {
		return 0, "Invalid parameter hashAlgorithmOID"
	}
	if ih, ok := implied[signAlgo]; ok {
		if h != 0 && h != ih {
			return 0, "Invalid parameter hashAlgorithmOID"
		}
		return ih, ""
	}
	if h == 0 {
		return 0, "Missing (or invalid type) string parameter hashAlgorithmOID"
	}
	return h, ""
}

func (s *Service) handleSignHash(w http.ResponseWriter, r *http.Request) {
	var req signing.SignHashRequest
	if !decode(w, r, &req) {
		return
	}
	c, ok := s.creds[req.CredentialID]
	if !ok {
		badRequest(w, "Invalid parameter credentialID")
		return
	}
	if req.OperationMode != "" && req.OperationMode != "S" {
		badRequest(w, "Invalid parameter operationMode")
		return
	}
	if req.SAD == "" {
		badRequest(w, "Missing (or invalid type) string parameter SAD")
		return
	}
	h, refusal := hashForSignAlgo(c.key.cert.PublicKey, req.SignAlgo, req.HashAlgorithmOID)
	if refusal != "" {
		badRequest(w, refusal)
		return
	}
	if len(req.Hashes) == 0 {
		badRequest(w, "Missing (or invalid type) array parameter hashes")
		return
	}
	hashes, ok := decodeHashes(req.Hashes, h)
	if !ok {
		badRequest(w, "Invalid parameter hashes")
		return
	}

	s.mu.Lock()
	now := s.now()
	a, ok := s.sads[req.SAD]
	switch {
	case !ok || a.credentialID != c.spec.ID:
		s.mu.Unlock()
		s.log.Warn("csc signatures/signHash refused: unknown SAD", "credential", c.spec.ID)
		badRequest(w, signing.DescInvalidSAD)
		return
	case !now.Before(a.expires):
		delete(s.sads, req.SAD)
		s.mu.Unlock()
		s.log.Warn("csc signatures/signHash refused: SAD expired", "credential", c.spec.ID)
		badRequest(w, signing.DescExpiredSAD)
		return
	case signing.HashFromOID(a.hash) != h:
		s.mu.Unlock()
		badRequest(w, signing.DescInvalidSAD+": authorized for another hash algorithm")
		return
	case s.state[c.spec.ID].Locked:
		s.mu.Unlock()
		badRequest(w, signing.DescPINLocked)
		return
	}
	// Every hash must be covered; only then are they consumed, all at once.
	want := make(map[string]int, len(hashes))
	for _, d := range hashes {
		want[string(d)]++
	}
	for d, n := range want {
		if a.remaining[d] < n {
			s.mu.Unlock()
			s.log.Warn("csc signatures/signHash refused: hash not authorized", "credential", c.spec.ID)
			badRequest(w, signing.DescInvalidSAD+": not authorized for these hashes")
			return
		}
	}
	left := 0
	for d, n := range want {
		a.remaining[d] -= n
	}
	for _, n := range a.remaining {
		left += n
	}
	if left == 0 {
		delete(s.sads, req.SAD)
	}
	s.mu.Unlock()

	sigs := make([]string, 0, len(hashes))
	for _, d := range hashes {
		sig, err := c.key.key.Sign(rand.Reader, d, h)
		if err != nil {
			s.log.Error("csc sign", "credential", c.spec.ID, "err", err)
			writeError(w, http.StatusInternalServerError, signing.ErrCodeServerError, "Signing failed", nil)
			return
		}
		sigs = append(sigs, signing.EncodeBase64(sig))
	}
	s.log.Info("csc signatures/signHash", "credential", c.spec.ID, "signatures", len(sigs))
	writeJSON(w, http.StatusOK, signing.SignHashResponse{Signatures: sigs})
}
