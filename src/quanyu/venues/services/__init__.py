"""State changes of the venues domain, one function per step (docs/WORKFLOWS.md §5):
``register`` (venues, rooms), ``bookings`` (request, series, decide, use, sweep), ``standards``
(profiles), ``plans`` (monthly activity plans)."""
