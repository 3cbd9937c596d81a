// The quote request in the context panel: the buyer's answers to the
// marketplace's form and, for the seller's members, the pricing form. Its
// total is the server's own (POST .../quotes/preview prices an offer with
// the same code that stores it), asked again as the seller types; "Send
// the offer" posts it, and an offer on an offered quote is its next
// version. Quote messages arriving on the socket refresh the current
// offer's line.
import { optionLabel } from './quoteform.js';
import { api } from './api.js';
import { onFrame } from './live.js';
import { h, t, intlTag, unitLabel, quoteLine } from './i18n.js';

const DEFAULT_DAYS = 14;

function answerText(f, v) {
  if (v === undefined || v === null || v === '') return '—';
  if (f.type === 'boolean') return v ? t('quote.yes') : t('quote.no');
  if (f.type === 'date') {
    const d = new Date(v + 'T00:00:00Z');
    return Number.isNaN(d.getTime()) ? String(v) : d.toLocaleDateString(intlTag(), { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  }
  if (f.type === 'select') return optionLabel(f, v);
  return String(v);
}

function inputLabel(p) {
  if (p.input === 'hours') return t('quote.input_hours');
  if (p.input === 'quantity') return t('quote.input_quantity');
  return t('quote.input_unit', { Unit: unitLabel(p.unit, 2) });
}

function paramText(p, currency) {
  const sign = p.value.startsWith('-') ? '' : '+';
  return p.kind === 'percent' ? `${p.label} (${sign}${p.value} %)` : `${p.label} (${sign}${p.value} ${currency})`;
}

export function quotePanel(conv) {
  const root = h('section', { class: 'quote-panel', 'aria-labelledby': 'qa-h' }, h('h3', { id: 'qa-h' }, t('quote.answers')), h('p', { class: 'muted' }, '…'));
  const panel = new Panel(root, conv);
  panel.load().catch((e) => root.replaceChildren(h('h3', { id: 'qa-h' }, t('quote.answers')), h('p', { class: 'error' }, e.message)));
  return root;
}

class Panel {
  constructor(root, conv) {
    this.root = root;
    this.conv = conv;
    this.off = onFrame((f) => {
      if (!this.root.isConnected) { this.off(); return; }
      if (f.type === 'message.created' && f.data.conversation === conv.id && f.data.kind === 'quote') this.refresh();
    });
  }

  async load() {
    this.req = await api('GET', `/api/v1/conversations/${this.conv.id}/quote`);
    const parts = [h('h3', { id: 'qa-h' }, t('quote.answers')), this.answers()];
    this.current = h('p', { class: 'quote-current', 'aria-live': 'polite' });
    parts.push(this.current);
    if (this.req.pricing && this.conv.my_side !== 'buyer' && !this.conv.blocked) parts.push(this.pricingForm());
    this.root.replaceChildren(...parts);
    this.showCurrent();
  }

  async refresh() {
    try {
      this.req = await api('GET', `/api/v1/conversations/${this.conv.id}/quote`);
      this.showCurrent();
    } catch { /* the next message retries */ }
  }

  answers() {
    const steps = this.req.steps || [];
    const a = this.req.answers || {};
    if (steps.length === 0) return h('p', { class: 'muted' }, t('quote.no_form'));
    return h('div', {}, steps.map((st) => h('div', { class: 'quote-answers' },
      h('h4', {}, st.title),
      h('dl', {}, st.fields.flatMap((f) => [h('dt', {}, f.label), h('dd', { 'data-answer': f.name }, answerText(f, a[f.name]))])))));
  }

  latest() { return (this.req.quotes || [])[0] || null; }

  showCurrent() {
    const q = this.latest();
    this.current.textContent = q ? t('quote.current', { Version: q.version, State: t('quote.state_' + q.state), Total: `${q.total.amount} ${q.total.currency}` }) : '';
    if (this.sendBtn) this.sendBtn.textContent = q && q.state === 'offered' ? t('quote.send_version') : t('quote.send');
  }

  pricingForm() {
    const p = this.req.pricing;
    const cur = p.unit_price.currency;
    const field = (id, label, input, help) => h('div', { class: 'qf-field' }, h('label', { for: id }, label), input,
      help ? h('p', { id: id + '-help', class: 'muted' }, help) : null, h('p', { id: id + '-err', class: 'error', hidden: true }));
    const qty = h('input', { id: 'qp-qty', name: p.input, type: 'number', inputmode: 'decimal', min: '0.01', step: '0.01', required: true });
    const price = h('input', { id: 'qp-price', name: 'unit_price', inputmode: 'decimal', value: p.unit_price.amount, required: true, 'aria-describedby': 'qp-price-help' });
    const params = p.parameters.map((x) => h('div', { class: 'qf-field qf-check' },
      h('input', { type: 'checkbox', id: 'qp-param-' + x.name, name: 'parameters', value: x.name }),
      h('label', { for: 'qp-param-' + x.name }, paramText(x, cur))));
    const note = h('textarea', { id: 'qp-note', name: 'note', rows: '2', maxlength: '2000' });
    const days = h('input', { id: 'qp-days', name: 'days', type: 'number', min: '1', max: '365', step: '1', value: String(DEFAULT_DAYS), required: true });
    this.totalBox = h('div', { class: 'quote-total-box', id: 'qp-total', 'aria-live': 'polite', 'aria-atomic': 'true' }, t('quote.total_hint'));
    this.status = h('p', { role: 'status', class: 'muted', id: 'qp-status' });
    this.sendBtn = h('button', { type: 'submit', class: 'primary', id: 'qp-send' }, t('quote.send'));
    const form = h('form', { class: 'quote-pricing', novalidate: true },
      field('qp-qty', inputLabel(p), qty),
      field('qp-price', `${t('quote.unit_price')} (${cur})`, price, p.unit ? t('quote.per_unit', { Unit: unitLabel(p.unit, 1) }) : null),
      params.length ? h('fieldset', {}, h('legend', {}, t('quote.parameters')), params) : null,
      field('qp-note', t('quote.note'), note),
      field('qp-days', t('quote.valid_days'), days),
      this.totalBox, this.sendBtn, this.status);
    this.form = form;
    this.els = { qty, price, note, days };
    let timer = null;
    form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => this.preview(), 250); });
    form.addEventListener('change', () => { clearTimeout(timer); timer = setTimeout(() => this.preview(), 50); });
    form.addEventListener('submit', (e) => { e.preventDefault(); this.send(); });
    return h('section', { 'aria-labelledby': 'qp-h' }, h('h3', { id: 'qp-h' }, t('quote.price_it')), form);
  }

  // body is the offer as the API takes it; null when the quantity is
  // missing (nothing to price yet).
  body() {
    const p = this.req.pricing;
    const { qty, price, note, days } = this.els;
    if (qty.value.trim() === '') return null;
    const n = Math.min(365, Math.max(1, Math.round(Number(days.value) || DEFAULT_DAYS)));
    const b = { inputs: { [p.input]: Number(qty.value) }, unit_price: price.value.trim(), note: note.value,
      parameters: [...this.form.querySelectorAll('input[name="parameters"]:checked')].map((x) => x.value) };
    if (n !== DEFAULT_DAYS) b.valid_until = new Date(Date.now() + n * 86400000).toISOString();
    return b;
  }

  // fieldErrors puts a 422's errors at the inputs they name; the others
  // are returned as text.
  fieldErrors(err) {
    const map = { unit_price: 'qp-price', note: 'qp-note', valid_until: 'qp-days' };
    map['inputs.' + this.req.pricing.input] = 'qp-qty';
    map['inputs.quantity'] = 'qp-qty';
    map.inputs = 'qp-qty';
    for (const id of Object.values(map)) this.setError(id, null);
    const rest = [];
    for (const fe of err?.problem?.errors || []) {
      if (map[fe.field]) this.setError(map[fe.field], fe.message); else rest.push(`${fe.field}: ${fe.message}`);
    }
    if (!err) return '';
    return rest.join('; ') || (err.problem?.errors?.length ? '' : err.message);
  }

  setError(id, msg) {
    const input = this.form.querySelector('#' + id);
    const el = this.form.querySelector('#' + id + '-err');
    el.textContent = msg || '';
    el.hidden = !msg;
    const help = this.form.querySelector('#' + id + '-help');
    const by = [help?.id, msg ? el.id : null].filter(Boolean).join(' ');
    if (by) input.setAttribute('aria-describedby', by); else input.removeAttribute('aria-describedby');
    if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  }

  async preview() {
    const b = this.body();
    const seq = (this.seq = (this.seq || 0) + 1);
    if (!b) { this.fieldErrors(null); this.totalBox.replaceChildren(t('quote.total_hint')); return; }
    try {
      const pv = await api('POST', `/api/v1/conversations/${this.conv.id}/quotes/preview`, b);
      if (seq !== this.seq) return;
      this.fieldErrors(null);
      this.showTotal(pv);
    } catch (e) {
      if (seq !== this.seq) return;
      const rest = this.fieldErrors(e);
      this.totalBox.replaceChildren(h('span', { class: 'error' }, rest || t('quote.total_unknown')));
    }
  }

  showTotal(pv) {
    const cur = pv.total.currency;
    const rows = pv.lines.map((l) => h('li', {}, `${quoteLine(l.quantity, l.unit, l.unit_price, cur)} = ${l.amount} ${cur}`))
      .concat(pv.adjustments.map((a) => h('li', {}, `${(this.req.pricing?.parameters || []).find((x) => x.name === a.name)?.label || a.label}: ${a.amount} ${cur}`)));
    this.totalBox.replaceChildren(h('ul', {}, rows), h('p', {}, h('strong', { id: 'qp-total-amount', 'data-amount': pv.total.amount }, `${t('quote.total')}: ${pv.total.amount} ${cur}`)));
  }

  async send() {
    const b = this.body();
    if (!b) { this.setError('qp-qty', t('quote.err_required')); this.els.qty.focus(); return; }
    this.sendBtn.disabled = true;
    this.status.textContent = '';
    try {
      const q = await api('POST', `/api/v1/conversations/${this.conv.id}/quotes`, b);
      this.fieldErrors(null);
      this.status.textContent = t('quote.sent', { Version: q.version });
      await this.refresh();
    } catch (e) {
      const rest = this.fieldErrors(e);
      this.status.replaceChildren(h('span', { class: 'error' }, rest || t('quote.fix_errors')));
      this.form.querySelector('[aria-invalid="true"]')?.focus();
    } finally {
      this.sendBtn.disabled = false;
    }
  }
}
