"""Cross-cutting web parts: templating, conditional requests, HTMX helpers, errors, security headers."""
