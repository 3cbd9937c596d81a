package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
)

func startConversation(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in conversation.StartInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, ok, err := s.Conversations.Start(r.Context(), p, in)
	if err != nil {
		return err
	}
	sayStarted(s.callerLanguage(r, p), &out)
	encode(w, created(ok), out)
	return nil
}

func listConversations(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	page, err := s.Conversations.List(r.Context(), p, conversation.ListInput{
		View: q.Get("view"), Side: q.Get("side"), Status: q.Get("status"), Kind: q.Get("kind"), Unread: q.Get("unread") == "true",
		Query: q.Get("q"), Order: q.Get("order"), Assignee: q.Get("assignee"), Marketplace: q.Get("marketplace"),
		Cursor: q.Get("cursor"), Limit: int(limit),
	})
	if err != nil {
		return err
	}
	sayConversations(s.callerLanguage(r, p), page.Items)
	encode(w, http.StatusOK, page)
	return nil
}

// listMarketplaces answers where the caller's conversations come from:
// the values of the list's marketplace filter, with their names.
func listMarketplaces(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	items, err := s.Conversations.Marketplaces(r.Context(), p)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func getConversation(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	c, err := s.Conversations.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	sayConversation(s.callerLanguage(r, p), &c)
	encode(w, http.StatusOK, c)
	return nil
}

func patchConversation(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	var in conversation.Patch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Conversations.Update(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	sayConversation(s.callerLanguage(r, p), &c)
	encode(w, http.StatusOK, c)
	return nil
}

func listMessages(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	after, err := queryInt(r, "after")
	if err != nil {
		return err
	}
	before, err := queryInt(r, "before")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	page, err := s.Conversations.Messages(r.Context(), p, id, after, before, int(limit))
	if err != nil {
		return err
	}
	sayMessages(s.callerLanguage(r, p), page.Items)
	encode(w, http.StatusOK, page)
	return nil
}

func sendMessage(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	var in conversation.MessageInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, ok, err := s.Conversations.Send(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	encode(w, created(ok), m)
	return nil
}

func readConversation(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	var in struct {
		Seq int64 `json:"seq"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.Conversations.Read(r.Context(), p, id, in.Seq); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func createBlock(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in conversation.BlockInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	b, ok, err := s.Conversations.Block(r.Context(), p, in)
	if err != nil {
		return err
	}
	encode(w, created(ok), b)
	return nil
}

func deleteBlock(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "block")
	if err != nil {
		return err
	}
	if err := s.Conversations.Unblock(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func syncChanges(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	res, err := s.Conversations.Sync(r.Context(), p, r.URL.Query().Get("cursor"), int(limit))
	if err != nil {
		return err
	}
	lang := s.callerLanguage(r, p)
	for i := range res.Changes {
		sayConversation(lang, &res.Changes[i].Conversation)
		sayMessages(lang, res.Changes[i].Messages)
	}
	encode(w, http.StatusOK, res)
	return nil
}
