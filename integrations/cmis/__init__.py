"""CMIS integration: the project-side types (base), adapters (v2) and a simulator."""
