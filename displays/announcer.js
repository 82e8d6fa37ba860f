// Spoken calls on the hall display, from clips the server rendered ahead with espeak-ng
// (docs/displays.md): no online speech service, and the same voice on every display.
// One call = chime, then "Mời số 1 2 đến Quầy 1" in Vietnamese, then the same in English.
// Calls wait in a queue and play strictly one clip after another: never two at once.

const MAX_AGE_MS = 30000; // an event older than this is a replay after a reconnect: silent
const MAX_WAIT_MS = 90000; // a call queued longer than this (a burst of calls) is dropped
const CLIP_SLACK_MS = 2000; // a clip that never reports its end is given up after this
const LOG_MAX = 400;
const LANGS = ["vi", "en"];

/**
 * The announcement queue. Exposes `log` (each clip played: {clip, lang, ticket, counter,
 * event, startedAt, endedAt}, performance.now() ms) and `state`: "on" (clips loaded and
 * sound allowed), "blocked" (the browser waits for a user gesture), "off" (no WebAudio or
 * no clips yet).
 */
export class Announcer {
  constructor({ manifestUrl = "/audio/manifest.json", onState = () => {}, onAnnounced = () => {} } = {}) {
    this.manifestUrl = manifestUrl;
    this.onState = onState;
    this.onAnnounced = onAnnounced;
    this.log = [];
    this.announced = 0;
    this.state = "off";
    this.ctx = null;
    this.manifest = null;
    this.buffers = new Map(); // url -> AudioBuffer
    this.queue = [];
    this.playing = false;
    this.skewMs = 0; // server clock - this clock, from the manifest's Date header
    this._loading = null;
    this._retry = null;
  }

  /** Create the audio context (suspended until a gesture, unless the browser allows). */
  start() {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) {
        this.ctx = new Ctx();
        this.ctx.onstatechange = () => this._update();
      }
    } catch {
      this.ctx = null;
    }
    this._update();
    if (this.ctx) this.refresh();
    return this;
  }

  /** Ask the browser to let sound play: call from a user gesture (click, key). */
  unlock() {
    if (!this.ctx) return Promise.resolve(false);
    return this.ctx.resume().then(
      () => {
        this._update();
        return true;
      },
      () => false,
    );
  }

  /** (Re)load the manifest and decode clips not decoded yet; retries until ready. */
  refresh(delay = 500) {
    if (!this.ctx || this._loading) return this._loading;
    clearTimeout(this._retry);
    this._loading = this._load()
      .then((ok) => {
        this._loading = null;
        if (!ok) this._retry = setTimeout(() => this.refresh(Math.min(delay * 2, 15000)), delay);
      })
      .catch(() => {
        this._loading = null;
        this._retry = setTimeout(() => this.refresh(Math.min(delay * 2, 15000)), delay);
      });
    return this._loading;
  }

  async _load() {
    const res = await fetch(this.manifestUrl, { cache: "no-store", credentials: "omit" });
    if (!res.ok) return false;
    const date = Date.parse(res.headers.get("date") || "");
    if (!Number.isNaN(date)) this.skewMs = date + 500 - Date.now(); // Date has 1 s steps
    const m = await res.json();
    if (!m?.ready || !m.chime) return false;
    const urls = [m.chime];
    for (const lang of Object.values(m.langs || {})) {
      urls.push(...lang.digits, lang.lead, lang.to);
      for (const codes of Object.values(lang.counters || {})) urls.push(...Object.values(codes));
    }
    await Promise.all(urls.filter((u) => !this.buffers.has(u)).map((u) => this._decode(u)));
    if (!this.buffers.has(m.chime)) return false;
    this.manifest = m;
    this._update();
    return true;
  }

  async _decode(url) {
    try {
      const res = await fetch(url, { credentials: "omit" });
      if (!res.ok) return;
      const data = await res.arrayBuffer();
      const buf = await new Promise((ok, fail) => this.ctx.decodeAudioData(data, ok, fail));
      this.buffers.set(url, buf);
    } catch {
      /* that clip is left out of calls */
    }
  }

  _update() {
    let s = "off";
    if (this.ctx && this.ctx.state !== "running" && this.ctx.state !== "closed") s = "blocked";
    else if (this.ctx && this.ctx.state === "running" && this.manifest) s = "on";
    if (s !== this.state) {
      this.state = s;
      this.onState(s);
      if (s === "on") this._next();
    }
  }

  /**
   * Queue a call. `at` is the event's server time (ISO): older than 30 s means a replay
   * after a reconnect, not spoken. Returns true when queued. Calls made while sound is
   * blocked or off are not kept (they would all burst out at the first touch).
   */
  announce({ ticket, counter, branch, at, event }) {
    if (this.state !== "on" || ticket == null) return false;
    const when = Date.parse(at || "");
    if (!Number.isNaN(when) && Date.now() + this.skewMs - when > MAX_AGE_MS) return false;
    const clips = this._clips(String(ticket), counter, branch);
    this.queue.push({ ticket, counter, event, clips, queuedAt: performance.now() });
    this._next();
    return true;
  }

  /** chime, then per language: lead-in, each digit, connector, counter (when known). */
  _clips(number, counter, branch) {
    const m = this.manifest;
    const out = [{ clip: "chime", lang: null, url: m.chime }];
    if (!m.speech) return out;
    for (const lang of LANGS) {
      const l = m.langs[lang];
      if (!l) continue;
      const digits = [...number].map((d) => ({ clip: `digit:${d}`, lang, url: l.digits[Number(d)] }));
      if (digits.some((d) => !d.url)) continue;
      const place = l.counters?.[branch]?.[counter];
      out.push({ clip: "lead", lang, url: l.lead }, ...digits);
      if (place) out.push({ clip: "to", lang, url: l.to }, { clip: `counter:${counter}`, lang, url: place });
    }
    return out;
  }

  async _next() {
    if (this.playing) return;
    this.playing = true;
    try {
      while (this.queue.length && this.state === "on") {
        const call = this.queue.shift();
        if (performance.now() - call.queuedAt > MAX_WAIT_MS) continue;
        for (const c of call.clips) {
          const buf = this.buffers.get(c.url);
          if (buf) await this._play(buf, c, call);
        }
        this.announced += 1;
        this.onAnnounced(this.announced, call);
      }
    } finally {
      this.playing = false;
    }
  }

  /** Play one buffer; resolve when it ended (or its end never came: a stuck device). */
  _play(buf, c, call) {
    return new Promise((resolve) => {
      const entry = { clip: c.clip, lang: c.lang, ticket: call.ticket, counter: call.counter, event: call.event };
      let done = false;
      let timer = null;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        entry.endedAt = performance.now();
        this.log.push(entry);
        if (this.log.length > LOG_MAX) this.log.splice(0, this.log.length - LOG_MAX);
        resolve();
      };
      try {
        const src = this.ctx.createBufferSource();
        src.buffer = buf;
        src.connect(this.ctx.destination);
        src.onended = finish;
        timer = setTimeout(
          () => {
            try {
              src.stop();
            } catch {
              /* already stopped */
            }
            finish();
          },
          buf.duration * 1000 + CLIP_SLACK_MS,
        );
        entry.startedAt = performance.now();
        src.start();
      } catch {
        entry.startedAt = entry.startedAt || performance.now();
        finish();
      }
    });
  }
}
