"""重管轻用: the use of venues per street or district, the cold venues (under the threshold every
week of the window) and the centres whose month's plan is missing, for street and district staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from quanyu.core.params import parse_int
from quanyu.venues import conf, selectors
from quanyu.venues.access import READERS
from quanyu.venues.usage import plans_missing_for, usage_rollup
from quanyu.web.venues.views import _require, date_formats


@login_required
def usage_page(request: HttpRequest) -> HttpResponse:
    _require(request, READERS)
    weeks = parse_int(request.GET.get("weeks"), lo=1, hi=26) or conf.get("VENUES_COLD_WEEKS")
    level = "district" if request.GET.get("level") == "district" else "street"
    rows = selectors.usage_for(actor=request.user, weeks=weeks)
    cold = sorted((r for r in rows if r["cold"]), key=lambda r: (r["hours"], r["venue"].name))
    return render(
        request,
        "web/venues/usage.html",
        {
            "weeks": weeks,
            "level": level,
            "threshold": conf.get("VENUES_COLD_HOURS_PER_WEEK"),
            "venues": len(rows),
            "cold_count": len(cold),
            "areas": usage_rollup(rows, level=level),
            "cold": cold[:200],
            "busiest": sorted((r for r in rows if r["hours"]), key=lambda r: -r["hours"])[:10],
            "plans": plans_missing_for(actor=request.user, month=timezone.localdate()),
            "fmt": date_formats(),
        },
    )
