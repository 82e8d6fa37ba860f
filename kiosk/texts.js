// The kiosk's words, Vietnamese and English (the kiosk has a language toggle).
// Refusals are "error.<code>" with the error's details as vars. Mechanism: qms/static/i18n.js.

export const MAX_CUSTOMERS = 10;

const CMIS_BUSY = {
  vi: "Hệ thống hoá đơn đang bận, vui lòng thử lại.",
  en: "The billing system is not answering, please try again.",
};

// the hall's business hours on the closed notice: days 0 = Monday … 6 = Sunday
const VI_DAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"];
const EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "Monday – Saturday" for a run of days, else the days one by one. */
function dayList(days, names) {
  const d = (Array.isArray(days) ? [...days] : []).sort((a, b) => a - b);
  if (!d.length) return "—";
  const run = d.length > 2 && d.every((x, i) => i === 0 || x === d[i - 1] + 1);
  return run ? `${names[d[0]]} – ${names[d[d.length - 1]]}` : d.map((x) => names[x]).join(", ");
}

export const KIOSK_TEXTS = {
  offline: { vi: "Mất kết nối máy chủ — đang kết nối lại…", en: "Offline — reconnecting…" },
  subtitle: { vi: "Thu tiền điện", en: "Electricity bill payment" },
  device_missing: { vi: "Thiết bị chưa được cấu hình", en: "Device not set up" },
  device_missing_help: {
    vi: "Mở trang với ?token=… của kiosk.",
    en: "Open this page with the kiosk's ?token=….",
  },
  enter_code: { vi: "Nhập mã khách hàng", en: "Enter your customer code" },
  enter_code_help: {
    vi: "Quét mã vạch trên hoá đơn cũ hoặc gõ mã (ví dụ PE01000012345).",
    en: "Scan the barcode of an old receipt or type the code (e.g. PE01000012345).",
  },
  code_label: { vi: "Mã khách hàng", en: "Customer code" },
  keypad: { vi: "Bàn phím số", en: "Keypad" },
  backspace: { vi: "Xoá một ký tự", en: "Backspace" },
  add: { vi: "Thêm", en: "Add" },
  clear: { vi: "Xoá hết", en: "Clear" },
  basket: { vi: "Khách hàng trên vé", en: "Customers on this ticket" },
  total: { vi: "Tổng cộng", en: "Total" },
  basket_help: {
    vi: "Có thể thêm mã khách hàng khác để trả giúp.",
    en: "You may add more customer codes to pay for them too.",
  },
  start_over: { vi: "Làm lại", en: "Start over" },
  take_ticket: { vi: "Lấy số", en: "Take ticket" },
  your_number: { vi: "Số thứ tự của quý khách", en: "Your number" },
  debts_pending: {
    vi: "Hệ thống hoá đơn đang bận: nhân viên sẽ tra nợ cho quý khách.",
    en: "The billing system is busy: staff will look up your invoices.",
  },
  please_wait: {
    vi: "Vui lòng chờ gọi số trên màn hình.",
    en: "Please wait for your number on the screen.",
  },
  pay_qr_alt: { vi: "Mã VietQR thanh toán", en: "VietQR to pay" },
  pay_qr_caption: {
    vi: "Quét mã để thanh toán ngay, không cần chờ.",
    en: "Scan to pay now, no need to wait.",
  },
  qr_alt: { vi: "Mã QR theo dõi lượt", en: "QR code to follow your turn" },
  qr_caption: {
    vi: "Quét mã bằng điện thoại để theo dõi lượt của quý khách.",
    en: "Scan with your phone to follow your turn.",
  },
  done: { vi: "Xong", en: "Done" },
  remove: { vi: "Bỏ", en: "Remove" },
  remove_code: { vi: (d) => `Bỏ ${d.code}`, en: (d) => `Remove ${d.code}` },
  periods_count: {
    vi: (d) => `${d.n} kỳ: ${d.list}`,
    en: (d) => `${d.n} ${d.n === 1 ? "period" : "periods"}: ${d.list}`,
  },
  periods: { vi: (d) => `Kỳ: ${d.list}`, en: (d) => `Periods: ${d.list}` },
  // a priority customer (docs/priority.md): shown when the hall has the lane
  priority_title: { vi: "Ưu tiên", en: "Priority" },
  priority_help: {
    vi: "Người cao tuổi, người khuyết tật, phụ nữ mang thai, người bế con nhỏ được gọi trước.",
    en: "Elderly, disabled, pregnant customers and those with a small child are called first.",
  },
  kind_elderly: { vi: "Người cao tuổi", en: "Elderly" },
  kind_disabled: { vi: "Người khuyết tật", en: "Disabled" },
  kind_pregnant: { vi: "Phụ nữ mang thai", en: "Pregnant" },
  kind_child: { vi: "Người bế con nhỏ", en: "With a small child" },
  ticket_priority: { vi: (d) => `Ưu tiên: ${d.kind}`, en: (d) => `Priority: ${d.kind}` },
  // "your turn is near" (docs/notify.md). The consent text is version 2026-12
  // (qms/domain/notices.py CONSENT): change both together.
  phone_title: { vi: "Nhận tin nhắn báo lượt (không bắt buộc)", en: "Get a message when your turn is near (optional)" },
  phone_label: { vi: "Số điện thoại di động", en: "Mobile phone number" },
  channel_label: { vi: "Gửi qua", en: "Send by" },
  consent_text: {
    vi: "Số điện thoại chỉ dùng để gửi quý khách hai tin nhắn hôm nay: khi sắp đến lượt và khi được gọi. Số được xoá vào cuối ngày. Quý khách có thể dừng nhận tin bất cứ lúc nào trên trang theo dõi lượt (mã QR trên vé).",
    en: "Your number is used only to send you two messages today: when your turn is near and when you are called. It is erased at the end of the day. You can stop the messages at any time on the follow page (the QR code on your ticket).",
  },
  consent_agree: { vi: "Tôi đồng ý nhận tin nhắn như trên", en: "I agree to get these messages" },
  messages_to: {
    vi: (d) => `Tin nhắn sẽ gửi đến ${d.phone} (${d.channel})`,
    en: (d) => `Messages will go to ${d.phone} (${d.channel})`,
  },
  "error.invalid_customer_code": {
    vi: "Mã khách hàng không hợp lệ: 2 chữ cái và 11 chữ số, ví dụ PE01000012345.",
    en: "Invalid customer code: 2 letters and 11 digits, e.g. PE01000012345.",
  },
  "error.unknown_customer": {
    vi: (d) => `Không tìm thấy khách hàng ${d.customer || ""}.`,
    en: (d) => `Customer ${d.customer || ""} not found.`,
  },
  "error.no_debt": {
    vi: (d) => `Khách hàng ${(d.customers || []).join(", ")} không còn hoá đơn cần thanh toán.`,
    en: (d) => `Customer ${(d.customers || []).join(", ")} has nothing to pay.`,
  },
  "error.customer_on_active_ticket": {
    vi: (d) => `Khách hàng ${d.customer} đã có trong vé số ${d.ticket} hôm nay: vui lòng chờ gọi số ${d.ticket}.`,
    en: (d) => `Customer ${d.customer} is already on ticket ${d.ticket} today: please wait for number ${d.ticket}.`,
  },
  "error.too_many_customers": {
    vi: `Một vé tối đa ${MAX_CUSTOMERS} khách hàng.`,
    en: `At most ${MAX_CUSTOMERS} customers per ticket.`,
  },
  "error.duplicate": {
    vi: (d) => `Mã ${d.customer} đã có trong danh sách: không cần thêm lần nữa.`,
    en: (d) => `${d.customer} is already in the list: no need to add it again.`,
  },
  hall_hours: {
    vi: ({ open, close, days }) => `Giờ làm việc: ${open} – ${close}, ${dayList(days, VI_DAYS)}.`,
    en: ({ open, close, days }) => `Opening hours: ${open} – ${close}, ${dayList(days, EN_DAYS)}.`,
  },
  "error.day_closed": {
    vi: "Phòng thu đã ngừng nhận khách hôm nay. Mời quý khách quay lại vào ngày làm việc sau.",
    en: "The hall has closed for today. Please come back on the next working day.",
  },
  "error.cmis_unavailable": CMIS_BUSY,
  "error.cmis_bad_answer": CMIS_BUSY,
  "error.network": {
    vi: "Mất kết nối máy chủ, vui lòng thử lại.",
    en: "Cannot reach the server, please try again.",
  },
  "error.unauthenticated": {
    vi: "Kiosk chưa được cấp quyền. Vui lòng báo nhân viên.",
    en: "This kiosk is not authorised; please ask staff.",
  },
  "error.too_many_requests": {
    vi: "Quá nhiều yêu cầu, vui lòng chờ một chút.",
    en: "Too many requests, please wait a moment.",
  },
};
