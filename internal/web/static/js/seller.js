// A seller's profile for buyers: availability and the conversations with it.
import { page, t } from './i18n.js';
import { api } from './api.js';
import { start } from './live.js';
import { Inbox } from './inbox.js';

const seller = page.seller;
api('GET', '/api/v1/organizations/' + encodeURIComponent(seller) + '/availability').then((a) => {
  document.getElementById('availability').textContent = t(a.status === 'online' ? 'online' : a.status === 'away' ? 'away' : 'offline');
}).catch(() => {});
const inbox = new Inbox({ list: document.getElementById('seller-convs'), empty: document.getElementById('seller-empty') }, { seller });
start().then(() => inbox.load());
