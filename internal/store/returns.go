package store

import (
	"time"
)

// Return proposal states.
const (
	ReturnProposed = "proposed"
	ReturnAccepted = "accepted"
	ReturnDeclined = "declined"
	// ReturnWithdrawn: the ticket closed while the proposal waited for an
	// answer.
	ReturnWithdrawn = "withdrawn"
)

// ReturnProposal is a return for inspection that a seller proposed in a
// ticket, with the buyer's answer once given.
type ReturnProposal struct {
	ID                 int64
	MarketplaceID      int64
	ConversationID     int64
	MessageID          int64
	State              string
	Note               string
	ProposedBy         int64
	ProposedByExternal string
	ProposedByName     string
	AnsweredBy         int64
	AnswerNote         string
	CreatedAt          time.Time
	AnsweredAt         time.Time // zero until answered
}

const returnSelect = `SELECT r.id, r.marketplace_id, r.conversation_id, COALESCE(r.message_id, 0), r.state, r.note,
	r.proposed_by, u.external_id, u.name, COALESCE(r.answered_by, 0), r.answer_note, r.created_at, r.answered_at
	FROM return_proposals r JOIN users u ON u.id = r.proposed_by`

func scanReturnProposal(row Row) (ReturnProposal, error) {
	var r ReturnProposal
	var answered int64
	err := row.Scan(&r.ID, &r.MarketplaceID, &r.ConversationID, &r.MessageID, &r.State, &r.Note,
		&r.ProposedBy, &r.ProposedByExternal, &r.ProposedByName, &r.AnsweredBy, &r.AnswerNote, timeDest{&r.CreatedAt}, &answered)
	if answered != 0 {
		r.AnsweredAt = FromMicros(answered)
	}
	return r, mapError(err)
}

// NewReturnProposal is what proposing a return stores.
type NewReturnProposal struct {
	MarketplaceID  int64
	ConversationID int64
	Note           string
	ProposedBy     int64
}

// InsertReturnProposal stores a proposed return and returns its id. A
// second open proposal in the same conversation is ErrConflict.
func InsertReturnProposal(tx *Tx, p NewReturnProposal) (int64, error) {
	var id int64
	err := tx.QueryRow(`INSERT INTO return_proposals (marketplace_id, conversation_id, state, note, proposed_by, created_at)
		VALUES (?, ?, 'proposed', ?, ?, ?) RETURNING id`,
		p.MarketplaceID, p.ConversationID, p.Note, p.ProposedBy, Micros(tx.Now())).Scan(&id)
	return id, mapError(err)
}

// SetReturnProposalMessage records the message that tells of a proposal.
func SetReturnProposalMessage(tx *Tx, id, messageID int64) error {
	_, err := tx.Exec(`UPDATE return_proposals SET message_id = ? WHERE id = ?`, messageID, id)
	return mapError(err)
}

// ReturnProposalByID returns a proposal.
func ReturnProposalByID(q Querier, id int64) (ReturnProposal, error) {
	return scanReturnProposal(q.QueryRow(returnSelect+` WHERE r.id = ?`, id))
}

// OpenReturnProposal returns the proposal of a conversation that waits
// for an answer, or ErrNotFound.
func OpenReturnProposal(q Querier, convID int64) (ReturnProposal, error) {
	return scanReturnProposal(q.QueryRow(returnSelect+` WHERE r.conversation_id = ? AND r.state = 'proposed'`, convID))
}

// LatestReturnProposal returns a conversation's newest proposal, or
// ErrNotFound.
func LatestReturnProposal(q Querier, convID int64) (ReturnProposal, error) {
	return scanReturnProposal(q.QueryRow(returnSelect+` WHERE r.conversation_id = ? ORDER BY r.id DESC LIMIT 1`, convID))
}

// AnswerReturnProposal records the buyer's answer (accepted or declined)
// to a proposal that still waits for one; answered is false when it no
// longer does.
func AnswerReturnProposal(tx *Tx, id int64, state string, by int64, note string) (answered bool, err error) {
	res, err := tx.Exec(`UPDATE return_proposals SET state = ?, answered_by = ?, answer_note = ?, answered_at = ? WHERE id = ? AND state = 'proposed'`,
		state, by, note, Micros(tx.Now()), id)
	if err != nil {
		return false, mapError(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// WithdrawReturnProposal withdraws a conversation's proposal that waits for
// an answer (its ticket closed) and returns it; ErrNotFound when none
// waits.
func WithdrawReturnProposal(tx *Tx, convID int64) (ReturnProposal, error) {
	r, err := OpenReturnProposal(tx, convID)
	if err != nil {
		return ReturnProposal{}, err
	}
	if _, err := tx.Exec(`UPDATE return_proposals SET state = 'withdrawn', answered_at = ? WHERE id = ? AND state = 'proposed'`,
		Micros(tx.Now()), r.ID); err != nil {
		return ReturnProposal{}, mapError(err)
	}
	return ReturnProposalByID(tx, r.ID)
}
