"""The year-end inventory (docs/inventory.md): a committee counts the paper invoices held
in the racks, book by book, against CMIS's unpaid invoices of those books and the hall's
own records of papers out at a counter, and counts the cash. Each scan is one small
transaction, so no scan is lost and a session survives a restart."""
