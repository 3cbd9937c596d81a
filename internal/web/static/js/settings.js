// Settings: notification preferences and language (/api/v1/me/settings),
// Web Push on this device, and for company owners the chat switch and the
// members with their roles.
import { page, t, h } from './i18n.js';
import { api } from './api.js';
import { start } from './live.js';

// The live connection counts the seller as there (availability) while the
// settings page shows, as on every other page of the back office.
start().catch(() => {});

const status = document.getElementById('prefs-status');
const fields = { sound: document.getElementById('s-sound'), push: document.getElementById('s-push'), email: document.getElementById('s-email') };
const locale = document.getElementById('s-locale');

function b64ToBytes(s) {
  const pad = '='.repeat((4 - (s.length % 4)) % 4);
  const raw = atob((s + pad).replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

// subscribePush subscribes this browser with the server's VAPID key.
async function subscribePush() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) throw new Error(t('push_unsupported'));
  if (await Notification.requestPermission() !== 'granted') throw new Error(t('push_denied'));
  const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  const { public_key: key } = await api('GET', '/api/v1/push/vapid-key');
  let sub = await reg.pushManager.getSubscription();
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64ToBytes(key) });
  const j = sub.toJSON();
  const saved = await api('POST', '/api/v1/push/subscriptions', { endpoint: j.endpoint, keys: { p256dh: j.keys.p256dh, auth: j.keys.auth } });
  localStorage.setItem('parley.push.subscription', saved.id);
}

async function unsubscribePush() {
  const id = localStorage.getItem('parley.push.subscription');
  if (id) await api('DELETE', '/api/v1/push/subscriptions/' + encodeURIComponent(id)).catch(() => {});
  localStorage.removeItem('parley.push.subscription');
  const reg = await navigator.serviceWorker?.getRegistration('/');
  const sub = await reg?.pushManager.getSubscription();
  await sub?.unsubscribe();
}

async function save(patch) {
  try {
    const s = await api('PATCH', '/api/v1/me/settings', patch);
    status.textContent = t('saved');
    return s;
  } catch (e) {
    status.textContent = t('save_failed') + ' ' + e.message;
    throw e;
  }
}

async function loadPrefs() {
  let s = { sound: true, push: true, email: true, locale: '' };
  try { s = await api('GET', '/api/v1/me/settings'); } catch { /* defaults */ }
  for (const [k, el] of Object.entries(fields)) el.checked = !!s[k];
  locale.value = s.locale || '';
  for (const [k, el] of Object.entries(fields)) {
    el.addEventListener('change', async () => {
      try {
        if (k === 'push') {
          if (el.checked) await subscribePush(); else await unsubscribePush();
        }
        await save({ [k]: el.checked });
      } catch (e) {
        status.textContent = e.message;
        el.checked = !el.checked;
      }
    });
  }
  locale.addEventListener('change', async () => {
    await save({ locale: locale.value }).catch(() => {});
    // The page follows the new language (the cookie covers signed-out pages).
    const f = document.getElementById('langswitch');
    if (locale.value && f) {
      document.getElementById('lang-select').value = locale.value;
      f.dataset.saved = '1';
      f.submit();
    }
  });
}


async function loadCompany(section) {
  const id = section.dataset.org;
  const out = section.querySelector('.org-status');
  const chat = section.querySelector('.chat-enabled');
  const tbody = section.querySelector('tbody');
  const render = (org) => {
    chat.checked = org.chat_enabled;
    tbody.replaceChildren(...org.members.map((m) => {
      const sel = h('select', { 'aria-label': m.name },
        h('option', { value: 'owner' }, section.querySelector('select[name=role] option[value=owner]').textContent),
        h('option', { value: 'sales_manager' }, section.querySelector('select[name=role] option[value=sales_manager]').textContent));
      sel.value = m.role;
      sel.addEventListener('change', () => api('PUT', `/api/v1/organizations/${encodeURIComponent(id)}/members/${encodeURIComponent(m.id)}`, { role: sel.value }).then(render, (e) => { out.textContent = e.message; sel.value = m.role; }));
      const rm = h('button', { type: 'button', class: 'small danger', onclick: () => api('DELETE', `/api/v1/organizations/${encodeURIComponent(id)}/members/${encodeURIComponent(m.id)}`).then(() => api('GET', '/api/v1/organizations/' + encodeURIComponent(id)).then(render), (e) => { out.textContent = e.message; }) }, t('remove_member'), h('span', { class: 'visually-hidden' }, ' ' + m.name));
      return h('tr', {}, h('td', {}, m.name), h('td', {}, sel), h('td', {}, rm));
    }));
  };
  render(await api('GET', '/api/v1/organizations/' + encodeURIComponent(id)));
  chat.addEventListener('change', () => api('PATCH', '/api/v1/organizations/' + encodeURIComponent(id), { chat_enabled: chat.checked }).then((o) => { render(o); out.textContent = t('saved'); }, (e) => { out.textContent = e.message; }));
  section.querySelector('.add-member').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    api('PUT', `/api/v1/organizations/${encodeURIComponent(id)}/members/${encodeURIComponent(f.get('user'))}`, { role: f.get('role') })
      .then((o) => { render(o); e.target.reset(); out.textContent = t('saved'); }, (err) => { out.textContent = err.message; });
  });
}

loadPrefs();
for (const s of document.querySelectorAll('section.company')) loadCompany(s).catch((e) => console.error(e));
