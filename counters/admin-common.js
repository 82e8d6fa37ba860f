// What the admin page's sections share (counters/admin.js and admin-*.js): the words, a
// form's refusal shown beside the field it names, the stale-edit offer to reload that
// keeps what the admin typed, and the panel that shows a one-time secret once.
import { $, $$, el, showError } from "/static/qms.js";
import { BOTH, Catalogue } from "/static/i18n.js";
import { SHARED_TEXTS } from "/static/texts.js";
import { ADMIN_TEXTS } from "/counters/admin-texts.js";

export const texts = new Catalogue({ ...SHARED_TEXTS, ...ADMIN_TEXTS }, { lang: BOTH });
export const msg = (key, vars) => texts.t(key, vars);

/** The role's words ("role.cashier"), else its name. */
export const roleName = (role) => (texts.has(`role.${role}`) ? msg(`role.${role}`) : role);

/** The counter kind each role signs in at (qms/usecases/auth.py COUNTER_KIND). */
export const COUNTER_KIND = { reception: "reception", lookup: "lookup", cashier: "cashier", head_cashier: "cashier" };

export function notice(text) {
  const box = $("#adm-notice");
  box.textContent = text || "";
  box.hidden = !text;
}

/** Clear a form's refusal: its box, the words beside fields, the stale offer. */
export function clearForm(form) {
  showError($(".form-error", form), null);
  for (const n of $$(".field-error", form)) n.remove();
  for (const n of $$("[aria-invalid=true]", form)) n.removeAttribute("aria-invalid");
  for (const n of $$(".has-error", form)) n.classList.remove("has-error");
  const stale = $(".stale", form);
  if (stale) stale.hidden = true;
  delete form.dataset.error;
}

/** Where the field named by a refusal is in a form: its labelled block (data-field), else
 * the input of that name; "led.address" falls back to "led". */
function fieldBlock(form, name) {
  if (!name) return null;
  const names = [name, name.replace(/\./g, "_"), name.split(".")[0]];
  for (const n of names) {
    const block = form.querySelector(`[data-field="${CSS.escape(n)}"]`);
    if (block) return block;
    const input = form.elements.namedItem?.(n);
    if (input instanceof Element) return input.closest("label") || input;
  }
  return null;
}

/** A refusal in the hall's words, in the form's box and beside the field it names. */
export function formError(form, err) {
  const words = texts.explain(err);
  showError($(".form-error", form), words);
  form.dataset.error = err?.code || "error";
  const block = fieldBlock(form, err?.details?.field);
  if (block) {
    block.classList.add("has-error");
    const input = block.matches("input, select, textarea") ? block : $("input, select, textarea", block);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
    block.append(el("span", { className: "field-error", role: "alert", text: words.message || String(words) }));
  }
}

/**
 * Send a form: its refusal shows in it (and beside the field); a 409 stale_edit offers to
 * reload the record, which calls `reload()` to take the new version and shows what is
 * saved now, leaving the typed values where they are. Returns the answer or null.
 */
export async function submit(form, fn, { reload } = {}) {
  clearForm(form);
  const buttons = $$("button[type=submit]", form);
  for (const b of buttons) b.disabled = true;
  try {
    return await fn();
  } catch (err) {
    if (err.status === 401) return null; // the page signs out
    formError(form, err);
    if (err.code === "stale_edit" && reload) offerReload(form, reload);
    return null;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function offerReload(form, reload) {
  const stale = $(".stale", form);
  if (!stale) return;
  stale.hidden = false;
  $(".stale-note", stale).textContent = "";
  const button = $(".reload", stale);
  button.onclick = async () => {
    button.disabled = true;
    try {
      const now = await reload();
      showError($(".form-error", form), null);
      $(".stale-note", stale).textContent = msg("stale_reloaded", { now: now || "" });
      form.dataset.error = "";
      form.dataset.reloaded = "true";
    } catch (err) {
      formError(form, err);
    } finally {
      button.disabled = false;
    }
  };
}

/** A one-time password or device token: shown here once, with a note to hand it over. */
export function showSecret({ title, value, note, url }) {
  $("#secret-title").textContent = title;
  $("#secret-value").textContent = value;
  $("#secret-note").textContent = note;
  $("#secret-url-row").hidden = !url;
  $("#secret-url").textContent = url || "";
  const box = $("#secret");
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
  $("#secret-done").focus();
}

export function hideSecret() {
  $("#secret").hidden = true;
  $("#secret-value").textContent = "";
  $("#secret-url").textContent = "";
}

/** Options of a select: [value, words] pairs; the current value kept when still offered. */
export function fillSelect(select, pairs, keep = select.value) {
  select.replaceChildren(...pairs.map(([value, words]) => el("option", { value, text: words })));
  if (pairs.some(([v]) => v === keep)) select.value = keep;
}

/** A small button of a table row. */
export function rowButton(key, onClick, extra = {}) {
  return el("button", { type: "button", text: msg(key), on: { click: onClick }, ...extra });
}
