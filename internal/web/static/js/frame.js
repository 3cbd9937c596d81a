// The widget frame: signs in with the host's JWT (from the parent page by
// postMessage), keeps the Bearer token in memory, lists the user's
// conversations and shows one, compactly. Starting a conversation happens on
// the first message, with the context the host passed to Parley.open().
import { api, setToken, clientID } from './api.js';
import { start, onFrame, send } from './live.js';
import { Inbox } from './inbox.js';
import { Thread } from './thread.js';
import { Composer } from './composer.js';
import { QuoteAsk, quoteForm } from './quoteform.js';
import { t, page } from './i18n.js';

const status = document.getElementById('frame-status');
const listEl = document.getElementById('conv-list');
const convEl = document.getElementById('frame-conv');
const back = document.getElementById('frame-back');
const title = document.getElementById('frame-title');
const askEl = document.getElementById('quote-ask');
let parentOrigin = null;
let me = null;
let inbox = null;
let thread = null;
let draft = null; // {kind, product, seller, order, page_url} for a new conversation
// Whether the host page shows the panel: a hidden frame's document is still
// "visible", but what it holds is not read.
let panelOpen = false;

function tell(msg) { if (parentOrigin) window.parent.postMessage(msg, parentOrigin); }

document.getElementById('frame-close').addEventListener('click', () => tell({ type: 'parley:close' }));
back.addEventListener('click', showList);

async function countUnread() {
  try {
    const r = await api('GET', '/api/v1/conversations?unread=true&limit=200');
    tell({ type: 'parley:unread', count: r.items.length });
  } catch { /* offline */ }
}

// The availability of the seller the host page is about (its data-product,
// else data-seller), for Parley.onAvailability on the host page.
let about = null;

async function tellAvailability() {
  if (!about || !me || document.hidden) return;
  const path = about.product ? '/api/v1/products/' + encodeURIComponent(about.product) + '/availability'
    : '/api/v1/organizations/' + encodeURIComponent(about.seller) + '/availability';
  try {
    const a = await api('GET', path);
    tell({ type: 'parley:availability', status: a.status, online: a.online, away: a.away, chat_enabled: a.chat_enabled !== false });
  } catch { /* unknown product or seller, offline: the host keeps its line */ }
}

setInterval(tellAvailability, 20000);
document.addEventListener('visibilitychange', tellAvailability);

// showAsk swaps the thread for the quote form's steps, and back.
function showAsk(on) {
  askEl.hidden = !on;
  if (!on) askEl.replaceChildren();
  for (const id of ['messages', 'typing', 'composer']) document.getElementById(id).hidden = on;
}

function showList() {
  thread?.close();
  showAsk(false);
  thread = null;
  draft = null;
  convEl.hidden = true;
  listEl.hidden = false;
  back.hidden = true;
  title.textContent = document.title.split(' · ')[0];
}

function els() {
  return { list: document.getElementById('messages'), typing: document.getElementById('typing'), form: document.getElementById('composer'),
    body: document.getElementById('body'), file: document.getElementById('file'), uploads: document.getElementById('uploads') };
}

function resetComposer() {
  // A fresh form, so that the previous thread's listeners are gone.
  const old = document.getElementById('composer');
  const fresh = old.cloneNode(true);
  old.replaceWith(fresh);
}

async function openConversation(c) {
  thread?.close();
  resetComposer();
  showAsk(false);
  listEl.hidden = true;
  convEl.hidden = false;
  back.hidden = false;
  title.textContent = c.my_side === 'buyer' ? c.seller.name : c.buyer.name;
  thread = new Thread(c, els(), { me: me.id, bearer: true, onRead: countUnread, shown: () => panelOpen });
  await thread.load();
}

// openDraft shows an empty conversation with a seller; the first message
// starts it (POST /api/v1/conversations with the host's context).
async function openDraft(d) {
  const kind = d.kind || 'chat';
  const q = new URLSearchParams({ limit: '50', kind });
  const r = await api('GET', '/api/v1/conversations?' + q);
  // The conversation already open about the same thing: the order for a
  // ticket, else the product, else the seller.
  const same = (c) => (d.order ? c.context.order === d.order
    : d.product ? c.context.product === d.product : !!d.seller && c.seller.id === d.seller);
  const found = r.items.find((c) => c.status !== 'closed' && same(c));
  if (found) { await openConversation(found); return; }
  thread?.close();
  resetComposer();
  draft = d;
  listEl.hidden = true;
  convEl.hidden = false;
  back.hidden = false;
  title.textContent = t(kind === 'quote' ? 'new_quote' : kind === 'ticket' ? 'new_ticket' : 'new_chat');
  document.getElementById('messages').replaceChildren();
  // A quote about a product with a form: its steps, then the message.
  const steps = kind === 'quote' && d.product ? await quoteForm(d.product) : [];
  if (steps.length > 0 && draft === d) {
    showAsk(true);
    new QuoteAsk(askEl, steps, { product: d.product, page_url: d.page_url, onStarted: (c) => { draft = null; return openConversation(c); } });
    return;
  }
  showAsk(false);
  // The first message starts the conversation, with its files: the same
  // composer as in a conversation, so it sends what it shows.
  let sent = null; // {key, client_id}: a retry of the same message reuses its id
  new Composer(els(), async ({ body, attachments }) => {
    if (draft !== d) throw new Error('gone');
    const key = JSON.stringify([body, attachments]);
    if (!sent || sent.key !== key) sent = { key, client_id: clientID() };
    const input = { kind, message: { client_id: sent.client_id, body, attachments } };
    for (const k of ['product', 'seller', 'order', 'page_url']) if (d[k]) input[k] = d[k];
    try {
      const started = await api('POST', '/api/v1/conversations', input);
      status.hidden = true;
      draft = null;
      // The composer empties before the conversation takes the form over.
      setTimeout(() => openConversation(started.conversation));
    } catch (err) {
      status.textContent = err.message;
      status.hidden = false;
      throw err;
    }
  });
}

// hostLang is the host page's language (the widget's data-lang), which
// wins; without it the frame follows the signed-in user's language.
const hostLang = (new URLSearchParams(location.search).get('lang') || '').toLowerCase().split(/[-_]/)[0] === page.lang;

// carried is the session this frame opened before it reloaded in the
// user's language: a sign-in JWT signs in once only, so the host's token,
// sent again after the reload, would be refused. It comes in the URL's
// fragment (never sent to a server, out of the host page's reach) and is
// taken off the address at once.
let carried = new URLSearchParams(location.hash.slice(1)).get('session');
if (carried) history.replaceState(null, '', location.pathname + location.search);

// resume signs the frame in with the carried session, if it still holds.
async function resume() {
  const token = carried;
  carried = null;
  setToken(token);
  try {
    return { token, user: await api('GET', '/api/v1/me') };
  } catch {
    setToken(null);
    return null;
  }
}

async function signIn(jwt) {
  const resumed = carried ? await resume() : null;
  const r = resumed || await api('POST', '/api/v1/auth/sso', { jwt });
  if (!resumed && !hostLang && r.user.language && r.user.language !== page.lang) {
    // Once per load: the page comes back in the user's language, with the
    // session just opened, and the host's script asks it again for what
    // it wanted.
    const u = new URL(location.href);
    u.searchParams.set('lang', r.user.language);
    u.hash = new URLSearchParams({ session: r.token }).toString();
    location.replace(u.href);
    return new Promise(() => {});
  }
  setToken(r.token);
  me = r.user;
  status.hidden = true;
  inbox = new Inbox({ list: listEl }, { onOpen: openConversation });
  await start();
  await inbox.load();
  if (convEl.hidden) listEl.hidden = false;
  countUnread();
  tellAvailability();
  onFrame((f) => {
    if (f.type === 'message.created' && f.data.author.id !== me.id) send({ type: 'delivered', conversation: f.data.conversation, seq: f.data.seq });
    if (f.type === 'message.created' && f.data.author.side === 'seller') tellAvailability();
    if (f.type === 'message.created' || f.type === 'conversation.updated') countUnread();
  });
}

let signedIn = null;
window.addEventListener('message', async (ev) => {
  if (ev.source !== window.parent) return;
  const d = ev.data || {};
  if (!parentOrigin) parentOrigin = ev.origin;
  if (ev.origin !== parentOrigin) return;
  try {
    if (d.type === 'parley:auth' && d.jwt) {
      if (d.product || d.seller) about = { product: d.product || '', seller: d.seller || '' };
      signedIn = signIn(d.jwt);
      await signedIn;
    } else if (d.type === 'parley:panel') {
      panelOpen = !!d.open;
      if (panelOpen) thread?.markRead();
    } else if (d.type === 'parley:open') {
      await signedIn;
      await openDraft(d);
    }
  } catch (err) {
    status.hidden = false;
    status.textContent = t('signin_failed') + ' ' + err.message;
  }
});

window.parent.postMessage({ type: 'parley:ready' }, '*');
