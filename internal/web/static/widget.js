// Parley's widget loader for host pages:
//   <script src="https://parley.example/widget.js" data-jwt="<host JWT>" data-lang="it"
//           data-product="<product id>" data-seller="<company id>" async></script>
// data-lang is the host page's language (any BCP 47 tag: "it", "sr-Latn");
// without it the widget speaks the user's own language (their Parley
// setting, else the host's locale for them), else the browser's.
// It adds a chat button and a panel holding an iframe of /widget/frame. The
// frame signs in with the JWT (sent by postMessage) and keeps its Bearer
// token itself, so no third-party cookie is needed. The host calls
//   Parley.open({kind, product, seller, order, page_url}), Parley.onUnread(fn)
//   (fn(count) on every change) and Parley.onAvailability(fn) (fn({status, chat_enabled,
//   online, away}) for data-product's seller, or data-seller: on sign-in,
//   every 20 s while the page shows, and when the seller writes);
// calls made before the script loaded are queued in window.Parley.q.
(function () {
  var script = document.currentScript || document.querySelector('script[src*="/widget.js"]');
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  var ds = script.dataset;
  var queued = (window.Parley && window.Parley.q) || [];
  var unreadFns = [], availabilityFns = [], availability = null;
  var ICON = '<svg aria-hidden="true" viewBox="0 0 24 24" width="26" height="26"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var frame = null, panel = null, button = null, badge = null, ready = false, pending = [], lastOpen = null;
  // The button's and the frame's accessible name, in the page's language.
  var LABEL = { ru: 'Чат', el: 'Συνομιλία', sr: 'Čet' }[(ds.lang || '').toLowerCase().split(/[-_]/)[0]] || 'Chat';

  function post(msg) {
    if (ready && frame) frame.contentWindow.postMessage(msg, origin);
    else pending.push(msg);
  }

  function build() {
    if (panel) return;
    button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('aria-label', LABEL);
    button.innerHTML = ICON;
    // The unread badge is one element, changed in place: replacing the
    // button's content under the pointer can swallow a click.
    badge = document.createElement('span');
    badge.style.cssText = 'position:absolute;top:2px;right:2px;min-width:18px;height:18px;border-radius:9px;background:#c0262d;color:#fff;font:12px/18px sans-serif;display:none';
    button.appendChild(badge);
    button.style.cssText = 'position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;position:fixed;background:#1d4f91;color:#fff;box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer;display:flex;align-items:center;justify-content:center;z-index:2147483000';
    button.addEventListener('click', function () { toggle(); });
    panel = document.createElement('div');
    panel.style.cssText = 'position:fixed;right:20px;bottom:88px;width:min(380px,calc(100vw - 40px));height:min(560px,calc(100vh - 120px));box-shadow:0 4px 24px rgba(0,0,0,.3);border-radius:10px;overflow:hidden;z-index:2147483000;display:none;background:#fff';
    frame = document.createElement('iframe');
    frame.title = LABEL;
    frame.src = origin + '/widget/frame' + (ds.lang ? '?lang=' + encodeURIComponent(ds.lang) : '');
    frame.style.cssText = 'border:0;width:100%;height:100%';
    frame.setAttribute('allow', 'clipboard-write');
    panel.appendChild(frame);
    document.body.appendChild(panel);
    document.body.appendChild(button);
  }

  function toggle(show) {
    build();
    var open = show === undefined ? panel.style.display === 'none' : show;
    if (open === (panel.style.display !== 'none')) return;
    panel.style.display = open ? 'block' : 'none';
    // The frame marks messages read only while the panel shows.
    post({ type: 'parley:panel', open: open });
  }

  window.addEventListener('message', function (ev) {
    if (ev.origin !== origin || !frame || ev.source !== frame.contentWindow) return;
    var d = ev.data || {};
    if (d.type === 'parley:ready') {
      // A second "ready" is the frame reloaded in the user's language
      // (no data-lang given): it signs in again and reopens what was open.
      var again = ready;
      ready = true;
      frame.contentWindow.postMessage({ type: 'parley:auth', jwt: ds.jwt || '', product: ds.product || '', seller: ds.seller || '' }, origin);
      if (again && lastOpen) frame.contentWindow.postMessage(lastOpen, origin);
      if (again && panel.style.display !== 'none') frame.contentWindow.postMessage({ type: 'parley:panel', open: true }, origin);
      pending.splice(0).forEach(function (m) { frame.contentWindow.postMessage(m, origin); });
    } else if (d.type === 'parley:unread') {
      var n = Number(d.count) || 0;
      button.dataset.unread = String(n);
      badge.textContent = n > 0 ? String(n) : '';
      badge.style.display = n > 0 ? 'block' : 'none';
      button.setAttribute('aria-label', n > 0 ? LABEL + ' (' + n + ')' : LABEL);
      unreadFns.forEach(function (fn) { try { fn(d.count); } catch (e) { /* host's bug */ } });
    } else if (d.type === 'parley:availability') {
      availability = { status: String(d.status), online: Number(d.online) || 0, away: Number(d.away) || 0, chat_enabled: d.chat_enabled !== false };
      availabilityFns.forEach(function (fn) { try { fn(availability); } catch (e) { /* host's bug */ } });
    } else if (d.type === 'parley:close') {
      toggle(false);
    }
  });

  var api = {
    open: function (opts) {
      opts = opts || {};
      toggle(true);
      lastOpen = { type: 'parley:open', kind: opts.kind || 'chat', product: opts.product || ds.product || '', seller: opts.seller || ds.seller || '',
        order: opts.order || '', page_url: opts.page_url || location.href };
      post(lastOpen);
    },
    close: function () { toggle(false); },
    onUnread: function (fn) { unreadFns.push(fn); },
    onAvailability: function (fn) {
      availabilityFns.push(fn);
      if (availability) { try { fn(availability); } catch (e) { /* host's bug */ } }
    },
    setJWT: function (jwt) { ds.jwt = jwt; post({ type: 'parley:auth', jwt: jwt }); },
  };
  window.Parley = api;
  function start() {
    build();
    queued.forEach(function (c) {
      if (typeof c === 'function') { c(api); return; }
      var name = c[0], args = Array.prototype.slice.call(c, 1);
      if (api[name]) api[name].apply(null, args);
    });
  }
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
