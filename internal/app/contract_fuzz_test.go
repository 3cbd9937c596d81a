package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/parleyhq/parley/internal/httpapi"
)

// The contract fuzzer's fixed seed, cases per operation and time budget
// per database: the same requests on every run, and the whole test (both
// databases) in about a minute on a loaded machine.
const (
	contractSeed     = 20260801
	contractCases    = 40
	contractBudgetDB = 25 * time.Second
)

// contractOp is one documented operation and the route behind it.
type contractOp struct {
	key, method, path string
	item              *openapi3.PathItem
	op                *openapi3.Operation
	auth              httpapi.Auth
}

// contractCase is one request the fuzzer sends.
type contractCase struct {
	caller      string
	path        string // with its parameters filled in, escaped
	query       url.Values
	body        []byte
	contentType string
	what        string // how the request was made, for the failure message
}

// TestContractFuzz sends every operation of the OpenAPI document valid and
// invalid requests (bodies and parameters from the schemas, wrong types,
// missing fields, huge strings, NUL bytes, unknown ids, other tenants' ids,
// each caller: buyer, seller, operator, host key, another tenant, nobody)
// and validates every answer against the document: its status must be
// documented for the operation and its body must match. A 5xx or an
// undocumented answer fails. Paths that are no route (empty, "." or ".."
// segments, unknown endpoints) must answer 404 problem+json.
func TestContractFuzz(t *testing.T) {
	doc := contractDocument(t)
	ops := contractOps(t, doc)
	eachDB(t, func(t *testing.T, e *env) {
		cw := newContractWorld(t, e)
		deadline := time.Now().Add(contractBudgetDB)
		failures := map[string]bool{}
		sent := 0
		for _, op := range ops {
			h := fnv.New64a()
			h.Write([]byte(op.key))
			g := &gen{rng: rand.New(rand.NewPCG(contractSeed, h.Sum64())), known: cw.known}
			for i := range contractCases {
				if time.Now().After(deadline) {
					t.Logf("time budget spent after %d requests, at %s", sent, op.key)
					return
				}
				c := cw.makeCase(g, op, i)
				cw.check(t, doc, op, c, failures)
				sent++
			}
		}
		for _, op := range ops {
			if !strings.HasPrefix(op.path, "/api/") {
				continue // the health probes share the web app's paths
			}
			for _, p := range notRoutes(cw.fill(op, nil)) {
				cw.checkNotRoute(t, doc, op.method, p, failures)
			}
		}
		for _, p := range []string{"/api/v2/me", "/api/v1/nothing", "/api/v1/me/x", "/api/", "/api/v1/conversations/1/nothing"} {
			cw.checkNotRoute(t, doc, "GET", p, failures)
		}
		t.Logf("%d requests", sent)
	})
}

func contractDocument(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func contractOps(t *testing.T, doc *openapi3.T) []contractOp {
	auth := map[string]httpapi.Auth{}
	for _, rt := range httpapi.Routes() {
		auth[rt.Method+" "+rt.Path] = rt.Auth
	}
	var ops []contractOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			a, ok := auth[key]
			if !ok {
				t.Fatalf("%s is documented but no route (TestOpenAPICoversRoutes)", key)
			}
			ops = append(ops, contractOp{key: key, method: method, path: path, item: item, op: op, auth: a})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].key < ops[j].key })
	return ops
}

// notRoutes returns forms of a request path that name no route: an empty
// segment, "." and ".." segments, a trailing slash.
func notRoutes(p string) []string {
	i := strings.LastIndex(p, "/")
	return []string{
		strings.Replace(p, "/api/v1/", "/api/v1//", 1),
		p[:i] + "/" + p[i:],
		p[:i] + "/." + p[i:],
		p + "/..",
		p + "/../" + p[i+1:],
		p + "/",
	}
}

// callers are the credentials a route is tried with, by its kind.
var callers = map[httpapi.Auth][]string{
	httpapi.Public: {"none", "buyer", "host"},
	httpapi.User:   {"buyer", "owner", "operator", "manager", "other-tenant", "none", "host", "bogus"},
	httpapi.Host:   {"host", "other-host", "none", "buyer", "bogus"},
	httpapi.Socket: {"buyer", "none", "host"},
}

func (cw *contractWorld) makeCase(g *gen, op contractOp, i int) contractCase {
	who := callers[op.auth]
	c := contractCase{caller: who[i%len(who)], what: "valid"}
	if i >= 2*len(who) {
		c.caller = who[g.rng.IntN(len(who))]
	}
	params := map[string]string{}
	mode := 0
	if i >= len(who) {
		mode = g.rng.IntN(7)
	}
	for _, p := range cw.parameters(op) {
		if p.In != "path" {
			continue
		}
		params[p.Name] = url.PathEscape(cw.pathValue(op.path, p.Name, g))
		if mode == 1 && g.rng.IntN(2) == 0 {
			params[p.Name] = hostilePathValues[g.rng.IntN(len(hostilePathValues))]
			c.what = "hostile path " + p.Name
		}
		if mode == 2 && g.rng.IntN(2) == 0 {
			vs := cw.allIDs()
			params[p.Name] = vs[g.rng.IntN(len(vs))]
			c.what = "another kind's id for " + p.Name
		}
	}
	c.path = cw.fill(op, params)
	c.query = url.Values{}
	for _, p := range cw.parameters(op) {
		if p.In != "query" || p.Name == "access_token" {
			continue
		}
		if !p.Required && g.rng.IntN(2) == 0 {
			continue
		}
		if mode == 3 && g.rng.IntN(2) == 0 {
			c.query.Set(p.Name, hostileStrings[g.rng.IntN(len(hostileStrings))])
			c.what = "hostile query " + p.Name
			continue
		}
		c.query.Set(p.Name, fmt.Sprint(g.value(p.Name, p.Schema, 0)))
	}
	if op.op.RequestBody == nil || op.op.RequestBody.Value == nil {
		if mode == 4 {
			c.body, c.contentType, c.what = []byte(`{"x":"\u0000"}`), "application/json", "a body where none is taken"
		}
		return c
	}
	content := op.op.RequestBody.Value.Content
	if mt := content.Get("multipart/form-data"); mt != nil {
		c.body, c.contentType, c.what = cw.multipartBody(g, mode)
		return c
	}
	mt := content.Get("application/json")
	ct := "application/json"
	if mt == nil {
		mt, ct = content.Get("application/merge-patch+json"), "application/merge-patch+json"
	}
	if mt == nil {
		return c
	}
	body := g.value("", mt.Schema, 0)
	switch mode {
	case 4:
		body = g.mutate(body, mt.Schema)
		c.what = "mutated body"
	case 5:
		raw := rawBodies[g.rng.IntN(len(rawBodies))]
		c.body, c.contentType, c.what = raw, ct, "raw body "+abbrev(raw)
		return c
	case 6:
		if g.rng.IntN(2) == 0 {
			ct = "text/plain"
		} else {
			ct = ""
		}
		c.what = "content type " + ct
	}
	c.body, _ = json.Marshal(body)
	c.contentType = ct
	return c
}

// rawBodies are JSON bodies that are no object, not JSON, or too large.
var rawBodies = [][]byte{
	nil, []byte("null"), []byte("[]"), []byte("{"), []byte(`{"a":1}{"a":2}`), []byte("\x00"), []byte(`"\u0000"`),
	[]byte(`{"client_id":"\u0000","body":"\u0000"}`), []byte("\xff\xfe{}"), []byte(strings.Repeat("[", 10_000)),
	append(append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), 1<<20+1)...), []byte(`"}`)...),
}

// hostilePathValues are escaped path segments no id should match.
var hostilePathValues = []string{
	"999999999", "0", "-1", "abc", strings.Repeat("a", 5000), "%00", "1%00", "%2E", "%2E%2E",
	"%E2%82%AC", "a%2Fb", "%FF", "%20", "9223372036854775808", "1e3", "%3Cscript%3E",
}

func (cw *contractWorld) multipartBody(g *gen, mode int) ([]byte, string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	name, data, what := "a.png", pngBytes(), "valid upload"
	switch mode {
	case 1:
		name, data, what = "notes.txt", []byte("plain words\n"), "text upload"
	case 2:
		name, data, what = "x.bin", []byte{0, 1, 2, 0xff, 0}, "binary upload"
	case 3:
		name, data, what = "a\x00b.png", pngBytes(), "NUL in the name"
	case 4:
		name, data, what = strings.Repeat("n", 2000)+".png", pngBytes(), "long name"
	case 5:
		name, data, what = "big.txt", bytes.Repeat([]byte("a"), 1<<20+1), "too large"
	case 6:
		mw.WriteField("other", "x")
		mw.Close()
		return buf.Bytes(), mw.FormDataContentType(), "no file part"
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType(), what
}

func (cw *contractWorld) parameters(op contractOp) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{op.op.Parameters, op.item.Parameters} {
		for _, ref := range list {
			if ref.Value != nil && !seen[ref.Value.In+ref.Value.Name] {
				seen[ref.Value.In+ref.Value.Name] = true
				out = append(out, ref.Value)
			}
		}
	}
	return out
}

// fill puts escaped parameter values into the operation's path; a missing
// one gets the world's own value.
func (cw *contractWorld) fill(op contractOp, params map[string]string) string {
	p := op.path
	for _, par := range cw.parameters(op) {
		if par.In != "path" {
			continue
		}
		v, ok := params[par.Name]
		if !ok {
			v = url.PathEscape(cw.pathValue(op.path, par.Name, nil))
		}
		p = strings.ReplaceAll(p, "{"+par.Name+"}", v)
	}
	return p
}

func (cw *contractWorld) send(method string, c contractCase) (*http.Request, *http.Response, []byte) {
	cw.t.Helper()
	u := cw.e.srv.URL + c.path
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		cw.t.Fatalf("%s %s: %v", method, u, err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if tok := cw.token(c.caller, c.path); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cw.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return req, res, data
}

// check sends the case and validates the answer against the operation.
func (cw *contractWorld) check(t *testing.T, doc *openapi3.T, op contractOp, c contractCase, failures map[string]bool) {
	t.Helper()
	req, res, data := cw.send(op.method, c)
	fail := func(reason string) {
		t.Helper()
		key := op.key + " " + fmt.Sprint(res.StatusCode) + " " + firstLine(reason)
		if failures[key] {
			return
		}
		failures[key] = true
		t.Errorf("%s (%s, %s): %s %s?%s body %s\n= %d %s\n%s", op.key, c.caller, c.what, op.method, abbrev([]byte(c.path)),
			abbrev([]byte(c.query.Encode())), abbrev(c.body), res.StatusCode, abbrev(data), reason)
	}
	if res.StatusCode >= 500 {
		fail("a server error")
		return
	}
	if res.StatusCode/100 == 3 && op.op.Responses.Status(res.StatusCode) == nil {
		fail("an undocumented redirect")
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req,
		Route: &routers.Route{Spec: doc, Path: op.path, PathItem: op.item, Method: op.method, Operation: op.op}}
	rv := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	rv.SetBodyBytes(data)
	if err := openapi3filter.ValidateResponse(context.Background(), rv); err != nil {
		fail(err.Error())
	}
}

// checkNotRoute sends a path that is no route: it must answer 404 with a
// problem document.
func (cw *contractWorld) checkNotRoute(t *testing.T, doc *openapi3.T, method, p string, failures map[string]bool) {
	t.Helper()
	c := contractCase{caller: "buyer", path: p}
	if strings.HasPrefix(p, "/api/v1/host/") {
		c.caller = "host"
	}
	if method != "GET" && method != "DELETE" {
		c.body, c.contentType = []byte("{}"), "application/json"
	}
	_, res, data := cw.send(method, c)
	key := "not-route " + method + " " + fmt.Sprint(res.StatusCode)
	var problem map[string]any
	err := json.Unmarshal(data, &problem)
	if err == nil {
		err = doc.Components.Schemas["Problem"].Value.VisitJSON(problem, openapi3.EnableJSONSchema2020())
	}
	if res.StatusCode == 404 && res.Header.Get("Content-Type") == "application/problem+json" && err == nil {
		return
	}
	if !failures[key] {
		failures[key] = true
		t.Errorf("%s %s = %d %s %s (%v), want 404 problem+json: the path is no route", method, p, res.StatusCode,
			res.Header.Get("Content-Type"), abbrev(data), err)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func abbrev(b []byte) string {
	if len(b) > 200 {
		return fmt.Sprintf("%q… (%d bytes)", b[:200], len(b))
	}
	return fmt.Sprintf("%q", b)
}
