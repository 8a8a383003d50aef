"""Venues (阵地): party-mass service centres, stations and shared venues, their standards, coverage,
bookings and monthly activity plans (PRODUCT.md capability F, issue 15)."""
