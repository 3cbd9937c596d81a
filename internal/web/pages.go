package web

import (
	"net/http"
	"strconv"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/store"
)

// inbox serves /app/ and /app/c/{id}: the list and, when an id is given,
// the conversation beside it (on a phone, one at a time).
func (a *App) inbox(w http.ResponseWriter, r *http.Request, p *identity.Principal) {
	pg := a.newPage(r, p, "inbox", "app.js")
	pg.Title = pg.T("inbox.title")
	pg.BodyClass = "app"
	conv := r.PathValue("id")
	if conv != "" {
		id, ok := conversation.ParseID(conv)
		if !ok {
			a.notFound(w, r)
			return
		}
		c, err := a.cfg.Conversations.Get(r.Context(), p, id)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		pg.Title = pg.Say(c.SubjectI18n, c.Subject)
		if pg.Title == "" {
			pg.Title = counterpart(c).Name
		}
		pg.BodyClass = "app has-conv"
	}
	orgs := []map[string]string{}
	for _, m := range p.Memberships {
		if m.Organization.Kind == parley.OrgSeller {
			orgs = append(orgs, map[string]string{"id": m.Organization.ExternalID, "name": m.Organization.Name, "role": m.Role})
		}
	}
	pg.Data["conversation"] = conv
	pg.Data["organizations"] = orgs
	pg.Data["kind"] = r.URL.Query().Get("kind")
	// Sellers and operators get the marketplace filter (connectors bring
	// their conversations from other marketplaces); a buyer's are native.
	pg.Body = map[string]any{"Conversation": conv, "Seller": len(orgs) > 0, "Marketplaces": len(orgs) > 0 || p.User.IsOperator}
	a.render(w, r, http.StatusOK, "app", pg)
}

// counterpart is the other party of a conversation as its viewer sees it.
func counterpart(c parley.Conversation) parley.Ref {
	if c.Side == parley.SideBuyer {
		return c.Seller
	}
	return c.Buyer
}

type blockBody struct {
	Conversation parley.Conversation
	Other        parley.Ref
	Unblock      bool
	Error        string
}

// blockTarget is whom the viewer of c blocks: the buyer for the seller
// side, the seller company for the buyer.
func blockTarget(c parley.Conversation) (conversation.BlockInput, bool) {
	switch c.Side {
	case parley.SideSeller:
		return conversation.BlockInput{User: c.Buyer.ID, As: c.Seller.ID}, true
	case parley.SideBuyer:
		return conversation.BlockInput{Organization: c.Seller.ID}, true
	}
	return conversation.BlockInput{}, false
}

// blockPage is the confirmation page for blocking or unblocking the other
// party of a conversation.
func (a *App) blockPage(w http.ResponseWriter, r *http.Request, p *identity.Principal) {
	a.showBlock(w, r, p, "")
}

func (a *App) showBlock(w http.ResponseWriter, r *http.Request, p *identity.Principal, errText string) {
	c, in, ok := a.blockConversation(w, r, p)
	if !ok {
		return
	}
	_, err := a.cfg.Conversations.FindBlock(r.Context(), p, in)
	standing := err == nil
	pg := a.newPage(r, p, "inbox", "")
	pg.Body = blockBody{Conversation: c, Other: counterpart(c), Unblock: standing, Error: errText}
	if standing {
		pg.Title = pg.T("block.unblock_title", "Name", counterpart(c).Name)
	} else {
		pg.Title = pg.T("block.title", "Name", counterpart(c).Name)
	}
	a.render(w, r, http.StatusOK, "block", pg)
}

// block blocks or unblocks (form field "action") and returns to the
// conversation.
func (a *App) block(w http.ResponseWriter, r *http.Request, p *identity.Principal) {
	c, in, ok := a.blockConversation(w, r, p)
	if !ok {
		return
	}
	var err error
	switch r.PostFormValue("action") {
	case "block":
		_, _, err = a.cfg.Conversations.Block(r.Context(), p, in)
	case "unblock":
		var b conversation.Block
		if b, err = a.cfg.Conversations.FindBlock(r.Context(), p, in); err == nil {
			bid, _ := conversation.ParseID(b.ID)
			err = a.cfg.Conversations.Unblock(r.Context(), p, bid)
		}
	default:
		http.Error(w, "Unknown action.", http.StatusBadRequest)
		return
	}
	if err != nil {
		a.showBlock(w, r, p, parley.ErrorMessage(err))
		return
	}
	http.Redirect(w, r, "/app/c/"+c.ID, http.StatusSeeOther)
}

// sellerPage is a seller company's profile as a buyer sees it: its name,
// availability and the conversations with it.
func (a *App) sellerPage(w http.ResponseWriter, r *http.Request, p *identity.Principal) {
	org, err := store.OrganizationByExternalID(a.cfg.DB.Reader(r.Context()), p.Marketplace.ID, r.PathValue("id"))
	if err != nil || org.Kind != parley.OrgSeller {
		a.notFound(w, r)
		return
	}
	pg := a.newPage(r, p, "inbox", "seller.js")
	pg.Title = org.Name
	pg.Data["seller"] = org.ExternalID
	pg.Body = map[string]any{"Org": org}
	a.render(w, r, http.StatusOK, "seller", pg)
}

func (a *App) settings(w http.ResponseWriter, r *http.Request, p *identity.Principal) {
	pg := a.newPage(r, p, "settings", "settings.js")
	pg.Title = pg.T("settings.title")
	var owned []map[string]string
	for _, m := range p.Memberships {
		if m.Role == parley.RoleOwner && m.Organization.Kind == parley.OrgSeller {
			owned = append(owned, map[string]string{"id": m.Organization.ExternalID, "name": m.Organization.Name})
		}
	}
	pg.Data["owned"] = owned
	pg.Body = map[string]any{"Owned": owned}
	a.render(w, r, http.StatusOK, "settings", pg)
}

type mailboxBody struct {
	Mails []store.DevMail
	All   bool
	Next  string
	SMTP  bool
}

// mailbox shows the dev mailbox in demo mode: operators see every mail,
// other demo users the mails sent to them.
func (a *App) mailbox(w http.ResponseWriter, r *http.Request, p *identity.Principal) {
	if !a.cfg.Demo {
		a.notFound(w, r)
		return
	}
	pg := a.newPage(r, p, "mailbox", "")
	pg.Title = pg.T("mailbox.title")
	body := mailboxBody{All: p.User.IsOperator, SMTP: a.cfg.Mailbox == nil}
	if a.cfg.Mailbox != nil {
		cursor, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		mails, next, err := a.cfg.Mailbox.List(r.Context(), p.Marketplace.ID, cursor, 100)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		for _, m := range mails {
			if body.All || containsFold(m.To, p.User.Email) {
				body.Mails = append(body.Mails, m)
			}
		}
		if next > 0 {
			body.Next = itoa(next)
		}
	}
	pg.Body = body
	a.render(w, r, http.StatusOK, "mailbox", pg)
}

// blockConversation reads the conversation of a block page and whom its
// caller would block; anything else has been answered (not found).
func (a *App) blockConversation(w http.ResponseWriter, r *http.Request, p *identity.Principal) (parley.Conversation, conversation.BlockInput, bool) {
	id, ok := conversation.ParseID(r.PathValue("id"))
	if !ok {
		a.notFound(w, r)
		return parley.Conversation{}, conversation.BlockInput{}, false
	}
	c, err := a.cfg.Conversations.Get(r.Context(), p, id)
	if err != nil {
		a.serverError(w, r, err)
		return parley.Conversation{}, conversation.BlockInput{}, false
	}
	in, ok := blockTarget(c)
	if !ok {
		a.notFound(w, r)
		return parley.Conversation{}, conversation.BlockInput{}, false
	}
	return c, in, true
}
