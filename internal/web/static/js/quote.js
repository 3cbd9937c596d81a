// Quote cards in the thread: a message of kind "quote" names a quote, its
// version and state; the buyer accepts or declines an offered version.
import { api } from './api.js';
import { h, t } from './i18n.js';

export function quoteCard(m, conv, onError) {
  const d = m.data || {};
  const state = d.state || 'offered';
  const total = d.total ? `${d.total.amount} ${d.total.currency}` : '';
  const card = h('div', { class: 'proposal quote-card', 'data-quote': d.quote, 'data-version': d.version, 'data-state': state },
    h('strong', {}, t('quote.title', { Version: d.version })),
    h('p', { class: 'quote-state' }, t('quote.state_' + state)),
    total ? h('p', { class: 'quote-total' }, `${t('quote.total')}: ${total}`) : null,
    d.valid_until && state === 'offered' ? h('p', { class: 'muted' }, t('quote.valid_until', { Date: new Date(d.valid_until).toLocaleDateString() })) : null);
  if (state === 'offered' && conv && conv.my_side === 'buyer') {
    const answer = async (verb) => {
      try {
        const q = await api('POST', `/api/v1/quotes/${d.quote}/${verb}`, { version: d.version });
        card.dataset.state = q.state;
        card.querySelector('.quote-state').textContent = t('quote.state_' + q.state);
        card.querySelector('.quote-actions')?.remove();
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
