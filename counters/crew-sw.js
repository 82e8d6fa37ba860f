// The crew phone's service worker (scope /counters/crew): keeps the page's own files so
// the page opens, and reloads, without signal in the street. Network first (a new version
// of the page is taken as soon as there is signal), the kept copy when there is none. The
// API and the socket are never kept: results wait in the page's outbox (crew-outbox.js).
const CACHE = "qms-crew-v1";
const FILES = [
  "/counters/crew.html",
  "/counters/crew.js",
  "/counters/crew-outbox.js",
  "/counters/crew-texts.js",
  "/counters/crew.css",
  "/static/qms.css",
  "/static/qms.js",
  "/static/i18n.js",
  "/static/format.js",
  "/static/texts.js",
  "/static/words.js",
  "/static/favicon.svg",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("qms-crew-") && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!FILES.includes(url.pathname)) return; // the API, the socket: straight to the server
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return res;
      })
      .catch(() => caches.match(url.pathname).then((hit) => hit || Response.error())),
  );
});
