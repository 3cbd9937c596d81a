package shop

import (
	"encoding/json"
	"net/http"
	"time"
)

// Lifetimes of the sign-in JWTs the shop's pages carry, within Parley's cap
// (ten minutes from iat by default).
const (
	widgetJWTLifetime = 5 * time.Minute
	inboxJWTLifetime  = 10 * time.Minute
)

// inboxJWT answers a fresh sign-in JWT for the signed-in person: shop.js
// puts it in the "Open my inbox" form when it is submitted, so that a page
// open for long, or a second click on it, still signs in (Parley takes each
// JWT once). Only the shop's own pages can read the answer (no CORS).
func (s *Shop) inboxJWT(w http.ResponseWriter, r *http.Request) {
	p := s.currentUser(r)
	if p == nil {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	tok, err := s.client.signJWT(p, inboxJWTLifetime)
	if err != nil {
		s.log.Error("shop: sign a JWT", "err", err)
		http.Error(w, "could not sign in", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]string{"jwt": tok})
}
