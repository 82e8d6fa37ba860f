// One message catalogue mechanism for every page. Each page keeps its words in a
// catalogue module (counters/texts.js, kiosk/texts.js, kiosk/follow-texts.js,
// displays/texts.js; the words all pages share in qms/static/texts.js): a key and its
// Vietnamese and English, each a string or a function of vars. Vietnamese comes first.
//
// A page with a language toggle (kiosk, follow page) shows one language at a time; a
// staff page or a hall display shows both side by side ("vi / en"), as it always has.
// Refusals from the server are words too: key "error.<code>" of the page's catalogue
// (words made for that page), else the hall's words for the code (qms/static/words.js,
// generated from qms/words), filled from the error's details; else the server's own
// (Vietnamese) message; else "Có lỗi (code)". Statuses ("ticket.waiting", "move.hanging")
// come from words.js too (STATUS_TEXTS).
// Static texts carry data-i18n="key" (the text; on a BOTH page Vietnamese, then the
// English in a span.en), or data-i18n-placeholder, -aria
// (aria-label), -title, -alt for attributes. Only textContent and attributes are
// written, never HTML.

import { fill } from "./format.js";
import { ERRORS, STATUSES } from "./words.js";

export const LANGS = ["vi", "en"];
/** The language setting of a page that shows Vietnamese and English together. */
export const BOTH = "both";
const SEP = " / ";

const ATTRS = [
  ["data-i18n-placeholder", "placeholder"],
  ["data-i18n-aria", "aria-label"],
  ["data-i18n-title", "title"],
  ["data-i18n-alt", "alt"],
];

export class Catalogue {
  /**
   * texts: {key: {vi, en}}. lang: "vi", "en" or BOTH. storageKey: where a page with a
   * toggle remembers the visitor's choice (none: always `lang`).
   */
  constructor(texts, { lang = "vi", storageKey = null } = {}) {
    this.texts = texts;
    this.storageKey = storageKey;
    this.listeners = [];
    let saved = null;
    if (storageKey) {
      try {
        saved = localStorage.getItem(storageKey);
      } catch (_e) {
        /* storage unavailable: the page's default */
      }
    }
    this.current = LANGS.includes(saved) ? saved : lang;
  }

  has(key) {
    return Object.hasOwn(this.texts, key);
  }

  /** The text of a key in one language (Vietnamese when the other is missing). */
  in(lang, key, vars = {}) {
    const entry = this.texts[key];
    if (!entry) return key;
    const text = entry[lang] ?? entry.vi;
    return typeof text === "function" ? text(vars) : text;
  }

  /** The text of a key in the page's language; both, Vietnamese first, on a BOTH page. */
  t(key, vars = {}) {
    if (this.current !== BOTH) return this.in(this.current, key, vars);
    const vi = this.in("vi", key, vars);
    const en = this.in("en", key, vars);
    return en === vi ? vi : `${vi}${SEP}${en}`;
  }

  /** One text built per language: both, Vietnamese first, on a BOTH page. */
  each(build) {
    if (this.current !== BOTH) return build(this.current);
    const vi = build("vi");
    const en = build("en");
    return en === vi ? vi : `${vi}${SEP}${en}`;
  }

  /** The words for a refusal (ApiError or error frame), or null when there are none:
   * the page's own "error.<code>", else the hall's words for the code. */
  error(err) {
    if (!err?.code) return null;
    const key = `error.${err.code}`;
    if (this.has(key)) return this.t(key, err.details || {});
    const words = ERRORS[err.code];
    return words ? this.each((lang) => fill(words[lang], err.details || {}, lang)) : null;
  }

  /** A refusal in words, never a raw English message: the catalogue's, else the server's
   * Vietnamese message, else a generic line with the code. */
  explainText(err) {
    if (!err || typeof err === "string") return err || "";
    const server = err.message && !/^HTTP \d+$/.test(err.message) ? err.message : null;
    return this.error(err) || server || this.each((lang) => GENERIC[lang](err.code || "?"));
  }

  /** A refusal as showError takes it: {code, message} with the words of explainText. */
  explain(err) {
    if (!err || typeof err === "string") return err;
    return { code: err.code, message: this.explainText(err) };
  }

  set(lang) {
    if (!LANGS.includes(lang) && lang !== BOTH) return;
    this.current = lang;
    if (this.storageKey) {
      try {
        localStorage.setItem(this.storageKey, lang);
      } catch (_e) {
        /* remembered for this page only */
      }
    }
    this.apply();
    for (const fn of this.listeners) fn(lang);
  }

  toggle() {
    this.set(this.current === "vi" ? "en" : "vi");
  }

  onChange(fn) {
    this.listeners.push(fn);
  }

  /** Write every marked text of the page in the current language. */
  apply(root = document) {
    document.documentElement.lang = this.current === BOTH ? "vi" : this.current;
    for (const node of root.querySelectorAll("[data-i18n]")) {
      const key = node.dataset.i18n;
      if (this.current !== BOTH) node.textContent = this.t(key);
      else {
        // as the staff pages and displays are written: the English smaller, after
        const en = document.createElement("span");
        en.className = "en";
        en.textContent = this.in("en", key);
        node.replaceChildren(`${this.in("vi", key)} `, en);
      }
    }
    for (const [data, attr] of ATTRS) {
      for (const node of root.querySelectorAll(`[${data}]`)) node.setAttribute(attr, this.t(node.getAttribute(data)));
    }
  }

  /** A button that switches language; it names the language it switches to. */
  bindToggle(button) {
    const label = () => {
      const other = this.current === "vi" ? "en" : "vi";
      button.textContent = other === "en" ? "English" : "Tiếng Việt";
      button.lang = other;
      button.dataset.lang = this.current;
    };
    label();
    this.onChange(label);
    button.addEventListener("click", () => this.toggle());
  }
}

const GENERIC = {
  vi: (code) => `Có lỗi (${code}) — thử lại hoặc báo quản lý.`,
  en: (code) => `Something went wrong (${code}) — try again or tell the supervisor.`,
};

// Page keys of the status groups; a group not listed keeps its name ("ticket.waiting").
// The day-close blockers are words of the cash pages (counters/cash-texts.js), made from
// each blocker's details. A page's "job.<status>" is a print job's.
const STATUS_KEYS = { movement: "move", blocker: null, job: "device_job", print_job: "job" };

/** Every status as a catalogue entry, "<group>.<status>": {vi, en}. */
export const STATUS_TEXTS = Object.fromEntries(
  Object.entries(STATUSES)
    .filter(([group]) => STATUS_KEYS[group] !== null)
    .flatMap(([group, values]) =>
      Object.entries(values).map(([status, words]) => [`${STATUS_KEYS[group] || group}.${status}`, words]),
    ),
);

/** A table of words for each of a set of codes (statuses), in a BOTH page's form. */
export function wordsOf(catalogue, prefix, codes) {
  return Object.fromEntries(codes.map((code) => [code, catalogue.t(`${prefix}.${code}`)]));
}
