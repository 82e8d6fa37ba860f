// The crew phone's outbox: every result is written here first (localStorage, so it
// survives a reload or a dead battery's restart), with a key made once, then sent in the
// order typed whenever the phone may be online. The server takes a result once per key
// (docs/field.md), so sending again after a lost answer is safe: the same key answers
// "repeat". An answer (200, or a refusal in the error shape) ends an entry; no answer (no
// network, a 5xx, a timeout) keeps it for the next try, with a growing pause.

const KEY_SHAPE = /^[A-Za-z0-9_-]{8,64}$/;
// refusals that say nothing about the result itself: kept, sent again later
const NOT_AN_ANSWER = new Set([0, 401, 408, 429]);

/** A result's key, made once when the result is typed: "r-" and a random UUID. */
export function newKey() {
  let id;
  if (globalThis.crypto?.randomUUID) id = crypto.randomUUID();
  else {
    // a phone on the hall's LAN over plain http has no randomUUID: the same 122 bits
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  const key = `r-${id}`;
  if (!KEY_SHAPE.test(key)) throw new Error(`bad result key ${key}`);
  return key;
}

export class Outbox {
  /**
   * storageKey: where the entries live. send(entry): a promise of the server's answer, or
   * a rejection with an ApiError (status 0 when the server was not reached).
   * onAnswer(entry, answer, refusal): one of the two is set. onChange(entries).
   */
  constructor({ storageKey, send, onAnswer, onChange, delaysMs = [1000, 2000, 5000, 10000, 30000] }) {
    Object.assign(this, { storageKey, send, onAnswer, onChange, delaysMs });
    this.attempt = 0;
    this.timer = null;
    this.flushing = null;
    this.who = null; // only the signed-in person's entries are sent
  }

  entries() {
    try {
      const list = JSON.parse(localStorage.getItem(this.storageKey) || "[]");
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  _save(list) {
    localStorage.setItem(this.storageKey, JSON.stringify(list));
    this.onChange(list);
  }

  /** The entry waiting for an order, if any. */
  forOrder(id) {
    return this.entries().find((e) => e.order === id) || null;
  }

  /** Keep a result typed at the door (written before anything is sent), then try. */
  add(order, body, user) {
    const entry = { key: body.key, order, body, user, queued_at: new Date().toISOString() };
    this._save([...this.entries(), entry]);
    this.kick();
    return entry;
  }

  _remove(key) {
    this._save(this.entries().filter((e) => e.key !== key));
  }

  /** Try now, from a fresh pause (back online, socket back, a new result, page load). */
  kick() {
    this.attempt = 0;
    clearTimeout(this.timer);
    this.timer = null;
    return this.flush();
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** Send the entries in order until one gets no answer; one flush at a time. */
  flush() {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this._flush().finally(() => {
      this.flushing = null;
      if (this.again) {
        this.again = false;
        this.flush();
      }
    });
    return this.flushing;
  }

  async _flush() {
    if (!this.who) return;
    for (const entry of this.entries()) {
      if (entry.user !== this.who) continue;
      let answer = null;
      let refusal = null;
      try {
        answer = await this.send(entry);
      } catch (err) {
        if (NOT_AN_ANSWER.has(err.status) || err.status >= 500) {
          this._later();
          return;
        }
        refusal = err;
      }
      this._remove(entry.key);
      this.onAnswer(entry, answer, refusal);
    }
    this.attempt = 0;
  }

  _later() {
    const delay = this.delaysMs[Math.min(this.attempt, this.delaysMs.length - 1)];
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }
}
