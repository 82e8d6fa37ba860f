// Shared client code for the hall's pages: the HTTP API, the websocket protocol
// (docs/protocol.md), a tiny state reducer and a few DOM helpers.
// Plain ES module, no build step. Server text is only ever inserted with textContent.
import { money, time } from "/static/format.js";
import { BOTH, Catalogue, wordsOf } from "/static/i18n.js";
import { SHARED_TEXTS } from "/static/texts.js";

// --- HTTP ----------------------------------------------------------------------------

/** An API refusal, carrying the server's error shape {code, message, details}. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

/**
 * Call the JSON API. Returns the parsed JSON body, or throws an ApiError with the
 * server's code/message/details (code "network" when the server cannot be reached).
 */
export async function api(path, { method = "GET", body, token, contentType } = {}) {
  const headers = { Accept: "application/json" };
  // JSON, unless the body is a text of its own kind (a bank statement's CSV: text/csv)
  if (body !== undefined) headers["Content-Type"] = contentType || "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined || contentType ? body : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, "network", shared.t("error.network"), {});
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data?.error || {};
    throw new ApiError(
      res.status,
      err.code || `http_${res.status}`,
      err.message || `HTTP ${res.status}`,
      err.details || {},
    );
  }
  return data;
}

// --- websocket ---------------------------------------------------------------------

/** End a staff session on the server; the page has signed out already, so an answer that
 * never comes (offline, the session gone) changes nothing. */
export async function endSession(token) {
  if (!token) return;
  try {
    await api("/api/auth/logout", { method: "POST", token });
  } catch {
    /* signed out here either way */
  }
}

export function wsUrl(path = "/ws") {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}${path}`;
}

const noop = () => {};

/**
 * One live subscription to a view, following the protocol's client rules:
 *  - auth, then subscribe (with `since: last` once something was applied);
 *  - keep `last`; ignore seq <= last; apply seq == last + 1; on a hole send `resume`
 *    with `since: last` and keep applying only consecutive events;
 *  - reconnect by itself with backoff (capped at 5 s) after a drop or a server restart;
 *  - ping now and then: a pong with a seq ahead of `last` is a hole too, and silence
 *    means a dead connection.
 *
 * Callbacks: onSnapshot(data, seq), onEvent(evt), onStatus(online: boolean),
 * onReady(principal), onError(errorFrame), onUnauthenticated(errorFrame|null).
 */
export class HallSocket {
  constructor({
    token,
    view,
    branch = null,
    url = wsUrl(),
    onSnapshot = noop,
    onEvent = noop,
    onStatus = noop,
    onReady = noop,
    onError = noop,
    onUnauthenticated = noop,
    pingMs = 15000,
    deadMs = 40000,
    maxBackoffMs = 5000,
  }) {
    Object.assign(this, { token, view, url, onSnapshot, onEvent, onStatus, onReady, onError });
    this.branch = branch; // a hall watched from the company view (docs/company.md)
    this.onUnauthenticated = onUnauthenticated;
    this.pingMs = pingMs;
    this.deadMs = deadMs;
    this.maxBackoffMs = maxBackoffMs;
    this.last = null; // seq of the snapshot or of the last event applied
    this.online = false;
    this.ws = null;
    this.attempt = 0;
    this.stopped = true;
    this.resumeSentAt = 0;
    this.lastHeard = 0;
    this.lastError = null;
    this._timer = null;
    this._pinger = null;
    this._kick = () => {
      if (!this.stopped && !this.ws) this._connectNow();
    };
  }

  start() {
    if (!this.stopped) return this;
    this.stopped = false;
    window.addEventListener("online", this._kick);
    this._connect();
    return this;
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("online", this._kick);
    clearTimeout(this._timer);
    clearInterval(this._pinger);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      this._detach(ws);
      try {
        ws.close(1000);
      } catch {
        /* already closed */
      }
    }
    this._setOnline(false);
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  _setOnline(on) {
    if (this.online === on) return;
    this.online = on;
    this.onStatus(on);
  }

  _connectNow() {
    clearTimeout(this._timer);
    this._connect();
  }

  _connect() {
    if (this.stopped) return;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this._retry();
      return;
    }
    this.ws = ws;
    const opening = setTimeout(() => {
      if (this.ws === ws && ws.readyState !== WebSocket.OPEN) this._drop(ws);
    }, 8000);
    ws.onopen = () => {
      clearTimeout(opening);
      this.lastHeard = Date.now();
      ws.send(JSON.stringify({ type: "auth", token: this.token }));
    };
    ws.onmessage = (m) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      this._handle(msg);
    };
    ws.onerror = noop; // a close follows
    ws.onclose = (e) => {
      clearTimeout(opening);
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this._pinger);
      this._setOnline(false);
      if (e.code === 4401) {
        this.stopped = true;
        window.removeEventListener("online", this._kick);
        this.onUnauthenticated(this.lastError);
        return;
      }
      this._retry();
    };
  }

  /** Forget a socket that looks dead, without waiting for its closing handshake. */
  _drop(ws) {
    if (this.ws !== ws) return;
    this.ws = null;
    this._detach(ws);
    try {
      ws.close();
    } catch {
      /* ignore */
    }
    clearInterval(this._pinger);
    this._setOnline(false);
    this._retry();
  }

  _detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  _retry() {
    if (this.stopped) return;
    const base = Math.min(this.maxBackoffMs, 250 * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 10);
    const delay = Math.min(this.maxBackoffMs, base + Math.random() * 250);
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._connect(), delay);
  }

  _resume() {
    const now = Date.now();
    if (now - this.resumeSentAt < 3000) return; // one resume in flight at a time
    this.resumeSentAt = now;
    this.send({ type: "resume", since: this.last });
  }

  _handle(msg) {
    switch (msg.type) {
      case "ready": {
        this.attempt = 0;
        this.resumeSentAt = 0;
        const sub = { type: "subscribe", view: this.view };
        if (this.branch) sub.branch = this.branch;
        if (this.last !== null) sub.since = this.last;
        this.send(sub);
        clearInterval(this._pinger);
        const ws = this.ws;
        this._pinger = setInterval(() => {
          if (this.ws !== ws) return;
          if (Date.now() - this.lastHeard > this.deadMs) this._drop(ws);
          else this.send({ type: "ping" });
        }, this.pingMs);
        this._setOnline(true);
        this.onReady(msg.principal);
        break;
      }
      case "snapshot":
        this.last = msg.seq;
        this.resumeSentAt = 0;
        this.onSnapshot(msg.data, msg.seq);
        break;
      case "event":
        if (this.last === null) return; // nothing to apply it to yet
        if (msg.seq <= this.last) return; // replay overlap
        if (msg.seq === this.last + 1) {
          this.last = msg.seq;
          this.resumeSentAt = 0;
          this.onEvent(msg);
        } else {
          this._resume(); // a hole: ask for what we missed
        }
        break;
      case "pong":
        if (this.last !== null && typeof msg.seq === "number" && msg.seq > this.last) this._resume();
        break;
      case "error":
        this.lastError = msg;
        this.onError(msg);
        break;
      default:
        break;
    }
  }
}

// --- state -------------------------------------------------------------------------

/** A view's state: tickets keyed by number, replaced wholesale by each event's ticket. */
export class HallState {
  constructor() {
    this.tickets = new Map();
    this.counters = [];
    this.branch = null;
    this.businessDay = null;
    this.data = {};
  }

  snapshot(data) {
    this.data = data || {};
    this.branch = this.data.branch || null;
    this.businessDay = this.data.business_day || null;
    this.counters = this.data.counters || [];
    this.tickets = new Map((this.data.tickets || []).map((t) => [t.number, t]));
  }

  /** Apply one event; returns the new ticket state or null when it carried none. */
  event(evt) {
    const t = evt?.data?.ticket;
    if (t?.business_day && this.businessDay && t.business_day > this.businessDay) {
      // a new business day: ticket numbers start again, yesterday's tickets go
      this.tickets = new Map();
      this.businessDay = t.business_day;
    }
    if (t && t.number != null) {
      this.tickets.set(t.number, t);
      return t;
    }
    return null;
  }

  /** Put a ticket state got from an HTTP answer (the matching event replaces it later). */
  put(t) {
    if (t && t.number != null) this.tickets.set(t.number, t);
  }

  list(filter = () => true) {
    return [...this.tickets.values()].filter(filter).sort((a, b) => a.number - b.number);
  }

  counter(code) {
    return this.counters.find((c) => c.code === code) || null;
  }
}

// --- DOM helpers -------------------------------------------------------------------

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/**
 * Build an element. attrs: className, dataset {..}, text (textContent), on {event: fn},
 * hidden, disabled, type, value, checked, title... Children: nodes or strings (text nodes).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "className") node.className = v;
    else if (k === "text") node.textContent = String(v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export { money };

/** HH:MM of an ISO timestamp, in this device's time zone (the hall's, on hall devices):
 * format.js writes the hall's times. */
export const timeOf = time;

// Staff pages show both languages; qms/static/texts.js holds the words.
const shared = new Catalogue(SHARED_TEXTS, { lang: BOTH });
export const TICKET_STATUS = wordsOf(shared, "ticket", ["waiting", "serving", "parked", "no_show", "done"]);
export const LOOKUP_STATUS = wordsOf(shared, "lookup", ["pending", "found", "deferred", "missing", "none"]);
export const PAY_STATUS = wordsOf(shared, "pay", ["unpaid", "paid", "returned", "paid_elsewhere", "moved"]);

/** Mirror the socket's state on the page: body[data-state] and the #offline banner. */
export function showConnection(online) {
  document.body.dataset.state = online ? "online" : "offline";
  const banner = document.getElementById("offline");
  if (banner) banner.hidden = !!online;
}

/** Show an error in a box; clear it with null. A refusal as the server sent it (an
 * ApiError or an error frame: it has details) shows in the hall's words for its code,
 * both languages; a string or an explained {code, message} shows as it is. */
export function showError(box, err) {
  if (!box) return;
  if (!err) {
    box.hidden = true;
    box.textContent = "";
    delete box.dataset.code;
    return;
  }
  if (typeof err === "string") box.textContent = err;
  else box.textContent = err.details ? shared.explainText(err) : err.message || String(err);
  if (err?.code) box.dataset.code = err.code;
  else delete box.dataset.code;
  box.hidden = false;
}

/**
 * A device token: from ?token=... (saved to localStorage and removed from the address
 * bar), else the saved one.
 */
export function deviceToken(storageKey) {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("token");
  if (fromUrl) {
    try {
      localStorage.setItem(storageKey, fromUrl);
    } catch {
      /* private mode: keep it for this page only */
    }
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
    return fromUrl;
  }
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

/** An SVG the server drew (a VietQR) as an image's source: a data URL, never HTML in the
 * page (the pages' CSP allows data: images). */
export function svgSource(svg) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export const CUSTOMER_CODE = /^[A-Z]{2}[0-9]{11}$/;

/** Normalise what a person or a barcode scanner typed into a customer code. */
export function normaliseCode(raw) {
  return String(raw || "")
    .replace(/\s+/g, "")
    .toUpperCase();
}
