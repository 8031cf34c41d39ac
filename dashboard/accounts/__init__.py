"""Accounts: roles (the permission table), authentication, the audit log."""
