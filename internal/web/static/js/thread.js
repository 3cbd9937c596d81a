// The conversation view: messenger bubbles with day separators, receipts
// (not sent / ✓ / ✓✓ / failed with retry), attachments with upload
// progress and image previews, the typing indicator, delivered frames and
// read pointers. Used by the app and by the widget frame.
import { api, clientID, attachmentURL } from './api.js';
import { send, onFrame } from './live.js';
import { t, h, dayLabel, timeLabel } from './i18n.js';
import { quoteCard } from './quote.js';
import { messageText, returnCard, returnState } from './tickets.js';
import { Composer } from './composer.js';
import { ThreadScroll } from './scroll.js';
import { noticeParts, retryable, failureText } from './cannotsend.js';
import { proposalCard } from './orderchat.js';

export class Thread {
  constructor(conv, els, opts = {}) {
    this.conv = conv;
    this.els = els; // {list, typing, form, body, file, uploads}
    this.opts = opts;
    this.msgs = new Map(); // seq -> message
    this.pending = new Map(); // client_id -> {body, attachments, failed, created}
    this.oldest = 0;
    this.hasOlder = false;
    this.lastTyping = 0;
    this.typingTimer = null;
    this.off = onFrame((f) => this.frame(f));
    this.composer = new Composer(els, (msg) => this.queue(msg));
    els.body.addEventListener('input', () => this.typed());
    this.onVisible = () => this.markRead();
    document.addEventListener('visibilitychange', this.onVisible);
    window.addEventListener('focus', this.onVisible);
    this.scroller = new ThreadScroll(els.list, {
      older: () => this.loadOlder(),
      // Not before the first page shows: between its two requests the
      // pane is empty, and would look like one to fill.
      hasOlder: () => this.shown && this.hasOlder,
      atEnd: () => this.markRead(),
    });
  }

  close() {
    this.off();
    this.scroller.close();
    // The composer may be reused by the next thread (the widget).
    this.closedNote?.remove();
    this.els.form.hidden = false;
    document.removeEventListener('visibilitychange', this.onVisible);
    window.removeEventListener('focus', this.onVisible);
  }

  // firstUnread is the seq of the oldest message from the other side above
  // the reader's pointer (0: none), for the "new messages" divider.
  firstUnread() {
    const seqs = [...this.msgs.keys()].sort((a, b) => a - b);
    for (const s of seqs) {
      const m = this.msgs.get(s);
      if (s > this.conv.my_read_seq && !this.mine(m) && m.author.side !== 'system') return s;
    }
    return 0;
  }

  async load() {
    const before = this.conv.last_seq + 1;
    // The first page reaches back to the first unread message (up to 200),
    // so that the conversation can open there.
    const unread = this.conv.last_seq - this.conv.my_read_seq;
    const limit = Math.min(200, Math.max(50, unread + 10));
    const page = await api('GET', `/api/v1/conversations/${this.conv.id}/messages?before=${before}&limit=${limit}`);
    for (const m of page.items) this.msgs.set(m.seq, m);
    this.hasOlder = page.items.length > 0 && page.items[0].seq > 1;
    // Messages written after the conversation was fetched and before this
    // thread listened to the socket reach it by neither: ask for them.
    const later = await api('GET', `/api/v1/conversations/${this.conv.id}/messages?after=${this.conv.last_seq}&limit=50`);
    for (const m of later.items) {
      this.msgs.set(m.seq, m);
      this.conv.last_seq = Math.max(this.conv.last_seq, m.seq);
    }
    // The divider stays where it was put while the conversation is open,
    // even once the messages below it are read.
    this.unreadFrom = this.firstUnread();
    this.render(this.unreadFrom ? 'unread' : 'bottom');
    // Opened at the divider with more below: the pill leads there too.
    if (this.unreadFrom && !this.scroller.atEnd()) this.scroller.showPill();
    this.shown = true;
    this.markRead();
    this.deliver();
  }

  async loadOlder() {
    if (this.msgs.size === 0) return;
    const first = Math.min(...this.msgs.keys());
    const page = await api('GET', `/api/v1/conversations/${this.conv.id}/messages?before=${first}&limit=50`);
    for (const m of page.items) this.msgs.set(m.seq, m);
    this.hasOlder = page.items.length > 0 && page.items[0].seq > 1;
    this.render('keep');
  }

  mine(m) { return m.author.side === this.conv.my_side; }

  frame(f) {
    const d = f.data || {};
    switch (f.type) {
      case 'message.created':
        if (d.conversation !== this.conv.id) return;
        this.add(d);
        break;
      case 'conversation.updated':
        if (d.id !== this.conv.id) return;
        // Marked unread while open (here or in another tab): it stays
        // unread until the reader opens it anew or a new message comes, not
        // as soon as a scroll or focus finds the newest message in view.
        if (d.marked_unread && !this.conv.marked_unread) this.keptUnread = d.last_seq;
        this.conv = d;
        this.opts.onConversation?.(d);
        this.render();
        break;
      case 'receipt':
        if (d.conversation !== this.conv.id || d.side === this.conv.my_side) return;
        this.conv.their_delivered_seq = Math.max(this.conv.their_delivered_seq, d.delivered_seq);
        this.conv.their_read_seq = Math.max(this.conv.their_read_seq, d.read_seq);
        this.render();
        break;
      case 'typing':
        if (d.conversation !== this.conv.id || d.user === this.opts.me) return;
        this.showTyping(d.name || (this.conv.my_side === 'buyer' ? this.conv.seller.name : this.conv.buyer.name));
        break;
      case 'open':
        this.deliver();
        break;
    }
  }

  add(m) {
    if (this.msgs.has(m.seq)) return;
    this.msgs.set(m.seq, m);
    const own = m.client_id && this.pending.delete(m.client_id);
    this.conv.last_seq = Math.max(this.conv.last_seq, m.seq);
    if (!this.mine(m)) {
      this.hideTyping();
      this.deliver();
      this.announce(m);
    }
    // At the bottom the view follows; scrolled up it stays, and a pill
    // offers the way down.
    const follow = own || this.scroller.atEnd();
    this.render(follow ? 'bottom' : 'keep');
    if (!follow) this.scroller.showPill();
    this.markRead();
  }

  // deliver tells the server the newest message reached this device.
  deliver() {
    const last = this.conv.last_seq;
    if (last > 0) send({ type: 'delivered', conversation: this.conv.id, seq: last });
  }

  async markRead() {
    // Read means seen: the tab shown and, in the widget, its panel open.
    if (document.visibilityState !== 'visible' || this.opts.shown?.() === false) return;
    // ...and scrolled down to the newest message, once the messages show
    // (a focus event before they are loaded reads nothing).
    if (!this.shown || !this.scroller.atEnd()) return;
    const last = this.conv.last_seq;
    if (last <= this.conv.my_read_seq && !this.conv.marked_unread) return;
    if (this.keptUnread && last <= this.keptUnread) return;
    this.keptUnread = 0;
    this.conv.my_read_seq = last;
    this.conv.marked_unread = false;
    try {
      await api('POST', `/api/v1/conversations/${this.conv.id}/read`, { seq: last });
      this.opts.onRead?.(this.conv);
    } catch { /* the next visit retries */ }
  }

  typed() {
    const now = Date.now();
    if (now - this.lastTyping > 3000) {
      this.lastTyping = now;
      send({ type: 'typing', conversation: this.conv.id });
    }
  }

  showTyping(name) {
    this.els.typing.textContent = t('typing', { Name: name });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), 5000);
  }

  hideTyping() { this.els.typing.textContent = ''; }

  // announce tells screen readers about a message from the other side (the
  // list itself is re-rendered, so it is not a live region).
  announce(m) {
    if (m.author.side === 'system') return;
    if (!this.live) {
      this.live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
      this.els.list.after(this.live);
    }
    this.live.textContent = `${t('new_message', { Name: m.author.name })}: ${m.body || t('attachment')}`;
  }

  // queue shows the message as pending at once and sends it; the
  // composer empties meanwhile (a failed send keeps its bubble, with Retry).
  queue({ body, attachments }) {
    const p = { client_id: clientID(), body, attachments, failed: false, created: new Date() };
    this.pending.set(p.client_id, p);
    this.render('bottom');
    this.post(p);
  }

  async post(p) {
    p.failed = false;
    this.render();
    try {
      const m = await api('POST', `/api/v1/conversations/${this.conv.id}/messages`, { client_id: p.client_id, body: p.body, attachments: p.attachments });
      this.pending.delete(p.client_id);
      if (!this.msgs.has(m.seq)) this.msgs.set(m.seq, m);
      this.conv.last_seq = Math.max(this.conv.last_seq, m.seq);
      this.conv.my_read_seq = Math.max(this.conv.my_read_seq, m.seq);
      this.render(this.scroller.atEnd() ? 'bottom' : 'keep');
    } catch (e) {
      p.failed = true;
      p.error = failureText(e);
      p.limited = e.status === 429;
      p.retryable = retryable(e);
      this.render();
      // A refusal says the conversation changed (a block, chat switched
      // off, a closed ticket): read it again, so the composer says why.
      if (!p.retryable) this.refresh();
    }
  }

  async refresh() {
    try {
      this.conv = await api('GET', `/api/v1/conversations/${this.conv.id}`);
      this.opts.onConversation?.(this.conv);
      this.render();
    } catch { /* the next update tells */ }
  }

  receipt(m) {
    if (m.seq <= this.conv.their_read_seq) return h('span', { class: 'receipt read', title: t('read'), 'data-state': 'read' }, '✓✓', h('span', { class: 'visually-hidden' }, ' ' + t('read')));
    const state = m.seq <= this.conv.their_delivered_seq ? 'delivered' : 'sent';
    return h('span', { class: 'receipt ' + state, title: t(state), 'data-state': state }, '✓', h('span', { class: 'visually-hidden' }, ' ' + t(state)));
  }

  files_(m) {
    if (!m.attachments || m.attachments.length === 0) return null;
    return h('ul', { class: 'files' }, m.attachments.map((a) => {
      if (a.content_type.startsWith('image/')) {
        const img = h('img', { class: 'preview', alt: a.name, loading: 'lazy' });
        // A picture that loads below the reader at the bottom keeps them there.
        img.addEventListener('load', () => this.scroller.settle());
        attachmentURL(a.id).then((u) => { img.src = u; });
        return h('li', {}, img);
      }
      const link = h('a', { href: '/api/v1/attachments/' + a.id, target: '_blank', rel: 'noopener' }, a.name);
      if (this.opts.bearer) link.addEventListener('click', async (e) => { e.preventDefault(); window.open(await attachmentURL(a.id)); });
      return h('li', {}, link);
    }));
  }

  // answerReturn posts the buyer's answer to a return proposal; the
  // system message that follows updates the card.
  async answerReturn(id, how) {
    await api('POST', `/api/v1/conversations/${this.conv.id}/return-proposal/${how}`);
  }

  extra(m) {
    if (m.kind === 'return_proposal' && m.data) {
      const all = [...this.msgs.values()].sort((a, b) => a.seq - b.seq);
      return returnCard(m, this.conv, returnState(all, m.data.return_proposal), (id, how) => this.answerReturn(id, how));
    }
    if (m.kind === 'quote' && m.data) return quoteCard(m, this.conv, (e) => { this.live && (this.live.textContent = e.message); }, this.msgs);
    if (m.kind !== 'order_proposal' || !m.data) return null;
    return proposalCard(m, this.msgs.values());
  }

  bubble(m) {
    const mine = this.mine(m);
    const system = m.author.side === 'system';
    const d = new Date(m.created_at);
    const cls = 'bubble' + (system ? ' system' : mine ? ' mine' : '');
    const showAuthor = !system && (!mine || m.author.id !== this.opts.me);
    return h('li', { class: cls, 'data-seq': m.seq, 'data-client-id': m.client_id || null },
      showAuthor ? h('p', { class: 'author' }, m.author.name + (m.author.organization ? ' · ' + m.author.organization.name : ''),
        m.author.side === 'operator' ? [' ', h('span', { class: 'badge operator-label' }, t('operator_label'))] : null) : null,
      messageText(m) ? h('p', { class: 'text' }, messageText(m)) : null,
      this.files_(m), this.extra(m),
      h('p', { class: 'meta' }, h('time', { datetime: d.toISOString() }, timeLabel(d)), mine && !system ? this.receipt(m) : null));
  }

  pendingBubble(p) {
    return h('li', { class: 'bubble mine pending', 'data-client-id': p.client_id },
      p.body ? h('p', { class: 'text' }, p.body) : null,
      p.attachments.length ? h('p', { class: 'muted' }, t('attachment') + ' × ' + p.attachments.length) : null,
      h('p', { class: 'meta' }, p.failed
        ? [h('span', { class: 'receipt failed', 'data-state': 'failed', title: p.error || '' }, '! ' + (p.limited ? t('failed') : (p.error || t('failed')))),
           p.limited ? h('span', { class: 'error rate-limited', role: 'alert' }, p.error) : null,
           p.retryable ? h('button', { type: 'button', class: 'small retry', onclick: () => this.post(p) }, t('retry')) : null]
        : h('span', { class: 'receipt pending', 'data-state': 'pending' }, '… ' + t('not_sent'))));
  }

  // showClosed puts, in place of the composer, why the reader cannot write
  // (a closed ticket, a block either way, chat switched off), before any
  // send.
  showClosed() {
    const n = noticeParts(this.conv, this.opts);
    this.els.form.hidden = !!n;
    if (!n) {
      if (this.closedNote) this.closedNote.hidden = true;
      return;
    }
    if (!this.closedNote) {
      this.closedNote = h('p', { class: 'note closed-note', role: 'status' });
      this.els.form.before(this.closedNote);
    }
    this.closedNote.hidden = false;
    this.closedNote.dataset.reason = n.reason;
    this.closedNote.replaceChildren(...n.parts.flat().filter((x) => x != null));
  }

  // render draws the list again. how: 'bottom' (to the newest message),
  // 'unread' (to the "new messages" divider), or by default where the reader
  // is: at the bottom it stays there, elsewhere the first message in view
  // keeps its place.
  render(how) {
    this.showClosed();
    const list = this.els.list;
    const anchor = this.scroller.anchor();
    const items = [];
    if (this.hasOlder) items.push(h('li', { class: 'older' }, h('button', { type: 'button', class: 'small', onclick: () => this.loadOlder() }, t('load_older'))));
    let day = '';
    for (const m of [...this.msgs.values()].sort((a, b) => a.seq - b.seq)) {
      const d = new Date(m.created_at);
      if (d.toDateString() !== day) {
        day = d.toDateString();
        items.push(h('li', { class: 'day' }, dayLabel(d)));
      }
      if (m.seq === this.unreadFrom) items.push(h('li', { class: 'unread-divider', id: 'unread-divider' }, h('span', {}, t('new_messages'))));
      items.push(this.bubble(m));
    }
    for (const p of this.pending.values()) items.push(this.pendingBubble(p));
    list.replaceChildren(...items);
    if (how === 'bottom') this.scroller.toBottom();
    else if (how === 'unread') this.scroller.toElement(list.querySelector('.unread-divider'));
    else this.scroller.restore(anchor);
  }
}
