// How the hall writes money and time on every page, as qms/words/format.py does for the
// server's words and the paper: 2.002.089 đ, 07/12/2026 01:00 (the device's time zone,
// the hall's on hall devices). And the renderer of the words' templates: "{name}" or
// "{name:kind}" with the kinds money, date, datetime, list, count, field and a status
// group, from qms/static/words.js (generated from qms/words).
import { FIELDS, STATUSES } from "./words.js";

/** Whole đồng with dots between thousands: 2002089 -> "2.002.089 đ". */
export function money(n) {
  const value = Math.trunc(Number(n) || 0);
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${value < 0 ? "-" : ""}${digits} đ`;
}

const pad = (n) => String(n).padStart(2, "0");
const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day as dd/mm/yyyy (a "YYYY-MM-DD" as it is, a moment in the device's zone). */
export function date(value) {
  if (!value) return "";
  const day = DAY_ONLY.exec(String(value));
  if (day) return `${day[3]}/${day[2]}/${day[1]}`;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

const TYPED_DAY = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/;

/** A day typed as the hall writes it ("7/12/2026", "07/12/2026") as "YYYY-MM-DD" for the
 * server; null when it is not a day of the calendar. Date boxes are text boxes, so they
 * read dd/mm/yyyy whatever language the browser was installed in. */
export function isoDay(text) {
  const m = TYPED_DAY.exec(String(text || ""));
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const when = new Date(Date.UTC(y, mo - 1, d));
  if (when.getUTCFullYear() !== y || when.getUTCMonth() !== mo - 1 || when.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** The time of day of a moment, HH:MM (a day's lists: the day is the page's). */
export function time(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A moment as dd/mm/yyyy HH:MM; a bare day as dd/mm/yyyy. */
export function dateTime(value) {
  if (!value) return "";
  if (DAY_ONLY.test(String(value))) return date(value);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${date(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const pick = (table, value, lang) => {
  const entry = table?.[typeof value === "boolean" ? String(value) : value];
  return entry ? entry[lang] : String(value);
};

/** A field in words; "notes.500000" (an item of a field) as its field's words and the item. */
function field(name, lang) {
  const text = String(name);
  const cut = text.lastIndexOf(".");
  const head = text.slice(0, cut);
  if (!Object.hasOwn(FIELDS, text) && cut > 0 && Object.hasOwn(FIELDS, head)) {
    return `${FIELDS[head][lang]} (${text.slice(cut + 1)})`;
  }
  return pick(FIELDS, text, lang);
}

const KINDS = {
  money,
  date,
  datetime: dateTime,
  list: (v) => (Array.isArray(v) ? v.join(", ") : String(v)),
  count: (v) => (Array.isArray(v) ? String(v.length) : String(v)),
};

/** Fill a template in one language; a field missing from vars shows as "?". */
export function fill(template, vars = {}, lang = "vi") {
  return String(template).replace(/\{(\w+)(?::([\w.]+))?\}/g, (_m, name, kind) => {
    const value = vars[name];
    if (value === undefined || value === null) return "?";
    if (!kind) return String(value);
    if (kind === "field") return field(value, lang);
    if (Object.hasOwn(STATUSES, kind)) return pick(STATUSES[kind], value, lang);
    return KINDS[kind] ? KINDS[kind](value) : String(value);
  });
}

/** The words of a status in one language ("ticket", "waiting" -> "Đang chờ"). */
export function statusIn(lang, group, status) {
  return pick(STATUSES[group], status, lang);
}
