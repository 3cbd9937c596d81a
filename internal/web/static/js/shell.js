// Every page: the language switcher (signed-in users also save it in their
// settings), the service worker, and the unread dot outside the inbox.
import { page } from './i18n.js';
import { api } from './api.js';

const form = document.getElementById('langswitch');
const select = document.getElementById('lang-select');
if (form && select) {
  // With scripts, choosing a language switches at once.
  select.addEventListener('change', () => form.requestSubmit());
  form.addEventListener('submit', async (e) => {
    if (!page.user || form.dataset.saved) return;
    e.preventDefault();
    try { await api('PATCH', '/api/v1/me/settings', { locale: select.value }); } catch { /* the cookie still switches */ }
    form.dataset.saved = '1';
    form.submit();
  });
}

// A signed-in user's settings locale wins over the browser's: when the page
// came in another language, remember the setting in the cookie and reload.
if (page.user) {
  api('GET', '/api/v1/me/settings').then(async (s) => {
    if (!s || !s.locale || s.locale === page.lang || sessionStorage.getItem('parley.lang.synced') === s.locale) return;
    sessionStorage.setItem('parley.lang.synced', s.locale);
    await fetch('/lang', { method: 'POST', body: new URLSearchParams({ lang: s.locale, next: '/' }), redirect: 'manual', credentials: 'same-origin' });
    location.reload();
  }).catch(() => {});
}

if ('serviceWorker' in navigator && page.user) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
}

// Tests (and curious people) can tell when the page's scripts are wired.
document.documentElement.dataset.shell = 'ready';
