// Order tickets in the web app: the seller's "Complete" and "Start a
// return" (each behind a confirmation dialog), how a ticket's state and its
// system messages read in the user's language, and the return proposal's
// state as the thread's messages tell it.
import { api, clientID } from './api.js';
import { t, h, say } from './i18n.js';

// statusLabel is a conversation's status as a badge says it: a closed
// ticket says why (completed, or closed automatically).
export function statusLabel(c) {
  if (c.kind === 'ticket' && c.status === 'closed' && c.closed_reason) return t('closed_' + c.closed_reason);
  return t('status_' + c.status);
}

// ticketClosed reports whether the conversation is a closed ticket, which
// takes no more messages.
export function ticketClosed(c) { return c.kind === 'ticket' && c.status === 'closed'; }

// periodLabel says a period of seconds in its largest whole unit, with the
// language's plural form ("30 days", "30 дней").
export function periodLabel(seconds) {
  const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
  for (const [unit, size] of units) {
    if (seconds >= size && seconds % size === 0) return t('period_' + unit, { Count: seconds / size });
  }
  return t('period_second', { Count: Math.max(1, Math.ceil(seconds)) });
}

// messageText is what a message says, in the reader's language where the
// message's data allows (system messages about tickets and returns); null
// for a return proposal, which shows as a card.
export function messageText(m) {
  const d = m.data || {};
  if (m.kind === 'return_proposal') return null;
  // An order proposal shows as its card; only the seller's note is text.
  if (m.kind === 'order_proposal' && m.data) return m.data.note || null;
  // A server-made text: its code in the reader's language.
  if (m.body_i18n) {
    const s = say(m.body_i18n, null);
    if (s != null) return s + (m.author?.side === 'system' && d.note ? '\n' + d.note : '');
  }
  if (m.author?.side === 'system' && d.event) {
    const note = d.note ? '\n' + d.note : '';
    switch (d.event) {
      case 'ticket.completed': return t('sys_completed', { Name: d.by || '' });
      case 'ticket.autoclosed': return t('sys_autoclosed', { Period: periodLabel(d.after_seconds || 0) });
      case 'return.accepted': return t('sys_return_accepted', { Name: d.by || '' }) + note;
      case 'return.declined': return t('sys_return_declined', { Name: d.by || '' }) + note;
      case 'return.withdrawn': return t('sys_return_withdrawn');
      case 'order.created': return t('sys_order_created', { Order: d.order || '' });
    }
  }
  return m.body;
}

// previewText is a message as a list row previews it.
export function previewText(m) {
  if (m.kind === 'return_proposal') return t('return_preview');
  return messageText(m) || t('attachment');
}

// returnState is a proposal's state after the messages of the thread: the
// system messages that answer it (or withdraw it when the ticket closes)
// name it.
export function returnState(msgs, id) {
  let state = 'proposed';
  for (const m of msgs) {
    if (m.author?.side === 'system' && m.data?.return_proposal === id && m.data.state) state = m.data.state;
  }
  return state;
}

// returnCard shows a return proposal: the seller's note and its state; the
// buyer answers it with Accept or Decline while it waits and the ticket is
// open. answer(id, 'accept'|'decline') posts the answer.
export function returnCard(m, conv, state, answer) {
  const d = m.data || {};
  const buyer = conv.my_side === 'buyer';
  const waiting = state === 'proposed';
  const open = waiting && !ticketClosed(conv);
  const label = !waiting ? t('return_' + state) : !open ? t('return_unanswered') : buyer ? t('return_waiting_you') : t('return_waiting_buyer');
  const status = h('p', { class: 'return-status', role: 'status' });
  const act = (how) => async (e) => {
    for (const b of e.target.parentNode.querySelectorAll('button')) b.disabled = true;
    try {
      await answer(d.return_proposal, how);
    } catch (err) {
      status.textContent = err.message;
      for (const b of e.target.parentNode.querySelectorAll('button')) b.disabled = false;
    }
  };
  return h('div', { class: 'return-card', 'data-return': d.return_proposal, 'data-state': open ? 'proposed' : waiting ? 'unanswered' : state },
    h('strong', {}, t('return_title')),
    d.note ? h('p', { class: 'return-note' }, d.note) : null,
    h('p', {}, h('span', { class: 'badge return-badge' }, label)),
    buyer && open ? h('p', { class: 'return-actions' },
      h('button', { type: 'button', class: 'primary small', 'data-answer': 'accept', onclick: act('accept') }, t('return_accept')),
      h('button', { type: 'button', class: 'small', 'data-answer': 'decline', onclick: act('decline') }, t('return_decline'))) : null,
    status);
}

// confirmDialog builds a modal dialog with a title, a text, optional
// fields and Cancel / confirm buttons; onConfirm(form) runs on confirm and
// closes the dialog when it resolves, or shows its error.
function confirmDialog(id, title, text, confirmLabel, fields, onConfirm) {
  const status = h('p', { class: 'error', role: 'alert' });
  const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, t('cancel'));
  const ok = h('button', { type: 'submit', class: 'primary', id: id + '-confirm' }, confirmLabel);
  const form = h('form', { method: 'dialog' }, h('h2', { id: id + '-h' }, title), h('p', {}, text), fields, status,
    h('p', { class: 'dialog-actions' }, cancel, ok));
  const dialog = h('dialog', { id, class: 'confirm', 'aria-labelledby': id + '-h' }, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    ok.disabled = true;
    status.textContent = '';
    try {
      await onConfirm(form);
      dialog.close();
    } catch (err) {
      status.textContent = err.code === 'conflict' && id === 'return-dialog' ? t('return_open') : err.message;
    } finally {
      ok.disabled = false;
    }
  });
  document.body.append(dialog);
  return dialog;
}

// ticketActions puts "Complete" (seller side and operators) and "Start a
// return" (seller side) into the conversation's action bar. It returns
// update(conv), which hides them once the ticket is closed, or null when
// the conversation is no ticket of the caller's to manage.
export function ticketActions(conv, bar, onChange) {
  if (conv.kind !== 'ticket' || (conv.my_side !== 'seller' && conv.my_side !== 'operator')) return null;
  const path = '/api/v1/conversations/' + conv.id;
  const completeDialog = confirmDialog('complete-dialog', t('complete_title'), t('complete_text'), t('complete_confirm'), null,
    async () => onChange?.(await api('PATCH', path, { status: 'closed' })));
  const complete = h('button', { type: 'button', class: 'small', id: 'ticket-complete', onclick: () => completeDialog.showModal() }, t('ticket_complete'));
  const buttons = [complete];
  if (conv.my_side === 'seller') {
    const note = h('textarea', { id: 'return-note', name: 'note', rows: '3', maxlength: '2000' });
    const returnDialog = confirmDialog('return-dialog', t('return_dialog_title'), t('return_dialog_text'), t('return_confirm'),
      h('p', {}, h('label', { for: 'return-note' }, t('return_note')), note),
      async () => {
        await api('POST', path + '/return-proposal', { client_id: clientID(), note: note.value.trim() });
        note.value = '';
      });
    buttons.push(h('button', { type: 'button', class: 'small', id: 'ticket-return', onclick: () => returnDialog.showModal() }, t('ticket_start_return')));
  }
  bar.prepend(...buttons);
  const update = (c) => {
    for (const b of buttons) b.hidden = ticketClosed(c);
  };
  update(conv);
  return { update };
}
