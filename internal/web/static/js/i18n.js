// Page data and translations: the server puts them in the #page-data block.
const el = document.getElementById('page-data');
export const page = el ? JSON.parse(el.textContent) : { lang: 'en', strings: {} };

// intl is the page's language as Intl takes it: Parley's Serbian is the
// Latin script ('sr-Latn'; Intl's plain 'sr' writes Cyrillic month names).
const intl = () => page.intl || (page.lang === 'sr' ? 'sr-Latn' : page.lang);
export const intlTag = intl;
let rules = new Intl.PluralRules(intl());

// setStrings replaces the catalogue (the widget frame gets it later).
export function setStrings(lang, strings) {
  page.lang = lang;
  page.intl = lang === 'sr' ? 'sr-Latn' : lang;
  page.strings = strings;
  rules = new Intl.PluralRules(intl());
}

// t translates a "js." message id; vars fill {{.Name}} slots and Count picks
// the CLDR plural form.
export function t(id, vars = {}) {
  let m = page.strings['js.' + id];
  if (m == null) return id;
  if (typeof m === 'object') {
    m = m[rules.select(Number(vars.Count ?? 0))] ?? m.other;
  }
  return String(m).replace(/\{\{\.(\w+)\}\}/g, (_, k) => String(vars[k] ?? ''));
}

const dayFmt = () => new Intl.DateTimeFormat(intl(), { day: 'numeric', month: 'long', year: 'numeric' });
const timeFmt = () => new Intl.DateTimeFormat(intl(), { hour: '2-digit', minute: '2-digit' });

export function dayLabel(d) {
  const today = new Date();
  const y = new Date(); y.setDate(today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return t('today');
  if (d.toDateString() === y.toDateString()) return t('yesterday');
  return dayFmt().format(d);
}

export function timeLabel(d) { return timeFmt().format(d); }

// dateLabel is a date alone ("10 dicembre 2026", "10. decembar 2026.").
export function dateLabel(d) { return d.toLocaleDateString(intl()); }

// Server-made texts: the server stores a code and its parameters
// ({code: "ticket.order", params: {order: "ORD-1001"}}) and the page says
// them in its language from the "js.t." catalogue (internal/locale/texts).
function tmsg(id, vars, count) {
  let m = page.strings['js.t.' + id];
  if (m == null) return null;
  if (typeof m === 'object') m = m[rules.select(Number(count ?? 0))] ?? m.other;
  return String(m).replace(/\{\{\.(\w+)\}\}/g, (_, k) => String(vars[k] ?? ''));
}

// periodText says seconds in their largest whole unit ("5 giorni").
export function periodText(seconds) {
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]]) {
    if (seconds >= size && seconds % size === 0) return tmsg('period.' + unit, { Count: seconds / size }, seconds / size);
  }
  const n = Math.max(1, Math.ceil(seconds));
  return tmsg('period.second', { Count: n }, n);
}

// say is a server-made text in the page's language; fallback (the stored
// words) when there is none or the catalogue lacks its code.
export function say(text, fallback) {
  if (!text || !text.code) return fallback;
  const p = { ...(text.params || {}) };
  if (text.code === 'ticket.autoclosed') p.period = periodText(Number(p.after_seconds || 0));
  if (text.code.startsWith('quote.')) p.total = `${p.amount || ''} ${p.currency || ''}`.trim();
  return tmsg(text.code, p) ?? fallback;
}

// unitLabel is a price unit ("hour") in the page's language, in the plural
// form quantity takes; a unit the catalogue lacks ("250 cards") as given.
export function unitLabel(unit, quantity = 1) {
  if (!unit) return '';
  return tmsg('unit.' + String(unit).trim().toLowerCase(), {}, quantity) ?? unit;
}

// perUnit is "/ ora".
export function perUnit(unit) { return tmsg('unit.per', { unit: unitLabel(unit, 1) }) ?? '/ ' + unit; }

// quoteLine is "6 ore × 55.00 EUR".
export function quoteLine(quantity, unit, price, currency) {
  return tmsg('quote.line', { quantity, unit: unitLabel(unit, quantity), price: `${price} ${currency || ''}`.trim() });
}

// subjectText is a conversation's subject in the page's language.
export function subjectText(c) { return say(c.subject_i18n, c.subject); }

export function shortWhen(d) {
  return d.toDateString() === new Date().toDateString() ? timeLabel(d) : new Intl.DateTimeFormat(intl(), { day: 'numeric', month: 'short' }).format(d);
}

// h builds an element: h('li', {class: 'x', onclick: f}, child, 'text').
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
