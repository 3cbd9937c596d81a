// Live updates: the WebSocket /api/v1/ws, and /api/v1/sync whenever the
// socket (re)connects or the server asks for a resync. Listeners get the
// server's frames; sync results are replayed as the same frames, so a
// listener de-duplicates messages by (conversation, seq).
import { api, getToken } from './api.js';

const listeners = new Set();
let ws = null;
let cursor = '';
let backoff = 1000;
let pingTimer = null;
let statusHook = () => {};

export function onFrame(fn) { listeners.add(fn); return () => listeners.delete(fn); }
export function onStatus(fn) { statusHook = fn; }

function emit(frame) { for (const fn of listeners) { try { fn(frame); } catch (e) { console.error(e); } } }

export function send(frame) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

async function syncFrom() {
  if (!cursor) {
    cursor = (await api('GET', '/api/v1/sync')).cursor;
    return;
  }
  for (let i = 0; i < 50; i++) {
    const r = await api('GET', '/api/v1/sync?cursor=' + encodeURIComponent(cursor) + '&limit=100');
    for (const ch of r.changes) {
      for (const m of ch.messages) emit({ type: 'message.created', data: m });
      emit({ type: 'conversation.updated', data: ch.conversation });
    }
    cursor = r.cursor;
    if (!r.has_more) break;
  }
}

async function connect() {
  try {
    await syncFrom();
  } catch (e) {
    statusHook(false);
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 30000);
    return;
  }
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let url = proto + '//' + location.host + '/api/v1/ws?cursor=' + encodeURIComponent(cursor);
  if (getToken()) url += '&access_token=' + encodeURIComponent(getToken());
  ws = new WebSocket(url);
  ws.onopen = () => {
    backoff = 1000;
    statusHook(true);
    clearInterval(pingTimer);
    pingTimer = setInterval(() => send({ type: 'ping' }), 30000);
    emit({ type: 'open' });
  };
  ws.onmessage = (ev) => {
    let f;
    try { f = JSON.parse(ev.data); } catch { return; }
    if (f.type === 'resync') { ws.close(); return; }
    emit(f);
  };
  ws.onclose = () => {
    clearInterval(pingTimer);
    ws = null;
    statusHook(false);
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 30000);
  };
}

// start opens the live connection once: the cursor is taken first, so that
// lists loaded after it miss nothing.
export async function start() {
  if (cursor) return;
  await syncFrom();
  connect();
}
