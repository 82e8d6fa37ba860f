// Follow-my-ticket, opened from the ticket's QR code on a customer's phone: no sign-in,
// the follow token in the address is the key. Polls the public JSON every few seconds
// while the page is visible; shows no names and no amounts (the server sends none).
import { date, time } from "/static/format.js";
import { $, api } from "/static/qms.js";
import { Catalogue } from "/static/i18n.js";
import { FOLLOW_TEXTS } from "/kiosk/follow-texts.js";

const POLL_MS = 5000;
const SOON = 2; // this many ahead or fewer: "get ready"
const FINAL = new Set(["done"]);

const lang = new Catalogue(FOLLOW_TEXTS, { storageKey: "qms.follow.lang" });
const match = location.pathname.match(/^\/t\/([A-Za-z0-9_-]+)\/?$/);
const token = match ? match[1] : null;
let view = null; // the last answer
let error = null; // the last refusal code
let timer = null;
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
  document.body.classList.toggle("soon", ahead !== null && ahead <= SOON);
  let message = "";
  if (status === "serving" && v.recalls > 0) message = lang.t("recalled");
  else if (status === "parked") message = `${counter ? `${lang.t("held_by", counter)}. ` : ""}${lang.t("msg_parked")}`;
  else if (status === "no_show") message = lang.t("msg_no_show");
  else if (status === "done") message = lang.t("msg_done");
  else if (status === "expired") message = lang.t("msg_expired", { day: date(v.business_day) });
  show($("#follow-message"), message);
  document.title =
    status === "serving" && counter ? lang.t("go_to", counter) : `${v.number} — ${lang.t(`st_${status}`)}`;
}

function schedule() {
  clearTimeout(timer);
  timer = null;
  if (!stopped && !document.hidden) timer = setTimeout(poll, POLL_MS);
}

async function poll() {
  clearTimeout(timer);
  timer = null;
  if (!token) {
    error = "unknown_ticket";
    stopped = true;
    render();
    return;
  }
  try {
    view = await api(`/api/follow/${encodeURIComponent(token)}`);
    error = null;
    $("#follow-updated").textContent = time(new Date());
    if (FINAL.has(view.status) || view.expired) stopped = true;
  } catch (err) {
    if (err.status === 404) {
      error = "unknown_ticket";
      view = null;
      stopped = true;
    } else {
      error = "network"; // keep the last known state on screen and try again
    }
  }
  render();
  schedule();
}

function onVisibility() {
  $("#follow-paused").dataset.i18n = document.hidden ? "paused" : "auto_update";
  $("#follow-paused").textContent = lang.t($("#follow-paused").dataset.i18n);
  if (document.hidden) {
    clearTimeout(timer);
    timer = null;
  } else if (!stopped) {
    poll(); // back on screen: fresh at once
  }
}

function main() {
  lang.apply();
  lang.bindToggle($("#lang-toggle"));
  lang.onChange(render);
  document.addEventListener("visibilitychange", onVisibility);
  poll();
}

main();
