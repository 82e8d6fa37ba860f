"""Every status a person sees (on a page, a slip, a CSV or PDF report), by group:
(Vietnamese, English). Programs keep the codes; people read these. A test
(tests/test_words.py) fails when a value the code stores or shows has no entry."""

from __future__ import annotations

STATUSES: dict[str, dict[str, tuple[str, str]]] = {
    # a ticket (Ticket.status)
    "ticket": {
        "waiting": ("Đang chờ", "Waiting"),
        "serving": ("Đang phục vụ", "Serving"),
        "parked": ("Tạm chờ", "Parked"),
        "no_show": ("Vắng mặt", "No-show"),
        "done": ("Xong", "Done"),
    },
    # the paper of an invoice at the lookup counters (TicketInvoice.lookup_status)
    "lookup": {
        "pending": ("Chờ tìm", "To find"),
        "found": ("Đã có", "Found"),
        "deferred": ("Tìm sau", "Later"),
        "missing": ("Thất lạc", "Missing"),
        # an e-invoice branch's invoice: no paper to find, ready at once (docs/einvoice.md)
        "none": ("Hoá đơn điện tử", "E-invoice"),
    },
    # an invoice on a ticket (TicketInvoice.pay_status)
    "pay": {
        "unpaid": ("Chưa thu", "Unpaid"),
        "paid": ("Đã thu", "Paid"),
        "returned": ("Trả lại", "Returned"),
        "paid_elsewhere": ("Đã trả nơi khác", "Paid elsewhere"),
        "moved": ("Đã chuyển sang vé khác", "Moved to another ticket"),
    },
    # a payment and its way to CMIS (Payment.status)
    "payment": {
        "pending": ("Chờ CMIS xác nhận", "Awaiting CMIS"),
        "confirmed": ("CMIS đã xác nhận", "Confirmed by CMIS"),
        "refused": ("CMIS từ chối", "Refused by CMIS"),
        "reversal_pending": ("Chờ CMIS huỷ", "Reversal awaiting CMIS"),
        "reversed": ("Đã huỷ", "Reversed"),
    },
    # who took a payment when no person did (Payment.cashier): a ticket's QR paid before
    # its number was called (qms.domain.bank.takings.WHILE_WAITING)
    "taken_by": {
        "bank:vietqr": ("Chuyển khoản khi chờ", "Paid by QR while waiting"),
    },
    # why a payment is not (yet) confirmed, by the code that opens its stored error
    # (qms.workers.poster): CMIS's refusal codes, then the hall's own situations
    "payment_error": {
        "051": (
            "Khách đã thanh toán nơi khác (ngân hàng, điểm thu hộ): trả lại tiền cho khách, trả hoá đơn về kho.",
            "Paid elsewhere (bank, payment network): refund the customer, return the paper.",
        ),
        "021": (
            "CMIS báo còn kỳ cũ hơn chưa thanh toán: kiểm tra nợ cũ của khách với CMIS.",
            "CMIS says an older period is unpaid: check the customer's older debts with CMIS.",
        ),
        "022": (
            "CMIS báo các kỳ không liền nhau: kiểm tra nợ của khách với CMIS.",
            "CMIS says the periods are not consecutive: check the customer's debts with CMIS.",
        ),
        "031": (
            "Số tiền khác với CMIS: kiểm tra tổng tiền các hoá đơn với CMIS.",
            "The amount differs from CMIS: check the invoices' totals with CMIS.",
        ),
        "refused": (
            "CMIS từ chối khoản thu: kiểm tra nợ của khách với CMIS.",
            "CMIS refused the payment: check the customer's debts with CMIS.",
        ),
        "in_doubt": (
            "CMIS chưa trả lời dứt khoát: hệ thống sẽ hỏi lại, chưa cần làm gì.",
            "CMIS has not decided yet: the hall asks again; nothing to do yet.",
        ),
        "reverted": ("CMIS ghi giao dịch này đã bị huỷ.", "CMIS shows this transaction reversed."),
        "wait_earlier": (
            "Chờ CMIS xác nhận khoản thu trước của khách, rồi gửi khoản này.",
            "Waiting for this customer's earlier payment to be settled with CMIS, then this one is sent.",
        ),
        "reversal_refused": (
            "CMIS không nhận lệnh huỷ: khoản thu vẫn còn; báo thủ quỹ kiểm tra với CMIS.",
            "CMIS did not take the reversal: the payment stands; ask the head cashier to check with CMIS.",
        ),
    },
    # what CMIS says of one of our transactions (integrations.cmis.base.PaymentState)
    "cmis_state": {
        "BILLING": ("Đã ghi nhận", "Booked"),
        "REVERT": ("Đã huỷ", "Reversed"),
        "NOT_FOUND": ("Không có", "Not found"),
        "IN_DOUBT": ("Chưa rõ", "In doubt"),
    },
    # a cashier's drawer of the day ("none": not opened yet)
    "drawer": {
        "none": ("Chưa mở", "Not open"),
        "open": ("Đang mở", "Open"),
        "pending_approval": ("Chờ duyệt chênh lệch", "Awaiting approval"),
        "closed": ("Đã đóng", "Closed"),
    },
    # cash handed between two cashiers (MoneyMovement.status)
    "movement": {
        "hanging": ("Đang treo", "Hanging"),
        "mismatch": ("Lệch số tiền", "Mismatch"),
        "matched": ("Đã khớp", "Matched"),
        "cancelled": ("Đã huỷ", "Cancelled"),
    },
    # why a paper went back unpaid, or a ticket was finished with invoices unpaid
    "reason": {
        "not_enough_money": ("Khách không đủ tiền", "Not enough money"),
        "fewer_periods": ("Khách trả ít kỳ hơn", "Paid fewer periods"),
        "customer_left": ("Khách bỏ về", "Customer left"),
        "paid_elsewhere": ("Đã trả nơi khác", "Paid elsewhere"),
        "paper_missing": ("Không tìm thấy hoá đơn giấy", "Paper invoice not found"),
        "paid_qr": ("Đã chuyển khoản khi chờ", "Paid by QR while waiting"),
        "other": ("Lý do khác", "Other"),
    },
    # what stops a drawer or the day from closing (qms/domain/closing.py)
    "blocker": {
        "movement_hanging": ("Chuyển tiền chờ bên kia khai báo", "Money movement hangs"),
        "movement_mismatch": ("Chuyển tiền lệch số tiền", "Money movement disagrees"),
        "reversal_pending": ("Lệnh huỷ khoản thu chờ CMIS", "Reversal awaiting CMIS"),
        "invoices_not_returned": ("Hoá đơn giấy chưa thu, chưa trả lại", "Papers not returned"),
        "ticket_held": ("Vé còn ở quầy", "Ticket still at a counter"),
        "drawer_open": ("Két còn mở", "Drawer still open"),
        "drawer_pending_approval": ("Két chờ duyệt chênh lệch", "Drawer awaiting approval"),
        "payments_unconfirmed": ("Khoản thu chờ CMIS xác nhận", "Payments not confirmed"),
        "reconciliation_open": ("Đối soát CMIS còn chênh lệch", "Reconciliation open"),
        "bank_exceptions_open": (
            "Tiền chuyển khoản chờ thủ quỹ quyết định",
            "Bank credits awaiting a decision",
        ),
        "statement_unmatched": ("Dòng sao kê chưa khớp", "Statement lines unmatched"),
        "statement_missing": ("Chưa nhập sao kê ngân hàng", "Bank statement not imported"),
    },
    # how a payment was made (Payment.method; docs/noncash.md)
    "method": {
        "cash": ("Tiền mặt", "Cash"),
        "vietqr": ("Chuyển khoản VietQR", "VietQR transfer"),
    },
    # a credit the bank notified (BankCredit.status)
    "credit": {
        "applied": ("Đã gạch nợ", "Applied"),
        "exception": ("Chờ xử lý", "Exception"),
        "resolved": ("Đã xử lý", "Resolved"),
    },
    # why a credit was not applied (BankCredit.reason)
    "credit_reason": {
        "currency": ("Không phải tiền đồng", "Not in đồng"),
        "wrong_account": ("Không phải tài khoản của phòng thu", "Not the hall's account"),
        "unknown_reference": ("Không rõ mã tham chiếu", "Unknown reference"),
        "other_day": ("Mã QR của ngày khác", "A QR of another day"),
        "day_closed": ("Ngày đã chốt", "Day already closed"),
        "already_paid": ("Hoá đơn đã được thu trước đó", "Invoices already paid"),
        "invoices_changed": ("Hoá đơn đã thay đổi", "Invoices changed"),
        "short": ("Chuyển thiếu", "Short"),
        "over": ("Chuyển thừa", "Over"),
    },
    # the head cashier's decision on a credit (BankCredit.resolution)
    "credit_resolution": {
        "refunded": ("Đã hoàn tiền", "Refunded"),
        "applied": ("Đã áp dụng", "Applied by hand"),
        "other": ("Xử lý khác", "Other"),
    },
    # a line of an imported bank statement (StatementLine.status)
    "statement_line": {
        "matched": ("Khớp", "Matched"),
        "unmatched": ("Chưa khớp", "Unmatched"),
        "cleared": ("Không phải tiền thu (đã ghi chú)", "Cleared with a note"),
    },
    # where a VietQR was offered (QrRequest.source / status)
    "qr_source": {
        "ticket": ("In trên phiếu", "Printed on the ticket"),
        "counter": ("Tại quầy", "At the counter"),
    },
    "qr_status": {
        "open": ("Chờ thanh toán", "Awaiting payment"),
        "paid": ("Đã thanh toán", "Paid"),
    },
    # day-end reconciliation with CMIS (qms/domain/reconcile.py)
    "reconcile": {
        "matched": ("Khớp", "Matched"),
        "only_ours": ("Chỉ có ở quầy", "Only ours"),
        "only_cmis": ("Chỉ có ở CMIS", "Only at CMIS"),
        "amount_differs": ("Lệch số tiền/trạng thái", "Differs"),
        "booked_next_day": ("CMIS ghi sang ngày sau", "Booked the next day"),
        "from_day_before": ("Của ngày hôm trước", "From the day before"),
    },
    # why a reconciliation row differs
    "why": {
        "status": ("Lệch trạng thái", "Status differs"),
        "amount": ("Lệch số tiền", "Amount differs"),
        "invoices": ("Lệch hoá đơn", "Invoices differ"),
    },
    # the kind of a counter; a lookup counter by its parity
    "counter_kind": {
        "reception": ("Tiếp nhận", "Reception"),
        "lookup": ("Tra cứu", "Lookup"),
        "lookup_even": ("Tra cứu (chẵn)", "Lookup (even)"),
        "lookup_odd": ("Tra cứu (lẻ)", "Lookup (odd)"),
        "cashier": ("Thu ngân", "Cashier"),
    },
    "parity": {
        "even": ("chẵn", "even"),
        "odd": ("lẻ", "odd"),
    },
    # a person's role (qms/usecases/auth.py ROLES) and a device's (DEVICE_ROLES)
    "role": {
        "reception": ("Tiếp nhận", "Reception"),
        "lookup": ("Tra cứu hoá đơn", "Lookup"),
        "cashier": ("Thu ngân", "Cashier"),
        "head_cashier": ("Thủ quỹ", "Head cashier"),
        "supervisor": ("Giám sát", "Supervisor"),
        "admin": ("Quản trị công ty", "Company admin"),
        "field_leader": ("Đội trưởng công tác", "Field team leader"),
        "crew": ("Tổ công tác", "Field crew"),
        "branch_admin": ("Quản trị chi nhánh", "Branch admin"),
        "finance": ("Quản lý tài chính", "Finance manager"),
        "kiosk": ("Máy lấy số", "Kiosk"),
        "display": ("Màn hình phòng chờ", "Hall display"),
        "agent": ("Máy điều khiển thiết bị", "Hall agent"),
    },
    # a print or LED job (DeviceJob.status, DeviceJob.kind)
    "job": {
        "queued": ("Chờ gửi", "Queued"),
        "sending": ("Đang gửi", "Sending"),
        "done": ("Đã xong", "Done"),
        "in_doubt": ("Chưa rõ đã in chưa", "In doubt"),
    },
    "job_kind": {
        "print": ("In", "Print"),
        "led": ("Bảng LED", "LED board"),
    },
    # a report's level (qms/usecases/reports.py LEVELS)
    "level": {
        "company": ("Toàn công ty", "Company"),
        "branch": ("Chi nhánh", "Branch"),
        "hall": ("Điểm thu", "Hall"),
    },
    # a priority customer's kind (Ticket.priority, docs/priority.md)
    "priority": {
        "elderly": ("Người cao tuổi", "Elderly"),
        "disabled": ("Người khuyết tật", "Disabled"),
        "pregnant": ("Phụ nữ mang thai", "Pregnant"),
        "child": ("Người bế con nhỏ", "With a small child"),
    },
    # the two lanes of the call order, in the statistics and reports (docs/priority.md)
    "lane": {
        "priority": ("Ưu tiên", "Priority"),
        "normal": ("Thường", "Other"),
    },
    # a message to a customer's phone (OutMessage.status, .kind; docs/notify.md)
    "message": {
        "queued": ("Chờ gửi", "Queued"),
        "sent": ("Đã gửi", "Sent"),
        "failed": ("Gửi không được", "Failed"),
        "dropped": ("Bỏ (không cần nữa)", "Dropped"),
    },
    "message_kind": {
        "near": ("Sắp đến lượt", "Turn is near"),
        "called": ("Được gọi", "Called"),
    },
    # a notice given with a ticket (qms/domain/tickets.py)
    "notice": {
        "taken_over": ("Khách quay lại: hoá đơn chuyển sang vé mới", "Customer back: taken over"),
    },
    # a yes/no cell in a report
    "bool": {
        "true": ("Có", "Yes"),
        "false": ("Không", "No"),
    },
    # a print job, as the printing pages say it (DeviceJob.status of a print job)
    "print_job": {
        "queued": ("Chờ in", "Waiting to print"),
        "sending": ("Đang in", "Printing"),
        "done": ("Đã in", "Printed"),
        "in_doubt": ("Chưa rõ đã in chưa", "In doubt"),
    },
    # field work (docs/field.md): an order's kind and status (FieldOrder)
    "field_kind": {
        "cut": ("Cắt điện", "Cut"),
        "reconnect": ("Đóng điện lại", "Reconnect"),
    },
    "field_status": {
        "open": ("Chưa giao", "Not assigned"),
        "assigned": ("Đã giao tổ", "Assigned"),
        "done": ("Đã làm", "Done"),
        "not_done": ("Chưa làm được", "Not done"),
        "cancelled": ("Đã huỷ", "Cancelled"),
    },
    # why an order was not done (typed by the crew) or was cancelled (FieldOrder.reason)
    "field_reason": {
        "paid_on_spot": ("Khách trả tiền tại chỗ", "Paid on the spot"),
        "absent": ("Khách vắng nhà", "Customer absent"),
        "inaccessible": ("Không tiếp cận được công tơ", "Meter inaccessible"),
        "refused": ("Khách không cho cắt", "Refused"),
        "wrong_address": ("Sai địa chỉ", "Wrong address"),
        "paid_at_counter": ("Khách đã nộp tiền tại quầy", "Paid at the counter"),
        "paid_meanwhile": ("Khách đã thanh toán (CMIS không còn nợ quá hạn)", "Paid meanwhile"),
        "paid_elsewhere": ("Khách đã thanh toán nơi khác", "Paid elsewhere"),
        "off_list": ("CMIS đã rút khỏi danh sách cắt", "No longer on CMIS's list"),
        "withdrawn": ("Đội trưởng huỷ lệnh", "Withdrawn by the team leader"),
    },
    "field_round": {
        "open": ("Đang làm", "Open"),
        "closed": ("Đã khoá sổ", "Closed"),
    },
    # a supply change reported to CMIS (SupplyChange.status) and the supply itself
    "supply_change": {
        "pending": ("Chờ gửi CMIS", "Waiting for CMIS"),
        "posted": ("CMIS đã nhận", "Taken by CMIS"),
        "refused": ("CMIS từ chối", "Refused by CMIS"),
    },
    "supply": {
        "CUT": ("Đã cắt điện", "Cut"),
        "CONNECTED": ("Đang có điện", "Connected"),
    },
    # the year-end inventory (docs/inventory.md)
    "inventory": {
        "open": ("Đang kiểm kê", "Open"),
        "closed": ("Đã kết thúc", "Closed"),
    },
    "inventory_book": {
        "waiting": ("Chưa đếm", "Not started"),
        "counting": ("Đang đếm", "Counting"),
        "counted": ("Đã đếm xong", "Counted"),
    },
    # a difference of the inventory record, and what it asks of the hall
    "inventory_difference": {
        "missing": ("Thiếu", "Missing"),
        "at_counter": ("Đang ở quầy", "At a counter"),
        "paid_here": ("Thừa: đã thu tại phòng", "Extra: paid here"),
        "not_owed": ("Thừa: CMIS không còn nợ", "Extra: not owed at CMIS"),
        "unknown": ("Thừa: không rõ hoá đơn", "Extra: unknown"),
        "double": ("Quét trùng", "Scanned twice"),
    },
    "inventory_action": {
        "missing": ("Tìm lại; không thấy thì báo mất", "Look for it; if not found, report it lost"),
        "at_counter": ("Lấy lại từ quầy về giá", "Fetch it back from the counter"),
        "paid_here": ("Đã thu: chuyển về bộ phận hoá đơn", "Paid: return it to invoice records"),
        "not_owed": (
            "Đã thanh toán nơi khác: chuyển về bộ phận hoá đơn",
            "Paid elsewhere: return it to invoice records",
        ),
        "unknown": (
            "CMIS và sổ sách phòng thu không biết tờ này: xác định sổ của nó, báo bộ phận hoá đơn",
            "Unknown to CMIS and the hall's records: find its book, tell invoice records",
        ),
        "double": ("Đã tính một lần", "Counted once"),
    },
    # alerts (docs/alerts.md): the kinds of rule, and what a raised alert says
    "alert": {
        "wait_over": ("Khách chờ quá lâu", "Waiting too long"),
        "closed_while_queue": (
            "Quầy thu không có người khi hàng chờ dài",
            "Cashier counter unstaffed while the queue is long",
        ),
        "payment_unposted": ("Khoản thu chưa vào CMIS", "Payment not yet in CMIS"),
        "device_offline": ("Máy in, bảng LED không hoạt động", "Printer or LED board offline"),
        "drawer_difference": ("Két lệch tiền", "Drawer difference"),
        "day_not_closed": ("Chưa khoá sổ ngày", "Day not closed"),
    },
    "alert_status": {
        "open": ("Chưa xác nhận", "Not acknowledged"),
        "acked": ("Đã xác nhận", "Acknowledged"),
        "cleared": ("Đã hết", "Cleared"),
    },
    "alert_says": {
        "wait_over": (
            "Vé số {number} đã chờ {value} phút (ngưỡng {threshold} phút). Mở thêm quầy thu.",
            "Ticket {number} has waited {value} min (threshold {threshold} min). Open another "
            "cashier counter.",
        ),
        "closed_while_queue": (
            "{value} vé đang chờ mà quầy {counters:list} không có người (ngưỡng {threshold} vé). "
            "Cử thu ngân vào quầy.",
            "{value} tickets wait while counter {counters:list} is unstaffed (threshold "
            "{threshold}). Send a cashier to the counter.",
        ),
        "payment_unposted": (
            "{count} khoản thu chưa được CMIS xác nhận, lâu nhất {value} phút (ngưỡng {threshold} "
            "phút). Xem tình trạng CMIS.",
            "{count} payments not confirmed by CMIS, the oldest for {value} min (threshold "
            "{threshold} min). Check CMIS's health.",
        ),
        "device_offline": (
            "{subject} chưa in, chưa hiện được {value} phút (ngưỡng {threshold} phút). Kiểm tra "
            "máy in, giấy và máy trạm phòng thu.",
            "{subject} has not printed or shown for {value} min (threshold {threshold} min). "
            "Check the printer, its paper and the hall agent.",
        ),
        "drawer_difference": (
            "Két quầy {subject} ({cashier_name}) lệch {value:money} (ngưỡng {threshold:money}). "
            "Đếm lại hoặc duyệt chênh lệch.",
            "The drawer of counter {subject} ({cashier_name}) differs by {value:money} "
            "(threshold {threshold:money}). Count again or approve the difference.",
        ),
        "day_not_closed": (
            "Ngày {day:date} chưa khoá sổ lúc {threshold} giờ. Đối soát và khoá sổ ngày.",
            "The day {day:date} is not closed at {threshold}:00. Reconcile and close the day.",
        ),
    },
}
