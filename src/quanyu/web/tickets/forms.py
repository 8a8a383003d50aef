"""Forms of the ticket pages. They parse and check the shape of the input only; what the input
means (a point outside the city, a photo that is not an image, a step the state machine forbids)
is the ticket services' job, and their ValidationError is put back on the form by ``add_errors``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quanyu.accounts.models import User
from quanyu.areas.models import Area
from quanyu.catalog.models import Category
from quanyu.core.collation import pinyin_key
from quanyu.orgs.models import Unit
from quanyu.tickets.models import EmergencyTarget, RatingLevel

TEXTAREA = {"rows": 4}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (Django's documented multiple-file pattern); the content is
    checked by the services (``quanyu.tickets.photos``)."""

    def __init__(self, *args: Any, capture: bool = False, **kwargs: Any) -> None:
        attrs = {"accept": "image/*", "multiple": True}
        if capture:
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active items grouped by their top-level category, for a <select> with <optgroup>s."""
    groups: dict[str, list[tuple[int, str]]] = {}
    items = (
        Category.objects.filter(parent__isnull=False, active=True, parent__active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )
    for item in items:
        assert item.parent is not None
        groups.setdefault(item.parent.name, []).append((item.pk, item.name))
    return list(groups.items())


class CategoryField(forms.ModelChoiceField):
    """An active item, offered grouped by its top-level category (the groups are read when a form
    is made, see ``with_category_groups``, never at import)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("事项分类"))
        super().__init__(
            queryset=Category.objects.filter(parent__isnull=False, active=True).select_related("parent"),
            **kwargs,
        )


def with_category_groups(form: forms.Form) -> None:
    field = form.fields.get("category")
    if isinstance(field, CategoryField):
        field.choices = [("", _("请选择事项分类")), *category_choices()]


class SubmitForm(forms.Form):
    """A resident's request: text, photos, a point on the map, optional contact."""

    text = forms.CharField(
        label=_("诉求内容"),
        widget=forms.Textarea(
            attrs={**TEXTAREA, "placeholder": _("请描述您遇到的问题，例如：小区门口有人占道摆摊")}
        ),
        max_length=2000,
        error_messages={"required": _("请填写诉求内容")},
    )
    photos = PhotosField(label=_("现场照片"), capture=True)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    # A signed-in resident's own community (``with_home``): without a point the request goes there.
    home_area: Any = None

    @classmethod
    def with_home(cls, area: Any) -> type[SubmitForm]:
        """This form accepting no point on the map: the request then goes to ``area``."""
        return type(cls.__name__, (cls,), {"home_area": area}) if area is not None else cls

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_point = data.get("lon") is None or data.get("lat") is None
        if no_point and type(self).home_area is None:
            raise ValidationError(_("请在地图上点选问题位置，或点击“使用当前位置”"), code="location")
        return data


class PatrolForm(SubmitForm):
    """A grid worker's or building head's record on patrol: the same fields, the category when
    known, and the building it concerns (offered when the user has buildings; a building head's
    own is preselected). A building locates the ticket without a point on the map."""

    category = CategoryField(required=False)
    building = forms.ModelChoiceField(
        label=_("所在楼栋"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("（不涉及具体楼栋）"),
        error_messages={"invalid_choice": _("请选择您负责的楼栋")},
    )
    contact_name = None  # type: ignore[assignment]
    contact_phone = None  # type: ignore[assignment]
    # The buildings this user may name and the one preselected (``with_buildings``); no
    # buildings: the field is left out.
    building_choices: Any = None
    building_default: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with_category_groups(self)
        choices = type(self).building_choices
        if choices is None or not choices.exists():
            del self.fields["building"]
            return
        self.fields["building"].queryset = choices  # type: ignore[attr-defined]
        default = type(self).building_default
        if default is not None:
            self.initial.setdefault("building", default.pk)

    @classmethod
    def with_buildings(cls, buildings: Any, default: Any = None) -> type[PatrolForm]:
        """This form offering ``buildings`` (a queryset of areas), ``default`` preselected."""
        return type(cls.__name__, (cls,), {"building_choices": buildings, "building_default": default})

    def clean(self) -> dict[str, Any]:
        if self.cleaned_data.get("building") is not None:
            # The building locates the ticket: no point on the map is needed.
            return forms.Form.clean(self) or {}
        return super().clean()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写理由")},
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CategoriseForm(forms.Form):
    category = CategoryField(error_messages={"required": _("请选择事项分类")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with_category_groups(self)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("承办人"),
        queryset=User.objects.none(),
        error_messages={"required": _("请选择承办人")},
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]


class ResolveForm(forms.Form):
    explanation = forms.CharField(
        label=_("办理说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写办理说明")},
    )
    photos = PhotosField(label=_("办结照片"))


class WhistleResolveForm(ResolveForm):
    """A department's 办结. The lead's form asks for a reason when assisting parts are still open
    (the builder drops the field otherwise)."""

    override_reason = forms.CharField(
        label=_("先行办结的理由"),
        help_text=_("主办部门在协办部门办结之前答复诉求人时填写"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WhistleForm(forms.Form):
    """Whom the street calls. The departments come grouped: those the catalogue names for the
    ticket's category first (pre-ticked, the catalogue's lead pre-selected, and said so), then by
    the level that registered them (city, district, street), each in pinyin order; a search box
    filters them on the page. The lead is required on the first call and offered as "add
    assistants only" once a lead department is at work."""

    departments = forms.ModelMultipleChoiceField(
        label=_("呼叫部门"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择至少一个职能部门")},
    )
    lead = forms.ModelChoiceField(label=_("主办部门"), queryset=Unit.objects.none(), required=False)
    note = forms.CharField(
        label=_("呼叫说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        departments: Any,
        suggested: Sequence[int] = (),
        suggested_lead: int | None = None,
        has_lead: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        units = sorted(departments, key=lambda u: (pinyin_key(u.name), u.pk))
        self._units = {u.pk: u for u in units}
        self._suggested = [pk for pk in suggested if pk in self._units]
        self._suggested_lead = suggested_lead
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]
        lead = self.fields["lead"]
        lead.queryset = departments  # type: ignore[attr-defined]
        if has_lead:
            empty = _("（已有主办部门在办理，本次仅增加协办）")
            lead.help_text = _("主办部门已在办理，新增的部门只能协办")
        else:
            empty = _("请选择主办部门")
            lead.required = True
            lead.error_messages["required"] = _("请指定主办部门")
        lead.choices = [("", empty)] + [  # type: ignore[attr-defined]
            (u.pk, _("%(name)s（目录建议主办）") % {"name": u.name} if u.pk == suggested_lead else u.name)
            for u in units
        ]

    def department_groups(self) -> list[tuple[str, bool, list[Any]]]:
        """(heading, is_the_catalogue's_suggestion, [(checkbox, is_the_suggested_lead)]) in the
        order the page shows them."""
        boxes = {
            int(str(box.data["value"])): (box, int(str(box.data["value"])) == self._suggested_lead)
            for box in self["departments"]
        }
        groups: list[tuple[str, bool, list[Any]]] = []
        if self._suggested:
            suggested = [boxes[pk] for pk in self._suggested if pk in boxes]
            groups.append((str(_("按事项目录建议呼叫（已预选）")), True, suggested))
        taken = set(self._suggested)
        by_area: dict[int, list[Any]] = {}
        areas: dict[int, Any] = {}
        for pk, unit in self._units.items():
            if pk in taken or pk not in boxes:
                continue
            areas[unit.area_id] = unit.area
            by_area.setdefault(unit.area_id, []).append(boxes[pk])
        for area_id in sorted(by_area, key=lambda a: (len(areas[a].path), pinyin_key(areas[a].name))):
            groups.append((_("%(area)s的部门") % {"area": areas[area_id].name}, False, by_area[area_id]))
        return groups


class ReassignForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("交办至"), queryset=Area.objects.none(), error_messages={"required": _("请选择社区或网格")}
    )
    reason = forms.CharField(
        label=_("交办理由"), max_length=500, error_messages={"required": _("请填写交办理由")}
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("原诉求编号"), min_value=1, error_messages={"required": _("请填写原诉求编号")}
    )
    reason = forms.CharField(label=_("合并说明"), max_length=500, required=False)


class TransferForm(forms.Form):
    target = forms.ChoiceField(label=_("转出去向"), choices=EmergencyTarget.choices)
    note = forms.CharField(label=_("转出说明"), max_length=500, required=False)


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("您对办理结果的评价"),
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意、基本满意或不满意")},
    )
    comment = forms.CharField(
        label=_("评价意见"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupervisionFilterForm(forms.Form):
    street = forms.IntegerField(required=False, min_value=1)
    department = forms.IntegerField(required=False, min_value=1)


class TicketFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.CharField(required=False, max_length=100)
    overdue = forms.NullBooleanField(required=False)


class WindowItemForm(forms.Form):
    """Step one at the front desk: the one-window service item."""

    item = forms.ModelChoiceField(
        label=_("办理事项"),
        queryset=Category.objects.none(),
        error_messages={"required": _("请选择办理事项"), "invalid_choice": _("请选择一个一窗受理事项")},
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        field.queryset = items  # type: ignore[attr-defined]
        groups: dict[str, list[tuple[int, str]]] = {}
        for item in items:
            groups.setdefault(item.parent.name, []).append((item.pk, item.name))
        field.choices = [("", _("请选择办理事项")), *groups.items()]  # type: ignore[attr-defined]


class WindowForm(forms.Form):
    """Step two at the front desk: the materials checklist of the item, the applicant and the
    place. Whether every required material is there is the intake service's rule."""

    item = forms.ModelChoiceField(queryset=Category.objects.none(), widget=forms.HiddenInput)
    materials = forms.MultipleChoiceField(
        label=_("已收材料"), choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    contact_name = forms.CharField(
        label=_("申请人姓名"), max_length=50, error_messages={"required": _("请填写申请人姓名")}
    )
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=20, error_messages={"required": _("请填写联系电话")}
    )
    contact_email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    area = forms.ModelChoiceField(
        label=_("所属社区/街道"),
        queryset=Area.objects.none(),
        error_messages={"required": _("请选择所属社区或街道")},
    )
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    note = forms.CharField(
        label=_("申请说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Set by the notice preview's button: register the application with the one-time notice.
    notice = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, item: Category, items: Any, areas: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("item", item.pk)
        super().__init__(*args, **kwargs)
        self.service_item = item
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["materials"].choices = [(m, m) for m in item.materials or []]  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["area"].empty_label = None  # type: ignore[attr-defined]

    def clean_item(self) -> Category:
        item = self.cleaned_data["item"]
        if item.pk != self.service_item.pk:
            raise ValidationError(_("办理事项与清单不一致，请重新选择"))
        return item

    def missing(self) -> list[str]:
        """The item's materials not ticked (after ``is_valid``)."""
        ticked = set(self.cleaned_data.get("materials") or [])
        return [m for m in self.service_item.materials or [] if m not in ticked]


class MaterialsChecklistForm(forms.Form):
    """Items of a one-window checklist (``choices``) and a note: the materials a one-time notice
    names as missing (``WindowNoticeForm``) or those the applicant brought (补正)."""

    materials = forms.MultipleChoiceField(
        label=_("材料"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请勾选材料")},
    )
    note = forms.CharField(
        label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, choices: list[str], label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["materials"]
        field.choices = [(m, m) for m in choices]  # type: ignore[attr-defined]
        if label is not None:
            field.label = label


class AppealDecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("裁定"),
        choices=[("1", _("申诉成立（该评价不计入满意率）")), ("0", _("驳回申诉（评价维持）"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择申诉成立或驳回")},
    )
    note = forms.CharField(
        label=_("裁定意见"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("申诉理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写申诉理由")},
    )


class RehandlingCloseForm(forms.Form):
    note = forms.CharField(
        label=_("重办情况"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写重办情况")},
    )


class PeriodForm(forms.Form):
    period = forms.RegexField(
        regex=r"^\d{4}-\d{2}$",
        required=False,
        error_messages={"invalid": _("月份格式应为 YYYY-MM，如 2025-03")},
    )


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field when the form shows it,
    otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            visible = field in form.fields and not form.fields[field].widget.is_hidden
            for message in errors:
                form.add_error(field if visible else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
