// "Ask for a quote" with the marketplace's form: one fieldset per step,
// shown one at a time, then the message and files, then one POST of the
// quote conversation. The checks before "Next" mirror the server's
// (internal/quote/form.go CheckAnswers); what the server still refuses
// (422, "form.<name>") is shown at its field, on its step.
import { api, upload, clientID } from './api.js';
import { h, t } from './i18n.js';

const limits = { text: 1000, textarea: 10000 };

// optionLabel is how a select's option (the answer sent and stored) reads
// in the form's language: the server's option_labels when it has them.
export const optionLabel = (f, o) => f.option_labels?.[(f.options || []).indexOf(o)] ?? String(o);

// fieldID is a field's element id; the form's names are [a-z0-9_].
const fieldID = (name) => 'qf-' + name;

export class QuoteAsk {
  // opts: {product, page_url, onStarted(conversation), onCancel()}
  constructor(root, steps, opts) {
    this.root = root;
    this.steps = steps;
    this.opts = opts;
    this.at = 0;
    this.files = []; // {name, id, promise, li}
    this.build();
  }

  build() {
    this.progress = h('p', { class: 'quote-progress muted', 'aria-live': 'polite' });
    this.status = h('p', { class: 'error', role: 'alert', hidden: true });
    this.sets = this.steps.map((st, i) => h('fieldset', { class: 'quote-step', 'data-step': i },
      h('legend', {}, st.title),
      st.fields.map((f) => this.field(f))));
    this.uploads = h('ul', { class: 'uploads' });
    const file = h('input', { type: 'file', id: 'qf-files', class: 'visually-hidden', multiple: true });
    file.addEventListener('change', () => { for (const f of file.files) this.addFile(f); file.value = ''; });
    this.body = h('textarea', { id: 'qf-message', name: 'message', rows: '4', maxlength: '10000', 'aria-describedby': 'qf-message-help' });
    this.sets.push(h('fieldset', { class: 'quote-step', 'data-step': this.steps.length },
      h('legend', {}, t('quote.message')),
      h('div', { class: 'qf-field' },
        h('label', { for: 'qf-message' }, t('quote.message')),
        this.body,
        h('p', { id: 'qf-message-help', class: 'muted' }, t('quote.message_help')),
        h('p', { id: 'qf-message-err', class: 'error', hidden: true })),
      h('div', { class: 'qf-field' },
        this.uploads,
        h('label', { for: 'qf-files', class: 'button small attach' }, t('quote.attach')), file)));
    this.back = h('button', { type: 'button', class: 'small', onclick: () => this.show(this.at - 1) }, t('quote.back'));
    this.next = h('button', { type: 'submit', class: 'primary', id: 'qf-next' });
    // Where the form shows beside other things (the buyer area's context
    // panel), it can be put away; the widget has its own way back.
    const cancel = this.opts.onCancel ? h('button', { type: 'button', class: 'small', id: 'qf-cancel', onclick: () => this.opts.onCancel() }, t('cancel')) : null;
    this.form = h('form', { class: 'quote-ask', novalidate: true },
      this.progress, this.status, this.sets, h('p', { class: 'row quote-nav' }, cancel, this.back, this.next));
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.advance(); });
    this.root.replaceChildren(this.form);
    this.show(0);
  }

  field(f) {
    const id = fieldID(f.name);
    const help = f.help ? h('p', { id: id + '-help', class: 'muted' }, f.help) : null;
    const err = h('p', { id: id + '-err', class: 'error', hidden: true });
    const label = [f.label, f.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null];
    const common = { id, name: f.name, 'aria-describedby': help ? id + '-help' : null, 'aria-required': f.required ? 'true' : null };
    let input;
    switch (f.type) {
      case 'textarea':
        input = h('textarea', { ...common, rows: '3', maxlength: String(limits.textarea) });
        break;
      case 'number':
        input = h('input', { ...common, type: 'number', inputmode: 'decimal', step: 'any', min: f.min ?? null, max: f.max ?? null });
        break;
      case 'select':
        input = h('select', common, h('option', { value: '' }, t('quote.choose')), f.options.map((o) => h('option', { value: o }, optionLabel(f, o))));
        break;
      case 'date':
        input = h('input', { ...common, type: 'date' });
        break;
      case 'boolean':
        input = h('input', { ...common, type: 'checkbox', 'aria-required': null });
        return h('div', { class: 'qf-field qf-check', 'data-field': f.name }, input, h('label', { for: id }, label), help, err);
      default:
        input = h('input', { ...common, type: 'text', maxlength: String(limits.text) });
    }
    return h('div', { class: 'qf-field', 'data-field': f.name }, h('label', { for: id }, label), input, help, err);
  }

  show(i) {
    this.at = Math.max(0, Math.min(i, this.sets.length - 1));
    this.sets.forEach((s, j) => { s.hidden = j !== this.at; });
    this.back.hidden = this.at === 0;
    const last = this.at === this.sets.length - 1;
    this.next.textContent = last ? t('quote.send_request') : t('quote.next');
    this.progress.textContent = t('quote.step', { N: this.at + 1, Count: this.sets.length });
    this.status.hidden = true;
  }

  // value reads a field's answer as the API takes it; undefined = no answer.
  value(f) {
    const el = this.form.querySelector('#' + fieldID(f.name));
    if (f.type === 'boolean') return el.checked;
    const v = el.value.trim();
    if (v === '') return f.type === 'number' && el.validity.badInput ? NaN : undefined;
    return f.type === 'number' ? Number(v) : v;
  }

  // check is the server's check of one answer, message or null.
  check(f, v) {
    if (v === undefined) return f.required ? t('quote.err_required') : null;
    switch (f.type) {
      case 'text': case 'textarea':
        return [...v].length > limits[f.type] ? t('quote.err_length', { Count: limits[f.type] }) : null;
      case 'number':
        if (!Number.isFinite(v)) return t('quote.err_number');
        if (f.min != null && v < f.min) return t('quote.err_min', { Min: f.min });
        if (f.max != null && v > f.max) return t('quote.err_max', { Max: f.max });
        return null;
      case 'select':
        return f.options.includes(v) ? null : t('quote.err_required');
      case 'date':
        return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v + 'T00:00:00Z')) ? null : t('quote.err_date');
    }
    return null;
  }

  setError(name, msg) {
    const id = name === 'message' ? 'qf-message' : fieldID(name);
    const input = this.form.querySelector('#' + id);
    const err = this.form.querySelector('#' + id + '-err');
    if (!input || !err) return false;
    const help = this.form.querySelector('#' + id + '-help');
    err.textContent = msg || '';
    err.hidden = !msg;
    const by = [help?.id, msg ? err.id : null].filter(Boolean).join(' ');
    if (by) input.setAttribute('aria-describedby', by); else input.removeAttribute('aria-describedby');
    if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    return true;
  }

  // checkStep shows the step's errors and answers whether it passed; the
  // first wrong field takes the focus.
  checkStep(i) {
    let first = null;
    if (i < this.steps.length) {
      for (const f of this.steps[i].fields) {
        const msg = this.check(f, this.value(f));
        this.setError(f.name, msg);
        if (msg && !first) first = fieldID(f.name);
      }
    } else {
      const empty = !this.body.value.trim() && this.files.every((x) => !x.id && !x.promise);
      this.setError('message', empty ? t('quote.err_message') : null);
      if (empty) first = 'qf-message';
    }
    if (first) this.form.querySelector('#' + first).focus();
    return !first;
  }

  async advance() {
    if (!this.checkStep(this.at)) return;
    if (this.at < this.sets.length - 1) {
      this.show(this.at + 1);
      this.sets[this.at].querySelector('input, select, textarea')?.focus();
      return;
    }
    await this.send();
  }

  addFile(file) {
    const item = { name: file.name, id: null };
    const bar = h('progress', { max: '1', value: '0', 'aria-label': file.name });
    const remove = h('button', { type: 'button', class: 'small', onclick: () => { this.files = this.files.filter((x) => x !== item); item.li.remove(); } }, '×', h('span', { class: 'visually-hidden' }, ' ' + t('remove')));
    item.li = h('li', {}, file.name, bar, remove);
    this.uploads.append(item.li);
    this.files.push(item);
    item.promise = upload(file, (p) => { bar.value = p; }).then((a) => { item.id = a.id; bar.value = 1; }, () => {
      bar.replaceWith(h('span', { class: 'error' }, t('upload_failed')));
    });
  }

  async send() {
    this.next.disabled = true;
    try {
      await Promise.all(this.files.map((f) => f.promise));
      const form = {};
      for (const st of this.steps) for (const f of st.fields) {
        const v = this.value(f);
        if (v !== undefined) form[f.name] = v;
      }
      const input = { kind: 'quote', product: this.opts.product, form,
        message: { client_id: this.clientID ||= clientID(), body: this.body.value.trim(), attachments: this.files.filter((f) => f.id).map((f) => f.id) } };
      if (this.opts.page_url) input.page_url = this.opts.page_url;
      const started = await api('POST', '/api/v1/conversations', input);
      await this.opts.onStarted(started.conversation);
    } catch (err) {
      this.serverErrors(err);
    } finally {
      this.next.disabled = false;
    }
  }

  // serverErrors puts a 422's field errors at their fields and goes to the
  // first step that has one; anything else shows above the form.
  serverErrors(err) {
    const fields = err.problem?.errors || [];
    let step = -1;
    const rest = [];
    for (const fe of fields) {
      const name = fe.field.startsWith('form.') ? fe.field.slice(5) : fe.field.startsWith('message') ? 'message' : '';
      if (!name || !this.setError(name, fe.message)) { rest.push(`${fe.field} ${fe.message}`); continue; }
      const i = name === 'message' ? this.steps.length : this.steps.findIndex((st) => st.fields.some((f) => f.name === name));
      if (step < 0 || (i >= 0 && i < step)) step = i;
    }
    if (step >= 0) {
      this.show(step);
      this.sets[step].querySelector('[aria-invalid="true"]')?.focus();
    }
    if (rest.length || step < 0) {
      this.status.textContent = rest.length ? rest.join('; ') : err.message;
      this.status.hidden = false;
    }
  }
}

// quoteForm answers the product's form steps, or none (a plain message),
// in the language of the page (the server reads its cookie).
export async function quoteForm(product) {
  try {
    const f = await api('GET', '/api/v1/products/' + encodeURIComponent(product) + '/quote-form');
    return f.steps || [];
  } catch {
    return [];
  }
}
