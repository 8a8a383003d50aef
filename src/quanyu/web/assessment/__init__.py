"""The assessment pages (ranking, drill-down, bulletins): views and routes."""
