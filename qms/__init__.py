"""qms: queue management and counters for an electricity bill-payment hall."""

__version__ = "0.1.0"
