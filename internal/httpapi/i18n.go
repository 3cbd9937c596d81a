package httpapi

import (
	"net/http"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/locale"
)

// callerLanguage is the language the API says server-made texts in for
// this caller, as their pages have it: their own setting, else the pages'
// language cookie (a choice made with the switcher), else the language
// their host gave them, else Accept-Language, else English. Host calls
// (no user) go by the request alone.
func (s *Server) callerLanguage(r *http.Request, p *identity.Principal) string {
	var candidates []string
	user := p != nil && !p.Host && p.User.ID != 0
	if user && s.Settings != nil {
		if l, err := s.Settings.Locale(r.Context(), p.User.ID); err == nil && l != "" {
			candidates = append(candidates, l)
		}
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		if l, ok := locale.Match(c.Value); ok {
			candidates = append(candidates, l)
		}
	}
	if user {
		if l := locale.HostLanguage(p.User.Locale); l != "" {
			candidates = append(candidates, l)
		}
	}
	return locale.Pick(append(candidates, requestLanguages(r)...)...)
}

// sayText fills a server-made text's words in lang.
func sayText(lang string, t *parley.Text) {
	if t != nil {
		t.Text = locale.Render(lang, *t)
	}
}

// sayMessage fills a message's body_i18n.text.
func sayMessage(lang string, m *parley.Message) {
	if m != nil {
		sayText(lang, m.BodyI18n)
	}
}

// sayConversation fills a conversation's subject_i18n.text and its last
// message's body_i18n.text.
func sayConversation(lang string, c *parley.Conversation) {
	sayText(lang, c.SubjectI18n)
	sayMessage(lang, c.LastMessage)
}

func sayConversations(lang string, cs []parley.Conversation) {
	for i := range cs {
		sayConversation(lang, &cs[i])
	}
}

func sayMessages(lang string, ms []parley.Message) {
	for i := range ms {
		sayMessage(lang, &ms[i])
	}
}

func sayStarted(lang string, st *conversation.Started) {
	sayConversation(lang, &st.Conversation)
	sayMessage(lang, &st.Message)
}
