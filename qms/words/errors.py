"""Every error code the hall can answer with, and its words: (Vietnamese, English).

Written for the person who reads it: what happened, then what to do. Fields come from
the error's ``details`` (see qms/words/format.py for ``:money`` and the other kinds).
A test (tests/test_words.py) fails when a code raised anywhere in qms has no entry here.
"""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    "unsupported_media_type": (
        "Yêu cầu phải gửi dạng JSON (Content-Type: application/json), không phải {content_type}. Gửi lại bằng JSON.",
        "Send this request as JSON (Content-Type: application/json), not {content_type}. Send it again as JSON.",
    ),
    "session_ended": (
        "Phiên làm việc đã kết thúc (đã đăng xuất, đổi mật khẩu hoặc tài khoản bị khoá). Đăng nhập lại.",
        "This session has ended (signed out, password changed or account disabled). Sign in again.",
    ),
    "weak_password": (
        "Mật khẩu phải có ít nhất 6 ký tự. Chọn mật khẩu dài hơn.",
        "A password has at least 6 characters. Choose a longer one.",
    ),
    "wrong_password": (
        "Mật khẩu hiện tại không đúng. Nhập lại mật khẩu đang dùng.",
        "The current password is wrong. Type the password you use now again.",
    ),
    "unknown_user": (
        "Không có người dùng {user} ở chi nhánh này. Kiểm tra lại tên đăng nhập.",
        "There is no user {user} in this branch. Check the username.",
    ),
    "nothing_to_find": (
        "Khách {customer} không còn hoá đơn nào cần tìm trên vé {ticket} ở quầy này. Chọn dòng khác.",
        "Customer {customer} has no paper left to find on ticket {ticket} at this counter. Pick another row.",
    ),
    "too_many_followers": (
        "Đã có {limit} trang theo dõi vé này. Đóng bớt một trang rồi thử lại.",
        "{limit} pages already follow this ticket. Close one and try again.",
    ),
    "tendered_short": (
        "Tiền khách đưa {tendered:money} ít hơn số phải thu {amount:money}. Nhập lại số tiền khách đưa.",
        "Tendered {tendered:money} is less than the amount {amount:money}. Type the tendered amount again.",
    ),
    "receipt_not_reprintable": (
        "Khoản thu {txn} đang ở trạng thái {status}: biên nhận không còn giá trị, không in lại được.",
        "Payment {txn} is {status}: its receipt no longer stands and is not printed again.",
    ),
    "no_printer": (
        "Quầy {counter} không có máy in biên nhận: báo giám sát viên kiểm tra cấu hình máy in.",
        "Counter {counter} has no receipt printer: ask the supervisor to check the printer setup.",
    ),
    "invalid_note_count": (
        "Bảng kê không hợp lệ ở {field}: mỗi mệnh giá ghi số tờ, số nguyên từ 0 trở lên. Sửa lại số tờ.",
        "The count by note is not valid at {field}: give each note's number of notes, a whole number from 0. Correct the count.",
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
}
