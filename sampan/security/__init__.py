"""Keeping the admin safe: the sign-in with lockout and two-step codes, and `sampan check-deploy` (docs/security.md)."""
