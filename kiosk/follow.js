// Follow-my-ticket, opened from the ticket's QR code on a customer's phone: no sign-in,
// the follow token in the address is the key. The server pushes the ticket's public view
// over a socket of its own (/t/TOKEN/ws) whenever it changes: no polling. Shows how many
// are ahead and the estimated wait; no names and no amounts (the server sends none).
// "Your turn is near" shows as the message says it (docs/notify.md), and the holder may
// stop the messages to the number left at the kiosk (POST /api/follow/TOKEN/stop).
import { date, time } from "/static/format.js";
import { $, api } from "/static/qms.js";
import { Catalogue } from "/static/i18n.js";
import { FOLLOW_TEXTS } from "/kiosk/follow-texts.js";

const SOON = 2; // this many ahead or fewer: "get ready"
const FINAL = new Set(["done"]);
const RETRY_MS = [1000, 2000, 5000, 10000, 30000]; // reconnecting after a lost socket

const lang = new Catalogue(FOLLOW_TEXTS, { storageKey: "qms.follow.lang" });
const match = location.pathname.match(/^\/t\/([A-Za-z0-9_-]+)\/?$/);
const token = match ? match[1] : null;
let view = null; // the last answer
let error = null; // the last refusal code
let socket = null;
let retry = 0;
let retryTimer = null;
let stopped = false;
let stopAnswer = null; // after "stop messages": {ok: true} or the refusal
let stopping = false;

function show(node, text) {
  node.hidden = !text;
  node.textContent = text || "";
}

function render() {
  const box = $("#follow-error");
  if (error) {
    box.dataset.code = error;
    box.textContent = lang.t(`error.${error}`);
    box.hidden = false;
  } else {
    delete box.dataset.code;
    box.hidden = true;
  }
  if (!view) {
    if (error === "unknown_ticket") document.body.dataset.status = "unknown";
    return;
  }
  const v = view;
  const status = v.expired ? "expired" : v.status;
  document.body.dataset.status = status;
  if (v.branch) $("#follow-branch").textContent = v.branch;
  $("#follow-ticket").hidden = false;
  $("#follow-number").textContent = String(v.number);
  const st = $("#follow-status");
  st.dataset.status = status;
  st.textContent = lang.t(`st_${status}`);
  const counter = v.counter ? { name: v.counter.name, code: v.counter.code } : null;
  show($("#follow-counter"), status === "serving" && counter ? lang.t("go_to", counter) : "");
  const ahead = status === "waiting" && typeof v.ahead === "number" ? v.ahead : null;
  show($("#follow-ahead"), ahead === null ? "" : ahead === 0 ? lang.t("ahead_none") : lang.t("ahead_n", { n: ahead }));
  $("#follow-ahead").dataset.ahead = ahead === null ? "" : String(ahead);
  const wait = ahead !== null && typeof v.wait_minutes === "number" ? v.wait_minutes : null;
  show($("#follow-wait"), wait === null ? "" : lang.t("wait_about", { n: wait }));
  $("#follow-wait").dataset.minutes = wait === null ? "" : String(wait);
  document.body.classList.toggle("soon", ahead !== null && ahead <= SOON);
  let message = "";
  if (status === "serving" && v.recalls > 0) message = lang.t("recalled");
  else if (status === "parked") message = `${counter ? `${lang.t("held_by", counter)}. ` : ""}${lang.t("msg_parked")}`;
  else if (status === "no_show") message = lang.t("msg_no_show");
  else if (status === "done") message = lang.t("msg_done");
  else if (status === "expired") message = lang.t("msg_expired", { day: date(v.business_day) });
  show($("#follow-message"), message);
  // the ticket's own VietQR while it can pay it (drawn by the server: /t/TOKEN/pay.svg)
  const pay = $("#follow-pay");
  const payable = Boolean(v.pay_qr) && status !== "expired";
  if (payable && pay.hidden) $("#follow-pay-qr").src = `/t/${encodeURIComponent(token)}/pay.svg`;
  pay.hidden = !payable;
  $("#follow-paid").hidden = !v.paid_qr;
  document.body.dataset.paid = v.paid_qr ? "qr" : "";
  renderPriority(v);
  $("#follow-near").hidden = !(status === "waiting" && v.near);
  document.body.classList.toggle("near", status === "waiting" && Boolean(v.near));
  renderNotify(v);
  document.title =
    status === "serving" && counter ? lang.t("go_to", counter) : `${v.number} — ${lang.t(`st_${status}`)}`;
}

function renderPriority(v) {
  const mark = $("#follow-priority");
  mark.dataset.kind = v.priority || "";
  show(mark, v.priority ? lang.t("priority", { kind: lang.t(`kind.${v.priority}`) }) : "");
}

/** The number left for messages (masked by the server) and the button that stops them;
 * pushed like the rest, so a stop made on another phone shows here too. */
function renderNotify(v) {
  const box = $("#follow-notify");
  const n = v.notify;
  const shown = Boolean(n && (n.withdrawn || n.phone));
  box.hidden = !shown;
  if (!shown) return;
  box.dataset.active = String(Boolean(n.active));
  box.dataset.withdrawn = String(Boolean(n.withdrawn));
  $("#follow-phone").textContent = n.withdrawn
    ? lang.t("phone_withdrawn")
    : lang.t(n.active ? "phone_active" : "phone_ended", { phone: n.phone });
  const stop = $("#follow-stop");
  stop.hidden = !n.active || !$("#follow-confirm").hidden;
  stop.disabled = stopping;
  if (!n.active) $("#follow-confirm").hidden = true;
  const result = $("#follow-stop-result");
  result.dataset.result = stopAnswer ? (stopAnswer.ok ? "stopped" : stopAnswer.code || "error") : "";
  result.classList.toggle("error", Boolean(stopAnswer && !stopAnswer.ok));
  show(result, stopAnswer ? (stopAnswer.ok ? lang.t("stopped") : lang.explainText(stopAnswer)) : "");
}

function askStop() {
  $("#follow-confirm").hidden = false;
  $("#follow-stop").hidden = true;
  $("#follow-stop-yes").focus();
}

function cancelStop() {
  $("#follow-confirm").hidden = true;
  render();
}

async function stopMessages() {
  if (stopping) return;
  stopping = true;
  $("#follow-stop-yes").disabled = true;
  try {
    await api(`/api/follow/${encodeURIComponent(token)}/stop`, { method: "POST" });
    stopAnswer = { ok: true };
    // the socket pushes the new view too; until it comes, this one says it is stopped
    if (view?.notify) view = { ...view, notify: { ...view.notify, active: false, withdrawn: true, phone: null } };
  } catch (err) {
    stopAnswer = err;
  } finally {
    stopping = false;
    $("#follow-stop-yes").disabled = false;
    $("#follow-confirm").hidden = true;
    render();
  }
}

/** The socket: a "view" frame is the whole public view; an "error" frame says why it
 * closes. Lost: reconnect with growing pauses (the view comes again at once). */
function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (!token) {
    error = "unknown_ticket";
    stopped = true;
    render();
    return;
  }
  if (stopped || socket) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/t/${encodeURIComponent(token)}/ws`);
  socket = ws;
  ws.addEventListener("message", (e) => {
    let msg;
    try {
      msg = JSON.parse(e.data);
    } catch {
      return;
    }
    if (msg.type === "view") {
      view = msg.view;
      error = null;
      retry = 0;
      $("#follow-updated").textContent = time(new Date());
      if (FINAL.has(view.status) || view.expired) stopped = true;
    } else if (msg.type === "error") {
      error = ["unknown_ticket", "too_many_followers"].includes(msg.code) ? msg.code : "network";
      if (msg.code === "unknown_ticket") {
        view = null;
        stopped = true;
      }
    }
    render();
  });
  ws.addEventListener("close", () => {
    socket = null;
    if (stopped) return;
    // keep the last view on screen; a full ticket (too many pages) waits longer to retry
    if (error === "too_many_followers") retry = Math.max(retry, 3);
    else error = "network";
    render();
    retryTimer = setTimeout(connect, RETRY_MS[Math.min(retry, RETRY_MS.length - 1)]);
    retry += 1;
  });
}

function onVisibility() {
  // back on screen after a phone's sleep: a socket it closed comes back at once
  if (!document.hidden && !socket && !stopped) {
    retry = 0;
    connect();
  }
}

function main() {
  lang.apply();
  lang.bindToggle($("#lang-toggle"));
  lang.onChange(render);
  $("#follow-stop").addEventListener("click", askStop);
  $("#follow-stop-yes").addEventListener("click", stopMessages);
  $("#follow-stop-no").addEventListener("click", cancelStop);
  document.addEventListener("visibilitychange", onVisibility);
  connect();
}

main();
