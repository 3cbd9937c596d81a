package httpapi

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
)

func health(s *Server, w http.ResponseWriter, r *http.Request, _ *identity.Principal) error {
	encode(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func ready(s *Server, w http.ResponseWriter, r *http.Request, _ *identity.Principal) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		encode(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return nil
	}
	encode(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPIDocument returns the embedded OpenAPI 3.1 document.
func OpenAPIDocument() []byte { return openAPIDoc }

func openAPI(s *Server, w http.ResponseWriter, r *http.Request, _ *identity.Principal) error {
	if len(openAPIDoc) == 0 {
		return parley.NotFound("document")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}
