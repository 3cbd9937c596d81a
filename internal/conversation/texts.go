package conversation

import (
	"encoding/json"
	"strconv"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/locale"
	"github.com/parleyhq/parley/internal/store"
)

// BodyCode is what a message the server wrote says, as meaning: a code of
// Parley's catalogue and its parameters, read from the data the message
// has always stored (system messages about tickets and returns, a return
// proposal, a quote's offer or answer). A message someone wrote, or one
// whose data names nothing the catalogue says, has none: its body is shown
// as stored.
func BodyCode(side, kind, data string) (parley.Text, bool) {
	var d struct {
		Event        string          `json:"event"`
		By           string          `json:"by"`
		AfterSeconds int64           `json:"after_seconds"`
		State        string          `json:"state"`
		Total        json.RawMessage `json:"total"`
	}
	if data != "" && json.Unmarshal([]byte(data), &d) != nil {
		return parley.Text{}, false
	}
	switch {
	case kind == MessageReturnProposal:
		return parley.Text{Code: "return.proposed"}, true
	case kind == "quote": // internal/quote's MessageQuote
		var total struct{ Amount, Currency string }
		if d.State == "" || json.Unmarshal(d.Total, &total) != nil {
			return parley.Text{}, false
		}
		return parley.Text{Code: "quote." + d.State, Params: map[string]string{"amount": total.Amount, "currency": total.Currency}}, true
	case side != parley.SideSystem:
		return parley.Text{}, false
	}
	switch d.Event {
	case EventTicketCompleted, EventReturnAccepted, EventReturnDeclined:
		return parley.Text{Code: d.Event, Params: map[string]string{"by": d.By}}, true
	case EventTicketAutoClosed:
		return parley.Text{Code: d.Event, Params: map[string]string{"after_seconds": strconv.FormatInt(d.AfterSeconds, 10)}}, true
	case EventReturnWithdrawn:
		return parley.Text{Code: d.Event}, true
	}
	return parley.Text{}, false
}

// BodyIn is a stored message's text in lang: its code said in lang when it
// has one the catalogue knows, else its body as stored. A note the buyer
// wrote with an answer to a return follows on its own line.
func BodyIn(lang string, m store.MessageRow) string {
	t, ok := BodyCode(m.Side, m.Kind, m.Data)
	if !ok {
		return m.Body
	}
	s := locale.Render(lang, t)
	if s == "" {
		return m.Body
	}
	if m.Side == parley.SideSystem && m.Data != "" {
		var d struct {
			Note string `json:"note"`
		}
		if json.Unmarshal([]byte(m.Data), &d) == nil && d.Note != "" {
			s += "\n" + d.Note
		}
	}
	return s
}

// SubjectIn is a conversation's subject in lang: its code said in lang
// when the server made it, else as stored.
func SubjectIn(lang string, c store.ConversationRow) string {
	if t, ok := parley.ParseText(c.SubjectCode); ok {
		if s := locale.Render(lang, t); s != "" {
			return s
		}
	}
	return c.Subject
}
