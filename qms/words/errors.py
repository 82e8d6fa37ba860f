"""Every error code the hall can answer with, and its words: (Vietnamese, English).
Written for the person who reads it: what happened, then what to do. Fields come from
the error's ``details`` (see qms/words/format.py for ``:money`` and the other kinds).
A test (tests/test_words.py) fails when a code raised anywhere in qms has no entry here.
"""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    # --- the kinds of refusal, when a raise names no code of its own -------------------
    "bad_request": (
        "Yêu cầu chưa đúng. Kiểm tra lại thông tin đã nhập rồi gửi lại.",
        "The request is not right. Check what you typed and send it again.",
    ),
    "unauthenticated": (
        "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn. Đăng nhập lại.",
        "You are not signed in, or your session has expired. Sign in again.",
    ),
    "forbidden": (
        "Tài khoản này không được làm việc này. Nhờ người có quyền làm, hoặc báo quản lý.",
        "This account may not do this. Ask someone who may, or tell the supervisor.",
    ),
    "not_found": (
        "Không tìm thấy thứ được yêu cầu. Tải lại trang rồi thử lại.",
        "Not found. Reload the page and try again.",
    ),
    "conflict": (
        "Việc này không làm được lúc này. Tải lại màn hình rồi thử lại.",
        "This cannot be done now. Reload the screen and try again.",
    ),
    "refused": (
        "Yêu cầu bị từ chối theo quy định của phòng thu. Kiểm tra lại rồi thử lại.",
        "The hall's rules refuse this. Check and try again.",
    ),
    "body_too_large": (
        "Dữ liệu gửi lên quá lớn (tối đa {limit} byte). Gửi ít hơn.",
        "What was sent is too large (at most {limit} bytes). Send less.",
    ),
    "too_many_requests": (
        "Thử quá nhiều lần. Chờ {retry_after_s} giây rồi thử lại.",
        "Too many tries. Wait {retry_after_s} seconds and try again.",
    ),
    "cmis_unavailable": (
        "CMIS (hệ thống hoá đơn) đang không trả lời. Chờ một lát rồi thử lại.",
        "CMIS (the billing system) is not answering. Wait a moment and try again.",
    ),
    "store_unavailable": (
        "Cơ sở dữ liệu đang không trả lời. Chờ một lát rồi thử lại (nếu vừa lưu, xem lại "
        "màn hình trước).",
        "The database is not answering. Wait a moment and try again (if you were saving, "
        "look at the screen first).",
    ),
    # --- HTTP itself -----------------------------------------------------------------
    "method_not_allowed": (
        "Thao tác này không dùng được ở địa chỉ này. Tải lại trang.",
        "This action does not work at this address. Reload the page.",
    ),
    "http_error": (
        "Máy chủ không nhận yêu cầu này. Tải lại trang rồi thử lại.",
        "The server did not accept this request. Reload the page and try again.",
    ),
    "internal_error": (
        "Lỗi máy chủ: thay đổi chưa được lưu. Thử lại; nếu vẫn lỗi, báo quản lý.",
        "Server error: nothing was saved. Try again; if it happens again, tell the supervisor.",
    ),
    "value_out_of_range": (
        "Số vừa nhập lớn hơn mức cơ sở dữ liệu lưu được, chưa có gì thay đổi. Kiểm tra lại số rồi thử lại; nếu số đúng, báo quản trị viên.",
        "A number is larger than the database can keep; nothing was changed. Check the number and try again; if it is right, tell the admin.",
    ),
    "malformed_json": (
        "Máy chủ không đọc được dữ liệu gửi lên. Tải lại trang rồi thử lại.",
        "The server could not read what was sent. Reload the page and try again.",
    ),
    "unsupported_media_type": (
        "Yêu cầu phải gửi dạng JSON (Content-Type: application/json), không phải "
        "{content_type}. Gửi lại bằng JSON.",
        "Send this request as JSON (Content-Type: application/json), not {content_type}. "
        "Send it again as JSON.",
    ),
    # --- the live connection (websocket) -----------------------------------------------
    "malformed_frame": (
        "Màn hình gửi dữ liệu không đọc được. Tải lại trang.",
        "The screen sent something unreadable. Reload the page.",
    ),
    "frame_too_large": (
        "Màn hình gửi dữ liệu quá lớn. Tải lại trang.",
        "The screen sent too much at once. Reload the page.",
    ),
    "unknown_message": (
        "Màn hình gửi một yêu cầu máy chủ không biết. Tải lại trang.",
        "The screen sent a request the server does not know. Reload the page.",
    ),
    "not_subscribed": (
        "Màn hình chưa nhận dữ liệu của phòng thu. Tải lại trang.",
        "The screen is not following the hall yet. Reload the page.",
    ),
    "invalid_since": (
        "Màn hình mất dấu dữ liệu. Tải lại trang.",
        "The screen lost its place in the hall's updates. Reload the page.",
    ),
    "invalid_view": (
        "Màn hình xin một khung nhìn không có. Tải lại trang hoặc đăng nhập lại.",
        "The screen asked for a view that does not exist. Reload the page or sign in again.",
    ),
    "device_revoked": (
        "Thiết bị này đã bị thu hồi. Báo quản lý để đăng ký lại.",
        "This device was revoked. Ask the supervisor to enrol it again.",
    ),
    "session_ended": (
        "Phiên làm việc đã kết thúc (đã đăng xuất, đổi mật khẩu, tài khoản bị khoá hoặc "
        "giám sát viên cho quầy đăng xuất). Đăng nhập lại.",
        "This session has ended (signed out, password changed, account disabled or the "
        "counter signed out by a supervisor). Sign in again.",
    ),
    # --- input --------------------------------------------------------------------------
    "invalid_request": (
        "Mục “{field:field}” chưa đúng hoặc còn trống. Điền lại rồi gửi.",
        "“{field:field}” is wrong or empty. Fill it in again and send.",
    ),
    "invalid_amount": (
        "Nhập {field:field}: số tiền nguyên bằng đồng (ví dụ 2.002.089), không vượt quá số tiền có.",
        "Type {field:field}: a whole number of đồng (e.g. 2.002.089), no more than the money there is.",
    ),
    "invalid_ticket_number": (
        "Số vé là một số nguyên dương. Nhập lại số vé.",
        "A ticket number is a whole number above 0. Type the number again.",
    ),
    "invalid_customer_code": (
        "Mã khách hàng gồm 2 chữ cái và 11 chữ số, ví dụ PE01000012345. Kiểm tra lại mã.",
        "A customer code is 2 letters and 11 digits, e.g. PE01000012345. Check the code.",
    ),
    "invalid_reason": (
        "Chọn một lý do trong danh sách (hoặc ghi lý do từ 3 đến 200 ký tự).",
        "Choose a reason from the list (or write one of 3 to 200 characters).",
    ),
    "invalid_side": (
        "Chọn chiều chuyển tiền: chuyển đi hoặc nhận về.",
        "Choose the side of the movement: money out or money in.",
    ),
    "unknown_action": (
        "Màn hình không có thao tác này. Dùng các nút và phím của màn hình.",
        "There is no such action. Use the screen's buttons and keys.",
    ),
    "deposit_required": (
        "Nhập số tiền nộp ngân hàng, tên ngân hàng và số chứng từ nộp tiền rồi chốt lại.",
        "Type the bank deposit: its amount, the bank and the deposit slip number, then close again.",
    ),
    # --- sign-in, roles, counters -------------------------------------------------------
    "bad_credentials": (
        "Sai tên đăng nhập hoặc mật khẩu. Nhập lại.",
        "Wrong username or password. Type them again.",
    ),
    "wrong_password": (
        "Mật khẩu hiện tại không đúng. Nhập lại mật khẩu đang dùng.",
        "The current password is wrong. Type the password you use now again.",
    ),
    "weak_password": (
        "Mật khẩu chưa đạt quy định: ít nhất {min_length} ký tự, có cả chữ và số, không chứa "
        "tên đăng nhập, khác mật khẩu cũ. Chọn mật khẩu khác.",
        "The password does not meet the policy: at least {min_length} characters, letters "
        "and digits, not the username, not the old one. Choose another.",
    ),
    "unknown_user": (
        "Không có người dùng {user} ở chi nhánh này. Kiểm tra lại tên đăng nhập.",
        "There is no user {user} in this branch. Check the username.",
    ),
    "wrong_role": (
        "Tài khoản này không được làm việc này. Nhờ người có quyền (thủ quỹ, giám sát viên) làm.",
        "This account may not do this. Ask someone who may (head cashier, supervisor).",
    ),
    "wrong_counter": (
        "Việc này không làm ở quầy này. Đăng nhập đúng quầy của mình (thu ngân, tra cứu "
        "chẵn hoặc lẻ) rồi làm lại.",
        "This is not done at this counter. Sign in at your own counter (cashier, even or odd "
        "lookup) and try again.",
    ),
    "unknown_counter": (
        "Không có quầy {counter}. Chọn một quầy trong danh sách.",
        "There is no counter {counter}. Choose one from the list.",
    ),
    "counter_taken": (
        "Quầy {counter} đang có {held_by} đăng nhập: người đó đăng xuất trước, "
        "hoặc giám sát viên cho quầy đăng xuất.",
        "Counter {counter} is held by {held_by}: they sign out first, "
        "or a supervisor signs the counter out.",
    ),
    "counter_busy": (
        "Quầy {counter} đang phục vụ vé {ticket}: kết thúc, tạm chờ hoặc báo vắng vé đó trước.",
        "Counter {counter} is serving ticket {ticket}: finish, park or mark it no-show first.",
    ),
    "unknown_branch": (
        "Không có chi nhánh {branch}. Báo quản lý kiểm tra cấu hình.",
        "There is no branch {branch}. Ask the supervisor to check the configuration.",
    ),
    "unknown_hall": (
        "Không có phòng thu này. Chọn lại trong danh sách.",
        "There is no such hall. Choose one from the list.",
    ),
    # --- tickets and customers ----------------------------------------------------------
    "unknown_customer": (
        "CMIS không có mã khách hàng {customer}. Kiểm tra lại mã trên hoá đơn hoặc biên nhận cũ.",
        "CMIS does not know customer {customer}. Check the code on an old invoice or receipt.",
    ),
    "cmis_bad_answer": (
        "CMIS trả lời không đọc được. Thử lại; nếu vẫn lỗi, báo bộ phận hỗ trợ.",
        "CMIS answered something unreadable. Try again; if it happens again, call support.",
    ),
    "too_many_customers": (
        "Một vé có tối đa {max} khách hàng. Lấy thêm vé cho những khách còn lại.",
        "A ticket holds at most {max} customers. Take another ticket for the others.",
    ),
    "no_debt": (
        "Khách hàng {customers:list} không còn hoá đơn chưa trả: không cần lấy số.",
        "Customer {customers:list} has no unpaid invoice: no ticket is needed.",
    ),
    "customer_on_active_ticket": (
        "Khách hàng {customer} đang có vé số {ticket} hôm nay: phục vụ trên vé đó.",
        "Customer {customer} is already on ticket {ticket} today: serve them there.",
    ),
    "unknown_ticket": (
        "Không có vé này hôm nay. Kiểm tra lại số vé (hoặc mã QR trên vé).",
        "There is no such ticket today. Check the number (or the QR code on the ticket).",
    ),
    "unknown_invoice": (
        "Hoá đơn {invoice} không có trên vé {ticket}. Tải lại màn hình.",
        "Invoice {invoice} is not on ticket {ticket}. Reload the screen.",
    ),
    "ticket_moved": (
        "Khách của vé {ticket} đã quay lại với vé {moved_to:list}: phục vụ trên vé mới.",
        "Ticket {ticket}'s customers came back on ticket {moved_to:list}: serve them there.",
    ),
    "ticket_done": (
        "Vé {ticket} đã xong. Gọi số khác.",
        "Ticket {ticket} is already done. Call another number.",
    ),
    "ticket_busy": (
        "Vé {ticket} đang được phục vụ ở quầy {counter}. Gọi số khác.",
        "Ticket {ticket} is being served at counter {counter}. Call another number.",
    ),
    "parked_elsewhere": (
        "Vé {ticket} đang tạm chờ ở quầy {counter}: quầy đó gọi lại vé.",
        "Ticket {ticket} is parked at counter {counter}: that counter recalls it.",
    ),
    "ticket_not_done": (
        "Vé {ticket} chưa kết thúc ({status:ticket}): không cần mở lại.",
        "Ticket {ticket} is not finished ({status:ticket}): nothing to reopen.",
    ),
    "queue_empty": (
        "Không còn ai đang chờ. Chờ khách mới.",
        "Nobody is waiting. Wait for the next customer.",
    ),
    "no_current_ticket": (
        "Quầy {counter} chưa phục vụ vé nào. Gọi số trước.",
        "Counter {counter} is serving no ticket. Call a number first.",
    ),
    "same_counter": (
        "Vé đã ở quầy này. Chọn quầy khác để chuyển.",
        "The ticket is already at this counter. Choose another counter.",
    ),
    "confirm_unpaid": (
        "Vé {ticket} còn {unpaid:count} hoá đơn chưa thu ({total:money}). "
        "Xác nhận và chọn lý do để kết thúc vé.",
        "Ticket {ticket} still has {unpaid:count} unpaid invoice(s) ({total:money}). "
        "Confirm and choose a reason to finish it.",
    ),
    # --- paper invoices -----------------------------------------------------------------
    "invalid_lookup_transition": (
        "Hoá đơn {invoice} đang ở trạng thái “{status:lookup}”: không đổi được như vậy. Tải lại màn hình.",
        "Invoice {invoice} is “{status:lookup}”: it cannot change that way. Reload the screen.",
    ),
    "already_delivered": (
        "Hoá đơn giấy {invoice} đã giao quầy {delivered_to} lúc {delivered_at:datetime}: "
        "không hoàn tác F9 được nữa.",
        "The paper of invoice {invoice} was delivered to {delivered_to} at "
        "{delivered_at:datetime}: F9 can no longer be undone.",
    ),
    "not_found_yet": (
        "Chưa tìm thấy hoá đơn giấy {invoice} ({lookup_status:lookup}): để vé tạm chờ và phục vụ khách khác.",
        "The paper of invoice {invoice} is not found yet ({lookup_status:lookup}): park the "
        "ticket and serve someone else.",
    ),
    "not_delivered_here": (
        "Hoá đơn giấy {invoice} không giao cho quầy này: trả lại từ quầy đã nhận.",
        "The paper of invoice {invoice} was not delivered to this counter: return it from "
        "the counter that has it.",
    ),
    "nothing_to_return": (
        "Hoá đơn {invoice} không có gì để trả lại (đã thu hoặc đã trả).",
        "Invoice {invoice} has nothing to return (paid or already returned).",
    ),
    "no_paper": (
        "Hoá đơn {invoice} là hoá đơn điện tử: không có hoá đơn giấy để trả lại.",
        "Invoice {invoice} is an e-invoice: there is no paper to return.",
    ),
    "invoice_moved": (
        "Hoá đơn {invoice} đã chuyển sang vé {ticket} (khách quay lại): xử lý ở vé đó.",
        "Invoice {invoice} moved to ticket {ticket} (the customer came back): handle it there.",
    ),
    "invoice_returned": (
        "Hoá đơn {invoice} đã trả lại kho: không thu trên vé này.",
        "Invoice {invoice} was returned: it is not collected on this ticket.",
    ),
    "already_paid": (
        "Hoá đơn {invoice} đã thu rồi: không thu lần nữa.",
        "Invoice {invoice} is already paid: do not collect it again.",
    ),
    "already_returned": (
        "Hoá đơn {invoice} đã trả lại rồi.",
        "Invoice {invoice} is already returned.",
    ),
    "already_paid_elsewhere": (
        "Hoá đơn {invoice} đã được trả nơi khác (ngân hàng, ví điện tử): không thu.",
        "Invoice {invoice} was paid elsewhere (bank, wallet): do not collect it.",
    ),
    "already_moved": (
        "Hoá đơn {invoice} đã chuyển sang vé khác: xử lý ở vé đó.",
        "Invoice {invoice} moved to another ticket: handle it there.",
    ),
    # --- collecting (F4) ------------------------------------------------------------------
    "tendered_short": (
        "Tiền khách đưa {tendered:money} ít hơn số phải thu {amount:money}. Nhập lại số tiền khách đưa.",
        "Tendered {tendered:money} is less than the amount {amount:money}. Type the tendered amount again.",
    ),
    "amount_mismatch": (
        "Số tiền {amount:money} không bằng tổng các hoá đơn đã chọn {expected:money}. Chọn lại hoá đơn.",
        "The amount {amount:money} is not the selected invoices' total {expected:money}. Select again.",
    ),
    "period_order": (
        "Khách hàng {customer} trả các kỳ cũ nhất trước, không bỏ kỳ: chọn các kỳ {periods:list}.",
        "Customer {customer} pays the oldest periods first, without gaps: select {periods:list}.",
    ),
    "paid_elsewhere": (
        "Hoá đơn {invoice} đã được trả nơi khác (ngân hàng, ví điện tử) sau khi lấy số: "
        "không thu, trả lại hoá đơn giấy.",
        "Invoice {invoice} was paid elsewhere (bank, wallet) since the ticket: do not collect "
        "it, return its paper.",
    ),
    "nothing_to_collect": (
        "Vé {ticket} không còn gì để thu.",
        "Ticket {ticket} has nothing left to collect.",
    ),
    # --- payments after F4 --------------------------------------------------------------
    "unknown_payment": (
        "Không có khoản thu {txn}. Tải lại danh sách.",
        "There is no payment {txn}. Reload the list.",
    ),
    "not_same_day": (
        "Chỉ huỷ được khoản thu của hôm nay.",
        "Only a payment of today can be reversed.",
    ),
    "not_reversible": (
        "Khoản thu {txn} đang “{status:payment}”: chỉ huỷ được khoản CMIS đã xác nhận.",
        "Payment {txn} is “{status:payment}”: only a payment CMIS confirmed can be reversed.",
    ),
    "not_your_payment": (
        "Khoản thu này do {cashier} thu: chỉ người đó, thủ quỹ hoặc giám sát viên được huỷ.",
        "{cashier} took this payment: only they, the head cashier or the supervisor may reverse it.",
    ),
    # --- drawers, money movements, closing ----------------------------------------------
    "drawer_not_open": (
        "Chưa mở két: nhập tiền đầu ca trước khi gọi số hoặc thu tiền.",
        "Open your drawer (count the float) before calling or collecting.",
    ),
    "drawer_open": (
        "Két của bạn hôm nay đã mở rồi.",
        "Your drawer of today is already open.",
    ),
    "drawer_closed": (
        "Két đã đóng: hôm nay không gọi số, không thu hay chuyển tiền qua két này nữa.",
        "The drawer is closed: no more calls, payments or cash moves through it today.",
    ),
    "drawer_elsewhere": (
        "Két của bạn mở ở quầy {drawer_counter}, không phải {counter}: phục vụ khách tại quầy {drawer_counter}.",
        "Your drawer was opened at {drawer_counter}, not {counter}: serve customers at {drawer_counter}.",
    ),
    "head_cashier_closed": (
        "Thủ quỹ ({head_cashier}) đã chốt tiền trong ngày: hôm nay không mở thêm két.",
        "The head cashier ({head_cashier}) has closed the day's cash: no drawer opens today.",
    ),
    "unknown_drawer": (
        "Không có két {drawer}. Tải lại màn hình.",
        "There is no drawer {drawer}. Reload the screen.",
    ),
    "not_pending": (
        "Két {drawer} không chờ duyệt chênh lệch. Tải lại màn hình.",
        "Drawer {drawer} is not awaiting approval. Reload the screen.",
    ),
    "same_cashier": (
        "Chuyển tiền là giữa hai thu ngân khác nhau. Chọn người khác.",
        "A money movement is between two different cashiers. Choose someone else.",
    ),
    "more_than_drawer": (
        "{amount:money} nhiều hơn số tiền két của bạn đang có ({expected:money}). Nhập lại số tiền.",
        "{amount:money} is more than your drawer holds ({expected:money}). Type the amount again.",
    ),
    "unknown_movement": (
        "Không có lần chuyển tiền {movement}. Tải lại màn hình.",
        "There is no money movement {movement}. Reload the screen.",
    ),
    "not_your_movement": (
        "Chỉ hai thu ngân của lần chuyển tiền này được sửa nó.",
        "Only the two cashiers of this movement may change it.",
    ),
    "nothing_to_withdraw": (
        "Bạn chưa khai báo lần chuyển tiền này: không có gì để rút lại.",
        "You have not declared this movement: there is nothing to withdraw.",
    ),
    "movement_hanging": (
        "Lần chuyển tiền {movement} còn chờ bên kia khai báo.",
        "Money movement {movement} still waits for the other side.",
    ),
    "movement_mismatch": (
        "Lần chuyển tiền {movement} lệch số tiền giữa hai bên: hai bên khai báo lại.",
        "The two sides of money movement {movement} disagree: both declare again.",
    ),
    "movement_matched": (
        "Lần chuyển tiền {movement} đã khớp: không sửa được nữa.",
        "Money movement {movement} is matched: it can no longer change.",
    ),
    "movement_cancelled": (
        "Lần chuyển tiền {movement} đã huỷ.",
        "Money movement {movement} was cancelled.",
    ),
    "close_refused": (
        "Chưa chốt được: còn {blockers:count} việc phải xong trước (xem danh sách).",
        "Cannot close yet: {blockers:count} thing(s) to settle first (see the list).",
    ),
    "day_closed": (
        "Ngày làm việc {day:date} đã kết thúc: không thay đổi gì được nữa.",
        "The business day {day:date} is closed: nothing more can change.",
    ),
    # --- devices and their jobs -----------------------------------------------------------
    "unknown_device": (
        "Không có thiết bị {device}. Tải lại danh sách.",
        "There is no device {device}. Reload the list.",
    ),
    "device_exists": (
        "Đã có thiết bị {device}. Đặt tên khác.",
        "Device {device} exists already. Choose another name.",
    ),
    "config_device": (
        "Thiết bị {device} khai trong config.yaml: sửa ở đó.",
        "Device {device} is in config.yaml: change it there.",
    ),
    "unknown_job": (
        "Không có lệnh in {job}. Tải lại danh sách.",
        "There is no device job {job}. Reload the list.",
    ),
    "not_printable": (
        "Lệnh {job} là lệnh cho bảng LED: không có gì để in lại.",
        "Job {job} lights a board: there is nothing to reprint.",
    ),
    "not_retryable": (
        "Lệnh in {job} đang “{status:job}”: không gửi lại được lúc này.",
        "Job {job} is “{status:job}”: it cannot be sent again now.",
    ),
    # --- added on main by the other parts of issue 23 ------------------------------------
    "nothing_to_find": (
        "Khách {customer} không còn hoá đơn nào cần tìm trên vé {ticket} ở quầy này. Chọn dòng khác.",
        "Customer {customer} has no paper left to find on ticket {ticket} at this counter. Pick another row.",
    ),
    "too_many_followers": (
        "Đã có {limit} trang theo dõi vé này. Đóng bớt một trang rồi thử lại.",
        "{limit} pages already follow this ticket. Close one and try again.",
    ),
    "receipt_not_reprintable": (
        "Khoản thu {txn} đang ở trạng thái “{status:payment}”: biên nhận không còn giá trị, không in lại được.",
        "Payment {txn} is “{status:payment}”: its receipt no longer stands and is not printed again.",
    ),
    "no_printer": (
        "Quầy {counter} không có máy in biên nhận: báo giám sát viên kiểm tra cấu hình máy in.",
        "Counter {counter} has no receipt printer: ask the supervisor to check the printer setup.",
    ),
    "invalid_note_count": (
        "Bảng kê không hợp lệ ở mục “{field:field}”: mỗi mệnh giá ghi số tờ, số nguyên từ 0 trở lên. Sửa lại số tờ.",
        "The count by note is not valid at “{field:field}”: give each note's number of notes, a whole number from 0. Correct the count.",
    ),
    "unknown_note": (
        "Mệnh giá {note:money} không dùng ở quầy này (các mệnh giá: {notes:list}). Đếm lại theo các mệnh giá đó.",
        "{note:money} is not a note in use here (notes: {notes:list}). Count again in those notes.",
    ),
    "count_mismatch": (
        "Bảng kê cộng lại được {total:money}, không khớp số đã khai {declared:money}. Đếm lại tiền.",
        "The notes counted add up to {total:money}, not the {declared:money} declared. Count the cash again.",
    ),
    "deposit_exceeds_count": (
        "Tiền nộp ngân hàng có {deposit} tờ {note:money} nhưng ngăn kéo chỉ đếm được {counted} tờ. Đếm lại.",
        "The deposit has {deposit} notes of {note:money} but the drawer was counted with {counted}. Count again.",
    ),
    "metrics_off": (
        "Số liệu giám sát (/metrics) đang tắt. Quản trị viên đặt server.metrics_token trong config.yaml rồi khởi động lại.",
        "Metrics (/metrics) are off. An administrator sets server.metrics_token in config.yaml and restarts the server.",
    ),
    "metrics_token_wrong": (
        "Thiếu hoặc sai mã truy cập số liệu giám sát. Gửi tiêu đề Authorization: Bearer với giá trị server.metrics_token.",
        "The metrics token is missing or wrong. Send the header Authorization: Bearer with the value of server.metrics_token.",
    ),
    # --- the server's limits: connections, request heads, a websocket's sign-in ---------
    "too_many_connections": (
        "Máy chủ đang có quá nhiều kết nối (tối đa {limit}). Đóng bớt trang hoặc thử lại sau vài giây.",
        "The server has too many connections (at most {limit}). Close some pages or try again in a few seconds.",
    ),
    "header_too_large": (
        "Phần đầu của yêu cầu lớn hơn {limit} byte. Xoá cookie của trang hoặc rút ngắn địa chỉ rồi thử lại.",
        "The request's headers are larger than {limit} bytes. Clear the page's cookies or shorten the address and try again.",
    ),
    "request_timeout": (
        "Phần đầu của yêu cầu không đến đủ trong {limit_s} giây. Kiểm tra mạng rồi thử lại.",
        "The request's headers did not arrive within {limit_s} s. Check the network and try again.",
    ),
    "auth_deadline": (
        "Kết nối chưa đăng nhập trong {limit_s} giây nên đã bị đóng. Tải lại trang để kết nối lại.",
        "The connection did not sign in within {limit_s} s and was closed. Reload the page to connect again.",
    ),
    # --- field work: crews, the disconnection round, results (docs/field.md) -------------
    "invalid_crew_code": (
        "Mã tổ gồm 1 đến 10 chữ in hoa, chữ số hoặc dấu -, ví dụ T1. Sửa lại mã tổ.",
        "A crew code is 1 to 10 capital letters, digits or -, e.g. T1. Correct the crew code.",
    ),
    "invalid_book_code": (
        "Mã sổ ghi chỉ số không đúng (ví dụ PE0100A012). Nhập lại danh sách mã sổ.",
        "A book code is not right (e.g. PE0100A012). Type the book codes again.",
    ),
    "invalid_time": (
        "Thời gian chưa đúng. Kiểm tra đồng hồ của điện thoại rồi gửi lại.",
        "The time is not right. Check the phone's clock and send again.",
    ),
    "invalid_outcome": (
        "Kết quả phải là đã làm hoặc chưa làm được. Chọn lại kết quả.",
        "The result is done or not done. Choose the result again.",
    ),
    "invalid_not_done_reason": (
        "Chọn lý do chưa làm được: khách trả tiền tại chỗ, vắng nhà, không tiếp cận được công tơ, khách không cho, sai địa chỉ.",
        "Choose why it was not done: paid on the spot, absent, meter inaccessible, refused, wrong address.",
    ),
    "receipt_no_required": (
        "Khách trả tiền tại chỗ: nhập số biên nhận khách đưa xem.",
        "Paid on the spot: type the number of the receipt the customer showed.",
    ),
    "implausible_time": (
        "Thời gian của kết quả không hợp lý. Kiểm tra đồng hồ của điện thoại rồi gửi lại.",
        "The result's time is not plausible. Check the phone's clock and send again.",
    ),
    "not_crew_member": (
        "{user} không phải nhân viên tổ công tác của chi nhánh này. Chọn người khác hoặc nhờ quản trị tạo tài khoản.",
        "{user} is not a field crew person of this branch. Choose someone else or ask the admin for an account.",
    ),
    "member_in_other_crew": (
        "{user} đang ở tổ {crew}. Bỏ người này khỏi tổ {crew} trước.",
        "{user} is in crew {crew}. Take them out of crew {crew} first.",
    ),
    "crew_has_orders": (
        "Tổ {crew} còn lệnh chưa làm. Giao các lệnh đó cho tổ khác trước.",
        "Crew {crew} still has orders to do. Assign them to another crew first.",
    ),
    "not_in_crew": (
        "Tài khoản {user} chưa thuộc tổ công tác nào. Báo đội trưởng xếp vào tổ.",
        "Account {user} is in no field crew. Ask the team leader to add you to a crew.",
    ),
    "unknown_crew": (
        "Không có tổ {crew}. Chọn tổ trong danh sách.",
        "There is no crew {crew}. Choose a crew from the list.",
    ),
    "crew_inactive": (
        "Tổ {crew} đang nghỉ. Chọn tổ khác hoặc cho tổ làm việc lại.",
        "Crew {crew} is stood down. Choose another crew or bring it back.",
    ),
    "no_crews": (
        "Chưa có tổ công tác nào đang làm việc. Tạo tổ trước khi giao lệnh.",
        "No field crew is working. Add a crew before assigning orders.",
    ),
    "unknown_order": (
        "Không có lệnh số {order}. Tải lại danh sách lệnh.",
        "There is no order {order}. Reload the list of orders.",
    ),
    "order_finished": (
        "Lệnh số {order} đã kết thúc ({status:field_status}). Không giao lại được.",
        "Order {order} is over ({status:field_status}). It cannot be assigned.",
    ),
    "order_of_other_day": (
        "Lệnh số {order} thuộc đợt của ngày khác. Chỉ giao lệnh của đợt hôm nay.",
        "Order {order} is of another day's round. Only today's round can be assigned.",
    ),
    "already_assigned": (
        "Lệnh số {order} đã giao cho tổ {crew}. Thu hồi lệnh khỏi tổ {crew} trước nếu muốn giao lại.",
        "Order {order} is assigned to crew {crew}. Take it back from crew {crew} first to reassign it.",
    ),
    "not_your_order": (
        "Lệnh số {order} không phải của tổ anh/chị. Tải lại danh sách lệnh của tổ.",
        "Order {order} is not your crew's. Reload your crew's orders.",
    ),
    "key_reused": (
        "Mã gửi này đã dùng cho việc khác (một lệnh, một lần quét). Tải lại trang rồi làm lại.",
        "This key was used for something else (an order, a scan). Reload the page and do it again.",
    ),
    "order_cancelled": (
        "Lệnh số {order} đã huỷ ({reason:field_reason}). KHÔNG cắt điện; nếu đã cắt, đóng điện lại ngay.",
        "Order {order} was cancelled ({reason:field_reason}). Do NOT cut; if you already did, reconnect now.",
    ),
    "order_has_result": (
        "Lệnh số {order} đã có kết quả ({status:field_status}). Không gửi lại được.",
        "Order {order} already has a result ({status:field_status}). It cannot be sent again.",
    ),
    "no_round": (
        "Hôm nay chưa lấy danh sách cắt điện. Lấy danh sách từ CMIS trước.",
        "Today's disconnection list has not been pulled. Pull it from CMIS first.",
    ),
    "round_closed": (
        "Đợt cắt điện ngày {day:date} đã khoá sổ. Không nhận thêm kết quả hay giao lệnh.",
        "The round of {day:date} is closed. No more results or assignments are taken.",
    ),
    "book_not_in_round": (
        "Sổ {book} không có trong đợt cắt điện hôm nay. Lấy danh sách sổ này từ CMIS trước.",
        "Book {book} is not in today's round. Pull this book from CMIS first.",
    ),
    "book_of_other_unit": (
        "Sổ {book} không thuộc đơn vị {unit}. Chỉ lấy danh sách các sổ của đơn vị mình.",
        "Book {book} is not of unit {unit}. Pull only your own unit's books.",
    ),
    "too_many_books": (
        "Mỗi lần lấy tối đa {limit} sổ. Chia danh sách sổ thành nhiều lần.",
        "At most {limit} books at a time. Pull the books in several goes.",
    ),
    "no_slip_printer": (
        "Chi nhánh chưa có máy in phiếu đóng cắt. Tải bản PDF để in trên giấy A4.",
        "This branch has no slip printer. Download the PDF and print it on A4.",
    ),
    "field_list_stale": (
        "CMIS không trả danh sách cắt điện. Danh sách lấy lúc {pulled_at:datetime} vẫn giữ nguyên (đã cũ). Lấy lại sau ít phút.",
        "CMIS did not give the disconnection list. The list pulled at {pulled_at:datetime} is kept (stale). Pull again in a few minutes.",
    ),
    "unknown_supply_change": (
        "Không có báo cáo đóng cắt số {id}. Tải lại trang.",
        "There is no supply change {id}. Reload the page.",
    ),
    "supply_not_refused": (
        "Báo cáo đóng cắt số {id} đang ở trạng thái {status:supply_change}: không cần gửi lại.",
        "Supply change {id} is {status:supply_change}: nothing to send again.",
    ),
    # --- the year-end inventory (docs/inventory.md) --------------------------------------
    "invalid_committee": (
        "Hội đồng kiểm kê gồm 1 đến 10 người, mỗi người có họ tên và chức vụ. Nhập lại hội đồng.",
        "The committee is 1 to 10 people, each with a name and a role. Enter the committee again.",
    ),
    "not_an_invoice": (
        "Mã vừa quét không phải mã vạch hoá đơn. Quét mã trên hoá đơn, hoặc gõ ký hiệu và số (ví dụ 1K26TPE 0012345).",
        "What was scanned is no invoice's barcode. Scan the code on the invoice, or type its series and number (e.g. 1K26TPE 0012345).",
    ),
    "unknown_inventory": (
        "Không có đợt kiểm kê số {inventory}. Chọn đợt trong danh sách.",
        "There is no inventory {inventory}. Choose one from the list.",
    ),
    "inventory_closed": (
        "Đợt kiểm kê số {inventory} đã kết thúc. Không quét hay đếm thêm được.",
        "Inventory {inventory} is closed. Nothing more can be scanned or counted.",
    ),
    "book_not_in_session": (
        "Sổ {book} không thuộc đợt kiểm kê này. Chọn sổ trong danh sách của đợt.",
        "Book {book} is not in this inventory. Choose a book of this inventory.",
    ),
    "book_taken": (
        "Sổ {book} đang do {clerk} đếm. Mỗi sổ một người đếm: chọn sổ khác.",
        "Book {book} is being counted by {clerk}. One clerk per book: choose another book.",
    ),
    "invoice_of_other_book": (
        "Hoá đơn {series} {number} thuộc sổ {book}, không nằm trong đợt kiểm kê này. Để riêng để kiểm theo sổ của nó.",
        "Invoice {series} {number} is of book {book}, not in this inventory. Put it aside for its own book's count.",
    ),
    "inventory_not_compared": (
        "Chưa đối chiếu với CMIS. Bấm Đối chiếu trước khi kết thúc kiểm kê.",
        "Not compared with CMIS yet. Compare before closing the inventory.",
    ),
    "inventory_compare_unavailable": (
        "CMIS không trả danh sách hoá đơn chưa thu. Số đã đếm vẫn giữ nguyên: đối chiếu lại sau ít phút.",
        "CMIS did not give the unpaid invoices. The count is kept: compare again in a few minutes.",
    ),
    # --- pay by VietQR, the bank's credits and statement (docs/noncash.md) -------------
    "qr_disabled": (
        "Phòng thu này chưa bật thanh toán VietQR. Thu tiền mặt, hoặc nhờ quản trị bật mục bank trong cấu hình.",
        "This hall takes no VietQR payments. Take cash, or ask the administrator to enable bank in the config.",
    ),
    "bad_signature": (
        "Thông báo không có chữ ký hợp lệ của ngân hàng: không ghi nhận.",
        "The notification is not signed by the bank: not taken.",
    ),
    "stale_notification": (
        "Thông báo đã ký quá lâu, không nhận lại. Ngân hàng gửi lại thông báo mới.",
        "The notification was signed too long ago and is not taken. The bank sends it again, freshly signed.",
    ),
    "invalid_notification": (
        "Thông báo của ngân hàng không đúng mẫu ({field:field}): không ghi nhận.",
        "The bank's notification is not in the agreed form ({field:field}): not taken.",
    ),
    "unknown_reference": (
        "Không có mã QR {ref} ở phòng thu này.",
        "No QR with reference {ref} in this hall.",
    ),
    "qr_not_open": (
        "Vé này không còn mã QR chờ thanh toán (đã thanh toán, hoặc đã thu một phần tại quầy).",
        "This ticket has no QR waiting to be paid (paid already, or partly paid at a counter).",
    ),
    "unknown_credit": (
        "Không có khoản chuyển khoản số {credit}. Tải lại danh sách.",
        "No bank credit {credit}. Reload the list.",
    ),
    "credit_not_open": (
        "Khoản chuyển khoản {credit} đã được xử lý ({status:credit}). Tải lại danh sách.",
        "Bank credit {credit} is decided already ({status:credit}). Reload the list.",
    ),
    "credit_not_applicable": (
        "Không áp dụng được khoản này vào hoá đơn ({reason:credit_reason}): hoàn tiền cho khách, hoặc xử lý khác và ghi chú.",
        "This credit cannot pay its invoices ({reason:credit_reason}): refund it, or resolve it otherwise with a note.",
    ),
    "invalid_statement": (
        "Không đọc được sao kê: {reason}. Xuất lại sao kê từ ngân hàng dạng CSV (UTF-8) rồi nhập lại.",
        "The statement cannot be read: {reason}. Export it again from the bank as CSV (UTF-8) and import it again.",
    ),
    "unknown_line": (
        "Không có dòng sao kê số {line}. Tải lại danh sách.",
        "No statement line {line}. Reload the list.",
    ),
    "line_not_open": (
        "Dòng sao kê {line} đã xử lý ({status:statement_line}). Tải lại danh sách.",
        "Statement line {line} is settled already ({status:statement_line}). Reload the list.",
    ),
    "line_amount_differs": (
        "Dòng sao kê {line} trùng mã giao dịch với một khoản đã nhận nhưng khác số tiền: báo ngân hàng, rồi ghi chú dòng này.",
        "Statement line {line} has the id of a credit already taken but another amount: tell the bank, then clear this line with a note.",
    ),
    "statement_url_missing": (
        "Chưa cấu hình địa chỉ lấy sao kê của ngân hàng: tải tệp CSV sao kê lên.",
        "No bank statement address is configured: upload the statement's CSV instead.",
    ),
    "bank_unavailable": (
        "Ngân hàng không trả lời. Thử lại sau ít phút, hoặc tải tệp CSV sao kê lên.",
        "The bank did not answer. Try again in a few minutes, or upload the statement's CSV.",
    ),
    # priority customers and "your turn is near" (docs/priority.md, docs/notify.md)
    "unknown_priority": (
        "Loại ưu tiên không hợp lệ: chọn người cao tuổi, người khuyết tật, phụ nữ mang thai hoặc người bế con nhỏ.",
        "Unknown priority: choose elderly, disabled, pregnant or with a small child.",
    ),
    "priority_off": (
        "Điểm thu này không có hàng ưu tiên. Cấp số thường cho khách.",
        "This hall has no priority lane. Issue a normal ticket.",
    ),
    "ticket_not_waiting": (
        "Vé {ticket} không còn đang chờ ({status:ticket}): không đổi ưu tiên được nữa.",
        "Ticket {ticket} is no longer waiting ({status:ticket}): its priority cannot change.",
    ),
    "invalid_phone": (
        "Số điện thoại không hợp lệ: nhập số di động Việt Nam, ví dụ 0912 345 678.",
        "Not a valid phone number: give a Vietnamese mobile number, e.g. 0912 345 678.",
    ),
    "consent_required": (
        "Để nhận tin nhắn, hãy đánh dấu đồng ý cho phép dùng số điện thoại; hoặc bỏ trống số điện thoại.",
        "To get messages, tick the consent box for your phone number; or leave the number empty.",
    ),
    "notify_off": (
        "Điểm thu này không gửi tin nhắn báo lượt. Bỏ trống số điện thoại.",
        "This hall sends no turn messages. Leave the phone number empty.",
    ),
    "no_contact": (
        "Vé này không có số điện thoại nhận tin: không có gì để dừng.",
        "This ticket has no phone number for messages: nothing to stop.",
    ),
    # alerts (docs/alerts.md)
    "invalid_alert_kind": (
        "Loại cảnh báo không hợp lệ: chọn một trong {kinds:list}.",
        "Unknown kind of alert: choose one of {kinds:list}.",
    ),
    "invalid_threshold": (
        "Ngưỡng phải là số nguyên từ 0 đến {high} ({unit}). Nhập lại ngưỡng.",
        "The threshold is a whole number from 0 to {high} ({unit}). Enter it again.",
    ),
    "unknown_alert": (
        "Không có cảnh báo số {alert}. Tải lại danh sách cảnh báo.",
        "There is no alert {alert}. Reload the list of alerts.",
    ),
    "unknown_alert_rule": (
        "Không có quy tắc cảnh báo số {rule}. Tải lại danh sách quy tắc.",
        "There is no alert rule {rule}. Reload the list of rules.",
    ),
    "alert_acked": (
        "Cảnh báo này đã được {acked_by} xác nhận lúc {acked_at:datetime}.",
        "This alert was acknowledged by {acked_by} at {acked_at:datetime}.",
    ),
    # --- administration (docs/admin.md) --------------------------------------------------
    "wrong_branch": (
        "Bạn chỉ quản trị chi nhánh của mình, không phải {branch}. Nhờ quản trị công ty.",
        "You administer your own branch only, not {branch}. Ask the company's admin.",
    ),
    "stale_edit": (
        "Người khác vừa sửa mục này sau khi bạn mở nó. Tải lại để xem bản mới rồi sửa lại; "
        "những gì bạn đã gõ vẫn còn trên màn hình.",
        "Someone else changed this since you opened it. Reload to see their version, then "
        "edit again; what you typed is still on screen.",
    ),
    "last_admin": (
        "Đây là tài khoản quản trị công ty cuối cùng còn hoạt động. Tạo một quản trị khác trước.",
        "This is the last active company admin account. Make another admin first.",
    ),
    "password_change_required": (
        "Mật khẩu vừa dùng chỉ dùng một lần. Đặt mật khẩu mới của bạn để tiếp tục.",
        "The password you used is for once only. Choose your own password to go on.",
    ),
    "counter_not_allowed": (
        "Bạn không được phân công làm ở quầy {counter}. Chọn quầy được giao hoặc báo quản trị.",
        "You are not assigned to counter {counter}. Choose your counter or ask the admin.",
    ),
    "user_exists": (
        "Tên đăng nhập {user} đã có người dùng. Chọn tên khác.",
        "The username {user} is taken. Choose another.",
    ),
    "counter_exists": (
        "Quầy {counter} đã có (kể cả quầy đã nghỉ). Chọn mã quầy khác.",
        "Counter {counter} exists (retired ones count too). Choose another code.",
    ),
    "counter_retired": (
        "Quầy này đã nghỉ: không sửa được nữa. Thêm quầy mới nếu cần.",
        "This counter is retired: it cannot change. Add a new counter if needed.",
    ),
    "counter_serving": (
        "Quầy đang phục vụ vé {ticket}. Kết thúc hoặc trả vé về hàng chờ trước khi cho nghỉ quầy.",
        "The counter is serving ticket {ticket}. Finish it or put it back before retiring "
        "the counter.",
    ),
    "last_counter": (
        "Đây là quầy cuối cùng loại này của phòng thu. Thêm quầy khác trước khi cho nghỉ.",
        "This is the hall's last counter of its kind. Add another before retiring it.",
    ),
    "no_led": (
        "Quầy {counter} chưa gắn bảng LED. Khai bảng LED cho quầy trước.",
        "Counter {counter} has no LED board. Set one up first.",
    ),
    "branch_exists": (
        "Chi nhánh hoặc phòng thu này đã có. Chọn mã khác.",
        "This branch or hall exists already. Choose another code.",
    ),
    "unknown_printer": (
        "Không có máy in này. Tải lại trang rồi chọn lại.",
        "No such printer. Reload the page and choose again.",
    ),
    "hall_closed": (
        "Phòng thu tiền đang đóng cửa. Mời quý khách quay lại trong giờ làm việc.",
        "The hall is closed. Please come back during opening hours.",
    ),
    "hours_inverted": (
        "Giờ đóng cửa phải sau giờ mở cửa. Sửa lại giờ.",
        "The closing time must be after the opening time. Correct the hours.",
    ),
}
