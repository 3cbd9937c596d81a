// A small client of Parley's JSON API: the session cookie on pages, a
// Bearer token in the widget frame.
import { t } from './i18n.js';

let token = null;

export function setToken(t) { token = t; }
export function getToken() { return token; }

export class APIError extends Error {
  // retryAfter is the Retry-After of a 429 (rate_limited), whose message is
  // the wait in the page's language instead of the server's English.
  constructor(status, problem, retryAfter) {
    const wait = status === 429 ? Math.max(1, parseInt(retryAfter, 10) || 1) : 0;
    super(wait ? t('rate_limited', { Count: wait }) : problem?.detail || problem?.title || 'HTTP ' + status);
    this.retryAfter = wait;
    this.status = status;
    this.code = problem?.code || '';
    this.problem = problem;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  // The page's language (the server chose it: setting, cookie, browser),
  // so that words the API answers, such as a quote form's, match the page.
  if (document.documentElement.lang) headers['Accept-Language'] = document.documentElement.lang;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: token ? 'omit' : 'same-origin' });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (res.status === 401 && !token && location.pathname.startsWith('/app/')) {
    // The session ended (signed out elsewhere, expired): sign in again.
    location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
  }
  if (!res.ok) throw new APIError(res.status, data, res.headers.get('Retry-After'));
  return data;
}

// upload sends a file to POST /api/v1/attachments with progress (0..1).
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/attachments');
    if (token) xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 201 || xhr.status === 200) resolve(data);
      else reject(new APIError(xhr.status, data, xhr.getResponseHeader('Retry-After')));
    };
    xhr.onerror = () => reject(new APIError(0, null));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

const blobs = new Map();

// attachmentURL is where a file is fetched; the frame (no cookie) gets a
// blob URL, fetched once per file.
export function attachmentURL(id) {
  if (!token) return Promise.resolve('/api/v1/attachments/' + encodeURIComponent(id));
  if (!blobs.has(id)) {
    blobs.set(id, fetch('/api/v1/attachments/' + encodeURIComponent(id), { headers: { Authorization: 'Bearer ' + token } })
      .then((res) => res.blob()).then((b) => URL.createObjectURL(b)));
  }
  return blobs.get(id);
}

export function clientID() {
  return 'web-' + (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
}
