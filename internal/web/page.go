package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/identity"
)

// page is what every template gets.
type page struct {
	*localizer
	Title     string
	Nav       string // the active navigation entry
	User      *identity.Principal
	Path      string // the current path, for the language switcher
	Languages []Language
	Demo      bool
	Script    string // the page's module under /static/js/
	Data      map[string]any
	Body      any // the page's own data
	BodyClass string
}

// Owner reports whether the user owns a seller company.
func (p *page) Owner() bool {
	if p.User == nil {
		return false
	}
	for _, m := range p.User.Memberships {
		if m.Role == "owner" && m.Organization.Kind == "seller" {
			return true
		}
	}
	return false
}

// Mailbox reports whether the dev mailbox link is shown.
func (p *page) Mailbox() bool { return p.Demo && p.User != nil }

func (a *App) newPage(r *http.Request, p *identity.Principal, nav, script string) *page {
	setting, host := "", ""
	if p != nil {
		setting, host = a.cfg.Locale(r.Context(), p), p.User.Locale
	}
	lang := a.cat.negotiate(r, setting, host)
	l := a.cat.localizer(lang)
	pg := &page{localizer: l, Nav: nav, User: p, Path: r.URL.RequestURI(), Languages: Languages, Demo: a.cfg.Demo, Script: script,
		Data: map[string]any{"lang": lang, "intl": l.IntlTag(), "strings": l.scriptStrings()}}
	if p != nil {
		pg.Data["user"] = map[string]any{"id": p.User.ExternalID, "name": p.User.Name, "operator": p.User.IsOperator}
	}
	return pg
}

// render executes a page template into a buffer first, so that an error
// does not leave half a page.
func (a *App) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	t := a.pages[name]
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base.html", pg); err != nil {
		a.cfg.Log.Error("render page", "page", name, "err", err)
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", pg.lang)
	w.Header().Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	pg := a.newPage(r, a.principal(r), "", "")
	pg.Title = pg.T("notfound.title")
	a.render(w, r, http.StatusNotFound, "notfound", pg)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
