// Quote cards in the thread: a message of kind "quote" names a quote, its
// version and state; the buyer accepts or declines an offered version.
// A card shows its version's state as the thread knows it now: a later
// message about the same quote supersedes, accepts or declines it, and an
// offer past its validity reads expired (the server's lazy expiry).
import { api } from './api.js';
import { h, t, intlTag } from './i18n.js';

// cardState is the state of message m's version given the thread's
// messages (a Map seq → message).
export function cardState(m, msgs) {
  const d = m.data || {};
  let state = d.state || 'offered';
  for (const o of msgs ? msgs.values() : []) {
    if (o.kind !== 'quote' || o.seq <= m.seq || !o.data || o.data.quote !== d.quote) continue;
    if (o.data.version > d.version) return 'superseded';
    if (o.data.version === d.version && o.data.state && o.data.state !== 'offered') state = o.data.state;
  }
  if (state === 'offered' && d.valid_until && Date.parse(d.valid_until) <= Date.now()) state = 'expired';
  return state;
}

export function quoteCard(m, conv, onError, msgs) {
  const d = m.data || {};
  const state = cardState(m, msgs);
  const total = d.total ? `${d.total.amount} ${d.total.currency}` : '';
  const card = h('div', { class: 'proposal quote-card', 'data-quote': d.quote, 'data-version': d.version, 'data-state': state },
    h('strong', {}, t('quote.title', { Version: d.version })),
    h('p', { class: 'quote-state' }, t('quote.state_' + state)),
    total ? h('p', { class: 'quote-total' }, `${t('quote.total')}: ${total}`) : null,
    d.valid_until && state === 'offered' ? h('p', { class: 'muted quote-valid' }, t('quote.valid_until', { Date: new Date(d.valid_until).toLocaleDateString(intlTag()) })) : null);
  const setState = (s) => {
    card.dataset.state = s;
    card.querySelector('.quote-state').textContent = t('quote.state_' + s);
    card.querySelector('.quote-actions')?.remove();
    card.querySelector('.quote-valid')?.remove();
  };
  if (state === 'offered') {
    // The offer lapses while on screen: the card says so at that moment.
    const left = Date.parse(d.valid_until) - Date.now();
    if (left > 0 && left < 2 ** 31 - 1) setTimeout(() => { if (card.isConnected && card.dataset.state === 'offered') setState('expired'); }, left);
  }
  if (state === 'offered' && conv && conv.my_side === 'buyer') {
    const answer = async (verb) => {
      try {
        const q = await api('POST', `/api/v1/quotes/${d.quote}/${verb}`, { version: d.version });
        setState(q.state);
      } catch (e) {
        if (onError) onError(e);
      }
    };
    card.append(h('p', { class: 'row quote-actions' },
      h('button', { type: 'button', class: 'primary small', onclick: () => answer('accept') }, t('quote.accept')),
      h('button', { type: 'button', class: 'small', onclick: () => answer('decline') }, t('quote.decline'))));
  }
  return card;
}
