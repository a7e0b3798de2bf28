"""The reference, handed in as a password-protected zip: refused with a message that says so."""
