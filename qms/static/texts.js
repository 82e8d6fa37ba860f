// The words every page shares: every status (tickets, paper invoices, payments, drawers,
// money movements, reasons...: STATUS_TEXTS, from qms/static/words.js, generated from
// qms/words) and the refusal a page makes itself when the server cannot be reached.
// Mechanism: qms/static/i18n.js.
import { STATUS_TEXTS } from "./i18n.js";

export const SHARED_TEXTS = {
  ...STATUS_TEXTS,
  "error.network": { vi: "Không kết nối được máy chủ", en: "Cannot reach the server" },
};
