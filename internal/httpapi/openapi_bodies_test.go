package httpapi_test

import (
	"testing"
)

// TestOpenAPIJSONBodyAnswers checks that every operation that takes a JSON
// body documents what decoding one can answer: 400 (not JSON), 413 (too
// large) and 422 (a field of the wrong type).
func TestOpenAPIJSONBodyAnswers(t *testing.T) {
	doc := loadOpenAPI(t)
	for key, op := range documented(doc) {
		if op.RequestBody == nil || op.RequestBody.Value == nil {
			continue
		}
		c := op.RequestBody.Value.Content
		if c["application/json"] == nil && c["application/merge-patch+json"] == nil {
			continue
		}
		for _, code := range []string{"400", "413", "422"} {
			if op.Responses.Value(code) == nil {
				t.Errorf("%s takes JSON but does not document %s", key, code)
			}
		}
	}
}
