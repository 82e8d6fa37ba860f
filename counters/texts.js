// The counters page's words, Vietnamese first, English second; the page shows both side
// by side ("vi / en"). Refusals are "error.<code>" with the error's details as vars: a
// code with no entry here shows the server's own message. Mechanism: qms/static/i18n.js.

const ticketsOf = (list) => (list || []).join(", ");

export const COUNTERS_TEXTS = {
  // shell
  session_expired: { vi: "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.", en: "Session expired: sign in again." },
  none: { vi: "Không có", en: "None" },
  book: { vi: "Sổ", en: "book" },
  period: { vi: "Kỳ", en: "Period" },
  series_number: { vi: "Ký hiệu", en: "Số" },
  amount: { vi: "Số tiền", en: "Amount" },
  moved_to: { vi: (d) => `Đã chuyển sang vé ${d.ticket}`, en: (d) => `Moved to ticket ${d.ticket}` },
  parity_even: { vi: "chẵn", en: "even" },
  parity_odd: { vi: "lẻ", en: "odd" },

  // lookup
  paper_here: { vi: "Chưa giao, còn ở đây", en: "Not delivered, still here" },
  paper_at: { vi: (d) => `Đã giao ${d.name} từ ${d.at}`, en: (d) => `At ${d.name} since ${d.at}` },
  nothing_to_find: { vi: "Không có hoá đơn cần tìm", en: "Nothing to find" },

  // cashier: a VietQR for the invoices chosen (F9), paid when the bank's credit comes
  qr_waiting: {
    vi: (d) => `Vé ${d.ticket}: chờ khách chuyển khoản`,
    en: (d) => `Ticket ${d.ticket}: waiting for the transfer`,
  },
  qr_paid: { vi: "Đã nhận chuyển khoản", en: "Transfer received" },
  qr_received: {
    vi: (d) => `Vé ${d.ticket}: đã nhận chuyển khoản ${d.amount} — biên nhận đang in`,
    en: (d) => `Ticket ${d.ticket}: transfer of ${d.amount} received — the receipt is printing`,
  },

  // cashier
  paper_found: { vi: "Đã có hoá đơn", en: "Found" },
  paper_none: { vi: "Hoá đơn điện tử", en: "E-invoice" },
  paper_waiting: { vi: (d) => `Chờ hoá đơn (${d.status})`, en: (d) => `Waiting for paper (${d.status})` },
  collect_period: { vi: (d) => `Thu kỳ ${d.period}`, en: (d) => `Collect ${d.period}` },
  no_ticket: { vi: "Chưa gọi số", en: "No ticket" },
  nothing_left: { vi: "Không còn nợ", en: "Nothing left to pay" },
  ready: { vi: "Sẵn sàng thu", en: "Ready to collect" },
  waiting_invoices: { vi: (d) => `Đang chờ hoá đơn (${d.n})`, en: (d) => `Waiting for invoices (${d.n})` },
  col_collect: { vi: "Thu", en: "Collect" },
  col_paper: { vi: "Hoá đơn giấy", en: "Paper" },
  col_payment: { vi: "Thanh toán", en: "Payment" },
  // the queue lists are narrow: their badges and buttons show the Vietnamese, the English
  // is their title
  queue_ready: { vi: "Sẵn sàng", en: "Ready: all paper found" },
  queue_waiting: { vi: "Chờ hoá đơn", en: "Waiting for paper invoices" },
  queue_customers: { vi: (d) => `${d.n} KH`, en: "customers" },
  call: { vi: "Gọi", en: "Call" },
  recall: { vi: "Gọi lại", en: "Call again" },
  nobody_waiting: { vi: "Không có ai chờ", en: "Nobody waiting" },
  receipt: { vi: (d) => `Biên lai ${d.no}`, en: (d) => `receipt ${d.no}` },
  nothing_ready: { vi: "Chưa có hoá đơn nào sẵn sàng để thu.", en: "No invoice is ready to collect yet." },
  collected: {
    vi: (d) => `Vé ${d.ticket}: đã thu ${d.amount}${d.change ? `, tiền thừa ${d.change}` : ""}`,
    en: (d) => `collected ${d.amount}${d.change ? `, change ${d.change}` : ""}`,
  },
  finish_unpaid: {
    vi: (d) => `Vé ${d.ticket} còn ${d.n} hoá đơn chưa thu (${d.total}). Khách sẽ ra về mà không trả các hoá đơn này.`,
    en: (d) =>
      `Ticket ${d.ticket} still has ${d.n} unpaid invoice(s) (${d.total}): the customer goes without paying them.`,
  },
  finished_unpaid: {
    vi: (d) => `Vé ${d.ticket}: kết thúc, còn nợ`,
    en: (d) => `ticket ${d.ticket} finished, left unpaid`,
  },
  bad_ticket_number: { vi: "Số vé là một số nguyên dương.", en: "A ticket number is a positive whole number." },
  nothing_picked: {
    vi: "Chưa chọn kỳ nào để thu: bấm + (hoặc đánh dấu kỳ) rồi F4.",
    en: "No period is chosen: press + (or tick a period), then F4.",
  },
  pick_keys_hint: {
    vi: "Phím + / − : chọn thêm / bỏ bớt một kỳ (kỳ cũ trước)",
    en: "Keys + / −: add / drop one period (oldest first)",
  },
  change_due: { vi: (d) => `Tiền thừa trả khách: ${d.amount}`, en: (d) => `change to give: ${d.amount}` },
  tendered_short: { vi: (d) => `Khách đưa còn thiếu ${d.amount}`, en: (d) => `tendered is ${d.amount} short` },
  supply_cut: {
    vi: "Đang bị cắt điện: thu đủ nợ thì in phiếu đóng điện",
    en: "Supply cut: paid in full, a reconnection slip prints",
  },
  supply_cut_settled: { vi: "Đã thu đủ: phiếu đóng điện", en: "Paid in full: reconnection slip" },
  slip_queued: {
    vi: "Đang gửi phiếu đóng điện tới máy in phiếu…",
    en: "Sending the reconnection slip to the slip printer…",
  },
  slip_sent: {
    vi: (d) => `Phiếu đóng điện của ${d.customer} đã gửi máy in phiếu: ${d.status}`,
    en: (d) => `Reconnection slip for ${d.customer} sent to the slip printer`,
  },
  slip_none: {
    vi: (d) => `Chưa in được phiếu đóng điện cho ${d.customer} (không có máy in phiếu): báo giám sát viên.`,
    en: (d) => `No reconnection slip printed for ${d.customer} (no slip printer): tell the supervisor.`,
  },
  // the day's payments of the counter, and their paper
  payments_today: { vi: "Đã thu hôm nay tại quầy", en: "Payments here today" },
  no_payments_today: { vi: "Chưa thu khoản nào hôm nay", en: "No payment yet today" },
  loading: { vi: "Đang tải…", en: "Loading…" },
  ticket_n: { vi: (d) => `Vé ${d.n}`, en: (d) => `ticket ${d.n}` },
  paper_receipt: { vi: "Biên nhận", en: "Receipt" },
  paper_copy: { vi: "Bản sao", en: "Copy" },
  paper_slip: { vi: "Phiếu đóng điện", en: "Reconnection slip" },
  reprint_receipt: { vi: "In lại biên nhận", en: "Reprint receipt" },
  reprint_sent: {
    vi: (d) => `Đã gửi bản sao biên nhận vé ${d.ticket} tới máy in của quầy (in chữ BẢN SAO).`,
    en: (d) => `A copy of ticket ${d.ticket}'s receipt was sent to this counter's printer (marked COPY).`,
  },

  // reception
  periods: { vi: (d) => `Kỳ: ${d.list}`, en: (d) => `periods: ${d.list}` },
  remove: { vi: "Bỏ", en: "Remove" },
  in_list: { vi: (d) => `${d.code} đã có trong danh sách`, en: "is already in the list" },
  taken_over: {
    vi: (d) => `Khách ${ticketsOf(d.customers)} chuyển từ vé ${d.ticket} sang vé này, cùng hoá đơn giấy`,
    en: (d) => `Customer(s) ${ticketsOf(d.customers)} taken over from ticket ${d.ticket}, with their paper`,
  },
  col_lookup: { vi: "Quầy tra cứu", en: "Lookup" },
  lookup_even: { vi: "Chẵn", en: "even" },
  lookup_odd: { vi: "Lẻ", en: "odd" },
  reprint_which: { vi: "Nhập số vé cần in lại.", en: "Type the number of the ticket to reprint." },
  // priority customers (docs/priority.md): the kinds are "priority.<kind>" (words.js)
  priority_mark: { vi: "Ưu tiên", en: "Priority" },
  priority_none: { vi: "Không ưu tiên", en: "No priority" },
  priority_choose: { vi: "Đánh dấu ưu tiên…", en: "Mark as priority…" },
  priority_unmark: { vi: "Bỏ ưu tiên", en: "Unmark" },
  waiting_none: { vi: "Không có vé nào đang chờ.", en: "No ticket is waiting." },
  search_short: { vi: (d) => `Nhập ít nhất ${d.n} ký tự.`, en: (d) => `Type at least ${d.n} characters.` },
  searching: { vi: "Đang tìm…", en: "Searching…" },
  results: {
    vi: (d) => `${d.n} kết quả${d.more ? " (thu hẹp tìm kiếm)" : ""}`,
    en: (d) => `results${d.more ? " (narrow the search)" : ""}`,
  },
  nothing_found: { vi: "Không tìm thấy", en: "Nothing found" },
  maybe_more: {
    vi: "Không thấy trong các kết quả đầu tiên: thêm một từ ít gặp hơn (tên đường, tên riêng).",
    en: "Not among the first results: add a rarer word (a street, a given name).",
  },
  owes: {
    vi: (d) => `còn nợ ${d.n} kỳ`,
    en: (d) => `owes ${d.n} ${d.n === 1 ? "period" : "periods"}`,
  },
  owes_nothing: { vi: "Không nợ", en: "Owes nothing" },
  owes_unknown: { vi: "Chưa rõ nợ (CMIS không trả lời)", en: "Debt unknown (CMIS did not answer)" },
  added: { vi: "Đã thêm", en: "Added" },
  add: { vi: "Thêm vào vé", en: "Add" },

  bad_customer_code: {
    vi: "Mã khách hàng gồm 2 chữ cái và 11 chữ số.",
    en: "A customer code is 2 letters and 11 digits.",
  },
  no_debt: {
    vi: (d) => `Khách hàng ${d.customer} (${d.name}) không còn nợ.`,
    en: (d) => `Customer ${d.customer} has nothing to pay.`,
  },

  // supervisor
  idle: { vi: "Rảnh", en: "Idle" },
  to_find: { vi: (d) => `${d.n} hoá đơn chờ tìm`, en: "to find" },
  awaiting_cmis: { vi: "Chờ CMIS xác nhận", en: "Awaiting CMIS" },
  minutes: { vi: (d) => `${d.n} phút`, en: "min" },
  no_tickets: { vi: "Chưa có vé", en: "No tickets yet" },
  tab_counter: { vi: "Quầy thu", en: "Counter" },
  tab_hall: { vi: "Phòng thu", en: "Hall" },
  // a hall watched from the company view (docs/company.md): the way back
  to_company: { vi: "← Toàn công ty", en: "← The company" },

  // supervisor: turn messages (notices.js)
  nt_erased: { vi: "đã xoá", en: "erased" },
  // supervisor: productivity (productivity.js)
  "pr.crew": { vi: "Tổ", en: "Crew" },
  "pr.crew_name": { vi: "Tên tổ", en: "Name" },
  "pr.orders": { vi: "Số lệnh", en: "Orders" },
  "pr.done": { vi: "Đã làm", en: "Done" },
  "pr.cuts": { vi: "Cắt điện", en: "Cuts" },
  "pr.reconnections": { vi: "Đóng điện", en: "Reconnections" },
  "pr.not_done": { vi: "Không làm được", en: "Not done" },
  "pr.in_progress": { vi: "Đang làm", en: "In progress" },
  "pr.cancelled": { vi: "Đã hủy", en: "Cancelled" },
  "pr.open": { vi: "Chưa giao", en: "Unassigned" },
  "pr.reconnect_median": { vi: "Đóng điện: trung vị", en: "Reconnection median" },
  "pr.reconnect_worst": { vi: "Đóng điện: lâu nhất", en: "Reconnection worst" },
  "pr.late": { vi: "Trễ hạn", en: "Late" },
  "pr.cashier": { vi: "Thu ngân", en: "Cashier" },
  "pr.counters": { vi: "Quầy", en: "Counters" },
  "pr.tickets_served": { vi: "Vé đã phục vụ", en: "Tickets served" },
  "pr.payments": { vi: "Số giao dịch", en: "Payments" },
  "pr.net": { vi: "Thực thu", en: "Net" },
  "pr.service_median": { vi: "Phục vụ: trung vị", en: "Service median" },
  "pr.open_time": { vi: "Mở két", en: "Drawer open" },
  "pr.idle": { vi: "Rảnh", en: "Idle" },
  "pr.clerk": { vi: "Nhân viên tra cứu", en: "Lookup clerk" },
  "pr.found": { vi: "Tìm thấy (F9)", en: "Found (F9)" },
  "pr.deferred": { vi: "Tìm sau (F10)", en: "Deferred (F10)" },
  "pr.missing": { vi: "Không tìm thấy", en: "Missing" },
  "pr.find_median": { vi: "Tìm: trung vị", en: "Find median" },
  "pr.find_worst": { vi: "Tìm: lâu nhất", en: "Find worst" },
  "pr.total": { vi: "Tổng cộng", en: "Total" },
  "pr.reason.paid_on_spot": { vi: "Trả tại chỗ", en: "Paid on the spot" },
  "pr.reason.absent": { vi: "Vắng nhà", en: "Absent" },
  "pr.reason.inaccessible": { vi: "Không tiếp cận được", en: "Inaccessible" },
  "pr.reason.refused": { vi: "Không cho cắt", en: "Refused" },
  "pr.reason.wrong_address": { vi: "Sai địa chỉ", en: "Wrong address" },
  "pr.reason.other": { vi: "Lý do khác", en: "Other reason" },

  // supervisor: arrivals forecast (forecast.js, docs/forecast.md)
  "fc.hour": { vi: "Giờ", en: "Hour" },
  "fc.forecast": { vi: "Dự báo", en: "Forecast" },
  "fc.actual": { vi: "Thực tế", en: "Actual" },
  "fc.baseline": { vi: "Cùng thứ tuần trước", en: "Same day last week" },
  "fc.not_enough": { vi: "(không đủ quầy)", en: "(not enough counters)" },
  "fc.closed": { vi: "Ngày nghỉ: không dự báo khách", en: "Closed: no customers forecast" },
  "fc.summary": {
    vi: (d) => `Dự báo ${d.total} khách; cần mở tối đa ${d.counters} quầy thu`,
    en: (d) => `${d.total} customers forecast; up to ${d.counters} cashier counters`,
  },
  "fc.actual_so_far": { vi: (d) => `Thực tế đến giờ: ${d.n} khách`, en: (d) => `So far: ${d.n} customers` },
  "fc.actual_day": { vi: (d) => `Thực tế: ${d.n} khách`, en: (d) => `Actual: ${d.n} customers` },
  "fc.short": {
    vi: (d) => `Lúc ${d.hours}: mở cả ${d.counters} quầy thu, thời gian chờ trung vị vẫn quá ${d.target} phút.`,
    en: (d) => `At ${d.hours}: even all ${d.counters} cashier counters leave the median wait over ${d.target} min.`,
  },
  "fc.accuracy": {
    vi: (d) =>
      `Sai số trung bình ±${d.mae} khách/giờ (${d.pct}%) trên ${d.days} ngày gần nhất, ` +
      `cả ngày ±${d.day_mae} khách (${d.day_pct}%); cách đơn giản (cùng thứ tuần trước): ` +
      `±${d.base_mae} khách/giờ (${d.base_pct}%), cả ngày ${d.base_day_pct}%.`,
    en: (d) =>
      `Average error ±${d.mae} customers/hour (${d.pct}%) over the last ${d.days} days, ` +
      `±${d.day_mae} a day (${d.day_pct}%); the simple way (same weekday last week): ` +
      `±${d.base_mae}/hour (${d.base_pct}%), ${d.base_day_pct}% a day.`,
  },
  "fc.no_accuracy": { vi: "Chưa đủ lịch sử để đo sai số.", en: "Not enough history to measure the error yet." },
  "fc.no_model": {
    vi: (d) => `Chưa đủ lịch sử để dự báo: cần ít nhất ${d.min} ngày có khách, mới có ${d.days}.`,
    en: (d) => `Not enough history to forecast: at least ${d.min} days with customers, ${d.days} so far.`,
  },
  "fc.inputs": {
    vi: (d) =>
      `Phục vụ trung bình ${d.service} (${d.from}); mục tiêu chờ trung vị ≤ ${d.target} phút; ` +
      `học từ ${d.days} ngày (${d.first} – ${d.last})`,
    en: (d) =>
      `Mean service ${d.service} (${d.from}); median wait target ≤ ${d.target} min; ` +
      `learnt from ${d.days} days (${d.first} – ${d.last})`,
  },
  "fc.service_time": { vi: (d) => `${d.m} phút ${d.s} giây`, en: (d) => `${d.m} min ${d.s} s` },
  "fc.service_history": { vi: "theo lịch sử", en: "from the history" },
  "fc.service_default": { vi: "mặc định, lịch sử còn ít", en: "a default: little history" },
  "fc.simulated": {
    vi: (d) => `${d.n} ngày là lịch sử mô phỏng (phòng thu demo)`,
    en: (d) => `${d.n} days of simulated history (demo hall)`,
  },

  // refusals of the day's rules (whose counter, whose drawer, one live claim per
  // invoice, one place per paper, a closed day)
  "error.customer_on_active_ticket": {
    vi: (d) => `Khách hàng ${d.customer} đang có vé số ${d.ticket}: phục vụ trên vé đó.`,
    en: (d) => `Customer ${d.customer} is on ticket ${d.ticket}: serve them there.`,
  },
  "error.ticket_moved": {
    vi: (d) => `Khách của vé ${d.ticket} đã quay lại với vé ${ticketsOf(d.moved_to)}: phục vụ trên vé mới.`,
    en: (d) => `Ticket ${d.ticket}'s customers came back on ticket ${ticketsOf(d.moved_to)}: serve them there.`,
  },
  "error.invoice_moved": {
    vi: (d) => `Hoá đơn này đã chuyển sang vé ${d.ticket}: thu hoặc trả lại ở vé đó.`,
    en: (d) => `This invoice moved to ticket ${d.ticket}: collect or return it there.`,
  },
  "error.already_paid": {
    vi: (d) => `Hoá đơn này đã thu${d.ticket ? ` trên vé ${d.ticket}` : ""}: không thu lần nữa.`,
    en: (d) => `This invoice is already paid${d.ticket ? ` on ticket ${d.ticket}` : ""}: do not collect it again.`,
  },
  "error.already_delivered": {
    vi: (d) =>
      `Hoá đơn giấy đã giao quầy ${d.delivered_to}: không hoàn tác F9 được nữa. Nếu nhầm, nhờ quầy đó trả lại hoá đơn.`,
    en: (d) =>
      `The paper was delivered to ${d.delivered_to}: F9 can no longer be undone. If it was a mistake, ask that counter to return it.`,
  },
  "error.nothing_to_find": {
    vi: (d) => `Khách ${d.customer} không còn hoá đơn nào cần tìm trên vé ${d.ticket} ở quầy này.`,
    en: (d) => `Customer ${d.customer} has no paper left to find on ticket ${d.ticket} at this counter.`,
  },
  "error.not_your_payment": {
    vi: (d) => `Khoản thu này do ${d.cashier} thu: chỉ người đó, thủ quỹ trưởng hoặc giám sát viên được huỷ.`,
    en: (d) => `${d.cashier} took this payment: only they, the head cashier or the supervisor may reverse it.`,
  },
  "error.ticket_not_done": {
    vi: (d) => `Vé ${d.ticket} chưa kết thúc: không cần mở lại.`,
    en: (d) => `Ticket ${d.ticket} is not finished: nothing to reopen.`,
  },
  "error.nothing_to_collect": {
    vi: (d) => `Vé ${d.ticket} không còn gì để thu.`,
    en: (d) => `Ticket ${d.ticket} has nothing left to collect.`,
  },
  "error.counter_taken": {
    vi: (d) =>
      `Quầy ${d.counter} đang do ${d.held_by_name || d.held_by} đăng nhập: người đó đăng xuất, hoặc giám sát viên cho đăng xuất quầy.`,
    en: (d) => `Counter ${d.counter} is held by ${d.held_by}: they sign out, or a supervisor signs the counter out.`,
  },
  "error.drawer_elsewhere": {
    vi: (d) => `Két của bạn mở ở quầy ${d.drawer_counter}: phục vụ khách tại quầy đó.`,
    en: (d) => `Your drawer was opened at ${d.drawer_counter}: serve customers there.`,
  },
  "error.drawer_not_open": {
    vi: "Chưa mở két: nhập tiền đầu ca trước khi gọi số hoặc thu tiền.",
    en: "Open your drawer (count the float) before calling or collecting.",
  },
  "error.drawer_closed": {
    vi: "Két đã đóng: không gọi số, không thu tiền nữa hôm nay.",
    en: "Your drawer is closed: no more calls or payments today.",
  },
  "error.head_cashier_closed": {
    vi: "Thủ quỹ đã chốt tiền trong ngày: hôm nay không mở thêm két.",
    en: "The head cashier has closed the day's cash: no drawer opens today.",
  },
  "error.day_closed": {
    vi: "Ngày làm việc đã kết thúc: không thay đổi gì được nữa.",
    en: "The business day is closed: nothing more can change.",
  },
};
