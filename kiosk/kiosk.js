// Kiosk: customers type or scan their code(s) and take a numbered ticket.
import {
  $, $$, api, el, money, HallSocket, showConnection, showError, deviceToken,
  normaliseCode, CUSTOMER_CODE,
} from "/static/qms.js";

const TOKEN_KEY = "qms.kiosk.token";
const RESULT_SECONDS = 20;
const IDLE_SECONDS = 90;
const MAX_CUSTOMERS = 10;

const token = deviceToken(TOKEN_KEY);
const basket = []; // [{code, name, invoices, total}]
let busy = false;
let countdownTimer = null;
let idleTimer = null;

const input = $("#code");
const errorBox = $("#error");

/** Vietnamese first, then English; the server's own message as the fallback. */
function explain(err) {
  const d = (err && err.details) || {};
  switch (err && err.code) {
    case "invalid_customer_code":
      return "Mã khách hàng không hợp lệ: 2 chữ cái và 11 chữ số, ví dụ PE01000012345. / Invalid customer code: 2 letters and 11 digits.";
    case "unknown_customer":
      return `Không tìm thấy khách hàng ${d.customer || ""}. / Customer ${d.customer || ""} not found.`;
    case "no_debt": {
      const who = (d.customers || []).join(", ");
      return `Khách hàng ${who} không còn hoá đơn cần thanh toán. / Customer ${who} has nothing to pay.`;
    }
    case "customer_on_active_ticket":
      return `Khách hàng ${d.customer} đã có trong vé số ${d.ticket} hôm nay. / Customer ${d.customer} is already on ticket ${d.ticket} today.`;
    case "too_many_customers":
      return `Một vé tối đa ${MAX_CUSTOMERS} khách hàng. / At most ${MAX_CUSTOMERS} customers per ticket.`;
    case "duplicate":
      return `Mã ${d.customer} đã có trong danh sách. / ${d.customer} is already in the list.`;
    case "cmis_unavailable":
    case "cmis_bad_answer":
      return "Hệ thống hoá đơn đang bận, vui lòng thử lại. / The billing system is not answering, please try again.";
    case "network":
      return "Mất kết nối máy chủ, vui lòng thử lại. / Cannot reach the server, please try again.";
    case "unauthenticated":
      return "Kiosk chưa được cấp quyền. Vui lòng báo nhân viên. / This kiosk is not authorised; please ask staff.";
    case "too_many_requests":
      return "Quá nhiều yêu cầu, vui lòng chờ một chút. / Too many requests, please wait a moment.";
    default:
      return (err && err.message) || String(err);
  }
}

function fail(err) {
  showError(errorBox, { code: err.code, message: explain(err) });
}

function setBusy(on) {
  busy = on;
  document.body.classList.toggle("busy", on);
  renderBasket();
}

function renderBasket() {
  const list = $("#customers");
  list.replaceChildren(
    ...basket.map((c) =>
      el(
        "li",
        { dataset: { code: c.code }, className: c.bad ? "bad" : "" },
        el(
          "div",
          { className: "who" },
          el("div", { className: "name", text: c.name }),
          el("div", { className: "code num muted", text: c.code }),
          el("div", {
            className: "periods muted",
            text: `${c.invoices.length} kỳ / periods: ${c.invoices.map((i) => i.period).join(", ")}`,
          }),
        ),
        el("div", { className: "money", text: money(c.total) }),
        el("button", {
          type: "button",
          className: "remove",
          title: "Bỏ / Remove",
          "aria-label": `Bỏ ${c.code} / Remove`,
          text: "✕",
          disabled: busy,
          on: { click: () => removeCustomer(c.code) },
        }),
      ),
    ),
  );
  $("#basket").hidden = basket.length === 0;
  $("#basket-total").textContent = money(basket.reduce((s, c) => s + c.total, 0));
  $("#take-ticket").disabled = busy || basket.length === 0;
  $("#add-customer").disabled = busy;
}

function removeCustomer(code) {
  const i = basket.findIndex((c) => c.code === code);
  if (i >= 0) basket.splice(i, 1);
  showError(errorBox, null);
  renderBasket();
  input.focus();
}

async function addCustomer() {
  if (busy) return;
  const code = normaliseCode(input.value);
  if (!code) return;
  showError(errorBox, null);
  if (!CUSTOMER_CODE.test(code)) {
    fail({ code: "invalid_customer_code" });
    input.select();
    return;
  }
  if (basket.some((c) => c.code === code)) {
    fail({ code: "duplicate", details: { customer: code } });
    input.value = "";
    return;
  }
  if (basket.length >= MAX_CUSTOMERS) {
    fail({ code: "too_many_customers" });
    return;
  }
  setBusy(true);
  try {
    const c = await api(`/api/customers/${encodeURIComponent(code)}`, { token });
    if (!c.invoices || c.invoices.length === 0) {
      fail({ code: "no_debt", details: { customers: [c.code] } });
    } else {
      basket.push({ code: c.code, name: c.name, invoices: c.invoices, total: c.total });
      input.value = "";
    }
  } catch (err) {
    fail(err);
    input.select();
  } finally {
    setBusy(false);
    input.focus();
  }
}

async function takeTicket() {
  if (busy || basket.length === 0) return;
  showError(errorBox, null);
  basket.forEach((c) => (c.bad = false));
  setBusy(true);
  try {
    const t = await api("/api/tickets", {
      method: "POST",
      token,
      body: { customers: basket.map((c) => c.code) },
    });
    showResult(t);
  } catch (err) {
    const bad = (err.details && (err.details.customers || [err.details.customer])) || [];
    basket.forEach((c) => (c.bad = bad.includes(c.code)));
    fail(err);
  } finally {
    setBusy(false);
  }
}

function showResult(t) {
  $("#ticket-number").textContent = String(t.number);
  $("#ticket-customers").replaceChildren(
    ...t.customers.map((c) =>
      el(
        "li",
        { dataset: { code: c.code } },
        el(
          "div",
          { className: "who" },
          el("div", { className: "name", text: c.name }),
          el("div", { className: "code num muted", text: c.code }),
          el("div", { className: "periods muted", text: `Kỳ / periods: ${c.periods.join(", ")}` }),
        ),
        el("div", { className: "money", text: money(c.total) }),
      ),
    ),
  );
  $("#ticket-total").textContent = money(t.total_due);
  $("#debts-pending").hidden = !t.debts_pending;
  $("#start-view").hidden = true;
  $("#result-view").hidden = false;
  document.body.dataset.screen = "result";
  let left = RESULT_SECONDS;
  $("#countdown").textContent = String(left);
  clearInterval(countdownTimer);
  countdownTimer = setInterval(() => {
    left -= 1;
    $("#countdown").textContent = String(Math.max(left, 0));
    if (left <= 0) reset();
  }, 1000);
  $("#done").focus();
}

function reset() {
  clearInterval(countdownTimer);
  countdownTimer = null;
  basket.length = 0;
  input.value = "";
  showError(errorBox, null);
  renderBasket();
  $("#result-view").hidden = true;
  $("#start-view").hidden = false;
  document.body.dataset.screen = "start";
  input.focus();
}

function touched() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (!$("#start-view").hidden && (basket.length || input.value)) reset();
  }, IDLE_SECONDS * 1000);
}

function keypad(key) {
  if (key === "back") input.value = input.value.slice(0, -1);
  else if (key === "clear") input.value = "";
  else if (key === "PE") input.value = "PE" + input.value.replace(/^[A-Za-z]{0,2}/, "");
  else input.value += key;
  input.focus();
}

function tick() {
  $("#clock").textContent = new Date().toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
}

function main() {
  tick();
  setInterval(tick, 10000);
  document.body.dataset.screen = "start";
  if (!token) {
    $("#device-missing").hidden = false;
    $("#start-view").hidden = true;
    showConnection(false);
    return;
  }
  $("#code-form").addEventListener("submit", (e) => {
    e.preventDefault();
    addCustomer();
  });
  $("#take-ticket").addEventListener("click", takeTicket);
  $("#clear-all").addEventListener("click", reset);
  $("#done").addEventListener("click", reset);
  for (const b of $$("#keypad [data-key]")) b.addEventListener("click", () => keypad(b.dataset.key));
  for (const ev of ["pointerdown", "keydown"]) document.addEventListener(ev, touched, { passive: true });
  renderBasket();
  input.focus();

  // The socket only tells the kiosk whether the hall is reachable (and its name).
  new HallSocket({
    token,
    view: "display",
    onStatus: showConnection,
    onSnapshot: (data) => {
      if (data.branch && data.branch.name) $("#branch-name").textContent = data.branch.name;
    },
    onUnauthenticated: () => {
      showConnection(false);
      fail({ code: "unauthenticated" });
    },
  }).start();
}

main();
