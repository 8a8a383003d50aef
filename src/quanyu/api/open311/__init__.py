"""Open311 GeoReport v2 under ``/open311/v2/`` (https://wiki.open311.org/GeoReport_v2).

* ``GET services.{json|xml}`` — the catalogue items published as Open311 services;
* ``GET services/{service_code}.{fmt}`` — a service definition (attributes);
* ``POST requests.{fmt}`` — create a service request (``api_key`` required), filed as a ticket of
  channel ``open311`` through ``quanyu.tickets.services.ticket_create``;
* ``GET requests.{fmt}`` — service requests of the published services (filters
  ``service_request_id``, ``service_code``, ``start_date``, ``end_date``, ``status``; by default
  the last 90 days, at most 1000, newest first);
* ``GET requests/{service_request_id}.{fmt}``.

Errors are ``<errors><error><code>…</code><description>…</description></error></errors>`` (JSON:
a list of ``{code, description}``) with HTTP 400, 403 or 404. Contact data are never published.

Mapping of a POST: ``lat``/``long`` (WGS-84) locate the ticket; with only ``address_string`` the
ticket goes to the client's own area when that is a street, community or grid (no geocoding).
``first_name``/``last_name``/``phone`` become the (encrypted) contact; ``email``, ``device_id`` and
``account_id`` are not stored. ``media_url`` is appended to the text as a link (never fetched);
uploaded ``media`` files become photos. ``attribute[materials][]`` lists the materials of a
one-window item. A successful POST answers 200.
"""
