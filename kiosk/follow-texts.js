// The follow page's words, Vietnamese and English (the page has a language toggle).
// Refusals are "error.<code>". Mechanism: qms/static/i18n.js.

export const FOLLOW_TEXTS = {
  hall: { vi: "Phòng thu tiền điện", en: "Electricity payment hall" },
  your_number: { vi: "Số thứ tự của quý khách", en: "Your number" },
  updated: { vi: "Cập nhật lúc", en: "Updated at" },
  auto_update: { vi: "· tự cập nhật khi có thay đổi", en: "· updates as the queue moves" },
  wait_about: {
    vi: (d) => `Thời gian chờ ước tính: khoảng ${d.n} phút`,
    en: (d) => `Estimated wait: about ${d.n} ${d.n === 1 ? "minute" : "minutes"}`,
  },
  st_waiting: { vi: "Đang chờ", en: "Waiting" },
  st_serving: { vi: "Đến lượt quý khách", en: "It is your turn" },
  st_parked: { vi: "Tạm chờ tại quầy", en: "On hold at a counter" },
  st_no_show: { vi: "Đã gọi nhưng chưa thấy quý khách", en: "Called, but you did not come" },
  st_done: { vi: "Đã hoàn tất", en: "Done" },
  st_expired: { vi: "Vé đã hết hạn", en: "This ticket has expired" },
  go_to: { vi: (d) => `Mời đến ${d.name}`, en: (d) => `Please go to ${d.name} (${d.code})` },
  held_by: { vi: (d) => `Giữ tại ${d.name}`, en: (d) => `Held at ${d.name} (${d.code})` },
  ahead_none: { vi: "Quý khách là người tiếp theo", en: "You are next" },
  ahead_n: {
    vi: (d) => `Còn ${d.n} số trước quý khách`,
    en: (d) => `${d.n} ${d.n === 1 ? "ticket" : "tickets"} ahead of you`,
  },
  recalled: { vi: "Quầy đang gọi lại số của quý khách.", en: "The counter is calling your number again." },
  msg_parked: {
    vi: "Quầy sẽ gọi lại số của quý khách, vui lòng chờ gần quầy.",
    en: "The counter will call your number again; please wait nearby.",
  },
  msg_no_show: {
    vi: "Vui lòng liên hệ quầy tiếp nhận để được gọi lại.",
    en: "Please ask at the reception counter to be called again.",
  },
  pay_qr_alt: { vi: "Mã VietQR thanh toán", en: "VietQR to pay" },
  pay_qr_caption: {
    vi: "Quét mã bằng ứng dụng ngân hàng để thanh toán ngay, không cần chờ.",
    en: "Scan with your bank app to pay now, no need to wait.",
  },
  paid_by_qr: { vi: "Đã thanh toán qua chuyển khoản.", en: "Paid by bank transfer." },
  msg_done: { vi: "Cảm ơn quý khách!", en: "Thank you!" },
  msg_expired: {
    vi: (d) => `Vé này của ngày ${d.day}; vui lòng lấy số mới.`,
    en: (d) => `This ticket is from ${d.day}; please take a new number.`,
  },
  // a priority customer's ticket (docs/priority.md)
  priority: { vi: (d) => `Ưu tiên: ${d.kind}`, en: (d) => `Priority: ${d.kind}` },
  "kind.elderly": { vi: "Người cao tuổi", en: "Elderly" },
  "kind.disabled": { vi: "Người khuyết tật", en: "Disabled" },
  "kind.pregnant": { vi: "Phụ nữ mang thai", en: "Pregnant" },
  "kind.child": { vi: "Người bế con nhỏ", en: "With a small child" },
  // "your turn is near" (docs/notify.md): the page says it as the message does
  near: {
    vi: "Sắp đến lượt quý khách — vui lòng đến gần quầy",
    en: "Your turn is near — please come close to the counters",
  },
  phone_active: {
    vi: (d) => `Tin nhắn báo lượt gửi đến ${d.phone}`,
    en: (d) => `Turn messages go to ${d.phone}`,
  },
  phone_ended: {
    vi: (d) => `Không gửi thêm tin nhắn đến ${d.phone}`,
    en: (d) => `No more messages to ${d.phone}`,
  },
  phone_withdrawn: {
    vi: "Quý khách đã dừng nhận tin nhắn: số điện thoại đã được xoá.",
    en: "You stopped the messages: your phone number was erased.",
  },
  stop: { vi: "Dừng nhận tin nhắn", en: "Stop messages" },
  stop_confirm: {
    vi: "Dừng hẳn tin nhắn cho vé này? Số điện thoại sẽ bị xoá ngay.",
    en: "Stop the messages for this ticket for good? Your number is erased at once.",
  },
  stop_yes: { vi: "Dừng nhận tin", en: "Stop them" },
  stop_no: { vi: "Không, giữ lại", en: "No, keep them" },
  stopped: {
    vi: "Đã dừng. Sẽ không có tin nhắn nào nữa; số điện thoại đã được xoá.",
    en: "Stopped. No more messages; your number was erased.",
  },
  "error.unknown_ticket": {
    vi: "Không tìm thấy vé. Vui lòng kiểm tra lại mã QR trên vé.",
    en: "Ticket not found. Please check the QR code on your ticket.",
  },
  "error.too_many_followers": {
    vi: "Vé này đang được theo dõi trên quá nhiều trang. Đóng bớt một trang, trang này sẽ tự thử lại.",
    en: "Too many pages follow this ticket. Close one; this page will try again by itself.",
  },
  "error.network": {
    vi: "Mất kết nối, đang thử lại…",
    en: "Connection lost, retrying…",
  },
};
