package httpapi

import (
	"net/http"

	"golang.org/x/text/language"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/identity"
	"github.com/parleyhq/parley/internal/quote"
)

// quoteHandler is a handler of the quote routes, given the quote service.
type quoteHandler func(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error

// withQuotes makes h a route handler: quote routes are not found when the
// server has no quote service.
func withQuotes(h quoteHandler) func(*Server, http.ResponseWriter, *http.Request, *identity.Principal) error {
	return func(s *Server, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
		if s.Quotes == nil {
			return parley.Errorf(parley.ENotFound, "Quotes are not enabled.")
		}
		return h(s.Quotes, w, r, p)
	}
}

func hostQuoteForm(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return upsertAs(w, r, "category", func(in quote.FormInput) (bool, error) {
		return svc.PutCategoryForm(r.Context(), p.Marketplace.ID, r.PathValue("category"), in)
	})
}

func hostProductQuoteForm(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return upsertAs(w, r, "external_id", func(in quote.FormInput) (bool, error) {
		return svc.PutProductForm(r.Context(), p.Marketplace.ID, r.PathValue("external_id"), in)
	})
}

func hostQuoteSettings(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	var in quote.SettingsInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ok, err := svc.PutSettings(r.Context(), p.Marketplace.ID, in)
	if err != nil {
		return err
	}
	encode(w, created(ok), map[string]any{"created": ok})
	return nil
}

// upsertAs decodes a host PUT and answers {"id","created"} with the path
// value named key.
func upsertAs[T any](w http.ResponseWriter, r *http.Request, key string, f func(in T) (bool, error)) error {
	var in T
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ok, err := f(in)
	if err != nil {
		return err
	}
	encode(w, created(ok), map[string]any{"id": r.PathValue(key), "created": ok})
	return nil
}

func productQuoteForm(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	f, err := svc.ProductForm(r.Context(), p, r.PathValue("id"), requestLanguages(r))
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, f)
	return nil
}

func conversationQuote(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	out, err := svc.ConversationRequest(r.Context(), p, id, requestLanguages(r))
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, out)
	return nil
}

func offerQuote(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return withOffer(svc, w, r, http.StatusCreated, func(svc *quote.Service, id int64, in quote.OfferInput) (any, error) {
		return svc.Offer(r.Context(), p, id, in)
	})
}

// previewQuote prices an offer as offerQuote would, storing nothing: the
// pricing form's live total.
func previewQuote(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	return withOffer(svc, w, r, http.StatusOK, func(svc *quote.Service, id int64, in quote.OfferInput) (any, error) {
		return svc.PreviewOffer(r.Context(), p, id, in)
	})
}

// withOffer decodes an offer on the conversation in the path and answers
// what f makes of it, with status.
func withOffer(svc *quote.Service, w http.ResponseWriter, r *http.Request, status int, f func(*quote.Service, int64, quote.OfferInput) (any, error)) error {
	id, err := pathID(r, "id", "conversation")
	if err != nil {
		return err
	}
	var in quote.OfferInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, err := f(svc, id, in)
	if err != nil {
		return err
	}
	encode(w, status, out)
	return nil
}

func getQuote(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
	id, err := pathID(r, "id", "quote")
	if err != nil {
		return err
	}
	q, err := svc.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	encode(w, http.StatusOK, q)
	return nil
}

// answerQuote accepts or declines; the body may name the version the
// buyer saw ({"version":2}), which must still be the current one.
func answerQuote(accept bool) quoteHandler {
	return func(svc *quote.Service, w http.ResponseWriter, r *http.Request, p *identity.Principal) error {
		id, err := pathID(r, "id", "quote")
		if err != nil {
			return err
		}
		var in struct {
			Version int64 `json:"version"`
		}
		if r.ContentLength != 0 {
			if err := decode(w, r, &in); err != nil {
				return err
			}
		}
		f := svc.Decline
		if accept {
			f = svc.Accept
		}
		q, err := f(r.Context(), p, id, in.Version)
		if err != nil {
			return err
		}
		encode(w, http.StatusOK, q)
		return nil
	}
}

// LangCookie is the language the web app's pages are shown in (the
// switcher's choice, or the host's locale for the user at sign-in): a
// form read from a page is in the page's language.
const LangCookie = "parley_lang"

// requestLanguages lists the languages a request asks for, best first: the
// pages' language cookie, then Accept-Language.
func requestLanguages(r *http.Request) []string {
	var out []string
	if c, err := r.Cookie(LangCookie); err == nil && c.Value != "" {
		out = append(out, c.Value)
	}
	if tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language")); err == nil {
		for _, t := range tags {
			out = append(out, t.String())
		}
	}
	return out
}
