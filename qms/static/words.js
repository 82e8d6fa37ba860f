// Generated from qms/words by `python -m qms.words`: do not edit by hand.
// Templates: {name} or {name:kind}, kinds as in qms/words/format.py; rendered by
// qms/static/i18n.js.
export const ERRORS = {
  "bad_request": {
    "vi": "Yêu cầu chưa đúng. Kiểm tra lại thông tin đã nhập rồi gửi lại.",
    "en": "The request is not right. Check what you typed and send it again."
  },
  "unauthenticated": {
    "vi": "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn. Đăng nhập lại.",
    "en": "You are not signed in, or your session has expired. Sign in again."
  },
  "forbidden": {
    "vi": "Tài khoản này không được làm việc này. Nhờ người có quyền làm, hoặc báo quản lý.",
    "en": "This account may not do this. Ask someone who may, or tell the supervisor."
  },
  "not_found": {
    "vi": "Không tìm thấy thứ được yêu cầu. Tải lại trang rồi thử lại.",
    "en": "Not found. Reload the page and try again."
  },
  "conflict": {
    "vi": "Việc này không làm được lúc này. Tải lại màn hình rồi thử lại.",
    "en": "This cannot be done now. Reload the screen and try again."
  },
  "refused": {
    "vi": "Yêu cầu bị từ chối theo quy định của phòng thu. Kiểm tra lại rồi thử lại.",
    "en": "The hall's rules refuse this. Check and try again."
  },
  "body_too_large": {
    "vi": "Dữ liệu gửi lên quá lớn (tối đa {limit} byte). Gửi ít hơn.",
    "en": "What was sent is too large (at most {limit} bytes). Send less."
  },
  "too_many_requests": {
    "vi": "Thử quá nhiều lần. Chờ {retry_after_s} giây rồi thử lại.",
    "en": "Too many tries. Wait {retry_after_s} seconds and try again."
  },
  "cmis_unavailable": {
    "vi": "CMIS (hệ thống hoá đơn) đang không trả lời. Chờ một lát rồi thử lại.",
    "en": "CMIS (the billing system) is not answering. Wait a moment and try again."
  },
  "store_unavailable": {
    "vi": "Cơ sở dữ liệu đang không trả lời. Chờ một lát rồi thử lại (nếu vừa lưu, xem lại màn hình trước).",
    "en": "The database is not answering. Wait a moment and try again (if you were saving, look at the screen first)."
  },
  "method_not_allowed": {
    "vi": "Thao tác này không dùng được ở địa chỉ này. Tải lại trang.",
    "en": "This action does not work at this address. Reload the page."
  },
  "http_error": {
    "vi": "Máy chủ không nhận yêu cầu này. Tải lại trang rồi thử lại.",
    "en": "The server did not accept this request. Reload the page and try again."
  },
  "internal_error": {
    "vi": "Lỗi máy chủ: thay đổi chưa được lưu. Thử lại; nếu vẫn lỗi, báo quản lý.",
    "en": "Server error: nothing was saved. Try again; if it happens again, tell the supervisor."
  },
  "value_out_of_range": {
    "vi": "Số vừa nhập lớn hơn mức cơ sở dữ liệu lưu được, chưa có gì thay đổi. Kiểm tra lại số rồi thử lại; nếu số đúng, báo quản trị viên.",
    "en": "A number is larger than the database can keep; nothing was changed. Check the number and try again; if it is right, tell the admin."
  },
  "malformed_json": {
    "vi": "Máy chủ không đọc được dữ liệu gửi lên. Tải lại trang rồi thử lại.",
    "en": "The server could not read what was sent. Reload the page and try again."
  },
  "unsupported_media_type": {
    "vi": "Yêu cầu phải gửi dạng JSON (Content-Type: application/json), không phải {content_type}. Gửi lại bằng JSON.",
    "en": "Send this request as JSON (Content-Type: application/json), not {content_type}. Send it again as JSON."
  },
  "malformed_frame": {
    "vi": "Màn hình gửi dữ liệu không đọc được. Tải lại trang.",
    "en": "The screen sent something unreadable. Reload the page."
  },
  "frame_too_large": {
    "vi": "Màn hình gửi dữ liệu quá lớn. Tải lại trang.",
    "en": "The screen sent too much at once. Reload the page."
  },
  "unknown_message": {
    "vi": "Màn hình gửi một yêu cầu máy chủ không biết. Tải lại trang.",
    "en": "The screen sent a request the server does not know. Reload the page."
  },
  "not_subscribed": {
    "vi": "Màn hình chưa nhận dữ liệu của phòng thu. Tải lại trang.",
    "en": "The screen is not following the hall yet. Reload the page."
  },
  "invalid_since": {
    "vi": "Màn hình mất dấu dữ liệu. Tải lại trang.",
    "en": "The screen lost its place in the hall's updates. Reload the page."
  },
  "invalid_view": {
    "vi": "Màn hình xin một khung nhìn không có. Tải lại trang hoặc đăng nhập lại.",
    "en": "The screen asked for a view that does not exist. Reload the page or sign in again."
  },
  "device_revoked": {
    "vi": "Thiết bị này đã bị thu hồi. Báo quản lý để đăng ký lại.",
    "en": "This device was revoked. Ask the supervisor to enrol it again."
  },
  "session_ended": {
    "vi": "Phiên làm việc đã kết thúc (đã đăng xuất, đổi mật khẩu, tài khoản bị khoá hoặc giám sát viên cho quầy đăng xuất). Đăng nhập lại.",
    "en": "This session has ended (signed out, password changed, account disabled or the counter signed out by a supervisor). Sign in again."
  },
  "invalid_request": {
    "vi": "Mục “{field:field}” chưa đúng hoặc còn trống. Điền lại rồi gửi.",
    "en": "“{field:field}” is wrong or empty. Fill it in again and send."
  },
  "invalid_amount": {
    "vi": "Nhập {field:field}: số tiền nguyên bằng đồng (ví dụ 2.002.089), không vượt quá số tiền có.",
    "en": "Type {field:field}: a whole number of đồng (e.g. 2.002.089), no more than the money there is."
  },
  "invalid_ticket_number": {
    "vi": "Số vé là một số nguyên dương. Nhập lại số vé.",
    "en": "A ticket number is a whole number above 0. Type the number again."
  },
  "invalid_customer_code": {
    "vi": "Mã khách hàng gồm 2 chữ cái và 11 chữ số, ví dụ PE01000012345. Kiểm tra lại mã.",
    "en": "A customer code is 2 letters and 11 digits, e.g. PE01000012345. Check the code."
  },
  "invalid_reason": {
    "vi": "Chọn một lý do trong danh sách (hoặc ghi lý do từ 3 đến 200 ký tự).",
    "en": "Choose a reason from the list (or write one of 3 to 200 characters)."
  },
  "invalid_side": {
    "vi": "Chọn chiều chuyển tiền: chuyển đi hoặc nhận về.",
    "en": "Choose the side of the movement: money out or money in."
  },
  "unknown_action": {
    "vi": "Màn hình không có thao tác này. Dùng các nút và phím của màn hình.",
    "en": "There is no such action. Use the screen's buttons and keys."
  },
  "deposit_required": {
    "vi": "Nhập số tiền nộp ngân hàng, tên ngân hàng và số chứng từ nộp tiền rồi chốt lại.",
    "en": "Type the bank deposit: its amount, the bank and the deposit slip number, then close again."
  },
  "bad_credentials": {
    "vi": "Sai tên đăng nhập hoặc mật khẩu. Nhập lại.",
    "en": "Wrong username or password. Type them again."
  },
  "wrong_password": {
    "vi": "Mật khẩu hiện tại không đúng. Nhập lại mật khẩu đang dùng.",
    "en": "The current password is wrong. Type the password you use now again."
  },
  "weak_password": {
    "vi": "Mật khẩu chưa đạt quy định: ít nhất {min_length} ký tự, có cả chữ và số, không chứa tên đăng nhập, khác mật khẩu cũ. Chọn mật khẩu khác.",
    "en": "The password does not meet the policy: at least {min_length} characters, letters and digits, not the username, not the old one. Choose another."
  },
  "unknown_user": {
    "vi": "Không có người dùng {user} ở chi nhánh này. Kiểm tra lại tên đăng nhập.",
    "en": "There is no user {user} in this branch. Check the username."
  },
  "wrong_role": {
    "vi": "Tài khoản này không được làm việc này. Nhờ người có quyền (thủ quỹ, giám sát viên) làm.",
    "en": "This account may not do this. Ask someone who may (head cashier, supervisor)."
  },
  "wrong_counter": {
    "vi": "Việc này không làm ở quầy này. Đăng nhập đúng quầy của mình (thu ngân, tra cứu chẵn hoặc lẻ) rồi làm lại.",
    "en": "This is not done at this counter. Sign in at your own counter (cashier, even or odd lookup) and try again."
  },
  "unknown_counter": {
    "vi": "Không có quầy {counter}. Chọn một quầy trong danh sách.",
    "en": "There is no counter {counter}. Choose one from the list."
  },
  "counter_taken": {
    "vi": "Quầy {counter} đang có {held_by} đăng nhập: người đó đăng xuất trước, hoặc giám sát viên cho quầy đăng xuất.",
    "en": "Counter {counter} is held by {held_by}: they sign out first, or a supervisor signs the counter out."
  },
  "counter_busy": {
    "vi": "Quầy {counter} đang phục vụ vé {ticket}: kết thúc, tạm chờ hoặc báo vắng vé đó trước.",
    "en": "Counter {counter} is serving ticket {ticket}: finish, park or mark it no-show first."
  },
  "unknown_branch": {
    "vi": "Không có chi nhánh {branch}. Báo quản lý kiểm tra cấu hình.",
    "en": "There is no branch {branch}. Ask the supervisor to check the configuration."
  },
  "unknown_hall": {
    "vi": "Không có phòng thu này. Chọn lại trong danh sách.",
    "en": "There is no such hall. Choose one from the list."
  },
  "unknown_customer": {
    "vi": "CMIS không có mã khách hàng {customer}. Kiểm tra lại mã trên hoá đơn hoặc biên nhận cũ.",
    "en": "CMIS does not know customer {customer}. Check the code on an old invoice or receipt."
  },
  "cmis_bad_answer": {
    "vi": "CMIS trả lời không đọc được. Thử lại; nếu vẫn lỗi, báo bộ phận hỗ trợ.",
    "en": "CMIS answered something unreadable. Try again; if it happens again, call support."
  },
  "too_many_customers": {
    "vi": "Một vé có tối đa {max} khách hàng. Lấy thêm vé cho những khách còn lại.",
    "en": "A ticket holds at most {max} customers. Take another ticket for the others."
  },
  "no_debt": {
    "vi": "Khách hàng {customers:list} không còn hoá đơn chưa trả: không cần lấy số.",
    "en": "Customer {customers:list} has no unpaid invoice: no ticket is needed."
  },
  "customer_on_active_ticket": {
    "vi": "Khách hàng {customer} đang có vé số {ticket} hôm nay: phục vụ trên vé đó.",
    "en": "Customer {customer} is already on ticket {ticket} today: serve them there."
  },
  "unknown_ticket": {
    "vi": "Không có vé này hôm nay. Kiểm tra lại số vé (hoặc mã QR trên vé).",
    "en": "There is no such ticket today. Check the number (or the QR code on the ticket)."
  },
  "unknown_invoice": {
    "vi": "Hoá đơn {invoice} không có trên vé {ticket}. Tải lại màn hình.",
    "en": "Invoice {invoice} is not on ticket {ticket}. Reload the screen."
  },
  "ticket_moved": {
    "vi": "Khách của vé {ticket} đã quay lại với vé {moved_to:list}: phục vụ trên vé mới.",
    "en": "Ticket {ticket}'s customers came back on ticket {moved_to:list}: serve them there."
  },
  "ticket_done": {
    "vi": "Vé {ticket} đã xong. Gọi số khác.",
    "en": "Ticket {ticket} is already done. Call another number."
  },
  "ticket_busy": {
    "vi": "Vé {ticket} đang được phục vụ ở quầy {counter}. Gọi số khác.",
    "en": "Ticket {ticket} is being served at counter {counter}. Call another number."
  },
  "parked_elsewhere": {
    "vi": "Vé {ticket} đang tạm chờ ở quầy {counter}: quầy đó gọi lại vé.",
    "en": "Ticket {ticket} is parked at counter {counter}: that counter recalls it."
  },
  "ticket_not_done": {
    "vi": "Vé {ticket} chưa kết thúc ({status:ticket}): không cần mở lại.",
    "en": "Ticket {ticket} is not finished ({status:ticket}): nothing to reopen."
  },
  "queue_empty": {
    "vi": "Không còn ai đang chờ. Chờ khách mới.",
    "en": "Nobody is waiting. Wait for the next customer."
  },
  "no_current_ticket": {
    "vi": "Quầy {counter} chưa phục vụ vé nào. Gọi số trước.",
    "en": "Counter {counter} is serving no ticket. Call a number first."
  },
  "same_counter": {
    "vi": "Vé đã ở quầy này. Chọn quầy khác để chuyển.",
    "en": "The ticket is already at this counter. Choose another counter."
  },
  "confirm_unpaid": {
    "vi": "Vé {ticket} còn {unpaid:count} hoá đơn chưa thu ({total:money}). Xác nhận và chọn lý do để kết thúc vé.",
    "en": "Ticket {ticket} still has {unpaid:count} unpaid invoice(s) ({total:money}). Confirm and choose a reason to finish it."
  },
  "invalid_lookup_transition": {
    "vi": "Hoá đơn {invoice} đang ở trạng thái “{status:lookup}”: không đổi được như vậy. Tải lại màn hình.",
    "en": "Invoice {invoice} is “{status:lookup}”: it cannot change that way. Reload the screen."
  },
  "already_delivered": {
    "vi": "Hoá đơn giấy {invoice} đã giao quầy {delivered_to} lúc {delivered_at:datetime}: không hoàn tác F9 được nữa.",
    "en": "The paper of invoice {invoice} was delivered to {delivered_to} at {delivered_at:datetime}: F9 can no longer be undone."
  },
  "not_found_yet": {
    "vi": "Chưa tìm thấy hoá đơn giấy {invoice} ({lookup_status:lookup}): để vé tạm chờ và phục vụ khách khác.",
    "en": "The paper of invoice {invoice} is not found yet ({lookup_status:lookup}): park the ticket and serve someone else."
  },
  "not_delivered_here": {
    "vi": "Hoá đơn giấy {invoice} không giao cho quầy này: trả lại từ quầy đã nhận.",
    "en": "The paper of invoice {invoice} was not delivered to this counter: return it from the counter that has it."
  },
  "nothing_to_return": {
    "vi": "Hoá đơn {invoice} không có gì để trả lại (đã thu hoặc đã trả).",
    "en": "Invoice {invoice} has nothing to return (paid or already returned)."
  },
  "no_paper": {
    "vi": "Hoá đơn {invoice} là hoá đơn điện tử: không có hoá đơn giấy để trả lại.",
    "en": "Invoice {invoice} is an e-invoice: there is no paper to return."
  },
  "invoice_moved": {
    "vi": "Hoá đơn {invoice} đã chuyển sang vé {ticket} (khách quay lại): xử lý ở vé đó.",
    "en": "Invoice {invoice} moved to ticket {ticket} (the customer came back): handle it there."
  },
  "invoice_returned": {
    "vi": "Hoá đơn {invoice} đã trả lại kho: không thu trên vé này.",
    "en": "Invoice {invoice} was returned: it is not collected on this ticket."
  },
  "already_paid": {
    "vi": "Hoá đơn {invoice} đã thu rồi: không thu lần nữa.",
    "en": "Invoice {invoice} is already paid: do not collect it again."
  },
  "already_returned": {
    "vi": "Hoá đơn {invoice} đã trả lại rồi.",
    "en": "Invoice {invoice} is already returned."
  },
  "already_paid_elsewhere": {
    "vi": "Hoá đơn {invoice} đã được trả nơi khác (ngân hàng, ví điện tử): không thu.",
    "en": "Invoice {invoice} was paid elsewhere (bank, wallet): do not collect it."
  },
  "already_moved": {
    "vi": "Hoá đơn {invoice} đã chuyển sang vé khác: xử lý ở vé đó.",
    "en": "Invoice {invoice} moved to another ticket: handle it there."
  },
  "tendered_short": {
    "vi": "Tiền khách đưa {tendered:money} ít hơn số phải thu {amount:money}. Nhập lại số tiền khách đưa.",
    "en": "Tendered {tendered:money} is less than the amount {amount:money}. Type the tendered amount again."
  },
  "amount_mismatch": {
    "vi": "Số tiền {amount:money} không bằng tổng các hoá đơn đã chọn {expected:money}. Chọn lại hoá đơn.",
    "en": "The amount {amount:money} is not the selected invoices' total {expected:money}. Select again."
  },
  "period_order": {
    "vi": "Khách hàng {customer} trả các kỳ cũ nhất trước, không bỏ kỳ: chọn các kỳ {periods:list}.",
    "en": "Customer {customer} pays the oldest periods first, without gaps: select {periods:list}."
  },
  "paid_elsewhere": {
    "vi": "Hoá đơn {invoice} đã được trả nơi khác (ngân hàng, ví điện tử) sau khi lấy số: không thu, trả lại hoá đơn giấy.",
    "en": "Invoice {invoice} was paid elsewhere (bank, wallet) since the ticket: do not collect it, return its paper."
  },
  "nothing_to_collect": {
    "vi": "Vé {ticket} không còn gì để thu.",
    "en": "Ticket {ticket} has nothing left to collect."
  },
  "unknown_payment": {
    "vi": "Không có khoản thu {txn}. Tải lại danh sách.",
    "en": "There is no payment {txn}. Reload the list."
  },
  "not_same_day": {
    "vi": "Chỉ huỷ được khoản thu của hôm nay.",
    "en": "Only a payment of today can be reversed."
  },
  "not_reversible": {
    "vi": "Khoản thu {txn} đang “{status:payment}”: chỉ huỷ được khoản CMIS đã xác nhận.",
    "en": "Payment {txn} is “{status:payment}”: only a payment CMIS confirmed can be reversed."
  },
  "not_your_payment": {
    "vi": "Khoản thu này do {cashier} thu: chỉ người đó, thủ quỹ hoặc giám sát viên được huỷ.",
    "en": "{cashier} took this payment: only they, the head cashier or the supervisor may reverse it."
  },
  "drawer_not_open": {
    "vi": "Chưa mở két: nhập tiền đầu ca trước khi gọi số hoặc thu tiền.",
    "en": "Open your drawer (count the float) before calling or collecting."
  },
  "drawer_open": {
    "vi": "Két của bạn hôm nay đã mở rồi.",
    "en": "Your drawer of today is already open."
  },
  "drawer_closed": {
    "vi": "Két đã đóng: hôm nay không gọi số, không thu hay chuyển tiền qua két này nữa.",
    "en": "The drawer is closed: no more calls, payments or cash moves through it today."
  },
  "drawer_elsewhere": {
    "vi": "Két của bạn mở ở quầy {drawer_counter}, không phải {counter}: phục vụ khách tại quầy {drawer_counter}.",
    "en": "Your drawer was opened at {drawer_counter}, not {counter}: serve customers at {drawer_counter}."
  },
  "head_cashier_closed": {
    "vi": "Thủ quỹ ({head_cashier}) đã chốt tiền trong ngày: hôm nay không mở thêm két.",
    "en": "The head cashier ({head_cashier}) has closed the day's cash: no drawer opens today."
  },
  "unknown_drawer": {
    "vi": "Không có két {drawer}. Tải lại màn hình.",
    "en": "There is no drawer {drawer}. Reload the screen."
  },
  "not_pending": {
    "vi": "Két {drawer} không chờ duyệt chênh lệch. Tải lại màn hình.",
    "en": "Drawer {drawer} is not awaiting approval. Reload the screen."
  },
  "same_cashier": {
    "vi": "Chuyển tiền là giữa hai thu ngân khác nhau. Chọn người khác.",
    "en": "A money movement is between two different cashiers. Choose someone else."
  },
  "more_than_drawer": {
    "vi": "{amount:money} nhiều hơn số tiền két của bạn đang có ({expected:money}). Nhập lại số tiền.",
    "en": "{amount:money} is more than your drawer holds ({expected:money}). Type the amount again."
  },
  "unknown_movement": {
    "vi": "Không có lần chuyển tiền {movement}. Tải lại màn hình.",
    "en": "There is no money movement {movement}. Reload the screen."
  },
  "not_your_movement": {
    "vi": "Chỉ hai thu ngân của lần chuyển tiền này được sửa nó.",
    "en": "Only the two cashiers of this movement may change it."
  },
  "nothing_to_withdraw": {
    "vi": "Bạn chưa khai báo lần chuyển tiền này: không có gì để rút lại.",
    "en": "You have not declared this movement: there is nothing to withdraw."
  },
  "movement_hanging": {
    "vi": "Lần chuyển tiền {movement} còn chờ bên kia khai báo.",
    "en": "Money movement {movement} still waits for the other side."
  },
  "movement_mismatch": {
    "vi": "Lần chuyển tiền {movement} lệch số tiền giữa hai bên: hai bên khai báo lại.",
    "en": "The two sides of money movement {movement} disagree: both declare again."
  },
  "movement_matched": {
    "vi": "Lần chuyển tiền {movement} đã khớp: không sửa được nữa.",
    "en": "Money movement {movement} is matched: it can no longer change."
  },
  "movement_cancelled": {
    "vi": "Lần chuyển tiền {movement} đã huỷ.",
    "en": "Money movement {movement} was cancelled."
  },
  "close_refused": {
    "vi": "Chưa chốt được: còn {blockers:count} việc phải xong trước (xem danh sách).",
    "en": "Cannot close yet: {blockers:count} thing(s) to settle first (see the list)."
  },
  "day_closed": {
    "vi": "Ngày làm việc {day:date} đã kết thúc: không thay đổi gì được nữa.",
    "en": "The business day {day:date} is closed: nothing more can change."
  },
  "unknown_device": {
    "vi": "Không có thiết bị {device}. Tải lại danh sách.",
    "en": "There is no device {device}. Reload the list."
  },
  "device_exists": {
    "vi": "Đã có thiết bị {device}. Đặt tên khác.",
    "en": "Device {device} exists already. Choose another name."
  },
  "config_device": {
    "vi": "Thiết bị {device} khai trong config.yaml: sửa ở đó.",
    "en": "Device {device} is in config.yaml: change it there."
  },
  "unknown_job": {
    "vi": "Không có lệnh in {job}. Tải lại danh sách.",
    "en": "There is no device job {job}. Reload the list."
  },
  "not_printable": {
    "vi": "Lệnh {job} là lệnh cho bảng LED: không có gì để in lại.",
    "en": "Job {job} lights a board: there is nothing to reprint."
  },
  "not_retryable": {
    "vi": "Lệnh in {job} đang “{status:job}”: không gửi lại được lúc này.",
    "en": "Job {job} is “{status:job}”: it cannot be sent again now."
  },
  "nothing_to_find": {
    "vi": "Khách {customer} không còn hoá đơn nào cần tìm trên vé {ticket} ở quầy này. Chọn dòng khác.",
    "en": "Customer {customer} has no paper left to find on ticket {ticket} at this counter. Pick another row."
  },
  "too_many_followers": {
    "vi": "Đã có {limit} trang theo dõi vé này. Đóng bớt một trang rồi thử lại.",
    "en": "{limit} pages already follow this ticket. Close one and try again."
  },
  "receipt_not_reprintable": {
    "vi": "Khoản thu {txn} đang ở trạng thái “{status:payment}”: biên nhận không còn giá trị, không in lại được.",
    "en": "Payment {txn} is “{status:payment}”: its receipt no longer stands and is not printed again."
  },
  "no_printer": {
    "vi": "Quầy {counter} không có máy in biên nhận: báo giám sát viên kiểm tra cấu hình máy in.",
    "en": "Counter {counter} has no receipt printer: ask the supervisor to check the printer setup."
  },
  "invalid_note_count": {
    "vi": "Bảng kê không hợp lệ ở mục “{field:field}”: mỗi mệnh giá ghi số tờ, số nguyên từ 0 trở lên. Sửa lại số tờ.",
    "en": "The count by note is not valid at “{field:field}”: give each note's number of notes, a whole number from 0. Correct the count."
  },
  "unknown_note": {
    "vi": "Mệnh giá {note:money} không dùng ở quầy này (các mệnh giá: {notes:list}). Đếm lại theo các mệnh giá đó.",
    "en": "{note:money} is not a note in use here (notes: {notes:list}). Count again in those notes."
  },
  "count_mismatch": {
    "vi": "Bảng kê cộng lại được {total:money}, không khớp số đã khai {declared:money}. Đếm lại tiền.",
    "en": "The notes counted add up to {total:money}, not the {declared:money} declared. Count the cash again."
  },
  "deposit_exceeds_count": {
    "vi": "Tiền nộp ngân hàng có {deposit} tờ {note:money} nhưng ngăn kéo chỉ đếm được {counted} tờ. Đếm lại.",
    "en": "The deposit has {deposit} notes of {note:money} but the drawer was counted with {counted}. Count again."
  },
  "metrics_off": {
    "vi": "Số liệu giám sát (/metrics) đang tắt. Quản trị viên đặt server.metrics_token trong config.yaml rồi khởi động lại.",
    "en": "Metrics (/metrics) are off. An administrator sets server.metrics_token in config.yaml and restarts the server."
  },
  "metrics_token_wrong": {
    "vi": "Thiếu hoặc sai mã truy cập số liệu giám sát. Gửi tiêu đề Authorization: Bearer với giá trị server.metrics_token.",
    "en": "The metrics token is missing or wrong. Send the header Authorization: Bearer with the value of server.metrics_token."
  },
  "too_many_connections": {
    "vi": "Máy chủ đang có quá nhiều kết nối (tối đa {limit}). Đóng bớt trang hoặc thử lại sau vài giây.",
    "en": "The server has too many connections (at most {limit}). Close some pages or try again in a few seconds."
  },
  "header_too_large": {
    "vi": "Phần đầu của yêu cầu lớn hơn {limit} byte. Xoá cookie của trang hoặc rút ngắn địa chỉ rồi thử lại.",
    "en": "The request's headers are larger than {limit} bytes. Clear the page's cookies or shorten the address and try again."
  },
  "request_timeout": {
    "vi": "Phần đầu của yêu cầu không đến đủ trong {limit_s} giây. Kiểm tra mạng rồi thử lại.",
    "en": "The request's headers did not arrive within {limit_s} s. Check the network and try again."
  },
  "auth_deadline": {
    "vi": "Kết nối chưa đăng nhập trong {limit_s} giây nên đã bị đóng. Tải lại trang để kết nối lại.",
    "en": "The connection did not sign in within {limit_s} s and was closed. Reload the page to connect again."
  },
  "invalid_crew_code": {
    "vi": "Mã tổ gồm 1 đến 10 chữ in hoa, chữ số hoặc dấu -, ví dụ T1. Sửa lại mã tổ.",
    "en": "A crew code is 1 to 10 capital letters, digits or -, e.g. T1. Correct the crew code."
  },
  "invalid_book_code": {
    "vi": "Mã sổ ghi chỉ số không đúng (ví dụ PE0100A012). Nhập lại danh sách mã sổ.",
    "en": "A book code is not right (e.g. PE0100A012). Type the book codes again."
  },
  "invalid_time": {
    "vi": "Thời gian chưa đúng. Kiểm tra đồng hồ của điện thoại rồi gửi lại.",
    "en": "The time is not right. Check the phone's clock and send again."
  },
  "invalid_outcome": {
    "vi": "Kết quả phải là đã làm hoặc chưa làm được. Chọn lại kết quả.",
    "en": "The result is done or not done. Choose the result again."
  },
  "invalid_not_done_reason": {
    "vi": "Chọn lý do chưa làm được: khách trả tiền tại chỗ, vắng nhà, không tiếp cận được công tơ, khách không cho, sai địa chỉ.",
    "en": "Choose why it was not done: paid on the spot, absent, meter inaccessible, refused, wrong address."
  },
  "receipt_no_required": {
    "vi": "Khách trả tiền tại chỗ: nhập số biên nhận khách đưa xem.",
    "en": "Paid on the spot: type the number of the receipt the customer showed."
  },
  "implausible_time": {
    "vi": "Thời gian của kết quả không hợp lý. Kiểm tra đồng hồ của điện thoại rồi gửi lại.",
    "en": "The result's time is not plausible. Check the phone's clock and send again."
  },
  "not_crew_member": {
    "vi": "{user} không phải nhân viên tổ công tác của chi nhánh này. Chọn người khác hoặc nhờ quản trị tạo tài khoản.",
    "en": "{user} is not a field crew person of this branch. Choose someone else or ask the admin for an account."
  },
  "member_in_other_crew": {
    "vi": "{user} đang ở tổ {crew}. Bỏ người này khỏi tổ {crew} trước.",
    "en": "{user} is in crew {crew}. Take them out of crew {crew} first."
  },
  "crew_has_orders": {
    "vi": "Tổ {crew} còn lệnh chưa làm. Giao các lệnh đó cho tổ khác trước.",
    "en": "Crew {crew} still has orders to do. Assign them to another crew first."
  },
  "not_in_crew": {
    "vi": "Tài khoản {user} chưa thuộc tổ công tác nào. Báo đội trưởng xếp vào tổ.",
    "en": "Account {user} is in no field crew. Ask the team leader to add you to a crew."
  },
  "unknown_crew": {
    "vi": "Không có tổ {crew}. Chọn tổ trong danh sách.",
    "en": "There is no crew {crew}. Choose a crew from the list."
  },
  "crew_inactive": {
    "vi": "Tổ {crew} đang nghỉ. Chọn tổ khác hoặc cho tổ làm việc lại.",
    "en": "Crew {crew} is stood down. Choose another crew or bring it back."
  },
  "no_crews": {
    "vi": "Chưa có tổ công tác nào đang làm việc. Tạo tổ trước khi giao lệnh.",
    "en": "No field crew is working. Add a crew before assigning orders."
  },
  "unknown_order": {
    "vi": "Không có lệnh số {order}. Tải lại danh sách lệnh.",
    "en": "There is no order {order}. Reload the list of orders."
  },
  "order_finished": {
    "vi": "Lệnh số {order} đã kết thúc ({status:field_status}). Không giao lại được.",
    "en": "Order {order} is over ({status:field_status}). It cannot be assigned."
  },
  "order_of_other_day": {
    "vi": "Lệnh số {order} thuộc đợt của ngày khác. Chỉ giao lệnh của đợt hôm nay.",
    "en": "Order {order} is of another day's round. Only today's round can be assigned."
  },
  "already_assigned": {
    "vi": "Lệnh số {order} đã giao cho tổ {crew}. Thu hồi lệnh khỏi tổ {crew} trước nếu muốn giao lại.",
    "en": "Order {order} is assigned to crew {crew}. Take it back from crew {crew} first to reassign it."
  },
  "not_your_order": {
    "vi": "Lệnh số {order} không phải của tổ anh/chị. Tải lại danh sách lệnh của tổ.",
    "en": "Order {order} is not your crew's. Reload your crew's orders."
  },
  "key_reused": {
    "vi": "Mã gửi này đã dùng cho việc khác (một lệnh, một lần quét). Tải lại trang rồi làm lại.",
    "en": "This key was used for something else (an order, a scan). Reload the page and do it again."
  },
  "order_cancelled": {
    "vi": "Lệnh số {order} đã huỷ ({reason:field_reason}). KHÔNG cắt điện; nếu đã cắt, đóng điện lại ngay.",
    "en": "Order {order} was cancelled ({reason:field_reason}). Do NOT cut; if you already did, reconnect now."
  },
  "order_has_result": {
    "vi": "Lệnh số {order} đã có kết quả ({status:field_status}). Không gửi lại được.",
    "en": "Order {order} already has a result ({status:field_status}). It cannot be sent again."
  },
  "no_round": {
    "vi": "Hôm nay chưa lấy danh sách cắt điện. Lấy danh sách từ CMIS trước.",
    "en": "Today's disconnection list has not been pulled. Pull it from CMIS first."
  },
  "round_closed": {
    "vi": "Đợt cắt điện ngày {day:date} đã khoá sổ. Không nhận thêm kết quả hay giao lệnh.",
    "en": "The round of {day:date} is closed. No more results or assignments are taken."
  },
  "book_not_in_round": {
    "vi": "Sổ {book} không có trong đợt cắt điện hôm nay. Lấy danh sách sổ này từ CMIS trước.",
    "en": "Book {book} is not in today's round. Pull this book from CMIS first."
  },
  "book_of_other_unit": {
    "vi": "Sổ {book} không thuộc đơn vị {unit}. Chỉ lấy danh sách các sổ của đơn vị mình.",
    "en": "Book {book} is not of unit {unit}. Pull only your own unit's books."
  },
  "too_many_books": {
    "vi": "Mỗi lần lấy tối đa {limit} sổ. Chia danh sách sổ thành nhiều lần.",
    "en": "At most {limit} books at a time. Pull the books in several goes."
  },
  "no_slip_printer": {
    "vi": "Chi nhánh chưa có máy in phiếu đóng cắt. Tải bản PDF để in trên giấy A4.",
    "en": "This branch has no slip printer. Download the PDF and print it on A4."
  },
  "field_list_stale": {
    "vi": "CMIS không trả danh sách cắt điện. Danh sách lấy lúc {pulled_at:datetime} vẫn giữ nguyên (đã cũ). Lấy lại sau ít phút.",
    "en": "CMIS did not give the disconnection list. The list pulled at {pulled_at:datetime} is kept (stale). Pull again in a few minutes."
  },
  "unknown_supply_change": {
    "vi": "Không có báo cáo đóng cắt số {id}. Tải lại trang.",
    "en": "There is no supply change {id}. Reload the page."
  },
  "supply_not_refused": {
    "vi": "Báo cáo đóng cắt số {id} đang ở trạng thái {status:supply_change}: không cần gửi lại.",
    "en": "Supply change {id} is {status:supply_change}: nothing to send again."
  },
  "invalid_committee": {
    "vi": "Hội đồng kiểm kê gồm 1 đến 10 người, mỗi người có họ tên và chức vụ. Nhập lại hội đồng.",
    "en": "The committee is 1 to 10 people, each with a name and a role. Enter the committee again."
  },
  "not_an_invoice": {
    "vi": "Mã vừa quét không phải mã vạch hoá đơn. Quét mã trên hoá đơn, hoặc gõ ký hiệu và số (ví dụ 1K26TPE 0012345).",
    "en": "What was scanned is no invoice's barcode. Scan the code on the invoice, or type its series and number (e.g. 1K26TPE 0012345)."
  },
  "unknown_inventory": {
    "vi": "Không có đợt kiểm kê số {inventory}. Chọn đợt trong danh sách.",
    "en": "There is no inventory {inventory}. Choose one from the list."
  },
  "inventory_closed": {
    "vi": "Đợt kiểm kê số {inventory} đã kết thúc. Không quét hay đếm thêm được.",
    "en": "Inventory {inventory} is closed. Nothing more can be scanned or counted."
  },
  "book_not_in_session": {
    "vi": "Sổ {book} không thuộc đợt kiểm kê này. Chọn sổ trong danh sách của đợt.",
    "en": "Book {book} is not in this inventory. Choose a book of this inventory."
  },
  "book_taken": {
    "vi": "Sổ {book} đang do {clerk} đếm. Mỗi sổ một người đếm: chọn sổ khác.",
    "en": "Book {book} is being counted by {clerk}. One clerk per book: choose another book."
  },
  "invoice_of_other_book": {
    "vi": "Hoá đơn {series} {number} thuộc sổ {book}, không nằm trong đợt kiểm kê này. Để riêng để kiểm theo sổ của nó.",
    "en": "Invoice {series} {number} is of book {book}, not in this inventory. Put it aside for its own book's count."
  },
  "inventory_not_compared": {
    "vi": "Chưa đối chiếu với CMIS. Bấm Đối chiếu trước khi kết thúc kiểm kê.",
    "en": "Not compared with CMIS yet. Compare before closing the inventory."
  },
  "inventory_compare_unavailable": {
    "vi": "CMIS không trả danh sách hoá đơn chưa thu. Số đã đếm vẫn giữ nguyên: đối chiếu lại sau ít phút.",
    "en": "CMIS did not give the unpaid invoices. The count is kept: compare again in a few minutes."
  },
  "qr_disabled": {
    "vi": "Phòng thu này chưa bật thanh toán VietQR. Thu tiền mặt, hoặc nhờ quản trị bật mục bank trong cấu hình.",
    "en": "This hall takes no VietQR payments. Take cash, or ask the administrator to enable bank in the config."
  },
  "bad_signature": {
    "vi": "Thông báo không có chữ ký hợp lệ của ngân hàng: không ghi nhận.",
    "en": "The notification is not signed by the bank: not taken."
  },
  "stale_notification": {
    "vi": "Thông báo đã ký quá lâu, không nhận lại. Ngân hàng gửi lại thông báo mới.",
    "en": "The notification was signed too long ago and is not taken. The bank sends it again, freshly signed."
  },
  "invalid_notification": {
    "vi": "Thông báo của ngân hàng không đúng mẫu ({field:field}): không ghi nhận.",
    "en": "The bank's notification is not in the agreed form ({field:field}): not taken."
  },
  "unknown_reference": {
    "vi": "Không có mã QR {ref} ở phòng thu này.",
    "en": "No QR with reference {ref} in this hall."
  },
  "qr_not_open": {
    "vi": "Vé này không còn mã QR chờ thanh toán (đã thanh toán, hoặc đã thu một phần tại quầy).",
    "en": "This ticket has no QR waiting to be paid (paid already, or partly paid at a counter)."
  },
  "unknown_credit": {
    "vi": "Không có khoản chuyển khoản số {credit}. Tải lại danh sách.",
    "en": "No bank credit {credit}. Reload the list."
  },
  "credit_not_open": {
    "vi": "Khoản chuyển khoản {credit} đã được xử lý ({status:credit}). Tải lại danh sách.",
    "en": "Bank credit {credit} is decided already ({status:credit}). Reload the list."
  },
  "credit_not_applicable": {
    "vi": "Không áp dụng được khoản này vào hoá đơn ({reason:credit_reason}): hoàn tiền cho khách, hoặc xử lý khác và ghi chú.",
    "en": "This credit cannot pay its invoices ({reason:credit_reason}): refund it, or resolve it otherwise with a note."
  },
  "invalid_statement": {
    "vi": "Không đọc được sao kê: {reason}. Xuất lại sao kê từ ngân hàng dạng CSV (UTF-8) rồi nhập lại.",
    "en": "The statement cannot be read: {reason}. Export it again from the bank as CSV (UTF-8) and import it again."
  },
  "unknown_line": {
    "vi": "Không có dòng sao kê số {line}. Tải lại danh sách.",
    "en": "No statement line {line}. Reload the list."
  },
  "line_not_open": {
    "vi": "Dòng sao kê {line} đã xử lý ({status:statement_line}). Tải lại danh sách.",
    "en": "Statement line {line} is settled already ({status:statement_line}). Reload the list."
  },
  "line_amount_differs": {
    "vi": "Dòng sao kê {line} trùng mã giao dịch với một khoản đã nhận nhưng khác số tiền: báo ngân hàng, rồi ghi chú dòng này.",
    "en": "Statement line {line} has the id of a credit already taken but another amount: tell the bank, then clear this line with a note."
  },
  "statement_url_missing": {
    "vi": "Chưa cấu hình địa chỉ lấy sao kê của ngân hàng: tải tệp CSV sao kê lên.",
    "en": "No bank statement address is configured: upload the statement's CSV instead."
  },
  "bank_unavailable": {
    "vi": "Ngân hàng không trả lời. Thử lại sau ít phút, hoặc tải tệp CSV sao kê lên.",
    "en": "The bank did not answer. Try again in a few minutes, or upload the statement's CSV."
  },
  "unknown_priority": {
    "vi": "Loại ưu tiên không hợp lệ: chọn người cao tuổi, người khuyết tật, phụ nữ mang thai hoặc người bế con nhỏ.",
    "en": "Unknown priority: choose elderly, disabled, pregnant or with a small child."
  },
  "priority_off": {
    "vi": "Điểm thu này không có hàng ưu tiên. Cấp số thường cho khách.",
    "en": "This hall has no priority lane. Issue a normal ticket."
  },
  "ticket_not_waiting": {
    "vi": "Vé {ticket} không còn đang chờ ({status:ticket}): không đổi ưu tiên được nữa.",
    "en": "Ticket {ticket} is no longer waiting ({status:ticket}): its priority cannot change."
  },
  "invalid_phone": {
    "vi": "Số điện thoại không hợp lệ: nhập số di động Việt Nam, ví dụ 0912 345 678.",
    "en": "Not a valid phone number: give a Vietnamese mobile number, e.g. 0912 345 678."
  },
  "consent_required": {
    "vi": "Để nhận tin nhắn, hãy đánh dấu đồng ý cho phép dùng số điện thoại; hoặc bỏ trống số điện thoại.",
    "en": "To get messages, tick the consent box for your phone number; or leave the number empty."
  },
  "notify_off": {
    "vi": "Điểm thu này không gửi tin nhắn báo lượt. Bỏ trống số điện thoại.",
    "en": "This hall sends no turn messages. Leave the phone number empty."
  },
  "no_contact": {
    "vi": "Vé này không có số điện thoại nhận tin: không có gì để dừng.",
    "en": "This ticket has no phone number for messages: nothing to stop."
  },
  "invalid_alert_kind": {
    "vi": "Loại cảnh báo không hợp lệ: chọn một trong {kinds:list}.",
    "en": "Unknown kind of alert: choose one of {kinds:list}."
  },
  "invalid_threshold": {
    "vi": "Ngưỡng phải là số nguyên từ 0 đến {high} ({unit}). Nhập lại ngưỡng.",
    "en": "The threshold is a whole number from 0 to {high} ({unit}). Enter it again."
  },
  "unknown_alert": {
    "vi": "Không có cảnh báo số {alert}. Tải lại danh sách cảnh báo.",
    "en": "There is no alert {alert}. Reload the list of alerts."
  },
  "unknown_alert_rule": {
    "vi": "Không có quy tắc cảnh báo số {rule}. Tải lại danh sách quy tắc.",
    "en": "There is no alert rule {rule}. Reload the list of rules."
  },
  "alert_acked": {
    "vi": "Cảnh báo này đã được {acked_by} xác nhận lúc {acked_at:datetime}.",
    "en": "This alert was acknowledged by {acked_by} at {acked_at:datetime}."
  },
  "wrong_branch": {
    "vi": "Bạn chỉ quản trị chi nhánh của mình, không phải {branch}. Nhờ quản trị công ty.",
    "en": "You administer your own branch only, not {branch}. Ask the company's admin."
  },
  "stale_edit": {
    "vi": "Người khác vừa sửa mục này sau khi bạn mở nó. Tải lại để xem bản mới rồi sửa lại; những gì bạn đã gõ vẫn còn trên màn hình.",
    "en": "Someone else changed this since you opened it. Reload to see their version, then edit again; what you typed is still on screen."
  },
  "last_admin": {
    "vi": "Đây là tài khoản quản trị công ty cuối cùng còn hoạt động. Tạo một quản trị khác trước.",
    "en": "This is the last active company admin account. Make another admin first."
  },
  "password_change_required": {
    "vi": "Mật khẩu vừa dùng chỉ dùng một lần. Đặt mật khẩu mới của bạn để tiếp tục.",
    "en": "The password you used is for once only. Choose your own password to go on."
  },
  "counter_not_allowed": {
    "vi": "Bạn không được phân công làm ở quầy {counter}. Chọn quầy được giao hoặc báo quản trị.",
    "en": "You are not assigned to counter {counter}. Choose your counter or ask the admin."
  },
  "user_exists": {
    "vi": "Tên đăng nhập {user} đã có người dùng. Chọn tên khác.",
    "en": "The username {user} is taken. Choose another."
  },
  "counter_exists": {
    "vi": "Quầy {counter} đã có (kể cả quầy đã nghỉ). Chọn mã quầy khác.",
    "en": "Counter {counter} exists (retired ones count too). Choose another code."
  },
  "counter_retired": {
    "vi": "Quầy này đã nghỉ: không sửa được nữa. Thêm quầy mới nếu cần.",
    "en": "This counter is retired: it cannot change. Add a new counter if needed."
  },
  "counter_serving": {
    "vi": "Quầy đang phục vụ vé {ticket}. Kết thúc hoặc trả vé về hàng chờ trước khi cho nghỉ quầy.",
    "en": "The counter is serving ticket {ticket}. Finish it or put it back before retiring the counter."
  },
  "last_counter": {
    "vi": "Đây là quầy cuối cùng loại này của phòng thu. Thêm quầy khác trước khi cho nghỉ.",
    "en": "This is the hall's last counter of its kind. Add another before retiring it."
  },
  "no_led": {
    "vi": "Quầy {counter} chưa gắn bảng LED. Khai bảng LED cho quầy trước.",
    "en": "Counter {counter} has no LED board. Set one up first."
  },
  "branch_exists": {
    "vi": "Chi nhánh hoặc phòng thu này đã có. Chọn mã khác.",
    "en": "This branch or hall exists already. Choose another code."
  },
  "unknown_printer": {
    "vi": "Không có máy in này. Tải lại trang rồi chọn lại.",
    "en": "No such printer. Reload the page and choose again."
  },
  "hall_closed": {
    "vi": "Phòng thu tiền đang đóng cửa. Mời quý khách quay lại trong giờ làm việc.",
    "en": "The hall is closed. Please come back during opening hours."
  },
  "hours_inverted": {
    "vi": "Giờ đóng cửa phải sau giờ mở cửa. Sửa lại giờ.",
    "en": "The closing time must be after the opening time. Correct the hours."
  }
};
export const STATUSES = {
  "ticket": {
    "waiting": {
      "vi": "Đang chờ",
      "en": "Waiting"
    },
    "serving": {
      "vi": "Đang phục vụ",
      "en": "Serving"
    },
    "parked": {
      "vi": "Tạm chờ",
      "en": "Parked"
    },
    "no_show": {
      "vi": "Vắng mặt",
      "en": "No-show"
    },
    "done": {
      "vi": "Xong",
      "en": "Done"
    }
  },
  "lookup": {
    "pending": {
      "vi": "Chờ tìm",
      "en": "To find"
    },
    "found": {
      "vi": "Đã có",
      "en": "Found"
    },
    "deferred": {
      "vi": "Tìm sau",
      "en": "Later"
    },
    "missing": {
      "vi": "Thất lạc",
      "en": "Missing"
    },
    "none": {
      "vi": "Hoá đơn điện tử",
      "en": "E-invoice"
    }
  },
  "pay": {
    "unpaid": {
      "vi": "Chưa thu",
      "en": "Unpaid"
    },
    "paid": {
      "vi": "Đã thu",
      "en": "Paid"
    },
    "returned": {
      "vi": "Trả lại",
      "en": "Returned"
    },
    "paid_elsewhere": {
      "vi": "Đã trả nơi khác",
      "en": "Paid elsewhere"
    },
    "moved": {
      "vi": "Đã chuyển sang vé khác",
      "en": "Moved to another ticket"
    }
  },
  "payment": {
    "pending": {
      "vi": "Chờ CMIS xác nhận",
      "en": "Awaiting CMIS"
    },
    "confirmed": {
      "vi": "CMIS đã xác nhận",
      "en": "Confirmed by CMIS"
    },
    "refused": {
      "vi": "CMIS từ chối",
      "en": "Refused by CMIS"
    },
    "reversal_pending": {
      "vi": "Chờ CMIS huỷ",
      "en": "Reversal awaiting CMIS"
    },
    "reversed": {
      "vi": "Đã huỷ",
      "en": "Reversed"
    }
  },
  "taken_by": {
    "bank:vietqr": {
      "vi": "Chuyển khoản khi chờ",
      "en": "Paid by QR while waiting"
    }
  },
  "payment_error": {
    "051": {
      "vi": "Khách đã thanh toán nơi khác (ngân hàng, điểm thu hộ): trả lại tiền cho khách, trả hoá đơn về kho.",
      "en": "Paid elsewhere (bank, payment network): refund the customer, return the paper."
    },
    "021": {
      "vi": "CMIS báo còn kỳ cũ hơn chưa thanh toán: kiểm tra nợ cũ của khách với CMIS.",
      "en": "CMIS says an older period is unpaid: check the customer's older debts with CMIS."
    },
    "022": {
      "vi": "CMIS báo các kỳ không liền nhau: kiểm tra nợ của khách với CMIS.",
      "en": "CMIS says the periods are not consecutive: check the customer's debts with CMIS."
    },
    "031": {
      "vi": "Số tiền khác với CMIS: kiểm tra tổng tiền các hoá đơn với CMIS.",
      "en": "The amount differs from CMIS: check the invoices' totals with CMIS."
    },
    "refused": {
      "vi": "CMIS từ chối khoản thu: kiểm tra nợ của khách với CMIS.",
      "en": "CMIS refused the payment: check the customer's debts with CMIS."
    },
    "in_doubt": {
      "vi": "CMIS chưa trả lời dứt khoát: hệ thống sẽ hỏi lại, chưa cần làm gì.",
      "en": "CMIS has not decided yet: the hall asks again; nothing to do yet."
    },
    "reverted": {
      "vi": "CMIS ghi giao dịch này đã bị huỷ.",
      "en": "CMIS shows this transaction reversed."
    },
    "wait_earlier": {
      "vi": "Chờ CMIS xác nhận khoản thu trước của khách, rồi gửi khoản này.",
      "en": "Waiting for this customer's earlier payment to be settled with CMIS, then this one is sent."
    },
    "reversal_refused": {
      "vi": "CMIS không nhận lệnh huỷ: khoản thu vẫn còn; báo thủ quỹ kiểm tra với CMIS.",
      "en": "CMIS did not take the reversal: the payment stands; ask the head cashier to check with CMIS."
    }
  },
  "cmis_state": {
    "BILLING": {
      "vi": "Đã ghi nhận",
      "en": "Booked"
    },
    "REVERT": {
      "vi": "Đã huỷ",
      "en": "Reversed"
    },
    "NOT_FOUND": {
      "vi": "Không có",
      "en": "Not found"
    },
    "IN_DOUBT": {
      "vi": "Chưa rõ",
      "en": "In doubt"
    }
  },
  "drawer": {
    "none": {
      "vi": "Chưa mở",
      "en": "Not open"
    },
    "open": {
      "vi": "Đang mở",
      "en": "Open"
    },
    "pending_approval": {
      "vi": "Chờ duyệt chênh lệch",
      "en": "Awaiting approval"
    },
    "closed": {
      "vi": "Đã đóng",
      "en": "Closed"
    }
  },
  "movement": {
    "hanging": {
      "vi": "Đang treo",
      "en": "Hanging"
    },
    "mismatch": {
      "vi": "Lệch số tiền",
      "en": "Mismatch"
    },
    "matched": {
      "vi": "Đã khớp",
      "en": "Matched"
    },
    "cancelled": {
      "vi": "Đã huỷ",
      "en": "Cancelled"
    }
  },
  "reason": {
    "not_enough_money": {
      "vi": "Khách không đủ tiền",
      "en": "Not enough money"
    },
    "fewer_periods": {
      "vi": "Khách trả ít kỳ hơn",
      "en": "Paid fewer periods"
    },
    "customer_left": {
      "vi": "Khách bỏ về",
      "en": "Customer left"
    },
    "paid_elsewhere": {
      "vi": "Đã trả nơi khác",
      "en": "Paid elsewhere"
    },
    "paper_missing": {
      "vi": "Không tìm thấy hoá đơn giấy",
      "en": "Paper invoice not found"
    },
    "paid_qr": {
      "vi": "Đã chuyển khoản khi chờ",
      "en": "Paid by QR while waiting"
    },
    "other": {
      "vi": "Lý do khác",
      "en": "Other"
    }
  },
  "blocker": {
    "movement_hanging": {
      "vi": "Chuyển tiền chờ bên kia khai báo",
      "en": "Money movement hangs"
    },
    "movement_mismatch": {
      "vi": "Chuyển tiền lệch số tiền",
      "en": "Money movement disagrees"
    },
    "reversal_pending": {
      "vi": "Lệnh huỷ khoản thu chờ CMIS",
      "en": "Reversal awaiting CMIS"
    },
    "invoices_not_returned": {
      "vi": "Hoá đơn giấy chưa thu, chưa trả lại",
      "en": "Papers not returned"
    },
    "ticket_held": {
      "vi": "Vé còn ở quầy",
      "en": "Ticket still at a counter"
    },
    "drawer_open": {
      "vi": "Két còn mở",
      "en": "Drawer still open"
    },
    "drawer_pending_approval": {
      "vi": "Két chờ duyệt chênh lệch",
      "en": "Drawer awaiting approval"
    },
    "payments_unconfirmed": {
      "vi": "Khoản thu chờ CMIS xác nhận",
      "en": "Payments not confirmed"
    },
    "reconciliation_open": {
      "vi": "Đối soát CMIS còn chênh lệch",
      "en": "Reconciliation open"
    },
    "bank_exceptions_open": {
      "vi": "Tiền chuyển khoản chờ thủ quỹ quyết định",
      "en": "Bank credits awaiting a decision"
    },
    "statement_unmatched": {
      "vi": "Dòng sao kê chưa khớp",
      "en": "Statement lines unmatched"
    },
    "statement_missing": {
      "vi": "Chưa nhập sao kê ngân hàng",
      "en": "Bank statement not imported"
    }
  },
  "method": {
    "cash": {
      "vi": "Tiền mặt",
      "en": "Cash"
    },
    "vietqr": {
      "vi": "Chuyển khoản VietQR",
      "en": "VietQR transfer"
    }
  },
  "credit": {
    "applied": {
      "vi": "Đã gạch nợ",
      "en": "Applied"
    },
    "exception": {
      "vi": "Chờ xử lý",
      "en": "Exception"
    },
    "resolved": {
      "vi": "Đã xử lý",
      "en": "Resolved"
    }
  },
  "credit_reason": {
    "currency": {
      "vi": "Không phải tiền đồng",
      "en": "Not in đồng"
    },
    "wrong_account": {
      "vi": "Không phải tài khoản của phòng thu",
      "en": "Not the hall's account"
    },
    "unknown_reference": {
      "vi": "Không rõ mã tham chiếu",
      "en": "Unknown reference"
    },
    "other_day": {
      "vi": "Mã QR của ngày khác",
      "en": "A QR of another day"
    },
    "day_closed": {
      "vi": "Ngày đã chốt",
      "en": "Day already closed"
    },
    "already_paid": {
      "vi": "Hoá đơn đã được thu trước đó",
      "en": "Invoices already paid"
    },
    "invoices_changed": {
      "vi": "Hoá đơn đã thay đổi",
      "en": "Invoices changed"
    },
    "short": {
      "vi": "Chuyển thiếu",
      "en": "Short"
    },
    "over": {
      "vi": "Chuyển thừa",
      "en": "Over"
    }
  },
  "credit_resolution": {
    "refunded": {
      "vi": "Đã hoàn tiền",
      "en": "Refunded"
    },
    "applied": {
      "vi": "Đã áp dụng",
      "en": "Applied by hand"
    },
    "other": {
      "vi": "Xử lý khác",
      "en": "Other"
    }
  },
  "statement_line": {
    "matched": {
      "vi": "Khớp",
      "en": "Matched"
    },
    "unmatched": {
      "vi": "Chưa khớp",
      "en": "Unmatched"
    },
    "cleared": {
      "vi": "Không phải tiền thu (đã ghi chú)",
      "en": "Cleared with a note"
    }
  },
  "qr_source": {
    "ticket": {
      "vi": "In trên phiếu",
      "en": "Printed on the ticket"
    },
    "counter": {
      "vi": "Tại quầy",
      "en": "At the counter"
    }
  },
  "qr_status": {
    "open": {
      "vi": "Chờ thanh toán",
      "en": "Awaiting payment"
    },
    "paid": {
      "vi": "Đã thanh toán",
      "en": "Paid"
    }
  },
  "reconcile": {
    "matched": {
      "vi": "Khớp",
      "en": "Matched"
    },
    "only_ours": {
      "vi": "Chỉ có ở quầy",
      "en": "Only ours"
    },
    "only_cmis": {
      "vi": "Chỉ có ở CMIS",
      "en": "Only at CMIS"
    },
    "amount_differs": {
      "vi": "Lệch số tiền/trạng thái",
      "en": "Differs"
    },
    "booked_next_day": {
      "vi": "CMIS ghi sang ngày sau",
      "en": "Booked the next day"
    },
    "from_day_before": {
      "vi": "Của ngày hôm trước",
      "en": "From the day before"
    }
  },
  "why": {
    "status": {
      "vi": "Lệch trạng thái",
      "en": "Status differs"
    },
    "amount": {
      "vi": "Lệch số tiền",
      "en": "Amount differs"
    },
    "invoices": {
      "vi": "Lệch hoá đơn",
      "en": "Invoices differ"
    }
  },
  "counter_kind": {
    "reception": {
      "vi": "Tiếp nhận",
      "en": "Reception"
    },
    "lookup": {
      "vi": "Tra cứu",
      "en": "Lookup"
    },
    "lookup_even": {
      "vi": "Tra cứu (chẵn)",
      "en": "Lookup (even)"
    },
    "lookup_odd": {
      "vi": "Tra cứu (lẻ)",
      "en": "Lookup (odd)"
    },
    "cashier": {
      "vi": "Thu ngân",
      "en": "Cashier"
    }
  },
  "parity": {
    "even": {
      "vi": "chẵn",
      "en": "even"
    },
    "odd": {
      "vi": "lẻ",
      "en": "odd"
    }
  },
  "role": {
    "reception": {
      "vi": "Tiếp nhận",
      "en": "Reception"
    },
    "lookup": {
      "vi": "Tra cứu hoá đơn",
      "en": "Lookup"
    },
    "cashier": {
      "vi": "Thu ngân",
      "en": "Cashier"
    },
    "head_cashier": {
      "vi": "Thủ quỹ",
      "en": "Head cashier"
    },
    "supervisor": {
      "vi": "Giám sát",
      "en": "Supervisor"
    },
    "admin": {
      "vi": "Quản trị công ty",
      "en": "Company admin"
    },
    "field_leader": {
      "vi": "Đội trưởng công tác",
      "en": "Field team leader"
    },
    "crew": {
      "vi": "Tổ công tác",
      "en": "Field crew"
    },
    "branch_admin": {
      "vi": "Quản trị chi nhánh",
      "en": "Branch admin"
    },
    "finance": {
      "vi": "Quản lý tài chính",
      "en": "Finance manager"
    },
    "kiosk": {
      "vi": "Máy lấy số",
      "en": "Kiosk"
    },
    "display": {
      "vi": "Màn hình phòng chờ",
      "en": "Hall display"
    },
    "agent": {
      "vi": "Máy điều khiển thiết bị",
      "en": "Hall agent"
    }
  },
  "job": {
    "queued": {
      "vi": "Chờ gửi",
      "en": "Queued"
    },
    "sending": {
      "vi": "Đang gửi",
      "en": "Sending"
    },
    "done": {
      "vi": "Đã xong",
      "en": "Done"
    },
    "in_doubt": {
      "vi": "Chưa rõ đã in chưa",
      "en": "In doubt"
    }
  },
  "job_kind": {
    "print": {
      "vi": "In",
      "en": "Print"
    },
    "led": {
      "vi": "Bảng LED",
      "en": "LED board"
    }
  },
  "level": {
    "company": {
      "vi": "Toàn công ty",
      "en": "Company"
    },
    "branch": {
      "vi": "Chi nhánh",
      "en": "Branch"
    },
    "hall": {
      "vi": "Điểm thu",
      "en": "Hall"
    }
  },
  "priority": {
    "elderly": {
      "vi": "Người cao tuổi",
      "en": "Elderly"
    },
    "disabled": {
      "vi": "Người khuyết tật",
      "en": "Disabled"
    },
    "pregnant": {
      "vi": "Phụ nữ mang thai",
      "en": "Pregnant"
    },
    "child": {
      "vi": "Người bế con nhỏ",
      "en": "With a small child"
    }
  },
  "lane": {
    "priority": {
      "vi": "Ưu tiên",
      "en": "Priority"
    },
    "normal": {
      "vi": "Thường",
      "en": "Other"
    }
  },
  "message": {
    "queued": {
      "vi": "Chờ gửi",
      "en": "Queued"
    },
    "sent": {
      "vi": "Đã gửi",
      "en": "Sent"
    },
    "failed": {
      "vi": "Gửi không được",
      "en": "Failed"
    },
    "dropped": {
      "vi": "Bỏ (không cần nữa)",
      "en": "Dropped"
    }
  },
  "message_kind": {
    "near": {
      "vi": "Sắp đến lượt",
      "en": "Turn is near"
    },
    "called": {
      "vi": "Được gọi",
      "en": "Called"
    }
  },
  "notice": {
    "taken_over": {
      "vi": "Khách quay lại: hoá đơn chuyển sang vé mới",
      "en": "Customer back: taken over"
    }
  },
  "bool": {
    "true": {
      "vi": "Có",
      "en": "Yes"
    },
    "false": {
      "vi": "Không",
      "en": "No"
    }
  },
  "print_job": {
    "queued": {
      "vi": "Chờ in",
      "en": "Waiting to print"
    },
    "sending": {
      "vi": "Đang in",
      "en": "Printing"
    },
    "done": {
      "vi": "Đã in",
      "en": "Printed"
    },
    "in_doubt": {
      "vi": "Chưa rõ đã in chưa",
      "en": "In doubt"
    }
  },
  "field_kind": {
    "cut": {
      "vi": "Cắt điện",
      "en": "Cut"
    },
    "reconnect": {
      "vi": "Đóng điện lại",
      "en": "Reconnect"
    }
  },
  "field_status": {
    "open": {
      "vi": "Chưa giao",
      "en": "Not assigned"
    },
    "assigned": {
      "vi": "Đã giao tổ",
      "en": "Assigned"
    },
    "done": {
      "vi": "Đã làm",
      "en": "Done"
    },
    "not_done": {
      "vi": "Chưa làm được",
      "en": "Not done"
    },
    "cancelled": {
      "vi": "Đã huỷ",
      "en": "Cancelled"
    }
  },
  "field_reason": {
    "paid_on_spot": {
      "vi": "Khách trả tiền tại chỗ",
      "en": "Paid on the spot"
    },
    "absent": {
      "vi": "Khách vắng nhà",
      "en": "Customer absent"
    },
    "inaccessible": {
      "vi": "Không tiếp cận được công tơ",
      "en": "Meter inaccessible"
    },
    "refused": {
      "vi": "Khách không cho cắt",
      "en": "Refused"
    },
    "wrong_address": {
      "vi": "Sai địa chỉ",
      "en": "Wrong address"
    },
    "paid_at_counter": {
      "vi": "Khách đã nộp tiền tại quầy",
      "en": "Paid at the counter"
    },
    "paid_meanwhile": {
      "vi": "Khách đã thanh toán (CMIS không còn nợ quá hạn)",
      "en": "Paid meanwhile"
    },
    "paid_elsewhere": {
      "vi": "Khách đã thanh toán nơi khác",
      "en": "Paid elsewhere"
    },
    "off_list": {
      "vi": "CMIS đã rút khỏi danh sách cắt",
      "en": "No longer on CMIS's list"
    },
    "withdrawn": {
      "vi": "Đội trưởng huỷ lệnh",
      "en": "Withdrawn by the team leader"
    }
  },
  "field_round": {
    "open": {
      "vi": "Đang làm",
      "en": "Open"
    },
    "closed": {
      "vi": "Đã khoá sổ",
      "en": "Closed"
    }
  },
  "supply_change": {
    "pending": {
      "vi": "Chờ gửi CMIS",
      "en": "Waiting for CMIS"
    },
    "posted": {
      "vi": "CMIS đã nhận",
      "en": "Taken by CMIS"
    },
    "refused": {
      "vi": "CMIS từ chối",
      "en": "Refused by CMIS"
    }
  },
  "supply": {
    "CUT": {
      "vi": "Đã cắt điện",
      "en": "Cut"
    },
    "CONNECTED": {
      "vi": "Đang có điện",
      "en": "Connected"
    }
  },
  "inventory": {
    "open": {
      "vi": "Đang kiểm kê",
      "en": "Open"
    },
    "closed": {
      "vi": "Đã kết thúc",
      "en": "Closed"
    }
  },
  "inventory_book": {
    "waiting": {
      "vi": "Chưa đếm",
      "en": "Not started"
    },
    "counting": {
      "vi": "Đang đếm",
      "en": "Counting"
    },
    "counted": {
      "vi": "Đã đếm xong",
      "en": "Counted"
    }
  },
  "inventory_difference": {
    "missing": {
      "vi": "Thiếu",
      "en": "Missing"
    },
    "at_counter": {
      "vi": "Đang ở quầy",
      "en": "At a counter"
    },
    "paid_here": {
      "vi": "Thừa: đã thu tại phòng",
      "en": "Extra: paid here"
    },
    "not_owed": {
      "vi": "Thừa: CMIS không còn nợ",
      "en": "Extra: not owed at CMIS"
    },
    "unknown": {
      "vi": "Thừa: không rõ hoá đơn",
      "en": "Extra: unknown"
    },
    "double": {
      "vi": "Quét trùng",
      "en": "Scanned twice"
    }
  },
  "inventory_action": {
    "missing": {
      "vi": "Tìm lại; không thấy thì báo mất",
      "en": "Look for it; if not found, report it lost"
    },
    "at_counter": {
      "vi": "Lấy lại từ quầy về giá",
      "en": "Fetch it back from the counter"
    },
    "paid_here": {
      "vi": "Đã thu: chuyển về bộ phận hoá đơn",
      "en": "Paid: return it to invoice records"
    },
    "not_owed": {
      "vi": "Đã thanh toán nơi khác: chuyển về bộ phận hoá đơn",
      "en": "Paid elsewhere: return it to invoice records"
    },
    "unknown": {
      "vi": "CMIS và sổ sách phòng thu không biết tờ này: xác định sổ của nó, báo bộ phận hoá đơn",
      "en": "Unknown to CMIS and the hall's records: find its book, tell invoice records"
    },
    "double": {
      "vi": "Đã tính một lần",
      "en": "Counted once"
    }
  },
  "alert": {
    "wait_over": {
      "vi": "Khách chờ quá lâu",
      "en": "Waiting too long"
    },
    "closed_while_queue": {
      "vi": "Quầy thu không có người khi hàng chờ dài",
      "en": "Cashier counter unstaffed while the queue is long"
    },
    "payment_unposted": {
      "vi": "Khoản thu chưa vào CMIS",
      "en": "Payment not yet in CMIS"
    },
    "device_offline": {
      "vi": "Máy in, bảng LED không hoạt động",
      "en": "Printer or LED board offline"
    },
    "drawer_difference": {
      "vi": "Két lệch tiền",
      "en": "Drawer difference"
    },
    "day_not_closed": {
      "vi": "Chưa khoá sổ ngày",
      "en": "Day not closed"
    }
  },
  "alert_status": {
    "open": {
      "vi": "Chưa xác nhận",
      "en": "Not acknowledged"
    },
    "acked": {
      "vi": "Đã xác nhận",
      "en": "Acknowledged"
    },
    "cleared": {
      "vi": "Đã hết",
      "en": "Cleared"
    }
  },
  "alert_says": {
    "wait_over": {
      "vi": "Vé số {number} đã chờ {value} phút (ngưỡng {threshold} phút). Mở thêm quầy thu.",
      "en": "Ticket {number} has waited {value} min (threshold {threshold} min). Open another cashier counter."
    },
    "closed_while_queue": {
      "vi": "{value} vé đang chờ mà quầy {counters:list} không có người (ngưỡng {threshold} vé). Cử thu ngân vào quầy.",
      "en": "{value} tickets wait while counter {counters:list} is unstaffed (threshold {threshold}). Send a cashier to the counter."
    },
    "payment_unposted": {
      "vi": "{count} khoản thu chưa được CMIS xác nhận, lâu nhất {value} phút (ngưỡng {threshold} phút). Xem tình trạng CMIS.",
      "en": "{count} payments not confirmed by CMIS, the oldest for {value} min (threshold {threshold} min). Check CMIS's health."
    },
    "device_offline": {
      "vi": "{subject} chưa in, chưa hiện được {value} phút (ngưỡng {threshold} phút). Kiểm tra máy in, giấy và máy trạm phòng thu.",
      "en": "{subject} has not printed or shown for {value} min (threshold {threshold} min). Check the printer, its paper and the hall agent."
    },
    "drawer_difference": {
      "vi": "Két quầy {subject} ({cashier_name}) lệch {value:money} (ngưỡng {threshold:money}). Đếm lại hoặc duyệt chênh lệch.",
      "en": "The drawer of counter {subject} ({cashier_name}) differs by {value:money} (threshold {threshold:money}). Count again or approve the difference."
    },
    "day_not_closed": {
      "vi": "Ngày {day:date} chưa khoá sổ lúc {threshold} giờ. Đối soát và khoá sổ ngày.",
      "en": "The day {day:date} is not closed at {threshold}:00. Reconcile and close the day."
    }
  }
};
export const FIELDS = {
  "title": {
    "vi": "tên đợt kiểm kê",
    "en": "the inventory's title"
  },
  "committee": {
    "vi": "hội đồng kiểm kê",
    "en": "the committee"
  },
  "book": {
    "vi": "mã sổ",
    "en": "the book code"
  },
  "holder": {
    "vi": "người giữ tiền",
    "en": "who holds the cash"
  },
  "books": {
    "vi": "danh sách mã sổ",
    "en": "the book codes"
  },
  "code": {
    "vi": "mã",
    "en": "the code"
  },
  "name": {
    "vi": "tên",
    "en": "the name"
  },
  "members": {
    "vi": "thành viên của tổ",
    "en": "the crew's members"
  },
  "active": {
    "vi": "đang làm việc",
    "en": "working"
  },
  "orders": {
    "vi": "danh sách lệnh",
    "en": "the orders"
  },
  "crew": {
    "vi": "tổ công tác",
    "en": "the crew"
  },
  "crews": {
    "vi": "các tổ công tác",
    "en": "the crews"
  },
  "key": {
    "vi": "mã gửi kết quả",
    "en": "the result's key"
  },
  "outcome": {
    "vi": "kết quả",
    "en": "the result"
  },
  "at": {
    "vi": "thời gian",
    "en": "the time"
  },
  "receipt_no": {
    "vi": "số biên nhận",
    "en": "the receipt number"
  },
  "order": {
    "vi": "lệnh",
    "en": "the order"
  },
  "amount": {
    "vi": "số tiền thu",
    "en": "the amount"
  },
  "tendered": {
    "vi": "số tiền khách đưa",
    "en": "the money tendered"
  },
  "cashier": {
    "vi": "thu ngân",
    "en": "the cashier"
  },
  "confirm": {
    "vi": "xác nhận",
    "en": "the confirmation"
  },
  "counted": {
    "vi": "số tiền đếm được",
    "en": "the cash counted"
  },
  "counter": {
    "vi": "quầy",
    "en": "the counter"
  },
  "customers": {
    "vi": "mã khách hàng",
    "en": "the customer codes"
  },
  "deposit": {
    "vi": "thông tin nộp ngân hàng",
    "en": "the bank deposit"
  },
  "deposit.amount": {
    "vi": "số tiền nộp ngân hàng",
    "en": "the bank deposit amount"
  },
  "bank": {
    "vi": "tên ngân hàng nhận tiền nộp",
    "en": "the deposit's bank"
  },
  "reference": {
    "vi": "số chứng từ nộp ngân hàng",
    "en": "the deposit slip number"
  },
  "notes": {
    "vi": "bảng kê các loại tiền",
    "en": "the count by note"
  },
  "customer": {
    "vi": "mã khách hàng",
    "en": "the customer code"
  },
  "deposit.notes": {
    "vi": "bảng kê tiền nộp ngân hàng",
    "en": "the deposit's count by note"
  },
  "deposit.bank": {
    "vi": "tên ngân hàng nhận tiền nộp",
    "en": "the deposit's bank"
  },
  "deposit.reference": {
    "vi": "số chứng từ nộp ngân hàng",
    "en": "the deposit slip number"
  },
  "float": {
    "vi": "tiền đầu ca",
    "en": "the float"
  },
  "id": {
    "vi": "mã thiết bị",
    "en": "the device id"
  },
  "invoice_id": {
    "vi": "hoá đơn",
    "en": "the invoice"
  },
  "invoices": {
    "vi": "các hoá đơn",
    "en": "the invoices"
  },
  "job": {
    "vi": "lệnh in",
    "en": "the device job"
  },
  "kind": {
    "vi": "loại thiết bị",
    "en": "the device kind"
  },
  "mark": {
    "vi": "thao tác",
    "en": "the action"
  },
  "note": {
    "vi": "ghi chú",
    "en": "the note"
  },
  "number": {
    "vi": "số vé",
    "en": "the ticket number"
  },
  "printer": {
    "vi": "máy in",
    "en": "the printer"
  },
  "reason": {
    "vi": "lý do",
    "en": "the reason"
  },
  "side": {
    "vi": "chiều chuyển tiền",
    "en": "the side of the movement"
  },
  "ticket": {
    "vi": "số vé",
    "en": "the ticket number"
  },
  "to": {
    "vi": "đến (quầy hoặc ngày)",
    "en": "to (counter or day)"
  },
  "txn": {
    "vi": "mã giao dịch",
    "en": "the transaction"
  },
  "date": {
    "vi": "ngày",
    "en": "the day"
  },
  "from": {
    "vi": "từ ngày",
    "en": "the first day"
  },
  "by": {
    "vi": "cách tìm",
    "en": "the kind of search"
  },
  "q": {
    "vi": "nội dung tìm",
    "en": "the search text"
  },
  "limit": {
    "vi": "số kết quả",
    "en": "the number of results"
  },
  "since": {
    "vi": "số thứ tự sự kiện",
    "en": "the event number"
  },
  "branch": {
    "vi": "chi nhánh",
    "en": "the branch"
  },
  "hall": {
    "vi": "phòng thu",
    "en": "the hall"
  },
  "level": {
    "vi": "cấp báo cáo",
    "en": "the report level"
  },
  "format": {
    "vi": "định dạng báo cáo",
    "en": "the report format"
  },
  "status": {
    "vi": "trạng thái",
    "en": "the status"
  },
  "username": {
    "vi": "tên đăng nhập và mật khẩu",
    "en": "the username and password"
  },
  "token": {
    "vi": "mã đăng nhập",
    "en": "the sign-in token"
  },
  "address": {
    "vi": "địa chỉ máy (IP)",
    "en": "the machine's address (IP)"
  },
  "password": {
    "vi": "mật khẩu hiện tại và mật khẩu mới",
    "en": "the current and the new password"
  },
  "transaction_id": {
    "vi": "mã giao dịch ngân hàng",
    "en": "the bank's transaction id"
  },
  "currency": {
    "vi": "loại tiền",
    "en": "the currency"
  },
  "description": {
    "vi": "nội dung chuyển khoản",
    "en": "the transfer's description"
  },
  "credited_at": {
    "vi": "thời điểm ghi có",
    "en": "the time credited"
  },
  "account": {
    "vi": "số tài khoản",
    "en": "the account"
  },
  "body": {
    "vi": "nội dung thông báo",
    "en": "the notification"
  },
  "csv": {
    "vi": "tệp sao kê",
    "en": "the statement file"
  },
  "resolution": {
    "vi": "cách xử lý",
    "en": "the decision"
  },
  "priority": {
    "vi": "loại ưu tiên",
    "en": "the priority"
  },
  "phone": {
    "vi": "số điện thoại",
    "en": "the phone number"
  },
  "channel": {
    "vi": "kênh nhắn tin",
    "en": "the message channel"
  },
  "consent": {
    "vi": "sự đồng ý nhận tin",
    "en": "the consent"
  },
  "threshold": {
    "vi": "ngưỡng cảnh báo",
    "en": "the threshold"
  },
  "notify_phone": {
    "vi": "số điện thoại nhận cảnh báo",
    "en": "the phone for alerts"
  },
  "enabled": {
    "vi": "bật hay tắt",
    "en": "on or off"
  },
  "version": {
    "vi": "phiên bản bản ghi",
    "en": "the record's version"
  },
  "alert_kind": {
    "vi": "loại cảnh báo",
    "en": "the kind of alert"
  },
  "cmis_version": {
    "vi": "phiên bản CMIS",
    "en": "the CMIS version"
  },
  "collection_point": {
    "vi": "mã phòng thu",
    "en": "the hall's code"
  },
  "counters": {
    "vi": "các quầy được làm",
    "en": "the counters they may use"
  },
  "einvoice_lookup_url": {
    "vi": "địa chỉ tra cứu hoá đơn điện tử",
    "en": "the e-invoice lookup address"
  },
  "min_length": {
    "vi": "độ dài tối thiểu",
    "en": "the least length"
  },
  "new_password": {
    "vi": "mật khẩu mới",
    "en": "the new password"
  },
  "paper_invoices": {
    "vi": "dùng hoá đơn giấy",
    "en": "paper invoices"
  },
  "params": {
    "vi": "thông số vận hành",
    "en": "the operating parameters"
  },
  "policy": {
    "vi": "quy định mật khẩu",
    "en": "the password policy"
  },
  "slip_printer": {
    "vi": "máy in phiếu đóng cắt",
    "en": "the slip printer"
  },
  "verb": {
    "vi": "thao tác",
    "en": "the action"
  },
  "what": {
    "vi": "loại thử",
    "en": "what to test"
  },
  "view": {
    "vi": "màn hình theo dõi",
    "en": "the view"
  }
};
