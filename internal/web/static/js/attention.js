// Attention: the unread dot on the chat icon, a dot on the favicon, the
// unread count in the title, a sound on new messages (a setting) and a
// browser notification when the tab is hidden.
import { api } from './api.js';
import { t } from './i18n.js';

let settings = { sound: true, push: true, email: true, locale: '' };
let loaded = null;

export function loadSettings() {
  loaded ??= api('GET', '/api/v1/me/settings').then((s) => { settings = { ...settings, ...s }; return settings; }, () => settings);
  return loaded;
}

export function currentSettings() { return settings; }

const baseTitle = document.title;
let iconImg = null;

function favicon(dot) {
  const link = document.querySelector('link[rel="icon"]');
  if (!link) return;
  if (!dot) { link.href = '/static/icon.svg'; link.type = 'image/svg+xml'; return; }
  const draw = () => {
    const c = document.createElement('canvas');
    c.width = c.height = 64;
    const g = c.getContext('2d');
    g.drawImage(iconImg, 0, 0, 64, 64);
    g.fillStyle = '#e0262d';
    g.strokeStyle = '#fff';
    g.lineWidth = 4;
    g.beginPath();
    g.arc(48, 16, 14, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
    link.type = 'image/png';
    link.href = c.toDataURL('image/png');
  };
  if (iconImg && iconImg.complete) { draw(); return; }
  iconImg = new Image();
  iconImg.onload = draw;
  iconImg.src = '/static/icon.svg';
}

// setUnread shows how many conversations are unread.
export function setUnread(n) {
  const dot = document.getElementById('unread-dot');
  if (dot) dot.hidden = n === 0;
  const nav = document.getElementById('nav-inbox');
  if (nav) nav.dataset.unread = String(n);
  document.title = n > 0 ? `(${n}) ${baseTitle}` : baseTitle;
  favicon(n > 0);
}

let audio = null;
function beep() {
  try {
    audio ??= new AudioContext();
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = 880;
    g.gain.setValueAtTime(0.0001, audio.currentTime);
    g.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.4);
  } catch { /* no audio */ }
}

// incoming reacts to a message from the other side.
export function incoming(m) {
  if (settings.sound) beep();
  if (document.visibilityState === 'hidden' && 'Notification' in window && Notification.permission === 'granted') {
    const n = new Notification(m.author.name, { body: (m.body || t('attachment')).slice(0, 200), tag: 'conversation-' + m.conversation, icon: '/static/icon-192.png' });
    n.onclick = () => { window.focus(); location.href = '/app/c/' + m.conversation; };
  }
}

// unreadCount asks the API how many conversations are unread.
export async function unreadCount() {
  const r = await api('GET', '/api/v1/conversations?unread=true&limit=200');
  return r.items.length;
}
