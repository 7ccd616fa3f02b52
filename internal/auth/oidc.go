package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"motcua"
	"motcua/internal/store"
)

// OIDCConfig configures single sign-on with an OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string // e.g. https://sso.moha.gov.vn/realms/motcua
	ClientID     string
	ClientSecret string
	RedirectURL  string // {public URL}/auth/oidc/callback
	// ProvisionCitizens creates a citizen account on first login for a subject motcua
	// does not know; staff accounts are always linked by an administrator.
	ProvisionCitizens bool
}

// OIDC authenticates ID tokens of one OpenID Connect provider, and runs the
// authorization-code flow for pages.
type OIDC struct {
	cfg      OIDCConfig
	store    *store.Store
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
}

// NewOIDC discovers the provider's configuration and keys.
func NewOIDC(ctx context.Context, cfg OIDCConfig, st *store.Store) (*OIDC, error) {
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover OIDC provider %s: %w", cfg.Issuer, err)
	}
	return &OIDC{
		cfg:      cfg,
		store:    st,
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		oauth: oauth2.Config{
			ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"},
		},
	}, nil
}

// Authenticate implements Authenticator for ID tokens of the provider.
func (o *OIDC) Authenticate(ctx context.Context, raw string) (motcua.Actor, error) {
	if strings.Count(raw, ".") != 2 {
		return motcua.Actor{}, errUnauthenticated // not a JWT: not ours
	}
	tok, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Mã đăng nhập một lần không hợp lệ hoặc đã hết hạn.", Err: err}
	}
	var c map[string]any
	if err := tok.Claims(&c); err != nil {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Mã đăng nhập một lần không đọc được.", Err: err}
	}
	id, err := IdentityFromClaims(c)
	if err != nil {
		return motcua.Actor{}, err
	}
	return o.actor(ctx, tok.Issuer, tok.Subject, id)
}

// actor finds (or, for an applicant, provisions) the account of an identity; the
// actor says whether this login went through VNeID.
func (o *OIDC) actor(ctx context.Context, issuer, subject string, c Identity) (motcua.Actor, error) {
	a, err := o.store.ActorByOIDC(ctx, issuer, subject)
	if err == nil {
		a.VNeID = c.VNeID
		return a, nil
	}
	if motcua.ErrorCode(err) != motcua.ENOTFOUND {
		return a, err
	}
	if !o.cfg.ProvisionCitizens {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED,
			Message: "Tài khoản đăng nhập một lần này chưa được cấp quyền trong hệ thống. Vui lòng liên hệ quản trị."}
	}
	u, err := o.store.CreateUser(ctx, store.User{
		Username: "sso:" + subject, Name: c.Name, Email: c.Email, Phone: c.Phone,
		Roles: []motcua.Role{motcua.RoleCitizen}, OIDCIssuer: issuer, OIDCSubject: subject,
		Applicant: c.Kind, IDNumber: c.IDNumber, TaxCode: c.TaxCode, OrgIdentifier: c.OrgIdentifier,
	}, "")
	if err != nil {
		return motcua.Actor{}, fmt.Errorf("provision applicant from SSO: %w", err)
	}
	a, err = o.store.Actor(ctx, u.ID)
	a.VNeID = c.VNeID
	return a, err
}

// AuthCodeURL starts the page login: the caller keeps state and nonce (in a short-lived
// cookie) and redirects the browser to the returned URL.
func (o *OIDC) AuthCodeURL() (url, state, nonce string) {
	state, nonce = randomString(), randomString()
	return o.oauth.AuthCodeURL(state, oidc.Nonce(nonce)), state, nonce
}

// Exchange finishes the page login: it trades the code for tokens, verifies the ID
// token and its nonce, and returns the actor.
func (o *OIDC) Exchange(ctx context.Context, code, nonce string) (motcua.Actor, error) {
	tok, err := o.oauth.Exchange(ctx, code)
	if err != nil {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Không hoàn tất được đăng nhập một lần. Vui lòng thử lại.", Err: err}
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Máy chủ đăng nhập không trả về mã định danh."}
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Mã đăng nhập một lần không hợp lệ.", Err: err}
	}
	var c map[string]any
	if err := idt.Claims(&c); err != nil {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Mã đăng nhập một lần không đọc được.", Err: err}
	}
	id, err := IdentityFromClaims(c)
	if err != nil {
		return motcua.Actor{}, err
	}
	if id.Nonce != nonce {
		return motcua.Actor{}, &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Phiên đăng nhập một lần không khớp. Vui lòng thử lại."}
	}
	return o.actor(ctx, idt.Issuer, idt.Subject, id)
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
