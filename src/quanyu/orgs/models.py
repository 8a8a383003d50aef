"""Party organisations, units (resident units, departments, two-new organisations …) and
part-time committee members (兼职委员)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from quanyu.areas.models import Area
from quanyu.core.pii import EncryptedCharField


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")
    JOINT_COMMITTEE = "joint_committee", _("联合党委")
    INDUSTRY_COMMITTEE = "industry_committee", _("行业党委")


class UnitKind(models.TextChoices):
    RESIDENT_UNIT = "resident_unit", _("驻区单位")
    DEPARTMENT = "department", _("职能部门")
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise", _("非公企业")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
    PROPERTY_COMPANY = "property_company", _("物业企业")
    COMMERCIAL_BUILDING = "commercial_building", _("商务楼宇")


TWO_NEW_KINDS = frozenset({UnitKind.NON_PUBLIC_ENTERPRISE, UnitKind.SOCIAL_ORGANISATION})


class Unit(models.Model):
    scope_path_field = "area__path"

    kind = models.CharField(_("类型"), max_length=32, choices=UnitKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=150, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    area = models.ForeignKey(Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="units")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    staff_count = models.PositiveIntegerField(_("职工人数"), default=0)
    member_count = models.PositiveIntegerField(_("党员人数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="unit_unique_name_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class PartyOrg(MP_Node):
    """A node of the party-organisation tree, attached to an area (and optionally a unit)."""

    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    scope_path_field = "area__path"

    kind = models.CharField(_("组织类型"), max_length=32, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("组织名称"), max_length=150, db_index=True)
    code = models.CharField(_("组织代码"), max_length=32, blank=True, db_index=True)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="party_orgs"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_orgs",
    )
    secretary = models.CharField(_("书记"), max_length=50, blank=True)
    member_count = models.PositiveIntegerField(_("党员人数"), default=0)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")

    def __str__(self) -> str:
        return self.name


class PartTimeMember(models.Model):
    """兼职委员: a unit leader sitting on a street or community party committee."""

    scope_path_field = "committee__area__path"

    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.CASCADE, related_name="part_time_members"
    )
    unit_post = models.CharField(_("单位职务"), max_length=100, blank=True)
    committee = models.ForeignKey(
        PartyOrg, verbose_name=_("兼职党组织"), on_delete=models.CASCADE, related_name="part_time_members"
    )
    post = models.CharField(_("兼任职务"), max_length=50, default="兼职委员")
    term_start = models.DateField(_("任期开始"), null=True, blank=True)
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("兼职委员")
        verbose_name_plural = _("兼职委员")
        ordering = ["committee_id", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"
