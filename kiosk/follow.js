// Follow-my-ticket, opened from the ticket's QR code on a customer's phone: no sign-in,
// the follow token in the address is the key. Polls the public JSON every few seconds
// while the page is visible; shows no names and no amounts (the server sends none).
import { $, api } from "/static/qms.js";
import { Lang } from "/kiosk/lang.js";

const POLL_MS = 5000;
const SOON = 2; // this many ahead or fewer: "get ready"
const FINAL = new Set(["done"]);

const TEXTS = {
  hall: { vi: "Phòng thu tiền điện", en: "Electricity payment hall" },
  your_number: { vi: "Số thứ tự của quý khách", en: "Your number" },
  updated: { vi: "Cập nhật lúc", en: "Updated at" },
  auto_update: { vi: "· tự cập nhật mỗi 5 giây", en: "· updates every 5 seconds" },
  paused: { vi: "· tạm dừng khi ẩn trang", en: "· paused while hidden" },
  st_waiting: { vi: "Đang chờ", en: "Waiting" },
  st_serving: { vi: "Đến lượt quý khách", en: "It is your turn" },
  st_parked: { vi: "Tạm chờ tại quầy", en: "On hold at a counter" },
  st_no_show: { vi: "Đã gọi nhưng chưa thấy quý khách", en: "Called, but you did not come" },
  st_done: { vi: "Đã hoàn tất", en: "Done" },
  st_expired: { vi: "Vé đã hết hạn", en: "This ticket has expired" },
  go_to: { vi: (d) => `Mời đến ${d.name}`, en: (d) => `Please go to ${d.name} (${d.code})` },
  held_by: { vi: (d) => `Giữ tại ${d.name}`, en: (d) => `Held at ${d.name} (${d.code})` },
  ahead_none: { vi: "Quý khách là người tiếp theo", en: "You are next" },
  ahead_n: {
    vi: (d) => `Còn ${d.n} số trước quý khách`,
    en: (d) => `${d.n} ${d.n === 1 ? "ticket" : "tickets"} ahead of you`,
  },
  recalled: { vi: "Quầy đang gọi lại số của quý khách.", en: "The counter is calling your number again." },
  msg_parked: {
    vi: "Quầy sẽ gọi lại số của quý khách, vui lòng chờ gần quầy.",
    en: "The counter will call your number again; please wait nearby.",
  },
  msg_no_show: {
    vi: "Vui lòng liên hệ quầy tiếp nhận để được gọi lại.",
    en: "Please ask at the reception counter to be called again.",
  },
  msg_done: { vi: "Cảm ơn quý khách!", en: "Thank you!" },
  msg_expired: {
    vi: (d) => `Vé này của ngày ${d.day}; vui lòng lấy số mới.`,
    en: (d) => `This ticket is from ${d.day}; please take a new number.`,
  },
  err_unknown_ticket: {
    vi: "Không tìm thấy vé. Vui lòng kiểm tra lại mã QR trên vé.",
    en: "Ticket not found. Please check the QR code on your ticket.",
  },
  err_network: {
    vi: "Mất kết nối, đang thử lại…",
    en: "Connection lost, retrying…",
  },
};

const lang = new Lang("qms.follow.lang", TEXTS);
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
    box.textContent = lang.t(`err_${error}`);
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
  else if (status === "expired") message = lang.t("msg_expired", { day: v.business_day });
  show($("#follow-message"), message);
  document.title = status === "serving" && counter ? lang.t("go_to", counter) : `${v.number} — ${lang.t(`st_${status}`)}`;
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
    $("#follow-updated").textContent = new Date().toLocaleTimeString(lang.current === "vi" ? "vi-VN" : "en-GB");
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
