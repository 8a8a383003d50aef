"""Routes and menu entries of the wishes pages (added to the list in ``web/urls.py``)."""

from django.urls import path
from django.utils.translation import pgettext_lazy

from quanyu.core.roles import Role
from quanyu.web.nav import NavItem, register
from quanyu.web.wishes.views import desk, resident, wall
from quanyu.wishes.access import POSTERS, STAFF

urlpatterns = [
    path("wishes/wall/", wall.wall, name="wish_wall"),
    path("wishes/wall/export.xlsx", wall.wall_export, name="wish_wall_export"),
    path("wishes/manage/export.xlsx", desk.manage_export, name="wish_manage_export"),
    path("wishes/claims/export.xlsx", resident.claims_export, name="wish_claims_export"),
    path("wishes/wall/<int:pk>/", wall.wall_detail, name="wish_wall_detail"),
    path("wishes/wall/<int:pk>/claim/", wall.wall_claim, name="wish_claim"),
    path("wishes/new/", resident.wish_new, name="wish_new"),
    path("wishes/mine/", resident.wish_mine, name="wish_mine"),
    path("wishes/claims/", resident.claim_list, name="wish_claims"),
    path("wishes/claims/<int:pk>/reassign/", desk.claim_reassign, name="wish_claim_reassign"),
    path("wishes/claims/<int:pk>/<str:step>/", resident.claim_step, name="wish_claim_step"),
    path("wishes/record/", resident.record, name="wish_record"),
    path("wishes/photos/<int:pk>/", resident.photo, name="wish_photo"),
    path("wishes/manage/", desk.manage, name="wish_manage"),
    path("wishes/manage/behalf/", desk.behalf, name="wish_behalf"),
    path("wishes/rankings/", desk.rankings, name="wish_rankings"),
    path("wishes/<int:pk>/", desk.detail, name="wish_detail"),
    path("wishes/<int:pk>/<str:step>/", desk.wish_step, name="wish_step"),
]

CLAIMANTS = frozenset({Role.PARTY_MEMBER, Role.RESIDENT, Role.BUILDING_HEAD})

register(
    NavItem(
        key="wish_wall",
        group="people",
        label=pgettext_lazy("nav", "心愿墙"),
        url_name="web:wish_wall",
        order=60,
        also_current=frozenset({"web:wish_wall_detail"}),
    ),
    NavItem(
        key="wish_new",
        group="people",
        label=pgettext_lazy("nav", "我要许愿"),
        url_name="web:wish_new",
        roles=POSTERS,
        order=61,
    ),
    NavItem(
        key="wish_mine",
        group="people",
        label=pgettext_lazy("nav", "我的心愿"),
        url_name="web:wish_mine",
        roles=POSTERS,
        order=62,
    ),
    NavItem(
        key="wish_claims",
        group="people",
        label=pgettext_lazy("nav", "我认领的心愿"),
        url_name="web:wish_claims",
        roles=CLAIMANTS,
        order=63,
        also_current=frozenset({"web:wish_record"}),
    ),
    NavItem(
        key="wish_manage",
        group="people",
        label=pgettext_lazy("nav", "心愿审核"),
        url_name="web:wish_manage",
        roles=STAFF,
        order=64,
        also_current=frozenset({"web:wish_detail", "web:wish_behalf"}),
    ),
    NavItem(
        key="wish_rankings",
        group="people",
        label=pgettext_lazy("nav", "心愿排行"),
        url_name="web:wish_rankings",
        roles=STAFF,
        order=65,
    ),
)

from quanyu.web.wishes import todo as _todo  # noqa: E402, F401
