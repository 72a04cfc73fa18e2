"""The site's Ed25519 signing key and the records it signs."""
