package app

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TemporalTLS is the client side of mutual TLS with the Temporal frontend: the
// certificate and key that name this process (motcua's API or worker) to the
// frontend's authorizer, the CA the frontend's certificate must chain to, and the name
// it must carry. All empty: plain gRPC (the embedded server of `motcua run`, tests).
type TemporalTLS struct {
	CertFile, KeyFile string // TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY (PEM)
	CAFile            string // TEMPORAL_TLS_CA (PEM); default: the system's roots
	ServerName        string // TEMPORAL_TLS_SERVER_NAME; default: TEMPORAL_ADDRESS's host
}

// Enabled reports whether any TLS setting is given.
func (t TemporalTLS) Enabled() bool { return t != TemporalTLS{} }

// config builds the TLS configuration, nil when TLS is off. The key pair is read again
// at each handshake, so a renewed certificate is used without a restart; it is read
// once now, so that a mistake stops the process at start.
func (t TemporalTLS) config() (*tls.Config, error) {
	if !t.Enabled() {
		return nil, nil
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return nil, errors.New("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: the frontend admits a client by its certificate")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA: %v", RootCause(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TEMPORAL_TLS_CA (%s) holds no PEM certificate", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" {
		load := func() (*tls.Certificate, error) {
			c, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: %v", RootCause(err))
			}
			return &c, nil
		}
		if _, err := load(); err != nil {
			return nil, err
		}
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return load() }
	}
	return cfg, nil
}

// ClientConfig is the TLS configuration of a Temporal client that is not the App's own
// (the load tool's, with the operator's files), nil when TLS is off.
func (t TemporalTLS) ClientConfig() (*tls.Config, error) { return t.config() }
