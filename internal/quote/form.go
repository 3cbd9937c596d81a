package quote

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
)

// Field types of a quote form.
const (
	FieldText     = "text"
	FieldTextarea = "textarea"
	FieldNumber   = "number"
	FieldSelect   = "select"
	FieldDate     = "date"
	FieldBoolean  = "boolean"
)

var fieldTypes = []string{FieldText, FieldTextarea, FieldNumber, FieldSelect, FieldDate, FieldBoolean}

// Field is one question of a form.
type Field struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Label    string   `json:"label"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
	Help     string   `json:"help,omitempty"`
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	// Translations are the host's label, help and option labels per
	// language (BCP 47 tag); the reader's form carries its language's
	// strings instead, and OptionLabels beside a select's Options.
	Translations map[string]FieldTranslation `json:"translations,omitempty"`
	OptionLabels []string                    `json:"option_labels,omitempty"`
}

// Step is one page of a form.
type Step struct {
	Title        string                     `json:"title"`
	Fields       []Field                    `json:"fields"`
	Translations map[string]StepTranslation `json:"translations,omitempty"`
}

// Form is what GET /api/v1/products/{id}/quote-form answers.
type Form struct {
	// Locale is the language the steps are written in: the reader's when
	// the form has it, else the form's own.
	Locale string `json:"locale"`
	Steps  []Step `json:"steps"`
	// Pricing is what the seller's pricing form needs: the input's name,
	// the unit price and the marketplace's parameters.
	Pricing *Pricing `json:"pricing,omitempty"`
}

// FormInput is a host's PUT of a form.
type FormInput struct {
	// Locale is the language of the plain strings (default English).
	Locale string `json:"locale,omitempty"`
	Steps  []Step `json:"steps"`
}

var fieldNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// validateSteps checks a form the host sends.
func validateSteps(steps []Step) []parley.FieldError {
	var errs []parley.FieldError
	bad := func(f, m string) { errs = append(errs, parley.FieldError{Field: f, Message: m}) }
	if len(steps) > 10 {
		bad("steps", "at most 10 steps")
	}
	seen := map[string]bool{}
	for i, st := range steps {
		p := fmt.Sprintf("steps[%d].", i)
		if strings.TrimSpace(st.Title) == "" || utf8.RuneCountInString(st.Title) > 200 {
			bad(p+"title", "is required, at most 200 characters")
		}
		if len(st.Fields) == 0 || len(st.Fields) > 30 {
			bad(p+"fields", "give 1 to 30 fields")
		}
		for j, f := range st.Fields {
			fp := fmt.Sprintf("%sfields[%d].", p, j)
			if !fieldNameRE.MatchString(f.Name) {
				bad(fp+"name", "must be 1 to 40 lower-case letters, digits or _, starting with a letter")
			} else if seen[f.Name] {
				bad(fp+"name", "is used twice in the form")
			}
			seen[f.Name] = true
			if !slices.Contains(fieldTypes, f.Type) {
				bad(fp+"type", "must be one of "+strings.Join(fieldTypes, ", "))
			}
			if strings.TrimSpace(f.Label) == "" || utf8.RuneCountInString(f.Label) > 200 {
				bad(fp+"label", "is required, at most 200 characters")
			}
			if utf8.RuneCountInString(f.Help) > 500 {
				bad(fp+"help", "must be at most 500 characters")
			}
			if f.Type == FieldSelect && (len(f.Options) == 0 || len(f.Options) > 50) {
				bad(fp+"options", "a select needs 1 to 50 options")
			}
			if f.Type != FieldSelect && len(f.Options) > 0 {
				bad(fp+"options", "only a select has options")
			}
			for _, o := range f.Options {
				if strings.TrimSpace(o) == "" || utf8.RuneCountInString(o) > 200 {
					bad(fp+"options", "options must be 1 to 200 characters")
					break
				}
			}
			if (f.Min != nil || f.Max != nil) && f.Type != FieldNumber {
				bad(fp+"min", "only a number has min and max")
			}
			if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
				bad(fp+"max", "must not be below min")
			}
		}
	}
	return errs
}

// CheckAnswers validates a buyer's answers against the form and returns
// them normalized (trimmed strings, only the form's fields). Errors name
// the field as "form.<name>".
func CheckAnswers(steps []Step, answers map[string]any) (map[string]any, error) {
	var errs []parley.FieldError
	bad := func(name, m string) { errs = append(errs, parley.FieldError{Field: "form." + name, Message: m}) }
	out := map[string]any{}
	known := map[string]bool{}
	for _, st := range steps {
		for _, f := range st.Fields {
			known[f.Name] = true
			v, ok := answers[f.Name]
			if s, isStr := v.(string); isStr {
				v = strings.TrimSpace(s)
				ok = ok && v != ""
			}
			if !ok || v == nil {
				if f.Required {
					bad(f.Name, "is required")
				}
				continue
			}
			switch f.Type {
			case FieldText, FieldTextarea:
				s, isStr := v.(string)
				limit := 1000
				if f.Type == FieldTextarea {
					limit = 10000
				}
				if !isStr || !utf8.ValidString(s) {
					bad(f.Name, "must be text")
				} else if utf8.RuneCountInString(s) > limit {
					bad(f.Name, fmt.Sprintf("must be at most %d characters", limit))
				} else {
					out[f.Name] = s
				}
			case FieldNumber:
				n, isNum := v.(float64)
				if !isNum || math.IsNaN(n) || math.IsInf(n, 0) {
					bad(f.Name, "must be a number")
				} else if f.Min != nil && n < *f.Min {
					bad(f.Name, fmt.Sprintf("must be at least %v", *f.Min))
				} else if f.Max != nil && n > *f.Max {
					bad(f.Name, fmt.Sprintf("must be at most %v", *f.Max))
				} else {
					out[f.Name] = n
				}
			case FieldSelect:
				s, _ := v.(string)
				if !slices.Contains(f.Options, s) {
					bad(f.Name, "must be one of the options: "+strings.Join(f.Options, ", "))
				} else {
					out[f.Name] = s
				}
			case FieldDate:
				s, _ := v.(string)
				if _, err := time.Parse(time.DateOnly, s); err != nil {
					bad(f.Name, "must be a date like 2025-06-30")
				} else {
					out[f.Name] = s
				}
			case FieldBoolean:
				b, isBool := v.(bool)
				if !isBool {
					bad(f.Name, "must be true or false")
				} else {
					out[f.Name] = b
				}
			}
		}
	}
	for name := range answers {
		if !known[name] {
			bad(name, "is not a field of this form")
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b parley.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return nil, parley.Invalid(errs...)
	}
	return out, nil
}

// categoryPath normalizes a category path (segments) to the stored key.
func categoryPath(segments []string) string {
	var parts []string
	for _, s := range segments {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}

func decodeSteps(s string) []Step {
	var steps []Step
	json.Unmarshal([]byte(s), &steps)
	if steps == nil {
		steps = []Step{}
	}
	return steps
}
