package shop

import "net/http"

// securityHeaders are the shop's page policy. The shop shares Parley's
// origin (/shop/ on the same host), so a page of it that ran someone's
// script, or was framed by another site, would act with Parley's
// cookies: scripts, styles and connections only from the origin, no
// framing, no sniffing. The widget's frame (/widget/frame) is Parley's own
// page, allowed by frame-src 'self'.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}
