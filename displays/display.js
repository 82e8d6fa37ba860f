// Hall display: the number each cashier counter is serving, and the latest calls.
// The display view never carries names, codes or amounts.
import { $, el, timeOf, HallSocket, HallState, showConnection, deviceToken } from "/static/qms.js";

const TOKEN_KEY = "qms.display.token";
const RECENT = 7;
const FLASH_MS = 10000;
const CALL_EVENTS = new Set(["ticket.called", "ticket.recalled", "ticket.transferred"]);

const token = deviceToken(TOKEN_KEY);
const state = new HallState();
let serving = {}; // counter code -> ticket number
let recent = []; // [{number, counter: {code, name}, at, event, recalls}]
const flashUntil = new Map(); // key -> time: numbers to highlight
let audio = null;

// ----------------------------------------------------------------------------------

function counterName(code) {
  const c = state.counter(code);
  return c ? c.name : code;
}

function applyServing(t) {
  if (!t || t.number == null) return;
  for (const code of Object.keys(serving)) {
    if (serving[code] === t.number) serving[code] = null;
  }
  if (t.status === "serving" && t.counter) serving[t.counter.code] = t.number;
}

function pushRecent(t, event, at) {
  if (!t.counter) return;
  recent = recent.filter((r) => r.number !== t.number);
  recent.unshift({ number: t.number, counter: t.counter, at, event, recalls: t.recalls || 0 });
  recent = recent.slice(0, 20);
}

function flash(key) {
  flashUntil.set(key, Date.now() + FLASH_MS);
  setTimeout(render, FLASH_MS + 50);
}

function isFlashing(key) {
  const until = flashUntil.get(key);
  if (!until) return false;
  if (until < Date.now()) {
    flashUntil.delete(key);
    return false;
  }
  return true;
}

// ----------------------------------------------------------------------------------

function render() {
  const cashiers = state.counters.filter((c) => c.kind === "cashier");
  $("#counters").replaceChildren(
    ...cashiers.map((c) => {
      const n = serving[c.code];
      return el(
        "div",
        {
          className: `tile${n != null ? " busy" : ""}${n != null && isFlashing(`${c.code}:${n}`) ? " flash" : ""}`,
          dataset: { counter: c.code, ticket: n != null ? n : "" },
        },
        el("div", { className: "name", text: c.name }),
        el("div", { className: "number num", id: `counter-${c.code}`, text: n != null ? n : "—" }),
      );
    }),
  );

  const last = recent[0];
  const banner = $("#last-call");
  if (last) {
    banner.hidden = false;
    banner.dataset.ticket = String(last.number);
    banner.classList.toggle("flash", isFlashing(`${last.counter.code}:${last.number}`));
    $("#last-call-number").textContent = String(last.number);
    $("#last-call-counter").textContent = last.counter.name || counterName(last.counter.code);
  } else {
    banner.hidden = true;
  }

  $("#recent").replaceChildren(
    ...recent.slice(0, RECENT).map((r) =>
      el(
        "li",
        {
          dataset: { ticket: r.number, counter: r.counter.code, event: r.event || "" },
          className: isFlashing(`${r.counter.code}:${r.number}`) ? "flash" : "",
        },
        el("span", { className: "n num", text: r.number }),
        el("span", { className: "arrow", text: "→" }),
        el("span", { className: "c", text: r.counter.name || counterName(r.counter.code) }),
        el("span", { className: "t num", text: timeOf(r.at) }),
      ),
    ),
  );
}

// ----------------------------------------------------------------------------------
// sound: a short two-tone chime with WebAudio, and the number read aloud when the
// browser has a Vietnamese voice. Nothing here may break the board.

function audioContext() {
  try {
    if (!audio) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      audio = new Ctx();
    }
    return audio;
  } catch (e) {
    return null;
  }
}

function chime() {
  const ctx = audioContext();
  if (!ctx) return;
  if (ctx.state === "suspended") {
    $("#sound").hidden = false; // autoplay policy: needs one touch
    ctx.resume().catch(() => {});
    return;
  }
  try {
    const t0 = ctx.currentTime + 0.02;
    [
      [880, 0],
      [660, 0.35],
    ].forEach(([freq, delay]) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + delay);
      gain.gain.exponentialRampToValueAtTime(0.3, t0 + delay + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + delay + 0.6);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + delay);
      osc.stop(t0 + delay + 0.65);
    });
  } catch (e) {
    /* no sound is fine */
  }
}

function announce(t) {
  try {
    const synth = window.speechSynthesis;
    if (!synth || !t.counter) return;
    const voice = synth.getVoices().find((v) => /^vi/i.test(v.lang));
    if (!voice) return;
    const u = new SpeechSynthesisUtterance(`Mời số ${t.number} đến ${t.counter.name || t.counter.code}`);
    u.voice = voice;
    u.lang = voice.lang;
    setTimeout(() => synth.speak(u), 900);
  } catch (e) {
    /* silent board */
  }
}

// ----------------------------------------------------------------------------------

function onSnapshot(data) {
  state.snapshot(data);
  serving = {};
  for (const c of state.counters) if (c.serving != null) serving[c.code] = c.serving;
  recent = state
    .list((t) => t.called_at && t.counter)
    .sort((a, b) => String(b.called_at).localeCompare(String(a.called_at)))
    .map((t) => ({ number: t.number, counter: t.counter, at: t.called_at, event: "", recalls: t.recalls }));
  render();
}

function onEvent(evt) {
  const t = state.event(evt);
  if (!t) return;
  applyServing(t);
  if (CALL_EVENTS.has(evt.event) && t.counter) {
    pushRecent(t, evt.event, evt.at || t.called_at);
    flash(`${t.counter.code}:${t.number}`);
    chime();
    announce(t);
  }
  render();
}

function tick() {
  $("#clock").textContent = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
}

function main() {
  tick();
  setInterval(tick, 10000);
  showConnection(false);
  if (!token) {
    $("#device-missing").hidden = false;
    $("#board").hidden = true;
    return;
  }
  $("#sound").addEventListener("click", () => {
    const ctx = audioContext();
    if (ctx) ctx.resume().then(() => ($("#sound").hidden = true), () => {});
  });
  new HallSocket({
    token,
    view: "display",
    onStatus: showConnection,
    onSnapshot: (data) => {
      if (data.branch && data.branch.name) $("#branch-name").textContent = data.branch.name;
      onSnapshot(data);
    },
    onEvent,
    onUnauthenticated: () => {
      showConnection(false);
      $("#device-missing").hidden = false;
      $("#board").hidden = true;
    },
  }).start();
}

main();
