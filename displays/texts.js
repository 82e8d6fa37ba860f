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
};
