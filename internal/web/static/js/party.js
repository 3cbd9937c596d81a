// The other party in the conversation's header: their name, which opens
// their profile card (GET /api/v1/conversations/{id}/party). A buyer sees
// the seller company (products, how fast it answers); the seller side sees
// the buyer's record with the company. Internal ids are never shown.
import { api } from './api.js';
import { page, t, h } from './i18n.js';
import { otherName } from './cannotsend.js';

// durationLabel says a response time in its largest sensible unit, with
// the language's plural form ("2 hours", "2 часа").
export function durationLabel(seconds) {
  if (seconds < 60) return null;
  const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) {
    if (seconds >= size) return t('period_' + unit, { Count: Math.round(seconds / size) });
  }
  return null;
}

function orderWord(w) {
  const s = t('order_' + w);
  return s === 'order_' + w ? w : s;
}

// partyHeader names the other party in the header of the conversation c
// and opens their card on a click.
export function partyHeader(c) {
  const title = document.getElementById('conv-title');
  if (!title) return;
  const name = otherName(c);
  const dialog = h('dialog', { id: 'party-dialog', class: 'party-dialog', 'aria-labelledby': 'party-h' });
  const button = h('button', { type: 'button', id: 'party-button', class: 'party-link', 'aria-haspopup': 'dialog', title: t('party_open', { Name: name }) }, name);
  button.addEventListener('click', () => openCard(c, dialog, button));
  title.replaceChildren(button);
  // The subject, when it says more than a name (a ticket's, a quote's).
  if (c.subject && c.subject !== c.seller.name && c.subject !== c.buyer.name) {
    title.after(h('p', { class: 'conv-subject muted', id: 'conv-subject' }, c.subject));
  }
  document.body.append(dialog);
}

async function openCard(c, dialog, button) {
  const close = h('button', { type: 'button', class: 'small', id: 'party-close' }, t('close'));
  close.addEventListener('click', () => dialog.close());
  dialog.replaceChildren(h('h2', { id: 'party-h' }, otherName(c)), h('p', { class: 'muted' }, '…'), close);
  dialog.addEventListener('close', () => button.focus(), { once: true });
  dialog.showModal();
  let p;
  try {
    p = await api('GET', `/api/v1/conversations/${encodeURIComponent(c.id)}/party`);
  } catch {
    dialog.replaceChildren(h('h2', { id: 'party-h' }, otherName(c)), h('p', { class: 'error' }, t('save_failed')), close);
    return;
  }
  const body = [];
  if (p.kind === 'seller') {
    body.push(h('p', { id: 'party-products' }, t('party_products', { Count: p.products || 0 })));
    const rt = p.response_time_seconds;
    body.push(h('p', { id: 'party-response' }, rt == null ? t('party_no_response') : durationLabel(rt) ? t('party_response', { Time: durationLabel(rt) }) : t('party_response_fast')));
    body.push(h('p', {}, h('a', { href: '/app/sellers/' + encodeURIComponent(p.id) }, t('party_seller_page'))));
  } else {
    body.push(h('p', { id: 'party-since' }, t('buyer_since', { Date: new Date(p.member_since).toLocaleDateString(page.lang) })));
    body.push(h('p', { id: 'party-orders' }, t('buyer_orders', { Count: p.orders || 0 })));
    body.push(h('p', { id: 'party-conversations' }, t('buyer_conversations', { Count: p.conversations || 0 })));
    if (p.email) body.push(h('p', { id: 'party-email' }, t('party_email') + ': ', h('a', { href: 'mailto:' + p.email }, p.email)));
    if (p.latest_orders?.length) {
      body.push(h('ul', { class: 'latest-orders', 'aria-label': t('order') },
        p.latest_orders.map((o) => h('li', {}, `${o.id} · ${orderWord(o.status)} · ${new Date(o.placed_at).toLocaleDateString(page.lang)}`))));
    }
  }
  dialog.replaceChildren(h('h2', { id: 'party-h' }, p.name), ...body, close);
  dialog.dataset.kind = p.kind;
}
