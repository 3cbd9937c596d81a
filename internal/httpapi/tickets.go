package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
)

// proposeReturn: a seller proposes a return for inspection in a ticket.
func proposeReturn(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	var in conversation.ReturnInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, ok, err := s.Conversations.ProposeReturn(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	encode(w, created(ok), m)
	return nil
}

func acceptReturn(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return answerReturn(s, w, r, p, true)
}

func declineReturn(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return answerReturn(s, w, r, p, false)
}

// answerReturn: the buyer accepts or declines the ticket's return
// proposal. The body ({"note"}) is optional.
func answerReturn(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal, accept bool) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	var in conversation.AnswerInput
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	rp, err := s.Conversations.AnswerReturn(r.Context(), p, id, accept, in)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, rp)
	return nil
}
