package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/parleyhq/parley/internal/httpapi"
)

// loadOpenAPI parses the embedded OpenAPI document. TestOpenAPIDocumentIsValid
// validates it; the other tests only need it to parse, so that a route
// missing from the document is reported even while it is invalid.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	raw := httpapi.OpenAPIDocument()
	if len(raw) == 0 {
		t.Fatal("internal/httpapi/openapi.json is empty")
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatalf("internal/httpapi/openapi.json does not load: %v", err)
	}
	return doc
}

// documented lists the document's operations as "METHOD path".
func documented(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[strings.ToUpper(method)+" "+path] = op
		}
	}
	return ops
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaDefaultsValidation(), openapi3.EnableSchemaPatternValidation()); err != nil {
		t.Fatalf("internal/httpapi/openapi.json is not a valid OpenAPI document: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if len(doc.Servers) != 0 {
		t.Errorf("the document declares servers %v: paths are written in full (docs/api.md), so it must declare none", doc.Servers)
	}
	// The raw JSON too: kin-openapi may fill in a default server.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(httpapi.OpenAPIDocument(), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["servers"]; ok {
		t.Error("the document has a top-level \"servers\": paths are written in full, so it must have none")
	}
	for _, name := range []string{"bearer", "cookie", "hostKey"} {
		if doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("components.securitySchemes.%s is missing", name)
		}
	}
}

// TestOpenAPICoversRoutes checks the document against the route table both
// ways: every route is documented, and every documented operation is a route.
func TestOpenAPICoversRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	ops := documented(doc)
	routes := map[string]httpapi.Route{}
	for _, rt := range httpapi.Routes() {
		key := rt.Method + " " + rt.Path
		routes[key] = rt
		if ops[key] == nil {
			t.Errorf("route %s is missing from internal/httpapi/openapi.json: add paths[%q].%s", key, rt.Path, strings.ToLower(rt.Method))
		}
	}
	var stale []string
	for key := range ops {
		if _, ok := routes[key]; !ok {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("internal/httpapi/openapi.json documents %s, which is not in httpapi.Routes(): remove it or add the route", key)
	}
}

// bodiless are the state changes that take no request body: the action is
// all in the method and path.
var bodiless = map[string]bool{
	"POST /api/v1/auth/logout":           true,
	"POST /api/v1/admin/jobs/{id}/retry": true,
}

// TestOpenAPIOperations checks what each documented route must say: an
// operationId, a tag, a summary, security matching the route's Auth, and
// (for the API proper) its 4xx answers, 401 included where auth is needed.
func TestOpenAPIOperations(t *testing.T) {
	doc := loadOpenAPI(t)
	ops := documented(doc)
	ids := map[string]string{}
	for _, rt := range httpapi.Routes() {
		key := rt.Method + " " + rt.Path
		op := ops[key]
		if op == nil {
			continue // reported by TestOpenAPICoversRoutes
		}
		if op.OperationID == "" {
			t.Errorf("%s: no operationId", key)
		} else if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s: operationId %q is also used by %s", key, op.OperationID, other)
		}
		ids[op.OperationID] = key
		if op.Summary == "" || len(op.Tags) == 0 {
			t.Errorf("%s: needs a summary and a tag", key)
		}

		var schemes []string
		if op.Security != nil {
			for _, req := range *op.Security {
				for name := range req {
					schemes = append(schemes, name)
				}
			}
		}
		sort.Strings(schemes)
		var want []string
		switch rt.Auth {
		case httpapi.User:
			want = []string{"bearer", "cookie"}
		case httpapi.Host:
			want = []string{"hostKey"}
		case httpapi.Socket:
			want = []string{"accessToken", "bearer", "cookie"}
		}
		if op.Security == nil || !slices.Equal(schemes, want) {
			t.Errorf("%s: security schemes %v, want %v (explicitly, [] for a public route)", key, schemes, want)
		}

		if !strings.HasPrefix(rt.Path, "/api/") {
			continue // health probes answer 200 or 503 only
		}
		has4xx := false
		for code := range op.Responses.Map() {
			has4xx = has4xx || strings.HasPrefix(code, "4")
		}
		if !has4xx {
			t.Errorf("%s: documents no 4xx response", key)
		}
		if rt.Auth != httpapi.Public && op.Responses.Value("401") == nil {
			t.Errorf("%s: needs a key; document its 401 response", key)
		}
		if rt.Method != http.MethodGet && rt.Method != http.MethodDelete && op.RequestBody == nil && !bodiless[rt.Method+" "+rt.Path] {
			t.Errorf("%s: documents no request body", key)
		}
	}
}

// TestOpenAPIProblemCodes checks the Problem schema lists every stable code.
func TestOpenAPIProblemCodes(t *testing.T) {
	doc := loadOpenAPI(t)
	ref := doc.Components.Schemas["Problem"]
	if ref == nil || ref.Value == nil || ref.Value.Properties["code"] == nil {
		t.Fatal("components.schemas.Problem.code is missing")
	}
	var have []string
	for _, v := range ref.Value.Properties["code"].Value.Enum {
		have = append(have, v.(string))
	}
	for _, code := range []string{"bad_request", "unauthorized", "forbidden", "not_found", "conflict", "expired", "too_large",
		"unsupported_type", "validation_failed", "blocked", "chat_disabled", "invalid_signature", "rate_limited"} {
		if !slices.Contains(have, code) {
			t.Errorf("Problem.code does not list %q", code)
		}
	}
}
