package conversation

import "github.com/parleyhq/parley"

// Advance returns the conversation c, as its viewer saw it, once message m
// has been added: what a new message changes is known without reading the
// database (last message and seq, the reopening of a solved chat, the
// viewer's unread count and read pointer, the other side's pointers). The
// real-time hub uses it to send conversation.updated for each message
// without a query per receiver.
//
// ok is false when the change is not certain from the two alone, and the
// caller must read the conversation again: m is not the next message of c,
// the viewer is an operator (their pointers are the lower of both sides'),
// m is a system message, or c is marked unread by hand.
func Advance(c parley.Conversation, m parley.Message, viewerID string) (parley.Conversation, bool) {
	if !CanAdvance(c, m) {
		return c, false
	}
	out := c
	msg := m
	out.LastMessage, out.LastSeq, out.LastMessageAt = &msg, m.Seq, m.CreatedAt
	out.Archived = false
	if (c.Status == parley.StatusSolved || c.Status == parley.StatusClosed) && c.Kind != parley.KindTicket {
		out.Status, out.ClosedReason = parley.StatusOpen, ""
	}
	switch {
	case m.Author.Side == c.Side:
		// The viewer's own side wrote. A buyer's pointer is the buyer
		// side's, which the message moved; a seller member's own pointer
		// moves only when they wrote it.
		if c.Side == parley.SideBuyer || m.Author.ID == viewerID {
			out.MyReadSeq, out.UnreadCount = m.Seq, 0
		}
	case m.Author.Side == parley.SideOperator:
		out.UnreadCount++ // operators move no side's pointers
	default:
		// The other side wrote: their pointers moved to the message.
		out.UnreadCount++
		out.TheirDeliveredSeq, out.TheirReadSeq = m.Seq, m.Seq
	}
	return out, true
}

// CanAdvance reports whether Advance can tell the change m makes to c.
func CanAdvance(c parley.Conversation, m parley.Message) bool {
	return m.Seq == c.LastSeq+1 && !c.MarkedUnread && m.Author.Side != parley.SideSystem &&
		(c.Side == parley.SideBuyer || c.Side == parley.SideSeller)
}
