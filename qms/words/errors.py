"""Every error code the hall can answer with, and its words: (Vietnamese, English).

Written for the person who reads it: what happened, then what to do. Fields come from
the error's ``details`` (see qms/words/format.py for ``:money`` and the other kinds).
A test (tests/test_words.py) fails when a code raised anywhere in qms has no entry here.
"""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
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
