"""A bank that stands in for the hall's real one: customers pay by VietQR or by a typed
transfer, the bank notifies the hall (signed, retried, with faults on demand) and serves
the day's statement (sao kê) as its internet banking exports it. docs/bank-simulator.md."""
