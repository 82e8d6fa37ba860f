// The hall display's words, Vietnamese first, English second, both on screen (the page
// writes them once at start; the HTML carries the same words for the first paint).
// Mechanism: qms/static/i18n.js.

export const DISPLAY_TEXTS = {
  offline: { vi: "Mất kết nối — đang kết nối lại…", en: "Offline — reconnecting…" },
  sound: { vi: "🔔 Bật âm thanh", en: "Enable sound" },
  device_missing: { vi: "Màn hình chưa được cấu hình", en: "Display not set up" },
  device_missing_help: {
    vi: "Mở trang với ?token=… của màn hình.",
    en: "Open this page with the display's ?token=….",
  },
  number: { vi: "Mời số", en: "Number" },
  to: { vi: "đến", en: "to" },
  recent: { vi: "Số vừa gọi", en: "Recent calls" },
  // a priority customer's call (docs/priority.md)
  priority: { vi: "Ưu tiên", en: "Priority" },

  // the customer display at a cashier counter (counter.html): the QR its cashier shows
  counter_display_help: {
    vi: "Mở trang với ?counter=C1&token=… của màn hình.",
    en: "Open this page with ?counter=C1&token=… of the display.",
  },
  now_serving: { vi: "Đang phục vụ số", en: "Now serving" },
  qr_alt: { vi: "Mã VietQR để chuyển khoản", en: "VietQR to pay by transfer" },
  scan_to_pay: {
    vi: "Quét mã bằng ứng dụng ngân hàng để thanh toán",
    en: "Scan with your bank app to pay",
  },
  amount: { vi: "Số tiền", en: "Amount" },
  payee: { vi: "Người nhận", en: "Payee" },
  reference: { vi: "Nội dung", en: "Reference" },
  paid: { vi: "Đã thanh toán", en: "Paid" },
  thanks: { vi: "Cảm ơn quý khách!", en: "Thank you!" },
};
