// The shop's only script: buttons with data-parley open Parley's widget
// (window.Parley.open, see the widget contract). Without the widget (not
// loaded, blocked, signed out) they stay the plain links they are.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-parley]") : null;
    if (!el) return;
    var P = window.Parley;
    if (!P || typeof P.open !== "function") return;
    var opts;
    try { opts = JSON.parse(el.getAttribute("data-parley")); } catch (e) { return; }
    opts.page_url = location.href;
    ev.preventDefault();
    P.open(opts);
  });
  // "Open my inbox" posts a sign-in JWT to Parley, which takes each JWT
  // once and for ten minutes: a fresh one is fetched at the click, so that
  // a page open for long, or a second click, still signs in. Without it
  // (no script, the fetch failing) the form posts the page's own JWT.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches('form[action="/auth/sso"]')) return;
    ev.preventDefault();
    var done = function () { form.submit(); }; // submit() fires no submit event
    fetch("/shop/inbox-jwt", { method: "POST", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && d.jwt) form.elements.jwt.value = d.jwt; })
      .catch(function () { /* the page's JWT */ })
      .then(done);
  });
  // The seller's availability line follows what the widget reports, so a
  // buyer who stays on the page sees the seller come online.
  window.addEventListener("load", function () {
    var P = window.Parley, line = document.querySelector("[data-availability]");
    if (!line || !P || typeof P.onAvailability !== "function") return;
    P.onAvailability(function (a) {
      // A seller that switched chat off gets no chat button (the widget
      // reports the switch with the availability).
      if (a && typeof a.chat_enabled === "boolean") {
        document.querySelectorAll("[data-parley]").forEach(function (b) {
          try { if (JSON.parse(b.getAttribute("data-parley")).kind === "chat") b.hidden = !a.chat_enabled; } catch (e) { /* not ours */ }
        });
      }
      var status = a && a.status, label = status && line.getAttribute("data-label-" + status);
      if (!label || !/^(online|away|offline)$/.test(status)) return;
      line.className = "availability " + status;
      line.setAttribute("data-availability", status);
      line.querySelector(".text").textContent = label;
    });
  });
  // The host's own unread badge, from the widget.
  window.addEventListener("load", function () {
    var P = window.Parley, badge = document.querySelector("[data-parley-unread]");
    if (!badge || !P || typeof P.onUnread !== "function") return;
    P.onUnread(function (n) {
      badge.hidden = !n;
      // The word takes the count's CLDR plural form ("1 non letto", "2 non
      // letti"). (The attributes are data-plural-*: html/template reads an
      // attribute whose name after "data-" starts with "on" as script.)
      var form = n ? new Intl.PluralRules(document.documentElement.lang || "en").select(n) : "other";
      badge.textContent = n ? n + " " + (badge.getAttribute("data-plural-" + form) || badge.getAttribute("data-label") || "unread") : "";
    });
  });
})();
