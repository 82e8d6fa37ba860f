"""Every error code the hall can answer with, and its words: (Vietnamese, English).

Written for the person who reads it: what happened, then what to do. Fields come from
the error's ``details`` (see qms/words/format.py for ``:money`` and the other kinds).
A test (tests/test_words.py) fails when a code raised anywhere in qms has no entry here.
"""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
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
    "metrics_off": (
        "Số liệu giám sát (/metrics) đang tắt. Quản trị viên đặt server.metrics_token trong config.yaml rồi khởi động lại.",
        "Metrics (/metrics) are off. An administrator sets server.metrics_token in config.yaml and restarts the server.",
    ),
    "metrics_token_wrong": (
        "Thiếu hoặc sai mã truy cập số liệu giám sát. Gửi tiêu đề Authorization: Bearer với giá trị server.metrics_token.",
        "The metrics token is missing or wrong. Send the header Authorization: Bearer with the value of server.metrics_token.",
    ),
}
