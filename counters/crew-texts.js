// The crew's phone page's words (counters/crew.html, crew.js), Vietnamese first, English
// second; the page shows one language at a time (the toggle in its header). Refusals are
// "error.<code>" here when the phone needs its own words, else the hall's (words.js).
// Mechanism: qms/static/i18n.js.

export const CREW_TEXTS = {
  // static words of crew.html
  "crew.title": { vi: "Tổ công tác", en: "Field crew" },
  "crew.sign_in": { vi: "Đăng nhập tổ công tác", en: "Crew sign-in" },
  "crew.username": { vi: "Tên đăng nhập", en: "Username" },
  "crew.password": { vi: "Mật khẩu", en: "Password" },
  "crew.submit": { vi: "Đăng nhập", en: "Sign in" },
  "crew.sign_out": { vi: "Đăng xuất", en: "Sign out" },
  "crew.offline": {
    vi: "Mất mạng — kết quả được giữ trên máy, tự gửi khi có mạng",
    en: "Offline — results are kept on the phone and sent when back online",
  },
  "crew.to_do": { vi: "Cần làm", en: "To do" },
  "crew.finished": { vi: "Đã xong", en: "Finished" },
  "crew.back": { vi: "← Danh sách", en: "← List" },
  "crew.check": { vi: "Kiểm tra trước khi cắt", en: "Check before cutting" },
  "crew.not_done": { vi: "Chưa cắt được", en: "Not done" },
  "crew.why_not": { vi: "Lý do chưa làm được", en: "Why it was not done" },
  "crew.receipt_no": { vi: "Số biên nhận khách đưa", en: "Receipt number shown" },
  "crew.note": { vi: "Ghi chú (không bắt buộc)", en: "Note (optional)" },
  "crew.send_not_done": { vi: "Gửi: chưa làm được", en: "Send: not done" },
  "crew.dismiss": { vi: "Đã hiểu", en: "Understood" },
  "crew.refresh": { vi: "Tải lại danh sách", en: "Reload the list" },
  "crew.language": { vi: "Ngôn ngữ", en: "Language" },

  // built by crew.js
  "crew.done_cut": { vi: "Đã cắt", en: "Cut" },
  "crew.done_reconnect": { vi: "Đã đóng điện", en: "Reconnected" },
  "crew.members": { vi: (d) => `Thành viên: ${d.names}`, en: (d) => `Members: ${d.names}` },
  "crew.route_no": { vi: (d) => `Số ${d.n}`, en: (d) => `No. ${d.n}` },
  "crew.book": { vi: (d) => `Sổ ${d.book}`, en: (d) => `Book ${d.book}` },
  "crew.periods": { vi: (d) => `${d.n} kỳ nợ`, en: (d) => `${d.n} period(s) owed` },
  "crew.overdue": { vi: (d) => `Nợ quá hạn ${d.amount}`, en: (d) => `Overdue ${d.amount}` },
  "crew.deadline": { vi: (d) => `Đóng điện trước ${d.at}`, en: (d) => `Reconnect by ${d.at}` },
  "crew.late": { vi: (d) => `QUÁ HẠN đóng điện (${d.at})`, en: (d) => `LATE: reconnect was due ${d.at}` },
  "crew.waiting": { vi: "Chờ gửi", en: "Waiting to send" },
  "crew.sent_at": { vi: (d) => `lúc ${d.at}`, en: (d) => `at ${d.at}` },
  "crew.nothing": { vi: "Không còn lệnh nào cần làm.", en: "No orders left to do." },
  "crew.no_crew": { vi: "Tài khoản này không phải của tổ công tác.", en: "This account is not a field crew's." },
  "crew.checking": { vi: "Đang hỏi CMIS…", en: "Asking CMIS…" },
  "crew.check_go": {
    vi: (d) => `Khách còn nợ quá hạn ${d.amount} (${d.n} kỳ): được cắt.`,
    en: (d) => `The customer still owes ${d.amount} overdue (${d.n} period(s)): go ahead.`,
  },
  "crew.check_unknown": {
    vi: "CMIS không trả lời: làm theo phiếu.",
    en: "CMIS did not answer: go by the slip.",
  },
  "crew.check_offline": {
    vi: "Không có mạng: không kiểm tra được, làm theo phiếu.",
    en: "No signal: cannot check, go by the slip.",
  },
  "crew.do_not_cut": {
    vi: "KHÔNG CẮT — khách đã thanh toán",
    en: "DO NOT CUT — paid",
  },
  "crew.cancelled_banner": {
    vi: (d) => `Lệnh số ${d.order} đã huỷ: ${d.reason} — KHÔNG CẮT`,
    en: (d) => `Order ${d.order} cancelled: ${d.reason} — DO NOT CUT`,
  },
  "crew.pick_reason": { vi: "Chọn lý do chưa làm được.", en: "Choose why it was not done." },
  "crew.need_receipt": {
    vi: "Khách trả tiền tại chỗ: nhập số biên nhận.",
    en: "Paid on the spot: type the receipt number.",
  },
  "crew.queued": {
    vi: (d) => `Đã lưu kết quả lệnh số ${d.order}; sẽ gửi khi có mạng.`,
    en: (d) => `Result of order ${d.order} saved; it is sent when online.`,
  },
  "crew.sent": { vi: (d) => `Đã gửi kết quả lệnh số ${d.order}.`, en: (d) => `Result of order ${d.order} sent.` },
  "crew.session_expired": {
    vi: "Phiên đăng nhập đã hết hạn: đăng nhập lại (kết quả chờ gửi vẫn được giữ).",
    en: "Session expired: sign in again (results waiting to send are kept).",
  },
  "crew.updated": { vi: (d) => `Cập nhật lúc ${d.at}`, en: (d) => `Updated at ${d.at}` },
};
