// Kiosk: customers type or scan their code(s) and take a numbered ticket, then scan its
// QR code to follow their turn on a phone. Vietnamese first; English on request.
import {
  $,
  $$,
  api,
  el,
  money,
  HallSocket,
  showConnection,
  showError,
  deviceToken,
  normaliseCode,
  timeOf,
  CUSTOMER_CODE,
} from "/static/qms.js";
import { Catalogue } from "/static/i18n.js";
import { KIOSK_TEXTS, MAX_CUSTOMERS } from "/kiosk/texts.js";

const TOKEN_KEY = "qms.kiosk.token";
const LANG_KEY = "qms.kiosk.lang";
const RESULT_SECONDS = 30; // time to read the number and scan the QR code
const IDLE_SECONDS = 90;

const lang = new Catalogue(KIOSK_TEXTS, { storageKey: LANG_KEY });
const token = deviceToken(TOKEN_KEY);
const basket = []; // [{code, name, invoices, total}]
let busy = false;
let countdownTimer = null;
let idleTimer = null;
let lastError = null; // shown again in the other language on a toggle
let shownTicket = null;
let dayClosed = false; // the business day is closed: no code entry, a notice instead

const input = $("#code");
const errorBox = $("#error");

/** In the kiosk's language: its own words, else the hall's for the code (i18n.js). */
function explain(err) {
  return lang.explainText(err);
}

/** The day closed (snapshot, the day.closed event, or a refusal): say so, in both
 * languages, instead of asking for a code; a new day's snapshot brings the entry back. */
function showClosed(closed) {
  dayClosed = closed;
  document.body.dataset.day = closed ? "closed" : "open";
  $("#day-closed").hidden = !closed;
  if (closed) $("#start-view").hidden = true;
  else if ($("#result-view").hidden) $("#start-view").hidden = false;
}

function fail(err) {
  if (err && err.code === "day_closed") showClosed(true);
  lastError = err;
  showError(errorBox, { code: err.code, message: explain(err) });
}

function clearError() {
  lastError = null;
  showError(errorBox, null);
}

function setBusy(on) {
  busy = on;
  document.body.classList.toggle("busy", on);
  renderBasket();
}

function periodsText(periods, withCount) {
  const list = periods.join(", ");
  return withCount ? lang.t("periods_count", { n: periods.length, list }) : lang.t("periods", { list });
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
            text: periodsText(
              c.invoices.map((i) => i.period),
              true,
            ),
          }),
        ),
        el("div", { className: "money", text: money(c.total) }),
        el("button", {
          type: "button",
          className: "remove",
          title: lang.t("remove"),
          "aria-label": lang.t("remove_code", { code: c.code }),
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
  clearError();
  renderBasket();
  input.focus();
}

async function addCustomer() {
  if (busy) return;
  const code = normaliseCode(input.value);
  if (!code) return;
  clearError();
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
    // for=ticket: a customer already on a live ticket is refused now, by the rule
    const c = await api(`/api/customers/${encodeURIComponent(code)}?for=ticket`, { token });
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
  clearError();
  for (const c of basket) c.bad = false;
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
    for (const c of basket) c.bad = bad.includes(c.code);
    fail(err);
  } finally {
    setBusy(false);
  }
}

function renderTicketCustomers() {
  const t = shownTicket;
  if (!t) return;
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
          el("div", { className: "periods muted", text: periodsText(c.periods, false) }),
        ),
        el("div", { className: "money", text: money(c.total) }),
      ),
    ),
  );
}

/** The QR code opens the public follow page of this ticket (same host as this page). */
function showFollow(t) {
  const box = $("#ticket-follow");
  const img = $("#ticket-qr");
  if (!t.follow_token) {
    box.hidden = true;
    img.removeAttribute("src");
    return;
  }
  const path = `/t/${encodeURIComponent(t.follow_token)}`;
  img.dataset.url = `${location.origin}${path}`;
  img.src = `${path}/qr.svg`;
  box.hidden = false;
}

/** The ticket's own VietQR (when the hall prints one): pay from a bank app while waiting.
 * Drawn by the server for the ticket's follow token, as the follow link's QR is. */
function showPay(t) {
  const box = $("#ticket-pay");
  const img = $("#ticket-pay-qr");
  if (!t.qr || !t.follow_token) {
    box.hidden = true;
    box.dataset.ref = "";
    img.removeAttribute("src");
    return;
  }
  img.src = `/t/${encodeURIComponent(t.follow_token)}/pay.svg`;
  box.dataset.ref = t.qr.ref;
  $("#ticket-pay-amount").textContent = money(t.qr.amount);
  box.hidden = false;
}

function showResult(t) {
  shownTicket = t;
  $("#ticket-number").textContent = String(t.number);
  renderTicketCustomers();
  $("#ticket-total").textContent = money(t.total_due);
  $("#debts-pending").hidden = !t.debts_pending;
  showFollow(t);
  showPay(t);
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
  shownTicket = null;
  basket.length = 0;
  input.value = "";
  clearError();
  renderBasket();
  $("#ticket-follow").hidden = true;
  $("#ticket-qr").removeAttribute("src");
  $("#ticket-pay").hidden = true;
  $("#ticket-pay-qr").removeAttribute("src");
  $("#result-view").hidden = true;
  $("#start-view").hidden = dayClosed;
  document.body.dataset.screen = "start";
  lang.set("vi"); // a shared kiosk: the next customer starts in Vietnamese
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
  else if (key === "PE") input.value = `PE${input.value.replace(/^[A-Za-z]{0,2}/, "")}`;
  else input.value += key;
  input.focus();
}

function tick() {
  $("#clock").textContent = timeOf(new Date());
}

/** A language switch rewrites the static texts (Lang.apply) and the dynamic ones here. */
function relabel() {
  renderBasket();
  renderTicketCustomers();
  if (lastError) showError(errorBox, { code: lastError.code, message: explain(lastError) });
  if (!$("#start-view").hidden) input.focus();
}

function main() {
  lang.apply();
  lang.bindToggle($("#lang-toggle"));
  lang.onChange(relabel);
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

  // The socket tells the kiosk whether the hall is reachable, its name, and whether
  // the day is closed.
  new HallSocket({
    token,
    view: "display",
    onStatus: showConnection,
    onSnapshot: (data) => {
      if (data.branch?.name) $("#branch-name").textContent = data.branch.name;
      showClosed(Boolean(data.day_closed));
    },
    onEvent: (evt) => {
      if (evt.event === "day.closed") showClosed(true);
    },
    onUnauthenticated: () => {
      showConnection(false);
      fail({ code: "unauthenticated" });
    },
  }).start();
}

main();
