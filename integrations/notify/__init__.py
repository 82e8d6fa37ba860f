"""Messages to customers' phones: the gateway interface, its SMS and Zalo ZNS adapters,
and a local simulator (docs/notify.md)."""
