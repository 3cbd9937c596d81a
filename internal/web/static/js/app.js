// The inbox page (/app/ and /app/c/{id}): the list, the open conversation
// and its context panel, live updates and attention signals.
import { page, t } from './i18n.js';
import { api } from './api.js';
import { start, onFrame, onStatus, send } from './live.js';
import { Inbox } from './inbox.js';
import { Thread } from './thread.js';
import { Context } from './context.js';
import { statusLabel, ticketActions } from './tickets.js';
import { setUnread, incoming, loadSettings, unreadCount } from './attention.js';
import { partyHeader } from './party.js';
import { ordersMade } from './orderchat.js';

const me = page.user.id;
const convID = page.conversation || '';

const inbox = new Inbox({
  list: document.getElementById('conv-list'),
  empty: document.getElementById('list-empty'),
  more: document.getElementById('more'),
  filters: document.getElementById('filters'),
}, { current: convID, kind: page.kind });

let unreadTimer = null;
function refreshUnread() {
  clearTimeout(unreadTimer);
  unreadTimer = setTimeout(async () => { try { setUnread(await unreadCount()); } catch { /* offline */ } }, 200);
}

onFrame((f) => {
  if (f.type === 'message.created' && f.data.author.side !== 'system' && f.data.author.id !== me) {
    // The message reached this device: the sender sees ✓ delivered.
    send({ type: 'delivered', conversation: f.data.conversation, seq: f.data.seq });
    const open = f.data.conversation === convID && document.visibilityState === 'visible';
    if (!open || document.hidden) incoming(f.data);
  }
  if (f.type === 'message.created' || f.type === 'conversation.updated') refreshUnread();
});

onStatus((up) => {
  let banner = document.getElementById('offline-banner');
  if (up) { banner?.remove(); return; }
  if (!banner) document.body.append(Object.assign(document.createElement('p'), { id: 'offline-banner', className: 'offline-banner', role: 'status', textContent: t('offline_banner') }));
});

async function openConversation() {
  const conv = await api('GET', '/api/v1/conversations/' + convID);
  const status = document.getElementById('c-status');
  const assignee = document.getElementById('c-assignee');
  const sub = document.getElementById('conv-sub');
  const blockLink = document.getElementById('block-link');
  const showHead = (c) => {
    const parts = [t('kind_' + c.kind), statusLabel(c)];
    if (c.channel?.kind === 'connector') parts.push(c.channel.name);
    if (c.assignee) parts.push(t('assigned', { Name: c.assignee.name }));
    sub.textContent = parts.join(' · ');
    // The button says what it does: only the reader's own block is theirs
    // to lift (the other side's block leaves "Block").
    blockLink.textContent = c.send_blocked_reason === 'blocked_by_me' ? t('unblock') : t('block');
    status.value = c.status;
    assignee.value = c.assignee ? c.assignee.id : '';
  };
  const seller = conv.my_side === 'seller' || conv.my_side === 'operator';
  if (seller) {
    status.hidden = false;
    assignee.hidden = false;
    status.addEventListener('change', () => api('PATCH', '/api/v1/conversations/' + convID, { status: status.value }).then(showHead));
    assignee.addEventListener('change', () => api('PATCH', '/api/v1/conversations/' + convID, { assignee: assignee.value }).then(showHead));
    api('GET', '/api/v1/organizations/' + encodeURIComponent(conv.seller.id)).then((org) => {
      for (const m of org.members || []) assignee.append(new Option(m.name, m.id));
      assignee.value = conv.assignee ? conv.assignee.id : '';
    }).catch(() => {});
  }
  if (conv.my_side === 'operator') blockLink.hidden = true;
  document.getElementById('mark-unread').addEventListener('click', async () => {
    await api('PATCH', '/api/v1/conversations/' + convID, { unread: true });
    location.href = '/app/';
  });
  showHead(conv);
  partyHeader(conv);
  // A closed ticket cannot reopen: its status stays as it is.
  const tickets = ticketActions(conv, document.getElementById('conv-actions'), (c) => { showHead(c); tickets.update(c); });
  const onConversation = (c) => {
    showHead(c);
    tickets?.update(c);
    if (c.kind === 'ticket') status.disabled = c.status === 'closed';
  };
  onConversation(conv);
  const thread = new Thread(conv, {
    list: document.getElementById('messages'),
    typing: document.getElementById('typing'),
    form: document.getElementById('composer'),
    body: document.getElementById('body'),
    file: document.getElementById('file'),
    uploads: document.getElementById('uploads'),
  }, { me, onConversation, unblockURL: (c) => '/app/c/' + encodeURIComponent(c.id) + '/block', onRead: (c) => { inbox.markRead(c); refreshUnread(); } });
  await thread.load();
  const context = new Context(document.getElementById('context-body'), conv, { ordersMade: () => ordersMade(thread.msgs.values()) });
  context.load();
  // An order made from this chat joins the panel (after the thread has
  // the message that names it).
  onFrame((f) => {
    if (f.type === 'message.created' && f.data.conversation === convID && f.data.data?.event === 'order.created') setTimeout(() => context.load(), 0);
  });
}

async function main() {
  loadSettings();
  await start();
  await Promise.all([inbox.load(), inbox.loadMarketplaces().catch((e) => console.error(e)),
    inbox.loadAssignees(page.organizations || [], me).catch((e) => console.error(e))]);
  refreshUnread();
  if (convID) await openConversation();
}

main().catch((e) => console.error(e));

// On a phone the context panel is a bar under the composer; it opens over
// the thread and closes again.
document.getElementById('context-toggle')?.addEventListener('click', (e) => {
  const open = e.currentTarget.getAttribute('aria-expanded') !== 'true';
  e.currentTarget.setAttribute('aria-expanded', String(open));
  document.getElementById('context').classList.toggle('open', open);
});
