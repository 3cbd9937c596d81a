// Orders made from a chat: the order the host made from a proposal (an
// order.created system message names it), on the proposal's card and in
// the context panel.
import { t, h } from './i18n.js';

// ordersMade are the orders the thread's messages say were made from it,
// oldest first: [{order, proposal}].
export function ordersMade(msgs) {
  const out = [];
  for (const m of [...msgs].sort((a, b) => a.seq - b.seq)) {
    if (m.author?.side === 'system' && m.data?.event === 'order.created' && m.data.order) out.push({ order: m.data.order, proposal: m.data.proposal || '' });
  }
  return out;
}

// orderAnchor is the id of an order's section in the context panel.
export function orderAnchor(id) { return 'order-' + String(id).replace(/[^A-Za-z0-9_-]/g, '_'); }

// proposalCard is an order proposal's card: its lines in the product's
// unit, the total and, once the host made it, the order it became.
export function proposalCard(m, msgs) {
  const d = m.data;
  const made = ordersMade(msgs).find((o) => o.proposal === m.id);
  return h('div', { class: 'proposal', 'data-proposal': m.id },
    h('strong', {}, t('proposal')),
    h('ul', {}, (d.items || []).map((i) => h('li', {}, `${i.quantity}${i.unit ? ' ' + i.unit : ''} × ${i.title} @ ${i.price} ${d.currency || ''}`))),
    d.total ? h('p', {}, `${t('total')}: ${d.total} ${d.currency || ''}`) : null,
    made ? h('p', { class: 'proposal-order' }, h('a', { href: '#' + orderAnchor(made.order), 'data-order': made.order }, t('order_made', { Order: made.order })))
      : h('p', { class: 'muted proposal-order' }, t('order_waiting')));
}
