// The words every page shares: the statuses of tickets, paper invoices and payments, and
// the refusal a page makes itself when the server cannot be reached.
// Mechanism: qms/static/i18n.js.

export const SHARED_TEXTS = {
  "ticket.waiting": { vi: "Đang chờ", en: "Waiting" },
  "ticket.serving": { vi: "Đang phục vụ", en: "Serving" },
  "ticket.parked": { vi: "Tạm chờ", en: "Parked" },
  "ticket.no_show": { vi: "Vắng mặt", en: "No-show" },
  "ticket.done": { vi: "Xong", en: "Done" },

  "lookup.pending": { vi: "Chờ tìm", en: "To find" },
  "lookup.found": { vi: "Đã có", en: "Found" },
  "lookup.deferred": { vi: "Tìm sau", en: "Later" },
  "lookup.missing": { vi: "Thất lạc", en: "Missing" },

  "pay.unpaid": { vi: "Chưa thu", en: "Unpaid" },
  "pay.paid": { vi: "Đã thu", en: "Paid" },
  "pay.returned": { vi: "Trả lại", en: "Returned" },
  "pay.paid_elsewhere": { vi: "Đã trả nơi khác", en: "Paid elsewhere" },
  "pay.moved": { vi: "Đã chuyển sang vé khác", en: "Moved to another ticket" },

  "error.network": { vi: "Không kết nối được máy chủ", en: "Cannot reach the server" },
};
