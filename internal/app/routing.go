package app

import (
	"net/http"
	"path"
	"strings"
)

// apiFirst sends every request whose path, cleaned, lies under /api/ to the
// API handler, and the rest to the mux. The API answers a path with empty,
// "." or ".." segments itself (404 problem+json); the mux would redirect it
// to the cleaned path, which the API does not document.
func apiFirst(api http.Handler, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(path.Clean("/"+r.URL.Path), "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}
