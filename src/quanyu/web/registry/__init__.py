"""The registry pages (areas, units, party organisations): views and routes."""
