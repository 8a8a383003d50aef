"""Two-factor log-in (TOTP) pages: views and routes."""
