// What a reader is told when they cannot write: before sending, the
// conversation's send_blocked_reason in place of the composer (with the
// way out, unblocking, where there is one); after a refused send, the
// server's reason in the reader's language, and whether trying again can
// help at all (only when the network or the server failed).
import { t, h } from './i18n.js';

// otherName is the other party's name as the reader sees the conversation.
export function otherName(c) { return c.my_side === 'buyer' ? c.seller.name : c.buyer.name; }

// noticeParts are the contents of the note that replaces the composer, or
// null when the reader can write. opts.unblockURL gives the way out of the
// reader's own block (the app's confirmation page; the widget has none).
export function noticeParts(c, opts = {}) {
  const reason = c.send_blocked_reason || (c.kind === 'ticket' && c.status === 'closed' ? 'ticket_closed' : '');
  if (!reason) return null;
  const name = otherName(c);
  switch (reason) {
    case 'ticket_closed':
      return { reason: c.closed_reason || 'completed', parts: [t(c.closed_reason === 'auto' ? 'ticket_closed_auto' : 'ticket_closed_completed')] };
    case 'blocked_by_me': {
      const url = opts.unblockURL?.(c);
      return { reason, parts: [h('span', {}, t('send_blocked_by_me', { Name: name })), url ? [' ', h('a', { href: url, class: 'button small', id: 'unblock-link' }, t('unblock'))] : null] };
    }
    case 'blocked_by_them': return { reason, parts: [t('send_blocked_by_them', { Name: name })] };
    case 'chat_disabled': return { reason, parts: [t('send_chat_disabled', { Name: name })] };
  }
  return { reason, parts: [t('err_forbidden')] };
}

// retryable reports whether sending again may succeed: a network failure
// (no status), a server failure (5xx) or a rate limit. A refusal (another
// 4xx) stays a refusal however often it is tried.
export function retryable(e) {
  const s = e?.status || 0;
  return s === 0 || s >= 500 || s === 429;
}

// failureText is why a send failed, in the reader's language.
export function failureText(e) {
  const s = e?.status || 0;
  if (s === 0) return t('err_network');
  // A rate limit's message already says how long to wait (api.js).
  if (s === 429) return e.message || t('err_rate_limited');
  if (s >= 500) return t('err_server');
  const known = ['blocked', 'chat_disabled', 'conflict', 'validation_failed', 'too_large', 'not_found', 'forbidden'];
  return known.includes(e.code) ? t('err_' + e.code) : t('err_refused');
}
