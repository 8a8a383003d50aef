"""Indicator-based assessment: the provider registry (``registry``), the providers each app
contributes (``providers/<app>.py``), the scoring rules (``rules``), the computation of a period
(``compute``), who may do what (``access``), events, services and selectors."""
