"""The wishes pages: ``wall`` (public wall and claiming), ``resident`` (posting, my wishes, my claims,
my record, photos), ``desk`` (staff: the review queue, posting on behalf, a wish's page and steps)."""
