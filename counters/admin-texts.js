// The admin page's words (counters/admin.html and admin*.js), Vietnamese first, English
// second. Static texts carry data-i18n="adm.…"; the scripts ask with msg("…"). Refusals
// come from their codes (qms/words/errors.py, through words.js); roles ("role.cashier")
// and parities are the hall's statuses (qms/words/statuses.py, qms/static/texts.js).

const WEEKDAYS = [
  ["Thứ 2", "Mon"],
  ["Thứ 3", "Tue"],
  ["Thứ 4", "Wed"],
  ["Thứ 5", "Thu"],
  ["Thứ 6", "Fri"],
  ["Thứ 7", "Sat"],
  ["Chủ nhật", "Sun"],
];

const table = (prefix, rows) => Object.fromEntries(rows.map(([k, [vi, en]]) => [`${prefix}.${k}`, { vi, en }]));

export const ADMIN_TEXTS = {
  // the page itself
  "adm.title": { vi: "Quản trị", en: "Administration" },
  "adm.offline": { vi: "Mất kết nối — đang kết nối lại…", en: "Offline — reconnecting…" },
  "adm.sections": { vi: "Mục", en: "Sections" },
  "adm.tab_staff": { vi: "Nhân viên", en: "Staff" },
  "adm.tab_halls": { vi: "Phòng thu", en: "Halls" },
  "adm.tab_policy": { vi: "Mật khẩu", en: "Passwords" },
  "adm.to_hall": { vi: "Trang quầy", en: "Counters" },
  "adm.sign_out": { vi: "Đăng xuất", en: "Sign out" },
  "adm.not_allowed": { vi: "Tài khoản này không quản trị được.", en: "This account cannot administer." },
  "adm.copy": { vi: "Chép", en: "Copy" },
  "adm.open_on_device": { vi: "Mở trên thiết bị", en: "Open on the device" },
  "adm.secret_done": { vi: "Đã ghi lại, ẩn đi", en: "Noted, hide it" },
  "adm.save": { vi: "Lưu", en: "Save" },
  "adm.cancel": { vi: "Thôi", en: "Cancel" },
  "adm.create": { vi: "Tạo", en: "Create" },
  "adm.reload": { vi: "Tải bản mới (giữ những gì đã gõ)", en: "Reload their version (keep what I typed)" },
  "adm.none": { vi: "— Không —", en: "— None —" },
  "adm.all": { vi: "Tất cả", en: "All" },
  "adm.active": { vi: "Đang dùng", en: "Active" },
  "adm.disabled": { vi: "Đã khoá", en: "Disabled" },
  "adm.state": { vi: "Trạng thái", en: "State" },
  "adm.kind": { vi: "Loại", en: "Kind" },
  "adm.branch": { vi: "Chi nhánh", en: "Branch" },
  // staff
  "adm.staff": { vi: "Tài khoản nhân viên", en: "Staff accounts" },
  "adm.role": { vi: "Vai trò", en: "Role" },
  "adm.new_account": { vi: "Tài khoản mới", en: "New account" },
  "adm.full_name": { vi: "Họ và tên", en: "Full name" },
  "adm.username": { vi: "Tên đăng nhập", en: "Username" },
  "adm.may_use": {
    vi: "Quầy được dùng (trống: mọi quầy cùng loại)",
    en: "Counters they may use (none ticked: any of the kind)",
  },
  "adm.counters": { vi: "Quầy", en: "Counters" },
  "adm.no_staff": { vi: "Không có tài khoản nào khớp.", en: "No account matches." },
  new_account: { vi: "Tài khoản mới", en: "New account" },
  edit_account: { vi: ({ username }) => `Sửa tài khoản ${username}`, en: ({ username }) => `Edit account ${username}` },
  all_branches: { vi: "Mọi chi nhánh", en: "All branches" },
  all_roles: { vi: "Mọi vai trò", en: "All roles" },
  active_word: { vi: "Đang dùng", en: "Active" },
  disabled_word: { vi: "Đã khoá", en: "Disabled" },
  must_change: { vi: "Chờ đổi mật khẩu", en: "Must choose a password" },
  no_counters_of_kind: {
    vi: "Phòng thu chưa có quầy loại này: thêm quầy ở mục Phòng thu.",
    en: "The hall has no counter of this kind: add one under Halls.",
  },
  edit: { vi: "Sửa", en: "Edit" },
  disable: { vi: "Khoá", en: "Disable" },
  enable: { vi: "Mở khoá", en: "Enable" },
  reset_password: { vi: "Cấp lại mật khẩu", en: "Reset password" },
  one_time_password_for: {
    vi: ({ username }) => `Mật khẩu dùng một lần của ${username}`,
    en: ({ username }) => `One-time password of ${username}`,
  },
  one_time_password_note: {
    vi: ({ name, username }) =>
      `Đưa mật khẩu này tận tay ${name} (${username}). Nó chỉ hiện lần này; lần đăng nhập đầu tiên họ sẽ chọn mật khẩu riêng.`,
    en: ({ name, username }) =>
      `Hand this password to ${name} (${username}) in person. It shows this once; at their first sign-in they choose their own.`,
  },
  reset_note: {
    vi: ({ name, username, n }) =>
      `Đưa mật khẩu này tận tay ${name} (${username}); lần đăng nhập tới họ sẽ chọn mật khẩu riêng. Đã đăng xuất ${n} phiên của họ.`,
    en: ({ name, username, n }) =>
      `Hand this password to ${name} (${username}); at their next sign-in they choose their own. ${n} of their sessions ended.`,
  },
  saved_account: {
    vi: ({ username }) => `Đã lưu tài khoản ${username}.`,
    en: ({ username }) => `Account ${username} saved.`,
  },
  disabled_notice: {
    vi: ({ username, n }) => `Đã khoá ${username}; ${n} phiên đang mở đã kết thúc.`,
    en: ({ username, n }) => `${username} is disabled; ${n} open sessions ended.`,
  },
  enabled_notice: { vi: ({ username }) => `Đã mở khoá ${username}.`, en: ({ username }) => `${username} is enabled.` },
  account_now: {
    vi: ({ full_name, role, counters, active }) => `${full_name} · ${role} · quầy ${counters} · ${active}`,
    en: ({ full_name, role, counters, active }) => `${full_name} · ${role} · counters ${counters} · ${active}`,
  },
  stale_reloaded: {
    vi: ({ now }) =>
      `Đã tải bản mới. Hiện đang lưu: ${now}. Những gì bạn gõ vẫn ở trên; bấm Lưu để ghi bản của bạn, hoặc Thôi.`,
    en: ({ now }) => `Reloaded. Saved now: ${now}. What you typed is still above; Save to write yours, or Cancel.`,
  },
  // the password policy
  "adm.policy": { vi: "Quy định mật khẩu", en: "Password policy" },
  "adm.min_length": { vi: "Số ký tự tối thiểu", en: "Minimum length" },
  "adm.require_digit": { vi: "Phải có chữ số", en: "Needs a digit" },
  "adm.require_letter": { vi: "Phải có chữ cái", en: "Needs a letter" },
  "adm.forbid_username": { vi: "Không được chứa tên đăng nhập", en: "Not the username" },
  saved_policy: { vi: "Đã lưu quy định mật khẩu.", en: "Password policy saved." },
  policy_now: {
    vi: ({ min_length }) => `ít nhất ${min_length} ký tự`,
    en: ({ min_length }) => `at least ${min_length} characters`,
  },
  // halls
  "adm.halls": { vi: "Chi nhánh và phòng thu", en: "Branches and halls" },
  "adm.hall": { vi: "Phòng thu", en: "Hall" },
  "adm.new_branch": { vi: "Chi nhánh mới", en: "New branch" },
  "adm.branch_id": { vi: "Mã đơn vị (MA_DVIQLY)", en: "Unit code (MA_DVIQLY)" },
  "adm.branch_name": { vi: "Tên chi nhánh", en: "Branch name" },
  "adm.collection_point": { vi: "Mã điểm thu", en: "Collection point" },
  "adm.cmis_version": { vi: "Phiên bản CMIS", en: "CMIS version" },
  "adm.paper_invoices": { vi: "Hoá đơn giấy (có quầy tra cứu)", en: "Paper invoices (lookup counters)" },
  "adm.einvoice_url": {
    vi: "Địa chỉ tra cứu hoá đơn điện tử (khi không dùng hoá đơn giấy)",
    en: "E-invoice lookup URL (without paper invoices)",
  },
  "adm.params": { vi: "Tên và thông số vận hành", en: "Name and operating parameters" },
  "adm.call_policy": { vi: "Cách gọi vé", en: "Call policy" },
  "adm.lookup_rule": { vi: "Chia quầy tra cứu", en: "Lookup rule" },
  "adm.reconnect_hours": { vi: "Hạn đóng điện lại (giờ)", en: "Reconnection deadline (hours)" },
  "adm.priority_max": {
    vi: "Khách ưu tiên liền nhau tối đa (0: không ưu tiên)",
    en: "Priority tickets in a row at most (0: no priority lane)",
  },
  "adm.hours": { vi: "Giờ làm việc", en: "Business hours" },
  "adm.hours_on": {
    vi: "Kiosk chỉ phát số trong giờ làm việc",
    en: "The kiosk issues tickets in business hours only",
  },
  "adm.open_at": { vi: "Mở cửa", en: "Opens" },
  "adm.close_at": { vi: "Đóng cửa", en: "Closes" },
  branch_created: {
    vi: ({ branch }) => `Đã tạo chi nhánh ${branch}. Thêm máy in, quầy, nhân viên và thiết bị bên dưới.`,
    en: ({ branch }) => `Branch ${branch} created. Add its printers, counters, staff and devices below.`,
  },
  saved_params: {
    vi: ({ branch }) => `Đã lưu thông số ${branch}.`,
    en: ({ branch }) => `${branch}'s parameters saved.`,
  },
  reconnect_short: { vi: "hạn đóng điện (giờ)", en: "reconnection (hours)" },
  always_open: { vi: "không giới hạn giờ", en: "no business hours" },
  ...table("call_policy", [
    ["lowest_number", ["Số nhỏ nhất trước", "Lowest number first"]],
    ["ready_first", ["Vé đã tìm đủ hoá đơn trước", "Tickets with all invoices found first"]],
  ]),
  ...table("lookup_rule", [
    ["book_code_last_digit", ["Theo số cuối mã sổ", "By the book code's last digit"]],
    ["invoice_number_last_digit", ["Theo số cuối số hoá đơn", "By the invoice number's last digit"]],
  ]),
  ...table(
    "weekday",
    WEEKDAYS.map((w, i) => [String(i), w]),
  ),
  // counters
  "adm.counters_title": { vi: "Quầy", en: "Counters" },
  "adm.add_counter": { vi: "Thêm quầy", en: "Add a counter" },
  "adm.code": { vi: "Mã quầy", en: "Code" },
  "adm.counter_name": { vi: "Tên quầy", en: "Name" },
  "adm.parity": { vi: "Sổ chẵn / lẻ (quầy tra cứu)", en: "Even / odd books (lookup)" },
  "adm.even": { vi: "Chẵn", en: "Even" },
  "adm.odd": { vi: "Lẻ", en: "Odd" },
  "adm.printer": { vi: "Máy in", en: "Printer" },
  "adm.led": { vi: "Bảng LED số (trống: không có)", en: "LED number board (empty: none)" },
  "adm.led_short": { vi: "Bảng LED", en: "LED board" },
  "adm.led_url": { vi: "Cổng (URL pyserial)", en: "Port (pyserial URL)" },
  "adm.led_address": { vi: "Địa chỉ bảng", en: "Board address" },
  "adm.led_protocol": { vi: "Giao thức", en: "Protocol" },
  "adm.retire_yes": { vi: "Cho nghỉ", en: "Retire it" },
  ...table("counter_kind_name", [
    ["reception", ["Tiếp nhận", "Reception"]],
    ["lookup", ["Tra cứu", "Lookup"]],
    ["cashier", ["Thu tiền", "Cashier"]],
  ]),
  no_printer: { vi: "— Không có —", en: "— None —" },
  retired_word: { vi: "Đã nghỉ", en: "Retired" },
  test_print: { vi: "In trang thử", en: "Print test page" },
  test_led: { vi: "Hiện số thử", en: "Show test number" },
  retire: { vi: "Cho nghỉ", en: "Retire" },
  retire_confirm: {
    vi: ({ code, name }) =>
      `Cho quầy ${code} — ${name} nghỉ? Lịch sử của quầy vẫn giữ; người đang đăng nhập ở đó sẽ bị đăng xuất.`,
    en: ({ code, name }) =>
      `Retire counter ${code} — ${name}? Its history stays; whoever is signed in there is signed out.`,
  },
  counter_added: { vi: ({ code }) => `Đã thêm quầy ${code}.`, en: ({ code }) => `Counter ${code} added.` },
  counter_saved: { vi: ({ code }) => `Đã lưu quầy ${code}.`, en: ({ code }) => `Counter ${code} saved.` },
  counter_retired_notice: {
    vi: ({ code }) => `Quầy ${code} đã nghỉ.`,
    en: ({ code }) => `Counter ${code} is retired.`,
  },
  test_print_sent: {
    vi: ({ code, job }) => `Đã gửi trang thử tới máy in của quầy ${code} (lệnh ${job}).`,
    en: ({ code, job }) => `Test page sent to counter ${code}'s printer (job ${job}).`,
  },
  test_led_sent: {
    vi: ({ code, job }) => `Đã gửi số thử 8888 tới bảng LED của quầy ${code} (lệnh ${job}).`,
    en: ({ code, job }) => `Test number 8888 sent to counter ${code}'s LED board (job ${job}).`,
  },
  // printers
  "adm.printers": { vi: "Máy in", en: "Printers" },
  "adm.add_printer": { vi: "Thêm máy in", en: "Add a printer" },
  "adm.printer_id": { vi: "Mã máy in", en: "Printer id" },
  "adm.backend": { vi: "Kết nối", en: "Connection" },
  "adm.backend_network": { vi: "Mạng (IP)", en: "Network (IP)" },
  "adm.backend_serial": { vi: "Cổng COM", en: "Serial port" },
  "adm.backend_file": { vi: "Tệp", en: "File" },
  "adm.backend_console": { vi: "Màn hình (thử)", en: "Console (test)" },
  "adm.backend_address": {
    vi: "Địa chỉ (IP:cổng, vendor:product, thiết bị hoặc đường dẫn tệp)",
    en: "Address (IP:port, vendor:product, device or file path)",
  },
  "adm.paper": { vi: "Khổ giấy", en: "Paper" },
  "adm.print_mode": { vi: "Cách in", en: "Print mode" },
  printer_saved: { vi: ({ id }) => `Đã lưu máy in ${id}.`, en: ({ id }) => `Printer ${id} saved.` },
  // devices
  "adm.devices": { vi: "Thiết bị", en: "Devices" },
  "adm.device_id": { vi: "Mã thiết bị", en: "Device id" },
  "adm.device_kiosk": { vi: "Kiosk lấy số", en: "Ticket kiosk" },
  "adm.device_display": { vi: "Màn hình gọi số", en: "Hall display" },
  "adm.device_agent": { vi: "Máy trạm phòng thu", en: "Hall agent" },
  "adm.kiosk_printer": { vi: "Máy in của kiosk", en: "Kiosk's printer" },
  "adm.enroll": { vi: "Đăng ký thiết bị", en: "Enroll the device" },
  ...table("device_kind", [
    ["kiosk", ["Kiosk lấy số", "Ticket kiosk"]],
    ["display", ["Màn hình gọi số", "Hall display"]],
    ["agent", ["Máy trạm phòng thu", "Hall agent"]],
  ]),
  revoke: { vi: "Thu hồi", en: "Revoke" },
  revoked_word: { vi: "Đã thu hồi", en: "Revoked" },
  enrolled_word: { vi: "Đang dùng", en: "Enrolled" },
  device_token_for: {
    vi: ({ id }) => `Mã truy cập của thiết bị ${id}`,
    en: ({ id }) => `Access token of device ${id}`,
  },
  device_token_note: {
    vi: ({ id }) =>
      `Mở địa chỉ trên ở thiết bị ${id}; thiết bị tự nhớ mã. Mã chỉ hiện lần này: mất thì thu hồi và đăng ký lại.`,
    en: ({ id }) =>
      `Open the address above on device ${id}; it remembers the token. It shows this once: if lost, revoke and enroll again.`,
  },
  agent_token_note: {
    vi: ({ id }) => `Ghi mã này vào cấu hình máy trạm ${id}. Mã chỉ hiện lần này: mất thì thu hồi và đăng ký lại.`,
    en: ({ id }) =>
      `Put this token in hall agent ${id}'s settings. It shows this once: if lost, revoke and enroll again.`,
  },
  device_revoked: { vi: ({ id }) => `Đã thu hồi thiết bị ${id}.`, en: ({ id }) => `Device ${id} revoked.` },
};
