// The member app's service worker: keeps the stylesheet, script and an offline page, so the app opens
// on a flaky 3G link. Pages themselves are always fetched (balances and card codes must be live).
const CACHE = "member-app-v2";
const ASSETS = ["/app/static/app.css", "/app/static/app.js", "/app/static/icon.svg", "/app/static/icon-192.png",
                "/app/static/offline.html"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.startsWith("/app/static/")) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
  } else if (event.request.mode === "navigate") {
    event.respondWith(fetch(event.request).catch(() => caches.match("/app/static/offline.html")));
  }
});
