// What the field board's parts share (counters/field.js and its panels): the words, the
// order statuses still to be worked, how a refusal, a notice and an action show, an
// order's status cell, and a file fetched behind the session's token.
import { $, el, showError } from "/static/qms.js";
import { BOTH, Catalogue } from "/static/i18n.js";
import { SHARED_TEXTS } from "/static/texts.js";
import { FIELD_TEXTS } from "/counters/field-texts.js";

export const texts = new Catalogue({ ...SHARED_TEXTS, ...FIELD_TEXTS }, { lang: BOTH });
export const msg = (key, vars) => texts.t(key, vars);

/** An order still to be worked: it can be ticked, assigned, taken back. */
export const LIVE = new Set(["open", "assigned"]);
const BADGE = { open: "", assigned: "info", done: "ok", not_done: "warn", cancelled: "bad" };

/** A refusal in the hall's words for its code, both languages. */
export function fail(box, err) {
  showError(box, texts.explain(err));
}

export function notice(text) {
  const box = $("#fb-notice");
  box.textContent = text;
  box.hidden = !text;
}

/** Run an action; its refusal shows in `box`. Returns the answer, or null when refused. */
export async function act(box, fn) {
  showError(box, null);
  try {
    return await fn();
  } catch (err) {
    if (err.status !== 401) fail(box, err);
    return null;
  }
}

export function statusCell(o) {
  return el(
    "td",
    { className: "status" },
    el("span", { className: `badge ${BADGE[o.status] || ""}`.trim(), text: msg(`field_status.${o.status}`) }),
    o.reason ? el("div", { className: "muted reason", text: msg(`field_reason.${o.reason}`) }) : null,
    o.receipt_no ? el("div", { className: "muted", text: `${msg("receipt")}: ${o.receipt_no}` }) : null,
  );
}

/** Papers are behind the bearer token: fetch the file, then hand it to the browser. */
export async function download(ctx, path, fallback) {
  const box = $("#fb-error");
  showError(box, null);
  let res;
  try {
    res = await fetch(path, {
      headers: { Authorization: `Bearer ${ctx.st.session?.token}` },
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    fail(box, { code: "network", details: {} });
    return;
  }
  if (!res.ok) {
    let err = {};
    try {
      err = (await res.json()).error || {};
    } catch {
      /* not JSON */
    }
    const refusal = { code: err.code || `http_${res.status}`, message: err.message, details: err.details || {} };
    if (res.status === 401) ctx.signedOut(refusal);
    else fail(box, refusal);
    return;
  }
  const blob = await res.blob();
  const given = /filename="?([^";]+)"?/.exec(res.headers.get("Content-Disposition") || "");
  const name = given ? given[1] : fallback;
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  $("#board-view").dataset.downloaded = name;
}
