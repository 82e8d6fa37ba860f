// The words of the cash pages, Vietnamese first, English second: the cashier's drawer
// panel (drawer.js), the head cashier's and supervisor's cash section (cash.js) and what
// they share (cashui.js). common.js merges them into the counters page's one catalogue,
// which shows both languages side by side ("vi / en"). Mechanism: qms/static/i18n.js.

const vnd = (n) => `${new Intl.NumberFormat("vi-VN").format(n || 0)} đ`;

export const CASH_TEXTS = {
  // why a paper invoice goes back to invoice management (the reasons: qms/words)
  return_reason: { vi: "Lý do trả", en: "Reason" },
  return_paper: { vi: "Trả lại", en: "Return" },

  // a difference at close, as staff say it
  difference_none: { vi: "Khớp", en: "No difference" },
  over: { vi: "Thừa", en: "Over" },
  short: { vi: "Thiếu", en: "Short" },
  over_lower: { vi: "thừa", en: "over" },
  short_lower: { vi: "thiếu", en: "short" },

  // what stops a drawer or the business day from closing: the Vietnamese line shows,
  // then the server's own English message (the English here is for completeness)
  "blocker.bank_exceptions_open": {
    vi: (d) => `${d.n} khoản chuyển khoản chờ thủ quỹ quyết định (mục Không dùng tiền mặt)`,
    en: (d) => `${d.n} bank credit(s) wait for the head cashier's decision (Non-cash panel)`,
  },
  "blocker.statement_unmatched": {
    vi: (d) => `${d.n} dòng sao kê ngân hàng chưa khớp khoản thu nào: nhận hoặc ghi chú`,
    en: (d) => `${d.n} bank statement line(s) match no credit: receive or clear them`,
  },
  "blocker.statement_missing": {
    vi: (d) => `${d.n} khoản chuyển khoản chưa có trên sao kê đã nhập: nhập sao kê hôm nay`,
    en: (d) => `${d.n} transfer(s) are not on an imported statement yet: import today's`,
  },

  // the non-cash panel (noncash.js)
  noncash_none: { vi: "Không có", en: "None" },
  noncash_note: { vi: "Ghi chú (số tham chiếu hoàn tiền…)", en: "Note (refund reference…)" },
  noncash_refunded: { vi: "Đã hoàn tiền", en: "Refunded" },
  noncash_other: { vi: "Khác", en: "Other" },
  noncash_apply: { vi: "Áp dụng", en: "Apply" },
  noncash_receive: { vi: "Nhận", en: "Receive" },
  noncash_clear: { vi: "Không phải tiền thu", en: "Clear" },
  noncash_note_needed: { vi: "Ghi chú ít nhất 3 ký tự.", en: "Write a note of at least 3 characters." },
  noncash_resolved: { vi: (d) => `Đã xử lý khoản ${d.txn}`, en: (d) => `Credit ${d.txn} decided` },
  noncash_imported: {
    vi: (d) => `Đã nhập ${d.added} dòng sao kê, ${d.matched} dòng khớp`,
    en: (d) => `${d.added} statement line(s) imported, ${d.matched} matched`,
  },
  noncash_line_done: { vi: (d) => `Đã xử lý dòng ${d.txn}`, en: (d) => `Line ${d.txn} settled` },

  "blocker.movement_hanging": {
    vi: (d) => `Chuyển tiền #${d.id} ${d.from} → ${d.to} còn treo: thiếu khai báo một bên`,
    en: (d) => `Movement #${d.id} ${d.from} → ${d.to} is hanging: one side has not declared it`,
  },
  "blocker.movement_mismatch": {
    vi: (d) => `Chuyển tiền #${d.id} ${d.from} → ${d.to}: hai bên khai số tiền khác nhau`,
    en: (d) => `Movement #${d.id} ${d.from} → ${d.to}: the two sides declared different amounts`,
  },
  "blocker.reversal_pending": {
    vi: (d) => `${d.n} lệnh huỷ khoản thu của bạn đang chờ CMIS`,
    en: (d) => `${d.n} reversal(s) of your payments wait for CMIS`,
  },
  "blocker.invoices_not_returned": {
    vi: (d) => `${d.n} hoá đơn giấy chưa thu, chưa trả lại`,
    en: (d) => `${d.n} paper invoice(s) neither paid nor returned`,
  },
  "blocker.ticket_held": {
    vi: (d) => `Vé ${d.ticket} chưa kết thúc hoặc chưa chuyển quầy`,
    en: (d) => `Ticket ${d.ticket} is not finished or transferred`,
  },
  "blocker.drawer_open": {
    vi: (d) => `Két của ${d.cashier} còn mở`,
    en: (d) => `${d.cashier}'s drawer is still open`,
  },
  "blocker.drawer_pending_approval": {
    vi: (d) => `Két của ${d.cashier} chờ giám sát duyệt chênh lệch`,
    en: (d) => `${d.cashier}'s drawer awaits the supervisor's approval of its difference`,
  },
  "blocker.payments_unconfirmed": {
    vi: (d) => `${d.n} khoản thu chưa được CMIS xác nhận`,
    en: (d) => `${d.n} payment(s) not yet confirmed by CMIS`,
  },
  "blocker.reconciliation_open": {
    vi: (d) => `Đối soát với CMIS còn ${d.n} mục chưa khớp`,
    en: (d) => `${d.n} item(s) of the CMIS reconciliation still open`,
  },

  // the cashier's drawer panel (drawer.js)
  me: { vi: "tôi", en: "me" },
  head_cashier: { vi: "thu ngân trưởng", en: "head cashier" },
  recount_asked: {
    vi: "Giám sát yêu cầu đếm lại két: đếm lại rồi đóng két.",
    en: "The supervisor asked for a recount: count again, then close.",
  },
  open_drawer_first: {
    vi: "Chưa mở két: nhập tiền đầu ca rồi bấm Enter.",
    en: "Open your drawer first: type the float, then Enter.",
  },
  drawer_closed_today: {
    vi: "Két đã đóng: không thu thêm tiền hôm nay.",
    en: "Your drawer is closed: nothing more is collected today.",
  },
  type_float: { vi: "Nhập tiền đầu ca (0 nếu không có).", en: "Type the float (0 if none)." },
  drawer_opened: {
    vi: (d) => `Đã mở két với ${d.amount} đầu ca.`,
    en: (d) => `Drawer open with a float of ${d.amount}.`,
  },
  no_colleague: { vi: "Chưa có thu ngân nào khác mở két.", en: "No colleague has an open drawer." },
  type_amount: { vi: "Nhập số tiền.", en: "Type the amount." },
  declared_out: {
    vi: (d) => `Đã khai chuyển ${d.amount} cho ${d.who}: in phiếu, hai bên ký.`,
    en: (d) => `Declared ${d.amount} out to ${d.who}: both sign the slip.`,
  },
  declared_in: {
    vi: (d) => `Đã khai nhận ${d.amount} từ ${d.who}: in phiếu, hai bên ký.`,
    en: (d) => `Declared ${d.amount} in from ${d.who}: both sign the slip.`,
  },
  declared_matched: {
    vi: (d) => `Đã khai ${d.amount} với ${d.who}: hai bên khớp, in phiếu, hai bên ký.`,
    en: (d) => `Declared ${d.amount} with ${d.who}: both sides match; both sign the slips.`,
  },
  declared_mismatch: {
    vi: (d) =>
      `Bạn khai ${d.amount}, ${d.who} khai ${d.theirs}: chưa khớp, chưa ký phiếu. Hai bên đếm lại; ai khai sai thì rút lại rồi khai lại.`,
    en: (d) =>
      `You declared ${d.amount}, ${d.who} declared ${d.theirs}: they differ, sign nothing yet. Both count again; whoever was wrong withdraws and declares again.`,
  },
  withdrawn: {
    vi: (d) => `Đã rút lại khai báo chuyển tiền #${d.id}: phiếu huỷ được in tại quầy, phiếu cũ không còn giá trị.`,
    en: (d) => `Declaration of movement #${d.id} withdrawn: a cancellation slip prints here; the old slip is void.`,
  },
  type_counted: { vi: "Nhập số tiền đếm được trong két.", en: "Type the cash you counted." },
  confirm_short: {
    vi: (d) =>
      `Đếm được ${d.counted}, két phải có ${d.expected}: THIẾU ${d.diff}. Đếm lại; nếu đúng là thiếu, đóng két và chờ giám sát viên duyệt.`,
    en: (d) =>
      `Counted ${d.counted}, the drawer should hold ${d.expected}: ${d.diff} SHORT. Count again; if it is short, close and wait for the supervisor's approval.`,
  },
  confirm_over: {
    vi: (d) =>
      `Đếm được ${d.counted}, két phải có ${d.expected}: THỪA ${d.diff}. Đếm lại; nếu đúng là thừa, đóng két và chờ giám sát viên duyệt.`,
    en: (d) =>
      `Counted ${d.counted}, the drawer should hold ${d.expected}: ${d.diff} OVER. Count again; if it is over, close and wait for the supervisor's approval.`,
  },
  close_short: { vi: (d) => `Đóng két, thiếu ${d.diff}`, en: (d) => `Close, ${d.diff} short` },
  close_over: { vi: (d) => `Đóng két, thừa ${d.diff}`, en: (d) => `Close, ${d.diff} over` },
  count_again: { vi: "Đếm lại", en: "Count again" },
  payments_n: { vi: (d) => `${d.n} lượt`, en: "payments" },
  counted: { vi: "Đếm được", en: "counted" },
  expected: { vi: "phải có", en: "expected" },
  closed_pending: {
    vi: "Két đã đóng, chênh lệch chờ giám sát duyệt. Không thu thêm tiền.",
    en: "Drawer closed with a difference: waiting for supervisor approval. Nothing more is collected.",
  },
  closed_at: {
    vi: (d) => `Két đã đóng lúc ${d.at}: không thu thêm tiền hôm nay.`,
    en: "Drawer closed: nothing more is collected today.",
  },
  approved: { vi: "Đã duyệt", en: "approved" },
  deposit: { vi: "Nộp ngân hàng", en: "deposit" },
  no_other_drawer: { vi: "Chưa ai khác mở két", en: "No other open drawer" },
  withdraw: { vi: "Rút lại", en: "Withdraw" },
  declare_out: { vi: "Khai giao", en: "Declare out" },
  declare_in: { vi: "Khai nhận", en: "Declare in" },
  out_to: { vi: "chuyển cho", en: "out to" },
  in_from: { vi: "nhận từ", en: "in from" },
  paper_line: {
    vi: (d) => `Vé ${d.ticket} · ${d.customer} · ${d.period} · ${d.total}`,
    en: (d) => `Ticket ${d.ticket} · ${d.customer} · ${d.period} · ${d.total}`,
  },
  day: { vi: "Ngày", en: "day" },

  // the cash section of the head cashier and the supervisor (cash.js)
  updated: { vi: "Cập nhật", en: "updated" },
  note_too_short: {
    vi: "Ghi lý do duyệt (ít nhất 3 ký tự).",
    en: "Write a note (3 characters or more).",
  },
  difference_approved: {
    vi: (d) => `Đã duyệt chênh lệch két của ${d.name}.`,
    en: (d) => `Difference approved for ${d.name}.`,
  },
  recount_started: {
    vi: (d) => `Két của ${d.name} mở lại để đếm lại.`,
    en: (d) => `${d.name}'s drawer reopened for a recount.`,
  },
  paper_returned: {
    vi: (d) => `Đã nhận lại hoá đơn kỳ ${d.period} của ${d.customer} (vé ${d.ticket}).`,
    en: "Paper returned.",
  },
  day_closed_notice: {
    vi: (d) => `Đã đóng ngày ${d.day}.`,
    en: (d) => `Business day ${d.day} closed.`,
  },
  approval_note: { vi: "Lý do", en: "Note" },
  approval_note_for: { vi: (d) => `Lý do duyệt ${d.name}`, en: "Approval note" },
  approve: { vi: "Duyệt", en: "Approve" },
  recount: { vi: "Đếm lại", en: "Recount" },
  awaiting_supervisor: { vi: "Chờ giám sát", en: "Awaiting supervisor" },
  given_back: { vi: "trả lại", en: "given back" },
  lookup_counter: { vi: "tra cứu", en: "lookup" },
  lookup_parity: { vi: (d) => `tra cứu ${d.parity}`, en: "lookup" },
  nothing_to_return: { vi: "Không còn hoá đơn nào phải trả", en: "Nothing to return" },
  none_yet: { vi: "Chưa có", en: "None yet" },
  day_closed_at: {
    vi: (d) => `Ngày ${d.day} đã đóng lúc ${d.at} (${d.by}). Không thu thêm tiền trong ngày này.`,
    en: "The business day is closed: nothing more is collected on it.",
  },
  bank_deposit: { vi: "Nộp ngân hàng", en: "bank deposit" },
  day_state_closed: { vi: "Ngày đã đóng", en: "Day closed" },
  day_state_checking: { vi: "Đang kiểm tra…", en: "Checking…" },
  day_state_ready: { vi: "Có thể đóng ngày", en: "Ready to close" },
  day_state_blocked: {
    vi: (d) => `Chưa đóng được: còn ${d.n} việc`,
    en: (d) => `Not yet: ${d.n} left`,
  },
  day_typed_wrong: {
    vi: "Ngày viết theo dạng ngày/tháng/năm, ví dụ 07/12/2026: sửa lại ô ngày.",
    en: "Write a day as day/month/year, e.g. 07/12/2026: correct the date box.",
  },
  no_drawer_yet: { vi: "Chưa có két nào mở", en: "No drawer opened yet" },
  no_movement_yet: { vi: "Chưa có chuyển tiền", en: "No movement yet" },

  // reversing a payment taken by mistake (head cashier, supervisor)
  reversals_title: { vi: "Huỷ khoản thu nhầm", en: "Reverse a payment taken by mistake" },
  reversals_help: {
    vi: "Khoản thu hôm nay, CMIS đã xác nhận, két của người thu còn mở. Ghi lý do; việc huỷ được ghi nhật ký và gửi CMIS.",
    en: "Today's payments CMIS confirmed, while the drawer that took them is open. Give the reason; the reversal is audited and sent to CMIS.",
  },
  reversal_filter: { vi: "Mã KH, mã giao dịch, quầy", en: "Customer, transaction, counter" },
  reversal_find: { vi: "Tìm khoản thu", en: "Find a payment" },
  reversal_customer: { vi: "Khách hàng", en: "Customer" },
  reverse: { vi: "Huỷ", en: "Reverse" },
  reversal_reason: { vi: "Lý do huỷ", en: "Reason" },
  reversal_reason_needed: {
    vi: "Ghi lý do huỷ (ít nhất 3 ký tự).",
    en: "Write the reason (3 characters or more).",
  },
  reversal_confirm: { vi: (d) => `Xác nhận huỷ ${d.amount}`, en: (d) => `Confirm: reverse ${d.amount}` },
  reversal_keep: { vi: "Thôi", en: "Keep it" },
  reversal_sent: {
    vi: (d) =>
      `Đã gửi yêu cầu huỷ khoản thu ${d.amount} của ${d.customer} tới CMIS: trả tiền cho khách từ két của ${d.who}.`,
    en: (d) =>
      `Reversal of ${d.customer}'s ${d.amount} sent to CMIS: the money goes back to the customer from ${d.who}'s drawer.`,
  },
  reversal_drawer_closed: {
    vi: "Két của người thu khoản này đã đóng: số đếm đã chốt, không huỷ được khoản thu ở đây.",
    en: "The drawer that took this payment is closed: its count is final, the payment cannot be reversed here.",
  },
  reversal_not_confirmed: {
    vi: "Khoản thu này chưa được CMIS xác nhận hoặc đã huỷ: chỉ huỷ được khoản CMIS đã xác nhận.",
    en: "CMIS has not confirmed this payment, or it is already reversed: only a confirmed payment can be reversed.",
  },
  // cash counted by note (notes.js): the count sheet's boxes
  notes_title: { vi: "Bảng kê các loại tiền", en: "Count by note" },
  notes_hint: {
    vi: "Nhập số tờ từng loại; tổng được điền vào ô số tiền",
    en: "Type how many of each note; the total fills the amount",
  },
  notes_note: { vi: "Mệnh giá", en: "Note" },
  notes_count: { vi: "Số tờ", en: "Count" },
  notes_amount: { vi: "Thành tiền", en: "Amount" },
  notes_total: { vi: "Tổng cộng", en: "Total" },

  // refusals of a count by note (the server's words: qms/words/errors.py)
  "error.count_mismatch": {
    vi: (d) => `Bảng kê cộng lại được ${vnd(d.total)}, không khớp số đã khai ${vnd(d.declared)}: đếm lại tiền`,
    en: (d) => `The notes add up to ${vnd(d.total)}, not the ${vnd(d.declared)} declared: count again`,
  },
  "error.unknown_note": {
    vi: (d) => `Mệnh giá ${vnd(d.note)} không dùng ở đây: đếm lại theo các mệnh giá trong bảng`,
    en: (d) => `${vnd(d.note)} is not a note in use here: count in the notes listed`,
  },
  "error.invalid_note_count": {
    vi: "Số tờ là số nguyên từ 0 trở lên: sửa lại bảng kê",
    en: "A count is a whole number from 0: correct the count",
  },
  "error.deposit_exceeds_count": {
    vi: (d) => `Tiền nộp có ${d.deposit} tờ ${vnd(d.note)}, két chỉ đếm được ${d.counted} tờ: đếm lại`,
    en: (d) =>
      `The deposit has ${d.deposit} notes of ${vnd(d.note)}, the drawer was counted with ${d.counted}: count again`,
  },
};
