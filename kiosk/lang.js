// Vietnamese first, English on request: one language on screen at a time.
// Static texts carry data-i18n="key" (textContent), or data-i18n-placeholder, -aria
// (aria-label), -title, -alt for attributes; dynamic texts ask t(key, vars).
// Only textContent and attributes are written, never HTML.

export const LANGS = ["vi", "en"];

export class Lang {
  /** texts: {key: {vi, en}}, each a string or a function of vars. */
  constructor(storageKey, texts) {
    this.storageKey = storageKey;
    this.texts = texts;
    this.listeners = [];
    let saved = null;
    try {
      saved = localStorage.getItem(storageKey);
    } catch (e) {
      /* storage unavailable: Vietnamese */
    }
    this.current = LANGS.includes(saved) ? saved : "vi";
  }

  t(key, vars = {}) {
    const entry = this.texts[key];
    if (!entry) return key;
    const text = entry[this.current] ?? entry.vi;
    return typeof text === "function" ? text(vars) : text;
  }

  set(lang) {
    if (!LANGS.includes(lang)) return;
    this.current = lang;
    try {
      localStorage.setItem(this.storageKey, lang);
    } catch (e) {
      /* remembered for this page only */
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
    document.documentElement.lang = this.current;
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = this.t(node.dataset.i18n);
    for (const [attr, name] of [
      ["i18nPlaceholder", "placeholder"],
      ["i18nAria", "aria-label"],
      ["i18nTitle", "title"],
      ["i18nAlt", "alt"],
    ]) {
      for (const node of root.querySelectorAll(`[data-${attr.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`)) {
        node.setAttribute(name, this.t(node.dataset[attr]));
      }
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
