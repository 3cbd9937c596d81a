// How a conversation's message pane scrolls: it is the only part of the
// page that does (docs/web.md, "Long conversations"). The reader at the
// newest message stays there as messages, pictures and resizes come; a
// reader scrolled up keeps the message in view where it is, whatever is
// drawn above or below it, and is told of new messages by a pill; older
// pages load as the reader nears the top.
import { t, h } from './i18n.js';

// NEAR is how far from the bottom still counts as "at the newest message".
const NEAR = 48;
// OLDER is how near the top the next older page starts loading.
const OLDER = 300;

export class ThreadScroll {
  // hooks: older() loads the next older page (a promise), hasOlder(),
  // atEnd() runs when the reader reaches the newest message.
  constructor(list, hooks) {
    this.list = list;
    this.hooks = hooks;
    // stuck: the reader is at the newest message. It changes when the
    // reader scrolls, not when the pane is hidden (a closed widget panel)
    // or shrinks, so that the view comes back to the bottom when it shows.
    this.stuck = true;
    this.loading = null;
    this.target = null; // an element to bring into view once the pane shows
    let wrap = list.parentElement;
    if (!wrap.classList.contains('messages-wrap')) {
      // The pill floats over the pane's bottom edge: the pane and the pill
      // share a positioned box (the widget reuses it from thread to thread).
      wrap = h('div', { class: 'messages-wrap' });
      list.before(wrap);
      wrap.append(list);
    }
    this.pill = h('button', { type: 'button', class: 'new-pill', hidden: true, onclick: () => { this.toBottom(); this.hooks.atEnd(); } },
      h('span', { 'aria-hidden': 'true' }, '↓ '), t('new_messages'));
    wrap.append(this.pill);
    this.onScroll = () => this.scrolled();
    list.addEventListener('scroll', this.onScroll, { passive: true });
    this.resize = new ResizeObserver(() => this.settle());
    this.resize.observe(list);
  }

  close() {
    this.list.removeEventListener('scroll', this.onScroll);
    this.resize.disconnect();
    this.pill.remove();
  }

  // shown: the pane has a size (a hidden widget panel has none).
  shown() { return this.list.clientHeight > 0; }

  gap() { return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight; }

  atEnd() { return this.stuck; }

  scrolled() {
    if (!this.shown()) return;
    this.stuck = this.gap() <= NEAR;
    if (this.stuck) {
      this.pill.hidden = true;
      this.hooks.atEnd();
    }
    if (this.list.scrollTop < OLDER) this.older();
  }

  older() {
    if (this.loading || !this.hooks.hasOlder()) return;
    this.loading = this.hooks.older().catch(() => {}).finally(() => {
      this.loading = null;
      this.fill();
    });
  }

  // fill loads older pages while the pane is not full: without a
  // scrollbar the reader could not scroll up to ask for them.
  fill() {
    if (this.shown() && this.list.scrollHeight <= this.list.clientHeight + 1) this.older();
  }

  // settle follows a change of size: at the bottom it stays there; an
  // element waiting for the pane to show is brought into view.
  settle() {
    if (!this.shown()) return;
    if (this.target) this.toElement(this.target);
    else if (this.stuck) this.list.scrollTop = this.list.scrollHeight;
    this.fill();
  }

  showPill() { this.pill.hidden = false; }

  toBottom() {
    this.stuck = true;
    this.target = null;
    this.pill.hidden = true;
    this.list.scrollTop = this.list.scrollHeight;
  }

  // toElement puts el near the top of the pane (the unread divider).
  toElement(el) {
    if (!el) { this.toBottom(); return; }
    if (!this.shown()) { this.target = el; this.stuck = false; return; }
    this.target = null;
    this.list.scrollTop += el.getBoundingClientRect().top - this.list.getBoundingClientRect().top - 8;
    this.stuck = this.gap() <= NEAR;
  }

  // anchor is the first message in view and its offset from the pane's
  // top, taken before the list is drawn again.
  anchor() {
    if (this.stuck || !this.shown()) return null;
    const top = this.list.getBoundingClientRect().top;
    for (const li of this.list.children) {
      if (!li.dataset.seq && !li.dataset.clientId) continue;
      const r = li.getBoundingClientRect();
      if (r.bottom > top) return { seq: li.dataset.seq, clientID: li.dataset.clientId, offset: r.top - top };
    }
    return null;
  }

  // restore puts the anchor's message back where it was; without one the
  // reader is at the bottom, and stays there.
  restore(a) {
    if (!a) {
      if (this.stuck) this.toBottom();
      return;
    }
    const li = (a.seq && this.list.querySelector(`li[data-seq="${a.seq}"]`))
      || (a.clientID && this.list.querySelector(`li[data-client-id="${CSS.escape(a.clientID)}"]`));
    if (!li) return;
    this.list.scrollTop += li.getBoundingClientRect().top - this.list.getBoundingClientRect().top - a.offset;
  }
}
