package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley"
)

// maxJSONBody bounds a JSON request body.
const maxJSONBody = 1 << 20

var errTooLarge = parley.Errorf(parley.ETooLarge, "The request body is too large.")

// decode reads a JSON body into v: the content type must be JSON, the body
// at most maxJSONBody bytes and one JSON value.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/merge-patch+json") {
			return parley.Errorf(parley.EBadRequest, "Send JSON with Content-Type: application/json.")
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &mbe):
			return errTooLarge
		case errors.As(err, &ne) && ne.Timeout():
			return errTooSlow
		}
		return parley.Errorf(parley.EBadRequest, "The request body could not be read.")
	}
	if !textJSON(raw) {
		return errBadText
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return parley.Errorf(parley.EBadRequest, "The request body is empty: send a JSON object.")
		case errors.As(err, &ute):
			return parley.Invalid(parley.FieldError{Field: ute.Field, Message: "must be of type " + ute.Type.String()})
		}
		return parley.Errorf(parley.EBadRequest, "The request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return parley.Errorf(parley.EBadRequest, "The request body must hold one JSON value.")
	}
	return nil
}

// encode writes v as JSON with the status.
func encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// created answers 201 when created, 200 otherwise.
func created(ok bool) int {
	if ok {
		return http.StatusCreated
	}
	return http.StatusOK
}

// queryInt reads an integer query parameter (0 when absent).
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, parley.Invalid(parley.FieldError{Field: name, Message: "must be an integer"})
	}
	return n, nil
}
