{% autoescape off %}// Funnels service worker, served at /sw.js (scope "/"): static assets from the cache, pages from
// the network with the offline page as stand-in, the dashboard as last seen, and spendings saved
// without a network kept in a queue and sent when it returns (docs/rules.md §11.2, README "Offline").
"use strict";
// Workbox's queue (IndexedDB, Background Sync where the browser has it), vendored, same origin.
importScripts({% for script in workbox %}"{{ script }}"{% if not forloop.last %}, {% endif %}{% endfor %});

const CACHE = "funnels-{{ version }}";
// The last dashboard lives apart from the assets, so a new version of them does not drop it.
const PAGES = "funnels-pages";
const OFFLINE_URL = "/offline/";
const DASHBOARD_URL = "/";
const SPENDING_URL = "{{ spending_url }}";
const LOGOUT_URL = "{{ logout_url }}";
const QUEUED_HEADER = "{{ queued_header }}";
const OTHER_MEMBER_HEADER = "{{ other_member_header }}";
const ASSETS = [{% for asset in assets %}"{{ asset }}", {% endfor %}OFFLINE_URL];

// The newest CSRF token a freshly loaded page handed over: a sign-in rotates the token, so a
// spending queued before it would be refused with the one it was typed with.
let csrfToken = null;
// "offline" (the last try found no network), "signin" (the session ended), "member" (another
// member is signed in: the next one waits for `waitsFor`) or "" (all sent).
let blockedBy = "";
let waitsFor = "";
let replaying = null;

const queue = new workbox.backgroundSync.Queue("spendings", {
  // Nothing typed is lost: far longer than Workbox's default week.
  maxRetentionTime: 60 * 24 * 366,
  onSync: async () => {
    await sendQueued();
    // A thrown error makes the browser try the sync again later, with backoff.
    if (blockedBy === "offline") throw new Error("The queued spendings wait for the network.");
  },
});

// What the server refused for good (its funnel was deleted meanwhile, say): kept, never sent
// again, until the member has read why on the dashboard and dismissed it. Nothing typed is lost.
const refusedQueue = new workbox.backgroundSync.Queue("spendings-refused", {
  maxRetentionTime: 60 * 24 * 366,
  forceSyncFallback: true,
  onSync: async () => {},
});

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE && key !== PAGES).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (url.pathname === SPENDING_URL && request.mode !== "navigate") {
      event.respondWith(spendingPost(request));
    } else if (url.pathname === LOGOUT_URL) {
      // Signed out on purpose: the figures are nobody's business on this device any more.
      event.waitUntil(caches.delete(PAGES));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    if (url.pathname === DASHBOARD_URL && !url.search) {
      event.respondWith(dashboard(request));
      return;
    }
    // Other pages are always fresh from the server; the offline page stands in when it is unreachable.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((cached) => cached || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
  }
});

// Network first; without a network the copy last seen, saying when it was seen.
async function dashboard(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      await (await caches.open(PAGES)).put(DASHBOARD_URL, copy);
    }
    return response;
  } catch (error) {
    const cached = await (await caches.open(PAGES)).match(DASHBOARD_URL);
    if (!cached) return caches.match(OFFLINE_URL);
    // The page carries a hidden "figures as last seen at HH:MM" (rendered with it); show it.
    // The headers go along unchanged: the page's script nonces match its own CSP header.
    const html = (await cached.text()).replace("data-offline-copy hidden", "data-offline-copy");
    return new Response(html, { status: cached.status, statusText: cached.statusText, headers: cached.headers });
  }
}

// A spending from the page: to the server, or into the queue when there is no network.
async function spendingPost(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    const form = new URLSearchParams(await copy.text());
    // Only what the page script sent (with its client id) can be sent again exactly once.
    if (!form.get("client_id") || !form.get("funnel")) return Response.error();
    // Sent later, it is still dated when it was made (by this device's clock, the only one at hand).
    form.set("made_at", new Date().toISOString());
    const queued = new Request(copy.url, { method: "POST", headers: copy.headers, body: form, credentials: "same-origin" });
    await queue.pushRequest({ request: queued, metadata: pendingOf(form) });
    if (blockedBy !== "signin") blockedBy = "offline";
    await tellPages();
    // 202, nothing to swap: the page shows it as pending (static/js/app.js).
    return new Response("", { status: 202, headers: { "HX-Reswap": "none" } });
  }
}

function pendingOf(form) {
  return {
    id: form.get("client_id"),
    funnel: form.get("funnel"),
    amount: form.get("amount") || "",
    note: form.get("note") || "",
    made_at: form.get("spent_at") || form.get("made_at") || "",
    member: form.get("member") || "",
  };
}

// One replay at a time, whoever asks (the sync event, a page coming online or loading). Asked
// during one, it runs once more after it: the page may say "online" before the worker is, and
// the sync event that follows must not be answered by the try that found no network.
let again = false;
function sendQueued() {
  if (replaying) {
    again = true;
    return replaying;
  }
  replaying = (async () => {
    do {
      again = false;
      await replay().catch((error) => tellPages({ error: String(error) }));
    } while (again);
  })().finally(() => { replaying = null; });
  return replaying;
}

async function replay() {
  blockedBy = "";
  waitsFor = "";
  let entry;
  while ((entry = await queue.shiftRequest())) {
    let response;
    try {
      response = await fetch(await replayed(entry.request.clone()));
    } catch (error) {
      // No network (or anything else that went wrong): the entry goes back, first in line.
      await queue.unshiftRequest(entry);
      blockedBy = "offline";
      break;
    }
    // Signed out (member_required answers HTMX with HX-Redirect to the sign-in page), a stale
    // CSRF token (403) or a server error: keep it and try again later.
    if (response.headers.has("HX-Redirect") || response.redirected || response.status === 403) {
      await queue.unshiftRequest(entry);
      blockedBy = response.status === 403 ? "offline" : "signin";
      break;
    }
    if (response.headers.has(OTHER_MEMBER_HEADER)) {
      await queue.unshiftRequest(entry);
      blockedBy = "member";
      waitsFor = response.headers.get(OTHER_MEMBER_HEADER);
      break;
    }
    if (response.status >= 500) {
      await queue.unshiftRequest(entry);
      blockedBy = "offline";
      break;
    }
    if (!response.ok) {
      const reason = (await response.text()).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
      await refusedQueue.pushRequest({ request: entry.request, metadata: { ...entry.metadata, reason } });
    }
  }
  await tellPages();
}

async function replayed(request) {
  const headers = new Headers(request.headers);
  headers.set(QUEUED_HEADER, "1");
  const form = new URLSearchParams(await request.text());
  if (csrfToken) {
    headers.set("X-CSRFToken", csrfToken);
    form.set("csrfmiddlewaretoken", csrfToken);
  }
  return new Request(request.url, { method: "POST", headers, body: form, credentials: "same-origin" });
}

async function dismissRefused() {
  while (await refusedQueue.shiftRequest()) {
    // Read and dismissed on the dashboard.
  }
  await tellPages();
}

async function tellPages(extra) {
  const entries = await queue.getAll();
  const refused = (await refusedQueue.getAll()).map((entry) => entry.metadata);
  const message = { type: "pending", items: entries.map((entry) => entry.metadata), refused, blockedBy, waitsFor, ...extra };
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  pages.forEach((page) => page.postMessage(message));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "dismiss") {
    event.waitUntil(dismissRefused());
    return;
  }
  if (data.type !== "send") return;
  if (typeof data.csrf === "string" && data.csrf) csrfToken = data.csrf;
  event.waitUntil(sendQueued());
});
{% endautoescape %}
