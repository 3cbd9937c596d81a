package httpapi

import (
	"net/http"
	"strings"

	"github.com/parleyhq/parley"
)

// refuseUncleanPaths answers 404 not_found for a path with an empty, "."
// or ".." segment. Such a path names no route: http.ServeMux would
// redirect it to its cleaned form, an answer the API does not document and
// that a client re-sending a state change should not follow.
func (s *Server) refuseUncleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !CleanPath(r.URL.EscapedPath()) {
			writeError(w, r, s.Log, parley.Errorf(parley.ENotFound, "No such endpoint: the path has an empty, \".\" or \"..\" segment."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// CleanPath reports whether the escaped path p is absolute and has no empty
// (but a trailing), "." or ".." segment.
func CleanPath(p string) bool {
	if !strings.HasPrefix(p, "/") {
		return false
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		if (seg == "" && i != len(segs)-1) || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
