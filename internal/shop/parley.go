package shop

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// parleyClient is the shop's side of the integration: plain HTTP calls to
// Parley's public API, as any host makes them.
type parleyClient struct {
	base      string // Parley's URL as the shop's server reaches it
	apiKey    string
	ssoSecret string
	http      *http.Client

	mu     sync.Mutex
	tokens map[string]cachedToken // user id → Parley session token
}

type cachedToken struct {
	token string
	until time.Time
}

// apiError is a non-2xx answer of Parley.
type apiError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("parley %s %s: %d %s", e.Method, e.Path, e.Status, e.Body)
}

func (c *parleyClient) do(ctx context.Context, method, path, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("parley %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("parley %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &apiError{Method: method, Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

// host calls the host API with the API key.
func (c *parleyClient) host(ctx context.Context, method, path string, in, out any) error {
	return c.do(ctx, method, "/api/v1/host/"+path, c.apiKey, in, out)
}

// signJWT makes a short sign-in JWT for a person (HS256, the claims of docs/api.md).
// Parley accepts each JWT once (its jti is recorded) and for at most ten
// minutes after iat: every sign-in gets a new one.
func (c *parleyClient) signJWT(p *Person, ttl time.Duration) (string, error) {
	now := time.Now()
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	claims := jwt.MapClaims{"sub": p.ID, "email": p.Email, "name": p.Name, "locale": p.Locale,
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(), "jti": hex.EncodeToString(jti[:])}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(c.ssoSecret))
}

// userToken signs the person in to Parley (POST /api/v1/auth/sso) and keeps
// the session token for an hour.
func (c *parleyClient) userToken(ctx context.Context, p *Person) (string, error) {
	c.mu.Lock()
	t, ok := c.tokens[p.ID]
	c.mu.Unlock()
	if ok && time.Now().Before(t.until) {
		return t.token, nil
	}
	jwtStr, err := c.signJWT(p, 2*time.Minute)
	if err != nil {
		return "", err
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/auth/sso", "", map[string]string{"jwt": jwtStr}, &out); err != nil {
		return "", err
	}
	c.mu.Lock()
	c.tokens[p.ID] = cachedToken{token: out.Token, until: time.Now().Add(time.Hour)}
	c.mu.Unlock()
	return out.Token, nil
}

func (c *parleyClient) forgetToken(userID string) {
	c.mu.Lock()
	delete(c.tokens, userID)
	c.mu.Unlock()
}

func productAvailability(id string) string {
	return "/api/v1/products/" + url.PathEscape(id) + "/availability"
}

func sellerAvailability(id string) string {
	return "/api/v1/organizations/" + url.PathEscape(id) + "/availability"
}

// Availability is what Parley tells about a seller's people being there.
type Availability struct {
	Status string `json:"status"` // online, away, offline
	Online int    `json:"online"`
	Away   int    `json:"away"`
	// ChatEnabled is the seller's chat switch: off, the shop shows no chat
	// button.
	ChatEnabled bool `json:"chat_enabled"`
}

// availability asks Parley, as the signed-in person, whether the product's
// seller (or its agents) are there; path is the product's or the
// company's availability endpoint.
func (c *parleyClient) availability(ctx context.Context, p *Person, path string) (Availability, error) {
	var a Availability
	for attempt := 0; attempt < 2; attempt++ {
		token, err := c.userToken(ctx, p)
		if err != nil {
			return a, err
		}
		err = c.do(ctx, http.MethodGet, path, token, nil, &a)
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusUnauthorized {
			c.forgetToken(p.ID) // the session was revoked (logout): sign in again
			continue
		}
		return a, err
	}
	return a, fmt.Errorf("parley: availability: still unauthorized")
}
