"""A local notification gateway for the embedded default and the tests (docs/notify.md)."""
