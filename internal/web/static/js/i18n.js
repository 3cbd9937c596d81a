// Page data and translations: the server puts them in the #page-data block.
const el = document.getElementById('page-data');
export const page = el ? JSON.parse(el.textContent) : { lang: 'en', strings: {} };

let rules = new Intl.PluralRules(page.lang);

// setStrings replaces the catalogue (the widget frame gets it later).
export function setStrings(lang, strings) {
  page.lang = lang;
  page.strings = strings;
  rules = new Intl.PluralRules(lang);
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

const dayFmt = () => new Intl.DateTimeFormat(page.lang, { day: 'numeric', month: 'long', year: 'numeric' });
const timeFmt = () => new Intl.DateTimeFormat(page.lang, { hour: '2-digit', minute: '2-digit' });

export function dayLabel(d) {
  const today = new Date();
  const y = new Date(); y.setDate(today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return t('today');
  if (d.toDateString() === y.toDateString()) return t('yesterday');
  return dayFmt().format(d);
}

export function timeLabel(d) { return timeFmt().format(d); }

export function shortWhen(d) {
  return d.toDateString() === new Date().toDateString() ? timeLabel(d) : new Intl.DateTimeFormat(page.lang, { day: 'numeric', month: 'short' }).format(d);
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
