// The composer: the text, the files picked (uploaded at once, with a
// progress bar) and the send. Every composer of the app and the widget (an
// open conversation, a new chat or ticket) is one of these, so each sends
// what it shows: the text, the files, or both. A file whose upload failed
// stops the send with a word until it is removed, instead of being dropped.
import { upload } from './api.js';
import { t, h } from './i18n.js';

export class Composer {
  // els: {form, body, file, uploads}; send({body, attachments}) starts the
  // send and resolves once the composer may be emptied (it rejects to keep
  // what was written, e.g. a new conversation that could not start).
  constructor(els, send) {
    this.els = els;
    this.send = send;
    this.files = []; // {name, id, failed, promise, li}
    this.busy = false;
    els.form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    els.body.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.submit(); }
    });
    els.file.addEventListener('change', () => { for (const f of els.file.files) this.addFile(f); els.file.value = ''; });
  }

  addFile(file) {
    const item = { name: file.name, id: null, failed: false };
    const bar = h('progress', { max: '1', value: '0', 'aria-label': file.name });
    const remove = h('button', { type: 'button', class: 'small', onclick: () => this.removeFile(item) }, '×', h('span', { class: 'visually-hidden' }, ' ' + t('remove')));
    item.li = h('li', { 'data-state': 'uploading' }, file.name, bar, remove);
    this.els.uploads.append(item.li);
    this.files.push(item);
    this.note(null);
    item.promise = upload(file, (p) => { bar.value = p; }).then((a) => {
      item.id = a.id;
      bar.value = 1;
      item.li.dataset.state = 'done';
    }, (err) => {
      item.failed = true;
      item.li.dataset.state = 'failed';
      // A 429 says how long to wait (rate_limited); anything else failed.
      bar.replaceWith(h('span', { class: 'error', role: 'alert' }, err.status === 429 ? err.message : t('upload_failed')));
    });
  }

  removeFile(item) {
    this.files = this.files.filter((x) => x !== item);
    item.li.remove();
    if (!this.files.some((f) => f.failed)) this.note(null);
  }

  // note says why the composer did not send (null clears it).
  note(text) {
    if (!text) { this.noteEl?.remove(); this.noteEl = null; return; }
    if (!this.noteEl) {
      this.noteEl = h('p', { class: 'error composer-note', role: 'alert' });
      this.els.uploads.after(this.noteEl);
    }
    this.noteEl.textContent = text;
  }

  async submit() {
    if (this.busy) return;
    this.busy = true;
    try {
      // Files still uploading are waited for: the message goes with them.
      await Promise.all(this.files.map((f) => f.promise));
      if (this.files.some((f) => f.failed)) { this.note(t('upload_failed_send')); return; }
      const body = this.els.body.value.trim();
      const attachments = this.files.map((f) => f.id);
      if (!body && attachments.length === 0) return;
      await this.send({ body, attachments });
      this.els.body.value = '';
      this.files = [];
      this.els.uploads.replaceChildren();
      this.note(null);
    } catch { /* the sender shows why; what was written stays */ } finally {
      this.busy = false;
    }
  }
}
