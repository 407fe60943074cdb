"""The CRM integration API: versioned, read-only, per-client tokens with scopes."""
