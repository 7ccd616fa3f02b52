// Package auth turns credentials into motcua actors. Two Authenticators exist: the
// development login (username and password of accounts kept by motcua, for demos and
// programs) and OIDC (the production single sign-on). Roles and units always come from
// motcua's own records, never from the identity provider's claims, so that an identity
// provider cannot make anyone a leader.
//
// Authorization is not decided here: see motcua.Authorize.
package auth

import (
	"context"
	"time"

	"motcua"
	"motcua/internal/store"
)

// Authenticator checks a bearer credential and returns who presents it.
type Authenticator interface {
	// Authenticate returns the actor behind token, or an *motcua.Error with code
	// EUNAUTHORIZED when the token is not valid for this authenticator.
	Authenticate(ctx context.Context, token string) (motcua.Actor, error)
}

// Chain tries each authenticator in turn and returns the first success.
type Chain []Authenticator

// Authenticate implements Authenticator.
func (c Chain) Authenticate(ctx context.Context, token string) (motcua.Actor, error) {
	err := error(errUnauthenticated)
	for _, a := range c {
		var actor motcua.Actor
		actor, err = a.Authenticate(ctx, token)
		if err == nil {
			return actor, nil
		}
		if motcua.ErrorCode(err) != motcua.EUNAUTHORIZED {
			return motcua.Actor{}, err
		}
	}
	return motcua.Actor{}, err
}

var errUnauthenticated = &motcua.Error{Code: motcua.EUNAUTHORIZED, Message: "Bạn cần đăng nhập để tiếp tục."}

// Sessions is the development login and the session store behind both kinds of login:
// a successful login of any kind ends in a motcua session token.
type Sessions struct {
	Store *store.Store
	// TTL of API tokens and page sessions.
	TTL time.Duration
}

// Login checks a username and password and opens a session of the given kind ("api"
// or "web").
func (s *Sessions) Login(ctx context.Context, username, password, kind string) (motcua.Actor, store.Session, error) {
	a, err := s.Store.CheckPassword(ctx, username, password)
	if err != nil {
		return motcua.Actor{}, store.Session{}, err
	}
	sess, err := s.Store.CreateSession(ctx, a.UserID, kind, s.ttl())
	return a, sess, err
}

// Open starts a session for an actor already authenticated (by OIDC).
func (s *Sessions) Open(ctx context.Context, a motcua.Actor, kind string) (store.Session, error) {
	return s.Store.CreateSessionVia(ctx, a.UserID, kind, s.ttl(), a.VNeID)
}

// Authenticate implements Authenticator for motcua session tokens.
func (s *Sessions) Authenticate(ctx context.Context, token string) (motcua.Actor, error) {
	a, _, err := s.Store.SessionActor(ctx, token)
	return a, err
}

func (s *Sessions) ttl() time.Duration {
	if s.TTL == 0 {
		return 8 * time.Hour
	}
	return s.TTL
}
