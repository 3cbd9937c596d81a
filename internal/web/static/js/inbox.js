// The conversation list: tabs (view), segments (side, kind), filters
// (status, assignee, marketplace, unread) and search, keyset paging, unread
// dots and live updates.
import { api } from './api.js';
import { onFrame } from './live.js';
import { t, h, shortWhen, subjectText } from './i18n.js';
import { previewText, statusLabel } from './tickets.js';

export class Inbox {
  constructor(els, opts = {}) {
    this.els = els; // {list, empty, more, filters}
    this.opts = opts; // {current, kind, linkFor}
    this.filter = { view: 'active', side: '', kind: opts.kind || '', status: '', unread: '', assignee: '', marketplace: '', q: '' };
    this.items = [];
    this.next = '';
    this.reloadTimer = null;
    onFrame((f) => this.frame(f));
    for (const b of document.querySelectorAll('[data-view],[data-side],[data-kind]')) {
      const key = 'view' in b.dataset ? 'view' : 'side' in b.dataset ? 'side' : 'kind';
      if (b.dataset[key] === this.filter[key]) this.press(b, key);
      b.addEventListener('click', () => { this.filter[key] = b.dataset[key]; this.press(b, key); this.load(); });
    }
    if (els.filters) {
      els.filters.addEventListener('submit', (e) => { e.preventDefault(); this.readFilters(); this.load(); });
      els.filters.addEventListener('change', () => { this.readFilters(); this.load(); });
      let timer = null;
      els.filters.querySelector('#q')?.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => { this.readFilters(); this.load(); }, 300); });
    }
    els.more?.addEventListener('click', () => this.load(true));
  }

  press(button, key) {
    for (const b of document.querySelectorAll(`[data-${key}]`)) b.setAttribute('aria-pressed', String(b === button));
  }

  readFilters() {
    const f = this.els.filters;
    this.filter.q = f.querySelector('#q')?.value.trim() || '';
    this.filter.status = f.querySelector('#f-status')?.value || '';
    this.filter.assignee = f.querySelector('#f-assignee')?.value || '';
    this.filter.marketplace = f.querySelector('#f-marketplace')?.value || '';
    this.filter.unread = f.querySelector('#f-unread')?.checked ? 'true' : '';
  }

  // loadMarketplaces fills the marketplace filter with the external
  // marketplaces the caller's conversations come from; the filter shows
  // only when there is more than this marketplace to choose from.
  async loadMarketplaces() {
    if (!this.els.filters?.querySelector('#f-marketplace')) return;
    const r = await api('GET', '/api/v1/conversations/marketplaces');
    for (const m of r.items) this.addMarketplace(m);
  }

  // loadAssignees adds every member of the caller's companies (after
  // "Anyone", "Me" and "Unassigned") to the assignee filter.
  async loadAssignees(orgs, me) {
    const select = this.els.filters?.querySelector('#f-assignee');
    if (!select) return;
    const views = await Promise.all(orgs.map((o) => api('GET', '/api/v1/organizations/' + encodeURIComponent(o.id)).catch(() => null)));
    const members = new Map();
    for (const v of views) for (const m of v?.members || []) if (m.id !== me) members.set(m.id, m.name);
    const sorted = [...members].sort((a, b) => a[1].localeCompare(b[1]));
    for (const [id, name] of sorted) {
      if (![...select.options].some((o) => o.value === id)) select.append(new Option(name, id));
    }
  }

  addMarketplace(channel) {
    const select = this.els.filters?.querySelector('#f-marketplace');
    if (!select || !channel || channel.kind !== 'connector') return;
    if (![...select.options].some((o) => o.value === channel.marketplace)) select.append(new Option(channel.name, channel.marketplace));
    document.getElementById('f-marketplace-field').hidden = false;
  }

  query(cursor) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(this.filter)) if (v) p.set(k, v);
    if (cursor) p.set('cursor', cursor);
    p.set('limit', '30');
    return '/api/v1/conversations?' + p;
  }

  async load(more = false) {
    // Only the newest request draws the list: filters changed in quick
    // succession must not let an older, slower answer land last.
    const n = this.loads = (this.loads || 0) + 1;
    const r = await api('GET', this.query(more ? this.next : ''));
    if (n !== this.loads) return;
    this.items = more ? this.items.concat(r.items) : r.items;
    if (this.opts.seller) this.items = this.items.filter((c) => c.seller.id === this.opts.seller);
    this.next = r.next_cursor;
    this.render();
  }

  scheduleReload() {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.load(), 250);
  }

  frame(f) {
    const d = f.data || {};
    if (f.type === 'conversation.updated') {
      const i = this.items.findIndex((c) => c.id === d.id);
      this.addMarketplace(d.channel);
      if (i < 0) { this.scheduleReload(); return; }
      const stays = (this.filter.view === 'blocked') === d.blocked && (this.filter.view === 'archive') === (d.archived && !d.blocked) && this.matches(d);
      if (!stays) { this.items.splice(i, 1); this.render(); return; }
      this.items[i] = d;
      this.sort();
      this.render();
    } else if (f.type === 'message.created') {
      const c = this.items.find((x) => x.id === d.conversation);
      if (!c) { this.scheduleReload(); return; }
      if (d.seq > c.last_seq) {
        c.last_seq = d.seq;
        c.last_message = d;
        c.last_message_at = d.created_at;
        if (d.author.side !== c.my_side && d.author.side !== 'system' && c.id !== this.opts.current) c.unread_count += 1;
        this.sort();
        this.render();
      }
    }
  }

  // matches tells whether a conversation changed live still passes the
  // filters the page can check itself (status, kind, assignee): an
  // assigned conversation leaves Unassigned, a solved one leaves Open. (A
  // conversation read under "Unread only" stays until the list reloads,
  // so that the one being read does not vanish from beside it.)
  matches(c) {
    const f = this.filter;
    if (f.status && c.status !== f.status) return false;
    if (f.kind && c.kind !== f.kind) return false;
    if (f.assignee === 'none' && c.assignee) return false;
    if (f.assignee && f.assignee !== 'none' && c.assignee?.id !== f.assignee) return false;
    return true;
  }

  // markRead clears a conversation's dot once its thread read it.
  markRead(conv) {
    const c = this.items.find((x) => x.id === conv.id);
    if (c) { c.unread_count = 0; c.marked_unread = false; c.my_read_seq = conv.my_read_seq; this.render(); }
  }

  sort() { this.items.sort((a, b) => (b.last_message_at > a.last_message_at ? 1 : b.last_message_at < a.last_message_at ? -1 : 0)); }

  counterpart(c) { return c.my_side === 'buyer' ? c.seller : c.buyer; }

  render() {
    const lis = this.items.map((c) => {
      const unread = c.unread_count > 0 || c.marked_unread;
      const last = c.last_message;
      const who = this.counterpart(c);
      const preview = last ? previewText(last) : '';
      const a = h('a', { href: (this.opts.linkFor ? this.opts.linkFor(c) : '/app/c/' + c.id), 'aria-current': c.id === this.opts.current ? 'page' : null, 'data-conversation': c.id },
        h('span', { class: 'name' }, who.name, unread ? h('span', { class: 'visually-hidden' }, ' · ' + t('unread', { Count: Math.max(c.unread_count, 1) })) : null),
        h('span', { class: 'when' }, shortWhen(new Date(c.last_message_at))),
        h('span', { class: 'preview' }, (subjectText(c) ? subjectText(c) + ' — ' : '') + preview),
        h('span', {}, h('span', { class: 'badge' }, t('kind_' + c.kind)), ' ', h('span', { class: 'badge', 'data-status': c.status }, statusLabel(c)),
          c.channel?.kind === 'connector' ? [' ', h('span', { class: 'badge channel', 'data-marketplace': c.channel.marketplace }, c.channel.name)] : null));
      if (this.opts.onOpen) a.addEventListener('click', (e) => { e.preventDefault(); this.opts.onOpen(c); });
      return h('li', { class: unread ? 'unread' : null }, a);
    });
    this.els.list.replaceChildren(...lis);
    if (this.els.empty) this.els.empty.hidden = this.items.length > 0;
    if (this.els.more) this.els.more.hidden = !this.next;
  }
}
