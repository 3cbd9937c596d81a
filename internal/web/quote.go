package web

import (
	"net/http"
	"net/url"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/quote"
)

// quoteBody is the signed link's confirmation page.
type quoteBody struct {
	Token string
	View  quote.LinkView
	Error string
	Code  string
}

// quoteLink shows the offer of a signed link (GET /q/{token}) without
// changing anything: mail scanners open links. Signed out: sign in, then
// back here.
func (a *App) quoteLink(w http.ResponseWriter, r *http.Request) {
	a.quotePage(w, r, false)
}

// confirmQuote accepts the link's offer and goes on to the host's cart.
func (a *App) confirmQuote(w http.ResponseWriter, r *http.Request) {
	a.quotePage(w, r, true)
}

func (a *App) quotePage(w http.ResponseWriter, r *http.Request, confirm bool) {
	if a.cfg.Quotes == nil {
		a.notFound(w, r)
		return
	}
	token := r.PathValue("token")
	p := a.principal(r)
	if p == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape("/q/"+token), http.StatusSeeOther)
		return
	}
	pg := a.newPage(r, p, "", "")
	pg.Title = pg.T("quote.link.title")
	body := quoteBody{Token: token}
	var err error
	if confirm {
		var to string
		if to, err = a.cfg.Quotes.ConfirmLink(r.Context(), p, token); err == nil {
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
	} else {
		body.View, err = a.cfg.Quotes.OpenLink(r.Context(), p, token)
	}
	status := http.StatusOK
	switch code := parley.ErrorCode(err); code {
	case "":
	case parley.ENotFound:
		a.notFound(w, r)
		return
	case parley.EInvalidSignature:
		status, body.Code, body.Error = http.StatusBadRequest, code, pg.T("quote.link.invalid")
	case parley.EExpired:
		status, body.Code, body.Error = http.StatusGone, code, pg.T("quote.link.expired")
	case parley.EConflict:
		status, body.Code, body.Error = http.StatusConflict, code, parley.ErrorMessage(err)
	default:
		a.serverError(w, r, err)
		return
	}
	pg.Body = body
	a.render(w, r, status, "quote", pg)
}
