package signing

import (
	"crypto"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// The wire format of the subset of the CSC API v2.0.0.2 that motcua speaks (sections 11.1,
// 11.4, 11.5, 11.6 and 11.10 of the specification). Field names are the specification's,
// character for character: a real provider (a Vietnamese remote-signing CA) must be able
// to replace the development service without a change here.

// Method paths, relative to the service's CSC base URI (e.g. http://127.0.0.1:8090/csc/v2).
const (
	PathInfo                 = "/info"
	PathCredentialsList      = "/credentials/list"
	PathCredentialsInfo      = "/credentials/info"
	PathCredentialsAuthorize = "/credentials/authorize"
	PathSignHash             = "/signatures/signHash"
)

// SpecVersion is the CSC API version the development service claims.
const SpecVersion = "2.0.0.2"

// Error codes and descriptions used in CSC error bodies. The descriptions of a wrong and a
// locked PIN are fixed strings so that a client can tell them apart; the specification
// leaves them free, so a real provider may need its own mapping.
const (
	ErrCodeInvalidRequest = "invalid_request"
	ErrCodeInvalidToken   = "invalid_token"
	ErrCodeServerError    = "server_error"

	DescInvalidPIN = "Invalid PIN"
	DescPINLocked  = "PIN locked"
	DescInvalidSAD = "Invalid SAD"
	DescExpiredSAD = "SAD expired"
)

// Object identifiers of the hash and signature algorithms motcua uses, as CSC expresses
// them (dotted strings).
const (
	OIDSHA256 = "2.16.840.1.101.3.4.2.1"
	OIDSHA384 = "2.16.840.1.101.3.4.2.2"
	OIDSHA512 = "2.16.840.1.101.3.4.2.3"

	// OIDRSAEncryption is rsaEncryption: RSASSA-PKCS1-v1_5 with the hash named by
	// hashAlgorithmOID.
	OIDRSAEncryption = "1.2.840.113549.1.1.1"
	OIDSHA256WithRSA = "1.2.840.113549.1.1.11"
	OIDSHA384WithRSA = "1.2.840.113549.1.1.12"
	OIDSHA512WithRSA = "1.2.840.113549.1.1.13"

	OIDECDSAWithSHA256 = "1.2.840.10045.4.3.2"
	OIDECDSAWithSHA384 = "1.2.840.10045.4.3.3"
	OIDECDSAWithSHA512 = "1.2.840.10045.4.3.4"

	// OIDP256 names the curve P-256 (prime256v1) in key.curve.
	OIDP256 = "1.2.840.10045.3.1.7"
)

// HashOID returns the OID of h, or "" when motcua does not sign with it. SHA-1 is
// deliberately absent.
func HashOID(h crypto.Hash) string {
	switch h {
	case crypto.SHA256:
		return OIDSHA256
	case crypto.SHA384:
		return OIDSHA384
	case crypto.SHA512:
		return OIDSHA512
	}
	return ""
}

// HashFromOID is the inverse of HashOID; it returns 0 for an OID it does not know.
func HashFromOID(oid string) crypto.Hash {
	switch oid {
	case OIDSHA256:
		return crypto.SHA256
	case OIDSHA384:
		return crypto.SHA384
	case OIDSHA512:
		return crypto.SHA512
	}
	return 0
}

// ECDSAOID returns ecdsa-with-SHAxxx for h, or "".
func ECDSAOID(h crypto.Hash) string {
	switch h {
	case crypto.SHA256:
		return OIDECDSAWithSHA256
	case crypto.SHA384:
		return OIDECDSAWithSHA384
	case crypto.SHA512:
		return OIDECDSAWithSHA512
	}
	return ""
}

// RSAOID returns shaxxxWithRSAEncryption for h, or "".
func RSAOID(h crypto.Hash) string {
	switch h {
	case crypto.SHA256:
		return OIDSHA256WithRSA
	case crypto.SHA384:
		return OIDSHA384WithRSA
	case crypto.SHA512:
		return OIDSHA512WithRSA
	}
	return ""
}

// EncodeBase64 encodes b the way CSC wants binary values: standard Base64 with padding
// (RFC 4648 section 4).
func EncodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// DecodeBase64 decodes a CSC Base64 value. It also accepts the URL-safe alphabet and
// missing padding, which some providers send.
func DecodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if strings.ContainsAny(s, "-_") {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("decode base64url: %w", err)
		}
		return b, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("decode base64: %w", err)
	}
	return b, nil
}

// InfoRequest is the body of POST info.
type InfoRequest struct {
	Lang string `json:"lang,omitempty"`
}

// InfoResponse describes the service (CSC 11.1).
type InfoResponse struct {
	Specs          string         `json:"specs"`
	Name           string         `json:"name"`
	Logo           string         `json:"logo"`
	Region         string         `json:"region"`
	Lang           string         `json:"lang"`
	Description    string         `json:"description"`
	AuthType       []string       `json:"authType"`
	Methods        []string       `json:"methods"`
	ValidationInfo bool           `json:"validationInfo,omitempty"`
	SignAlgorithms SignAlgorithms `json:"signAlgorithms"`
}

// SignAlgorithms lists the signature algorithms the service supports.
type SignAlgorithms struct {
	Algos      []string `json:"algos"`
	AlgoParams []string `json:"algoParams,omitempty"`
}

// Values of the "certificates" request parameter.
const (
	CertificatesNone   = "none"
	CertificatesSingle = "single"
	CertificatesChain  = "chain"
)

// CredentialsListRequest is the body of POST credentials/list (CSC 11.4).
type CredentialsListRequest struct {
	UserID         string `json:"userID,omitempty"`
	CredentialInfo bool   `json:"credentialInfo,omitempty"`
	Certificates   string `json:"certificates,omitempty"`
	CertInfo       bool   `json:"certInfo,omitempty"`
	AuthInfo       bool   `json:"authInfo,omitempty"`
	OnlyValid      bool   `json:"onlyValid,omitempty"`
	Lang           string `json:"lang,omitempty"`
	ClientData     string `json:"clientData,omitempty"`
}

// CredentialsListResponse lists the credentials of a user.
type CredentialsListResponse struct {
	CredentialIDs   []string         `json:"credentialIDs"`
	CredentialInfos []CredentialInfo `json:"credentialInfos,omitempty"`
	OnlyValid       bool             `json:"onlyValid,omitempty"`
}

// CredentialsInfoRequest is the body of POST credentials/info (CSC 11.5).
type CredentialsInfoRequest struct {
	CredentialID string `json:"credentialID"`
	Certificates string `json:"certificates,omitempty"`
	CertInfo     bool   `json:"certInfo,omitempty"`
	AuthInfo     bool   `json:"authInfo,omitempty"`
	Lang         string `json:"lang,omitempty"`
	ClientData   string `json:"clientData,omitempty"`
}

// CredentialInfo is the answer of credentials/info, and one element of credentialInfos
// in credentials/list (where CredentialID is set).
type CredentialInfo struct {
	CredentialID       string    `json:"credentialID,omitempty"`
	Description        string    `json:"description,omitempty"`
	SignatureQualifier string    `json:"signatureQualifier,omitempty"`
	Key                KeyInfo   `json:"key"`
	Cert               *CertInfo `json:"cert,omitempty"`
	Auth               *AuthInfo `json:"auth,omitempty"`
	SCAL               string    `json:"SCAL,omitempty"`
	Multisign          int       `json:"multisign"`
	Lang               string    `json:"lang,omitempty"`
}

// Key status values.
const (
	KeyEnabled  = "enabled"
	KeyDisabled = "disabled"
)

// KeyInfo describes a credential's signing key.
type KeyInfo struct {
	Status string   `json:"status"`
	Algo   []string `json:"algo"`
	Len    int      `json:"len"`
	Curve  string   `json:"curve,omitempty"`
}

// CertInfo describes a credential's certificate. Certificates holds Base64 DER, the
// end-entity certificate first.
type CertInfo struct {
	Status       string   `json:"status,omitempty"`
	Certificates []string `json:"certificates,omitempty"`
	IssuerDN     string   `json:"issuerDN,omitempty"`
	SerialNumber string   `json:"serialNumber,omitempty"`
	SubjectDN    string   `json:"subjectDN,omitempty"`
	ValidFrom    string   `json:"validFrom,omitempty"`
	ValidTo      string   `json:"validTo,omitempty"`
}

// Authorization modes.
const (
	AuthModeImplicit = "implicit"
	AuthModeExplicit = "explicit"
)

// AuthInfo says how a credential is authorized: for motcua, explicitly with a PIN.
type AuthInfo struct {
	Mode       string       `json:"mode"`
	Expression string       `json:"expression,omitempty"`
	Objects    []AuthObject `json:"objects,omitempty"`
}

// AuthObject is one authentication object of explicit authorization.
type AuthObject struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Format      string `json:"format,omitempty"`
	Label       string `json:"label,omitempty"`
	Description string `json:"description,omitempty"`
}

// AuthDataPIN is the id of the PIN authentication object.
const AuthDataPIN = "PIN"

// CredentialsAuthorizeRequest is the body of POST credentials/authorize (CSC 11.6).
// AuthData carries the holder's PIN: never log a value of this type.
type CredentialsAuthorizeRequest struct {
	CredentialID     string     `json:"credentialID"`
	NumSignatures    int        `json:"numSignatures"`
	Hashes           []string   `json:"hashes,omitempty"`
	HashAlgorithmOID string     `json:"hashAlgorithmOID,omitempty"`
	AuthData         []AuthData `json:"authData,omitempty"`
	Description      string     `json:"description,omitempty"`
	ClientData       string     `json:"clientData,omitempty"`
}

// AuthData is one authentication value (id "PIN").
type AuthData struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// String, Format and LogValue hide the value, so that a request printed or logged by
// mistake does not show a PIN. JSON marshalling (the wire) keeps it.
func (a AuthData) String() string             { return a.ID + "=[redacted]" }
func (a AuthData) Format(f fmt.State, _ rune) { io.WriteString(f, a.String()) }
func (a AuthData) LogValue() slog.Value       { return slog.StringValue(a.String()) }

// LogValue logs an authorization request without its authentication data.
func (r CredentialsAuthorizeRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("credentialID", r.CredentialID),
		slog.Int("numSignatures", r.NumSignatures),
		slog.String("hashAlgorithmOID", r.HashAlgorithmOID),
		slog.String("authData", redacted),
	)
}

// CredentialsAuthorizeResponse carries the Signature Activation Data.
type CredentialsAuthorizeResponse struct {
	SAD       string `json:"SAD"`
	ExpiresIn int    `json:"expiresIn,omitempty"`
}

// SignHashRequest is the body of POST signatures/signHash (CSC 11.10).
type SignHashRequest struct {
	CredentialID     string   `json:"credentialID"`
	SAD              string   `json:"SAD"`
	Hashes           []string `json:"hashes"`
	HashAlgorithmOID string   `json:"hashAlgorithmOID,omitempty"`
	SignAlgo         string   `json:"signAlgo"`
	SignAlgoParams   string   `json:"signAlgoParams,omitempty"`
	OperationMode    string   `json:"operationMode,omitempty"`
	ClientData       string   `json:"clientData,omitempty"`
}

// SignHashResponse carries one Base64 signature per hash, in the order of the request.
// An RSA signature is the PKCS #1 v1.5 signature value; an ECDSA one is the DER
// ECDSA-Sig-Value.
type SignHashResponse struct {
	Signatures []string `json:"signatures"`
	ResponseID string   `json:"responseID,omitempty"`
}

// ErrorResponse is the body of every error (CSC 10.1). RemainingAttempts is a motcua
// extension, present after a wrong PIN, so the page can tell the leader how many tries
// are left before the credential locks.
type ErrorResponse struct {
	Error             string `json:"error"`
	ErrorDescription  string `json:"error_description,omitempty"`
	RemainingAttempts *int   `json:"remainingAttempts,omitempty"`
}
