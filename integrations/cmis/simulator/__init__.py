"""A CMIS simulator: deterministic demo data, a rule-enforcing ledger, fault injection."""
