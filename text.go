package parley

import "encoding/json"

// Text is a server-made text stored as meaning: a code of Parley's
// catalogue (internal/locale/texts) and its parameters, turned into words
// when a reader's page, mail or push is rendered, in the reader's
// language. In API answers Text holds the code said in the caller's
// language, for clients that do not render codes themselves.
type Text struct {
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
	Text   string            `json:"text,omitempty"`
}

// Marshal is t's stored form: JSON without the rendered text.
func (t Text) Marshal() string {
	t.Text = ""
	b, _ := json.Marshal(t)
	return string(b)
}

// ParseText reads a stored Text; "" or a broken value is no Text.
func ParseText(s string) (Text, bool) {
	var t Text
	if s == "" || json.Unmarshal([]byte(s), &t) != nil || t.Code == "" {
		return Text{}, false
	}
	t.Text = ""
	return t, true
}
