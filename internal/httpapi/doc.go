// Package httpapi is Parley's JSON API under /api/v1: thin handlers that
// decode a request, call a feature service and encode the answer. Errors
// leave as RFC 9457 problem documents with a stable code (problem.go). The
// route table (routes.go) is the one list of endpoints: the mux, the
// OpenAPI coverage test and the access-control walk all read it.
package httpapi
