"""GCJ-02 / BD-09 ↔ WGS-84 conversion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quanyu.core.geo import (
    bd09_to_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china,
    to_wgs84,
    wgs84_to_gcj02,
)

# Published pairs for (116.404, 39.915), Tiananmen, from the README test of the widely used
# wandergis/coordtransform library (test/app.js). Its BD-09 → GCJ-02 is the closed-form
# approximation (~0.2 m off); ours refines it to the exact inverse, hence the looser tolerance there.
LON, LAT = 116.404, 39.915
WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)


def test_published_wgs84_to_gcj02():
    assert np.allclose(wgs84_to_gcj02(LON, LAT), WGS84_TO_GCJ02, rtol=0, atol=1e-12)


def test_published_gcj02_to_bd09():
    assert np.allclose(gcj02_to_bd09(LON, LAT), GCJ02_TO_BD09, rtol=0, atol=1e-12)


def test_published_bd09_to_gcj02_within_a_decimetre():
    assert np.allclose(bd09_to_gcj02(LON, LAT), BD09_TO_GCJ02, rtol=0, atol=1e-6)


def test_offset_is_hundreds_of_metres_in_china():
    glon, glat = wgs84_to_gcj02(121.40, 37.54)  # Yantai
    offset = np.hypot(glon - 121.40, glat - 37.54)
    assert 0.001 < offset < 0.01


china = st.tuples(st.floats(73.7, 134.9), st.floats(18.2, 53.5))


@settings(max_examples=300, deadline=None)  # a busy CI machine must not turn a slow example into a failure
@given(china)
def test_gcj02_round_trip(point):
    lon, lat = point
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.allclose(back, (lon, lat), rtol=0, atol=1e-6)
    assert np.allclose(to_wgs84(*wgs84_to_gcj02(lon, lat), "gcj02"), (lon, lat), rtol=0, atol=1e-6)


@settings(max_examples=300, deadline=None)  # a busy CI machine must not turn a slow example into a failure
@given(china)
def test_bd09_round_trip(point):
    lon, lat = point
    bd = gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    assert np.allclose(to_wgs84(*bd, "bd09"), (lon, lat), rtol=0, atol=1e-6)
    assert np.allclose(gcj02_to_bd09(*bd09_to_gcj02(*bd)), bd, rtol=0, atol=1e-6)


def test_round_trips_vectorised_over_china():
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(73.7, 134.9, 50_000), rng.uniform(18.2, 53.5, 50_000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    for crs, (x, y) in {"gcj02": (glon, glat), "bd09": gcj02_to_bd09(glon, glat)}.items():
        wx, wy = to_wgs84(x, y, crs)
        assert np.abs(wx - lon).max() < 1e-6, crs
        assert np.abs(wy - lat).max() < 1e-6, crs


@pytest.mark.parametrize(
    ("lon", "lat"), [(2.35, 48.86), (-74.0, 40.7), (139.69, 35.69), (151.2, -33.9), (60.0, 40.0)]
)
def test_points_outside_china_are_unchanged(lon, lat):
    assert not in_china(lon, lat)
    assert np.allclose(wgs84_to_gcj02(lon, lat), (lon, lat), rtol=0, atol=0)
    assert np.allclose(to_wgs84(lon, lat, "gcj02"), (lon, lat), rtol=0, atol=0)


def test_wgs84_passes_through_and_shapes_are_kept():
    lon = np.array([[121.4, 121.41], [121.42, 121.43]])
    lat = np.full((2, 2), 37.54)
    x, y = to_wgs84(lon, lat, "wgs84")
    assert np.array_equal(x, lon) and np.array_equal(y, lat)
    for crs in ("gcj02", "bd09"):
        assert to_wgs84(lon, lat, crs)[0].shape == (2, 2)


def test_nan_stays_nan():
    x, _ = to_wgs84([np.nan], [37.5], "gcj02")
    assert np.isnan(x).all()


@pytest.mark.parametrize("crs", ["WGS84", "epsg:4326", "", "bd-09"])
def test_unknown_crs_is_a_value_error(crs):
    with pytest.raises(ValueError, match="unknown crs"):
        to_wgs84(121.4, 37.5, crs)
