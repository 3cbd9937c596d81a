package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/locale"
)

// serviceWorker serves /sw.js from the site's root so that its scope is
// the whole site.
func (a *App) serviceWorker(w http.ResponseWriter, r *http.Request) {
	data, err := assets.ReadFile("static/sw.js")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Service-Worker-Allowed", "/")
	w.Write(data)
}

// manifest is the web app manifest, in the visitor's language.
func (a *App) manifest(w http.ResponseWriter, r *http.Request) {
	l := a.cat.localizer(a.cat.negotiate(r, ""))
	m := map[string]any{
		"name": "Parley", "short_name": "Parley", "description": l.T("app.description"), "lang": l.lang,
		"start_url": "/app/", "scope": "/", "display": "standalone", "background_color": "#ffffff", "theme_color": "#1d4f91",
		"icons": []map[string]string{
			{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
			{"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
			{"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
		},
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "no-cache")
	json.NewEncoder(w).Encode(m)
}

// widgetScript is the host pages' loader: it reads its own script tag's
// data attributes and opens /widget/frame in a panel.
func (a *App) widgetScript(w http.ResponseWriter, r *http.Request) {
	data, err := assets.ReadFile("static/widget.js")
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(data)
}

// widgetFrame is the page inside the widget's iframe: a compact inbox and
// conversation that signs in with the host's JWT (sent by postMessage) and
// keeps the Bearer token in memory, so that no third-party cookie is needed.
func (a *App) widgetFrame(w http.ResponseWriter, r *http.Request) {
	pg := a.newPage(r, nil, "widget", "frame.js")
	// The host page's language (the widget's data-lang, any BCP 47 tag
	// such as "sr-Latn" or "it-IT") wins over the visitor's browser.
	if lang, ok := locale.Match(r.URL.Query().Get("lang")); ok {
		pg.localizer = a.cat.localizer(lang)
		pg.Data["lang"], pg.Data["intl"], pg.Data["strings"] = lang, pg.localizer.IntlTag(), pg.localizer.scriptStrings()
	}
	pg.Title = pg.T("widget.title")
	pg.BodyClass = "widget"
	a.render(w, r, http.StatusOK, "frame", pg)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) || strings.Contains(strings.ToLower(v), "<"+strings.ToLower(s)+">") {
			return true
		}
	}
	return false
}
