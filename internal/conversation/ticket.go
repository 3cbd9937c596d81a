package conversation

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Ticket events: the "event" of a system message's data, so that clients
// can tell (and translate) what happened; the body says it in English.
const (
	EventTicketCompleted  = "ticket.completed"
	EventTicketAutoClosed = "ticket.autoclosed"
	EventReturnAccepted   = "return.accepted"
	EventReturnDeclined   = "return.declined"
)

// Closed reasons of a ticket.
const (
	ClosedCompleted = "completed"
	ClosedAuto      = "auto"
)

// systemData is the data of a system message about a ticket.
type systemData struct {
	Event string `json:"event"`
	// By is who did it (ticket.completed, return.*).
	By string `json:"by,omitempty"`
	// AfterSeconds is the auto-close period (ticket.autoclosed).
	AfterSeconds int64 `json:"after_seconds,omitempty"`
	// The return proposal answered, its new state and the buyer's note
	// (return.*).
	ReturnProposal string `json:"return_proposal,omitempty"`
	State          string `json:"state,omitempty"`
	Note           string `json:"note,omitempty"`
}

// systemMessageData appends a system message carrying data (JSON) and
// tells the parties once it commits.
func (s *Service) systemMessageData(tx *store.Tx, convID int64, body string, data any) (parley.Message, store.MessageRow, error) {
	c, err := store.ConversationByID(tx, convID)
	if err != nil {
		return parley.Message{}, store.MessageRow{}, err
	}
	raw := ""
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return parley.Message{}, store.MessageRow{}, err
		}
		raw = string(b)
	}
	row, _, err := store.InsertMessage(tx, store.NewMessage{ConversationID: convID, Side: parley.SideSystem, Kind: parley.MessageSystem, Body: body, Data: raw})
	if err != nil {
		return parley.Message{}, store.MessageRow{}, err
	}
	c.LastSeq = row.Seq
	msg := renderMessage(row, nil)
	s.publishMessage(tx, c, msg)
	return msg, row, nil
}

// periodText says a period in English in its largest whole unit ("30
// days", "2 hours"), for the bodies of system messages.
func periodText(d time.Duration) string {
	n, unit := PeriodUnit(d)
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// PeriodUnit expresses a period in its largest whole unit: day, hour,
// minute or second (rounded up, at least 1).
func PeriodUnit(d time.Duration) (int64, string) {
	const day = 24 * time.Hour
	switch {
	case d >= day && d%day == 0:
		return int64(d / day), "day"
	case d >= time.Hour && d%time.Hour == 0:
		return int64(d / time.Hour), "hour"
	case d >= time.Minute && d%time.Minute == 0:
		return int64(d / time.Minute), "minute"
	}
	return max(int64((d+time.Second-1)/time.Second), 1), "second"
}
