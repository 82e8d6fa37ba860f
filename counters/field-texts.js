// The field board's words (counters/field.html and field.js), Vietnamese first, English
// second. Static texts of the page carry data-i18n="fb.…"; the script asks with msg("…").
// Statuses (field_status, field_kind, field_reason, supply_change…) come from words.js
// through qms/static/texts.js; refusals from their codes (qms/words/errors.py).

export const FIELD_TEXTS = {
  // the page itself
  "fb.title": { vi: "Công tác cắt điện", en: "Field work" },
  "fb.offline": { vi: "Mất kết nối — đang kết nối lại…", en: "Offline — reconnecting…" },
  "fb.sign_in_title": { vi: "Đăng nhập đội cắt điện", en: "Field team sign-in" },
  "fb.username": { vi: "Tên đăng nhập", en: "Username" },
  "fb.password": { vi: "Mật khẩu", en: "Password" },
  "fb.sign_in": { vi: "Đăng nhập", en: "Sign in" },
  "fb.sign_out": { vi: "Đăng xuất", en: "Sign out" },
  "fb.to_hall": { vi: "Phòng thu", en: "Hall" },
  "fb.read_only": { vi: "Chỉ xem", en: "Read only" },
  "fb.not_allowed": {
    vi: "Tài khoản này không xem được công tác cắt điện.",
    en: "This account cannot see the field work.",
  },
  // the round and the pull
  "fb.round": { vi: "Đợt cắt điện hôm nay", en: "Today's round" },
  "fb.no_round": { vi: "Chưa lấy danh sách hôm nay.", en: "No list pulled today." },
  "fb.books_label": {
    vi: "Mã sổ (mỗi dòng một sổ, hoặc cách nhau bởi dấu phẩy)",
    en: "Book codes (one a line, or comma separated)",
  },
  "fb.books_placeholder": { vi: "PE0100A001, PE0100A002", en: "PE0100A001, PE0100A002" },
  "fb.pull": { vi: "Lấy danh sách từ CMIS", en: "Pull the list from CMIS" },
  "fb.close_round": { vi: "Khoá sổ đợt", en: "Close the round" },
  "fb.close_confirm_text": {
    vi: "Khoá sổ đợt hôm nay? Sau khi khoá, không nhận thêm kết quả hay giao lệnh.",
    en: "Close today's round? After that no more results or assignments are taken.",
  },
  "fb.close_yes": { vi: "Khoá sổ", en: "Close it" },
  "fb.cancel": { vi: "Thôi", en: "Cancel" },
  day: { vi: "Ngày", en: "Day" },
  books: { vi: "Các sổ", en: "Books" },
  pulled_at: { vi: "Lấy lúc", en: "Pulled at" },
  round_status: { vi: "Trạng thái", en: "Status" },
  stale_banner: {
    vi: ({ since, pulled }) =>
      `Danh sách cũ: từ ${since} CMIS không trả lời — danh sách lấy lúc ${pulled} vẫn giữ nguyên`,
    en: ({ since, pulled }) => `Stale since ${since}: CMIS is not answering — the list pulled at ${pulled} is kept`,
  },
  pulled_notice: {
    vi: ({ listed, added, refreshed, cancelled }) =>
      `CMIS liệt kê ${listed} khách: thêm ${added}, cập nhật ${refreshed}, huỷ ${cancelled} (không còn trong danh sách)`,
    en: ({ listed, added, refreshed, cancelled }) =>
      `CMIS listed ${listed} customers: ${added} added, ${refreshed} updated, ${cancelled} cancelled (off the list)`,
  },
  no_books_typed: { vi: "Nhập ít nhất một mã sổ.", en: "Type at least one book code." },
  round_closed_notice: { vi: "Đã khoá sổ đợt hôm nay.", en: "Today's round is closed." },
  // the list and assignment
  "fb.orders": { vi: "Danh sách cắt điện theo sổ", en: "Disconnection list by book" },
  "fb.selected": { vi: "Đã chọn", en: "Selected" },
  "fb.assign_to": { vi: "Giao cho tổ", en: "Assign to crew" },
  "fb.assign": { vi: "Giao", en: "Assign" },
  "fb.unassign": { vi: "Thu hồi", en: "Take back" },
  "fb.auto_assign": { vi: "Chia tự động", en: "Auto-assign" },
  "fb.auto_help": {
    vi: "Chia các lệnh chưa giao cho các tổ được đánh dấu (không đánh dấu: mọi tổ đang làm), cân theo số lệnh và theo sổ.",
    en: "Shares the unassigned orders over the ticked crews (none ticked: every working crew), balanced by count and by book.",
  },
  "fb.no": { vi: "TT", en: "No." },
  "fb.customer": { vi: "Khách hàng", en: "Customer" },
  "fb.address": { vi: "Địa chỉ", en: "Address" },
  "fb.periods": { vi: "Số kỳ", en: "Periods" },
  "fb.overdue": { vi: "Nợ quá hạn", en: "Overdue" },
  "fb.oldest_due": { vi: "Hạn cũ nhất", en: "Oldest due" },
  "fb.crew": { vi: "Tổ", en: "Crew" },
  "fb.status": { vi: "Trạng thái", en: "Status" },
  "fb.result": { vi: "Kết quả", en: "Result" },
  pick_book: { vi: "Chọn cả sổ", en: "Select the whole book" },
  pick_order: { vi: "Chọn lệnh", en: "Select the order" },
  book_count: {
    vi: ({ n, open }) => `${n} lệnh, ${open} chưa giao`,
    en: ({ n, open }) => `${n} orders, ${open} unassigned`,
  },
  nothing_selected: { vi: "Chưa chọn lệnh nào.", en: "No order selected." },
  no_crew_chosen: { vi: "Chọn tổ nhận lệnh.", en: "Choose the crew to assign to." },
  assigned_notice: {
    vi: ({ n, crew }) => `Đã giao ${n} lệnh cho tổ ${crew}.`,
    en: ({ n, crew }) => `${n} orders assigned to crew ${crew}.`,
  },
  unassigned_notice: { vi: ({ n }) => `Đã thu hồi ${n} lệnh.`, en: ({ n }) => `${n} orders taken back.` },
  auto_notice: {
    vi: ({ n, crews }) => `Đã chia ${n} lệnh: ${crews}.`,
    en: ({ n, crews }) => `${n} orders shared: ${crews}.`,
  },
  no_orders: { vi: "Chưa có lệnh nào.", en: "No orders yet." },
  receipt: { vi: "Biên nhận", en: "Receipt" },
  // crews
  "fb.crews": { vi: "Tổ công tác", en: "Crews" },
  "fb.auto": { vi: "Chia", en: "Share" },
  "fb.code": { vi: "Mã tổ", en: "Code" },
  "fb.name": { vi: "Tên tổ", en: "Name" },
  "fb.members": { vi: "Thành viên", en: "Members" },
  "fb.load": { vi: "Lệnh / đã làm / chưa làm được", en: "Orders / done / not done" },
  "fb.papers": { vi: "Giấy tờ", en: "Papers" },
  "fb.crew_form": { vi: "Tạo / sửa tổ", en: "Create / edit a crew" },
  "fb.more_members": {
    vi: "Thêm tên đăng nhập (cách nhau bởi dấu phẩy)",
    en: "More usernames (comma separated)",
  },
  "fb.active": { vi: "Đang làm việc", en: "Working" },
  "fb.save_crew": { vi: "Lưu tổ", en: "Save crew" },
  "fb.new_crew": { vi: "Tổ mới", en: "New crew" },
  edit: { vi: "Sửa", en: "Edit" },
  print_papers: { vi: "In danh sách + phiếu cắt", en: "Print list and cut slips" },
  download_pdf: { vi: "Tải PDF", en: "Download PDF" },
  print_sent: {
    vi: ({ crew }) => `Đã gửi lệnh in danh sách và phiếu cắt của tổ ${crew}.`,
    en: ({ crew }) => `The list and cut slips of crew ${crew} were sent to the printer.`,
  },
  crew_saved: { vi: ({ crew }) => `Đã lưu tổ ${crew}.`, en: ({ crew }) => `Crew ${crew} saved.` },
  stood_down: { vi: "Nghỉ", en: "Stood down" },
  no_crews_yet: { vi: "Chưa có tổ nào.", en: "No crew yet." },
  no_members_chosen: { vi: "Chọn hoặc nhập ít nhất một thành viên.", en: "Choose or type at least one member." },
  // reconnections and CMIS's refusals
  "fb.reconnections": { vi: "Đóng điện lại chưa xong", en: "Open reconnections" },
  "fb.paid_at": { vi: "Trả tiền lúc", en: "Paid at" },
  "fb.deadline": { vi: "Hạn đóng điện", en: "Deadline" },
  "fb.time_left": { vi: "Còn lại", en: "Time left" },
  "fb.refused": { vi: "CMIS từ chối báo cáo đóng cắt", en: "Supply changes CMIS refused" },
  "fb.supply": { vi: "Báo cáo", en: "Change" },
  "fb.why": { vi: "Lý do CMIS", en: "CMIS says" },
  "fb.invoices": { vi: "Hoá đơn liên quan", en: "Invoices concerned" },
  left: { vi: ({ hm }) => `còn ${hm}`, en: ({ hm }) => `${hm} left` },
  overdue_by: { vi: ({ hm }) => `quá hạn ${hm}`, en: ({ hm }) => `overdue by ${hm}` },
  not_assigned: { vi: "Chưa giao tổ", en: "No crew yet" },
  no_reconnections: { vi: "Không có lệnh đóng điện nào đang chờ.", en: "No reconnection waiting." },
  no_refusals: { vi: "Không có báo cáo nào bị từ chối.", en: "Nothing refused." },
  retry: { vi: "Gửi lại", en: "Send again" },
  retry_sent: {
    vi: ({ id }) => `Đã gửi lại báo cáo số ${id} cho CMIS.`,
    en: ({ id }) => `Supply change ${id} sent to CMIS again.`,
  },
  invoice_line: {
    vi: ({ period, amount, due }) => `Kỳ ${period}: ${amount}, hạn ${due}`,
    en: ({ period, amount, due }) => `Period ${period}: ${amount}, due ${due}`,
  },
  "supply_error.061": {
    vi: "061 — khách không còn nợ quá hạn (đã trả trước khi cắt): phải đóng điện lại ngay",
    en: "061 — nothing overdue (paid before the cut): the supply is owed back now",
  },
  "supply_error.062": {
    vi: "062 — khách vẫn còn nợ quá hạn: chưa được đóng điện",
    en: "062 — the customer still owes overdue invoices: no reconnection yet",
  },
  "supply_error.0017": { vi: "0017 — CMIS không có mã khách hàng này", en: "0017 — CMIS has no such customer" },
  supply_error_other: { vi: ({ code }) => `Mã lỗi CMIS ${code}`, en: ({ code }) => `CMIS code ${code}` },
};
