package app_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// gen makes request values from the OpenAPI document's schemas for the
// contract fuzzer (TestContractFuzz): values that fit a schema, and the
// hostile ones that do not (wrong types, huge strings, NUL bytes).
type gen struct {
	rng *rand.Rand
	// known are real values by property name (a product's external id for
	// "product", an uploaded file for "attachments"), so that valid bodies
	// reach past "not found" into the rules behind it.
	known map[string][]any
	n     int
}

// hugeString is longer than any limit the API documents for a field.
var hugeString = strings.Repeat("ü", 40_000)

// hostileStrings are strings no field should take as they are.
var hostileStrings = []string{
	"\x00", "a\x00b", hugeString, "", " ", "\uFFFD", "\xff\xfe", "<script>alert(1)</script>",
	"javascript:alert(1)", "../../etc/passwd", "%00", "null", "-1", "9223372036854775808",
	"😀😀", "\u202Eevil", strings.Repeat("a", 129),
}

func (g *gen) unique(prefix string) string {
	g.n++
	return fmt.Sprintf("%s-%d-%d", prefix, g.n, g.rng.IntN(1_000_000))
}

// value returns a value that fits s (as far as the generator can tell; the
// server decides in the end).
func (g *gen) value(name string, ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil {
		return g.unique("x")
	}
	s := ref.Value
	if vs, ok := g.known[name]; ok && g.rng.IntN(4) != 0 {
		return vs[g.rng.IntN(len(vs))]
	}
	if s.Const != nil {
		return s.Const
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.rng.IntN(len(s.Enum))]
	}
	if len(s.Examples) > 0 && g.rng.IntN(2) == 0 {
		return s.Examples[g.rng.IntN(len(s.Examples))]
	}
	if s.Example != nil && g.rng.IntN(2) == 0 {
		return s.Example
	}
	if len(s.OneOf) > 0 {
		return g.value(name, s.OneOf[g.rng.IntN(len(s.OneOf))], depth)
	}
	if len(s.AnyOf) > 0 {
		return g.value(name, s.AnyOf[g.rng.IntN(len(s.AnyOf))], depth)
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		for _, part := range s.AllOf {
			if m, ok := g.value(name, part, depth).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		return merged
	}
	switch typ := g.typeOf(s); typ {
	case "object":
		return g.object(s, depth)
	case "array":
		n := int(s.MinItems) + g.rng.IntN(3)
		if s.MaxItems != nil && uint64(n) > *s.MaxItems {
			n = int(*s.MaxItems)
		}
		if depth > 4 {
			n = int(s.MinItems)
		}
		out := make([]any, 0, n)
		for range n {
			out = append(out, g.value(name, s.Items, depth+1))
		}
		return out
	case "integer":
		return g.integer(s)
	case "number":
		return float64(g.integer(s)) + 0.5
	case "boolean":
		return g.rng.IntN(2) == 0
	case "null":
		return nil
	default:
		return g.str(name, s)
	}
}

func (g *gen) typeOf(s *openapi3.Schema) string {
	if s.Type == nil || len(*s.Type) == 0 {
		switch {
		case len(s.Properties) > 0:
			return "object"
		case s.Items != nil:
			return "array"
		}
		return "string"
	}
	types := slices.DeleteFunc(slices.Clone(s.Type.Slice()), func(t string) bool { return t == "null" })
	if len(types) == 0 {
		return "null"
	}
	return types[g.rng.IntN(len(types))]
}

func (g *gen) object(s *openapi3.Schema, depth int) map[string]any {
	out := map[string]any{}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		prop := s.Properties[k]
		if prop.Value != nil && prop.Value.ReadOnly {
			continue
		}
		if slices.Contains(s.Required, k) || (depth < 4 && g.rng.IntN(2) == 0) {
			out[k] = g.value(k, prop, depth+1)
		}
	}
	return out
}

func (g *gen) integer(s *openapi3.Schema) int64 {
	lo, hi := int64(0), int64(100)
	if s.Min != nil {
		lo = int64(*s.Min)
	}
	if s.Max != nil {
		hi = int64(*s.Max)
	}
	if hi < lo {
		hi = lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

func (g *gen) str(name string, s *openapi3.Schema) string {
	var v string
	switch s.Format {
	case "email":
		v = g.unique("fz") + "@example.com"
	case "uri":
		v = "https://example.com/" + g.unique("p")
	case "date-time":
		v = "2030-01-02T03:04:05Z"
	case "int64":
		v = fmt.Sprint(g.rng.Int64N(1000))
	default:
		v = g.unique(strings.ReplaceAll(name, "_", "-"))
	}
	if s.Pattern != "" {
		v = strings.NewReplacer("@", "", ".", "").Replace(v)
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	for uint64(len(v)) < s.MinLength {
		v += "x"
	}
	return v
}

// hostile returns a value of the wrong kind for the schema: another JSON
// type, a huge or NUL-laden string, a huge number, a deep nesting.
func (g *gen) hostile(ref *openapi3.SchemaRef) any {
	switch g.rng.IntN(8) {
	case 0:
		return hostileStrings[g.rng.IntN(len(hostileStrings))]
	case 1:
		return 1e308
	case 2:
		return -9223372036854775808.0
	case 3:
		return []any{hugeString}
	case 4:
		return map[string]any{"\x00": nil}
	case 5:
		return true
	case 6:
		return nil
	default:
		var v any = "deep"
		for range 200 {
			v = []any{v}
		}
		return v
	}
}

// mutate changes one thing in a body that fits the schema: drops a required
// property, gives one the wrong kind of value, or adds an unknown one.
func (g *gen) mutate(body any, ref *openapi3.SchemaRef) any {
	m, ok := body.(map[string]any)
	if !ok || ref == nil || ref.Value == nil {
		return g.hostile(ref)
	}
	s := ref.Value
	keys := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	switch {
	case len(s.Required) > 0 && g.rng.IntN(3) == 0:
		delete(out, s.Required[g.rng.IntN(len(s.Required))])
	case len(keys) > 0 && g.rng.IntN(4) != 0:
		k := keys[g.rng.IntN(len(keys))]
		if sub, ok := out[k].(map[string]any); ok && g.rng.IntN(2) == 0 {
			out[k] = g.mutate(sub, s.Properties[k])
		} else if arr, ok := out[k].([]any); ok && len(arr) > 0 && g.rng.IntN(2) == 0 {
			arr = slices.Clone(arr)
			arr[0] = g.mutate(arr[0], s.Properties[k].Value.Items)
			out[k] = arr
		} else {
			out[k] = g.hostile(s.Properties[k])
		}
	default:
		out[g.unique("unknown")] = hostileStrings[g.rng.IntN(len(hostileStrings))]
	}
	return out
}
