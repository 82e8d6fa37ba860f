"""Pay by VietQR (docs/noncash.md): the QR a customer scans, the bank's credits that pay
it (or wait as exceptions for the head cashier), and the bank statement they are
reconciled against before the day closes."""
