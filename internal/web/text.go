package web

import (
	"net/http"

	"github.com/parleyhq/parley/internal/httpapi"
)

// maxForm bounds a form post's body: the pages' forms are a few fields.
const maxForm = 64 << 10

// checkText is the pages' edge for text (httpapi's is the API's): a path
// that is not UTF-8 or holds a NUL is not found, and a form post whose
// fields are not clean text is refused with 422 before any handler reads
// them (PostgreSQL cannot store NUL); so is such a query parameter. Form
// bodies are bounded too.
func (a *App) checkText(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !httpapi.CleanText(r.URL.Path) {
			a.notFound(w, r)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		}
		if err := r.ParseForm(); err != nil && r.Method == http.MethodPost {
			http.Error(w, "The form could not be read.", http.StatusBadRequest)
			return
		}
		for name, vs := range r.Form {
			for _, v := range append(vs, name) {
				if !httpapi.CleanText(v) {
					http.Error(w, "The form holds text that is not valid UTF-8 or holds NUL characters.", http.StatusUnprocessableEntity)
					return
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}
