// Follow-my-ticket, opened from the ticket's QR code on a customer's phone: no sign-in,
// the follow token in the address is the key. The server pushes the ticket's public view
// over a socket of its own (/t/TOKEN/ws) whenever it changes: no polling. Shows how many
// are ahead and the estimated wait; no names and no amounts (the server sends none).
import { date, time } from "/static/format.js";
import { $ } from "/static/qms.js";
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
  document.title =
    status === "serving" && counter ? lang.t("go_to", counter) : `${v.number} — ${lang.t(`st_${status}`)}`;
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
  document.addEventListener("visibilitychange", onVisibility);
  connect();
}

main();
