// The context panel beside a conversation: the product card, (buyer side,
// a chat about a product with a quote form) "Ask for a quote", the order
// with its items and events timeline, the other party, and (seller side)
// the form that proposes an order from the chat.
import { api, clientID } from './api.js';
import { page, t, h, intlTag, perUnit, subjectText } from './i18n.js';
import { quotePanel } from './quotepanel.js';
import { QuoteAsk, quoteForm } from './quoteform.js';
import { orderAnchor } from './orderchat.js';

// orderWord translates the usual order statuses and events; others show as
// the host sent them.
function orderWord(w) {
  const s = t('order_' + w);
  return s === 'order_' + w ? w : s;
}

export class Context {
  // opts.ordersMade lists the orders the thread says were made from the
  // chat ([{order, proposal}]).
  constructor(root, conv, opts = {}) { this.root = root; this.conv = conv; this.opts = opts; }

  async load() {
    const c = this.conv;
    const parts = [];
    let product = null;
    if (c.context.product) {
      try { product = await api('GET', '/api/v1/products/' + encodeURIComponent(c.context.product)); parts.push(this.product(product)); } catch { /* gone */ }
    }
    if (product && c.kind === 'chat' && c.my_side === 'buyer' && !c.blocked) parts.push(this.askQuote(product));
    if (c.context.order) {
      try { parts.push(this.order(await api('GET', '/api/v1/orders/' + encodeURIComponent(c.context.order)))); } catch { /* not visible */ }
    }
    // The orders made from this chat's proposals, named and linked.
    for (const made of this.opts.ordersMade?.() || []) {
      if (made.order === c.context.order) continue;
      try { parts.push(this.order(await api('GET', '/api/v1/orders/' + encodeURIComponent(made.order)))); } catch { /* not visible */ }
    }
    if (c.kind === 'quote') parts.push(quotePanel(c));
    if (c.context.page_url) parts.push(h('section', {}, h('h3', {}, t('page')), h('a', { href: c.context.page_url, rel: 'noopener', target: '_blank', class: 'page-url', title: c.context.page_url }, c.context.page_url)));
    if (parts.length === 0) parts.push(h('p', { class: 'muted' }, t('no_context')));
    parts.push(this.party());
    // Offered only where the seller can write (not on a closed ticket, not
    // through a block).
    if (c.my_side === 'seller' && c.can_send !== false && !c.blocked) parts.push(this.proposalForm(product));
    this.root.replaceChildren(...parts);
  }

  product(p) {
    return h('section', { 'aria-label': t('product') },
      h('h3', {}, t('product')),
      h('p', {}, p.url ? h('a', { href: p.url, target: '_blank', rel: 'noopener' }, p.title) : p.title),
      h('dl', {},
        h('dt', {}, t('code')), h('dd', {}, p.code || '—'),
        h('dt', {}, t('price')), h('dd', {}, `${p.price.amount} ${p.price.currency}${p.price.unit ? ' ' + perUnit(p.price.unit) : ''}`),
        p.category?.length ? [h('dt', {}, t('category')), h('dd', {}, (p.category_text || p.category).join(' › '))] : null));
  }

  // askQuote is "Ask for a quote" on the chat's product: hidden unless the
  // product has a quote form; its steps (the widget's, quoteform.js) open
  // in the panel and the started quote conversation opens in its place.
  // An open quote request about the product is linked instead of a second.
  askQuote(p) {
    const c = this.conv;
    const sec = h('section', { class: 'quote-ask-panel', 'aria-labelledby': 'qask-h', hidden: true });
    const head = h('h3', { id: 'qask-h' }, t('quote.ask_heading'));
    const intro = () => {
      const button = h('button', { type: 'button', class: 'primary', id: 'ask-quote' }, t('new_quote'));
      const holder = h('div');
      button.addEventListener('click', () => {
        sec.replaceChildren(head, holder);
        new QuoteAsk(holder, steps, {
          product: p.id, page_url: c.context.page_url || '',
          onStarted: (started) => { location.href = '/app/c/' + encodeURIComponent(started.id); },
          onCancel: () => { intro(); document.getElementById('ask-quote').focus(); },
        });
        holder.querySelector('fieldset:not([hidden]) input, fieldset:not([hidden]) select, fieldset:not([hidden]) textarea')?.focus();
      });
      sec.replaceChildren(head, h('p', { class: 'muted' }, t('quote.ask_intro')), button);
    };
    let steps = [];
    Promise.all([
      quoteForm(p.id),
      api('GET', '/api/v1/conversations?kind=quote&limit=50').then((r) => r.items, () => []),
    ]).then(([s, quotes]) => {
      // data-form tells what the panel found (scripts and tests read it).
      sec.dataset.form = s.length ? 'yes' : 'no';
      if (s.length === 0) return;
      steps = s;
      const open = quotes.find((q) => q.status !== 'closed' && q.my_side === 'buyer' && q.context.product === p.id);
      if (open) sec.replaceChildren(head, h('p', {}, h('a', { href: '/app/c/' + encodeURIComponent(open.id), id: 'open-quote' }, t('quote.open_request'))));
      else intro();
      sec.hidden = false;
    });
    return sec;
  }

  order(o) {
    return h('section', { 'aria-label': `${t('order')} ${o.id}`, id: orderAnchor(o.id), class: 'order-panel', 'data-order': o.id },
      h('h3', {}, `${t('order')} ${o.id}`),
      h('p', {}, h('span', { class: 'badge' }, orderWord(o.status)), ' ', h('time', { datetime: o.placed_at }, new Date(o.placed_at).toLocaleDateString(intlTag()))),
      h('h3', {}, t('items')),
      h('ul', {}, o.items.map((i) => h('li', {}, `${i.quantity} × ${i.title} — ${i.price}`))),
      h('h3', {}, t('events')),
      h('ol', { class: 'timeline' }, [h('li', {}, `${t('placed')} · ${new Date(o.placed_at).toLocaleString(intlTag())}`)].concat((o.events || []).map((e) => h('li', {}, `${orderWord(e.type)} · ${new Date(e.at).toLocaleString(intlTag())}`)))),
      o.conversations?.length ? h('ul', {}, o.conversations.map((x) => h('li', {}, h('a', { href: '/app/c/' + x.id }, `${t('kind_' + x.kind)} ${subjectText(x) || ''}`)))) : null);
  }

  party() {
    const c = this.conv;
    if (c.my_side === 'buyer') {
      const avail = h('p', { class: 'muted', id: 'seller-availability', 'aria-live': 'polite' });
      // Kept fresh while the panel shows: the seller comes and goes.
      const refresh = () => api('GET', '/api/v1/organizations/' + encodeURIComponent(c.seller.id) + '/availability')
        .then((a) => { avail.textContent = t(a.status === 'online' ? 'online' : a.status === 'away' ? 'away' : 'offline'); }, () => {});
      refresh();
      clearInterval(this.availTimer);
      this.availTimer = setInterval(() => { if (avail.isConnected) refresh(); else clearInterval(this.availTimer); }, 5000);
      return h('section', { 'aria-label': t('seller') }, h('h3', {}, t('seller')), h('p', {}, h('a', { href: '/app/sellers/' + encodeURIComponent(c.seller.id) }, c.seller.name)), avail);
    }
    const rec = h('p', { class: 'muted', id: 'buyer-record' });
    const sec = h('section', { 'aria-label': t('buyer') }, h('h3', {}, t('buyer')), h('p', {}, c.buyer.name), rec);
    // The buyer's record with this company: since when, orders, conversations.
    api('GET', '/api/v1/users/' + encodeURIComponent(c.buyer.id) + '/profile').then((p) => {
      rec.replaceChildren(t('buyer_since', { Date: new Date(p.member_since).toLocaleDateString(intlTag()) }), h('br'),
        t('buyer_orders', { Count: p.orders }), h('br'), t('buyer_conversations', { Count: p.conversations }));
      if (p.latest_orders.length) {
        sec.append(h('ul', { class: 'latest-orders', 'aria-label': t('order') },
          p.latest_orders.map((o) => h('li', {}, `${o.id} · ${orderWord(o.status)} · ${new Date(o.placed_at).toLocaleDateString(intlTag())}`))));
      }
    }, () => {});
    return sec;
  }

  // proposalForm proposes an order from the chat: the product comes from
  // the conversation's context or a search of the seller's products, the
  // quantity is in the product's unit and may have decimals (1.5 hours).
  proposalForm(product) {
    const c = this.conv;
    const status = h('p', { class: 'muted', role: 'status', id: 'op-status' });
    const found = new Map(); // id -> product, from the searches
    if (product) found.set(product.id, product);
    const list = h('datalist', { id: 'op-products' });
    const unit = h('span', { class: 'muted', id: 'op-unit' }, product?.price.unit ? ' (' + product.price.unit + ')' : '');
    const productIn = h('input', { id: 'op-product', name: 'product', required: true, list: 'op-products', autocomplete: 'off', value: product ? product.id : '' });
    const title = h('input', { id: 'op-title', name: 'title', value: product ? product.title : '' });
    const price = h('input', { id: 'op-price', name: 'price', inputmode: 'decimal', required: true, pattern: '[0-9]+([.][0-9]{1,2})?', value: product ? product.price.amount : '' });
    const pick = (p) => {
      title.value = p.title;
      price.value = p.price.amount;
      unit.textContent = p.price.unit ? ' (' + p.price.unit + ')' : '';
    };
    let timer = null;
    const search = async () => {
      try {
        const r = await api('GET', `/api/v1/conversations/${c.id}/products?q=${encodeURIComponent(productIn.value.trim())}`);
        for (const p of r.items) found.set(p.id, p);
        list.replaceChildren(...r.items.map((p) => h('option', { value: p.id }, `${p.title} · ${p.price.amount} ${p.price.currency}${p.price.unit ? ' / ' + p.price.unit : ''}`)));
      } catch { /* the list stays */ }
    };
    productIn.addEventListener('input', () => {
      const p = found.get(productIn.value);
      if (p) { pick(p); return; }
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    productIn.addEventListener('focus', () => { if (!list.children.length) search(); }, { once: true });
    const f = h('form', { class: 'proposal-form' },
      h('label', { for: 'op-product' }, t('product')), productIn, list,
      h('label', { for: 'op-title' }, t('item_title')), title,
      h('label', { for: 'op-qty' }, t('quantity'), unit), h('input', { id: 'op-qty', name: 'quantity', type: 'number', min: '0.001', step: 'any', inputmode: 'decimal', value: '1', required: true }),
      h('label', { for: 'op-price' }, t('unit_price')), price,
      h('label', { for: 'op-note' }, t('note')), h('input', { id: 'op-note', name: 'note' }),
      h('button', { type: 'submit', class: 'primary' }, t('propose')), status);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const d = new FormData(f);
      try {
        await api('POST', `/api/v1/conversations/${c.id}/order-proposals`, {
          client_id: clientID(), note: d.get('note'),
          items: [{ product: d.get('product'), title: d.get('title'), quantity: Number(d.get('quantity')), price: d.get('price') }],
        });
        status.textContent = t('saved');
      } catch (err) {
        const field = err.problem?.errors?.[0]?.field || '';
        status.textContent = field.includes('quantity') ? t('op_bad_quantity') : field.includes('product') ? t('op_bad_product') : t('save_failed');
      }
    });
    return h('section', { 'aria-labelledby': 'op-h' }, h('h3', { id: 'op-h' }, t('propose_order')), f);
  }
}
