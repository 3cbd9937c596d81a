// Parley's service worker: makes the app installable, shows Web Push
// notifications (payload: {type, conversation, title, body, url, tag}) and
// opens the conversation when one is clicked.
self.addEventListener('install', (event) => { event.waitUntil(self.skipWaiting()); });
self.addEventListener('activate', (event) => { event.waitUntil(self.clients.claim()); });

self.addEventListener('push', (event) => {
  let p = {};
  try { p = event.data ? event.data.json() : {}; } catch { p = { body: event.data ? event.data.text() : '' }; }
  const url = p.url || (p.conversation ? '/app/c/' + p.conversation : '/app/');
  event.waitUntil((async () => {
    // A visible Parley tab shows the message itself.
    const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (tabs.some((c) => c.visibilityState === 'visible' && new URL(c.url).pathname === url)) return;
    await self.registration.showNotification(p.title || 'Parley', {
      body: p.body || '', tag: p.tag || (p.conversation ? 'conversation-' + p.conversation : undefined),
      data: { url }, icon: '/static/icon-192.png', badge: '/static/icon-192.png',
    });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/app/';
  event.waitUntil((async () => {
    const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const c of tabs) {
      if (new URL(c.url).origin === self.location.origin && 'focus' in c) {
        await c.focus();
        if ('navigate' in c) await c.navigate(url);
        return;
      }
    }
    await self.clients.openWindow(url);
  })());
});
