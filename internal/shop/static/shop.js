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
  // The host's own unread badge, from the widget.
  window.addEventListener("load", function () {
    var P = window.Parley, badge = document.querySelector("[data-parley-unread]");
    if (!badge || !P || typeof P.onUnread !== "function") return;
    P.onUnread(function (n) {
      badge.hidden = !n;
      badge.textContent = n ? n + " " + (badge.getAttribute("data-label") || "unread") : "";
    });
  });
})();
