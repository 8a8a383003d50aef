"""Forms of the wishes pages: shape only; the services check the rest and their errors come back on
the form (``add_errors``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quanyu.wishes.models import ClaimantKind, WishKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/*"})

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files]


class WishForm(forms.Form):
    kind = forms.ChoiceField(label=_("心愿类别"), choices=WishKind.choices)
    text = forms.CharField(label=_("心愿内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)
    estimated_value = forms.DecimalField(
        label=_("估计价值（元）"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    wanted_by = forms.DateField(
        label=_("希望实现日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_phone = forms.CharField(label=_("联系电话（仅社区可见）"), required=False, max_length=20)
    address_detail = forms.CharField(label=_("楼栋房号（仅社区可见）"), required=False, max_length=100)
    photos = PhotosField(label=_("照片"), required=False)


class BehalfForm(forms.Form):
    resident = forms.TypedChoiceField(label=_("居民（有关爱标签）"), coerce=int)
    kind = forms.ChoiceField(label=_("心愿类别"), choices=WishKind.choices)
    text = forms.CharField(label=_("心愿内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)
    estimated_value = forms.DecimalField(
        label=_("估计价值（元）"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    wanted_by = forms.DateField(
        label=_("希望实现日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    shares = forms.IntegerField(label=_("可认领份数"), min_value=1, max_value=50, initial=1)
    photos = PhotosField(label=_("照片"), required=False)


class ApproveForm(forms.Form):
    public_text = forms.CharField(
        label=_("公开内容（不含姓名、电话、住址）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )
    shares = forms.IntegerField(label=_("可认领份数"), min_value=1, max_value=50, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


class ConfirmForm(forms.Form):
    by_phone = forms.BooleanField(label=_("已电话回访许愿人"), required=False)
    note = forms.CharField(label=_("回访记录"), required=False, max_length=300)


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("异议成立，重新办理")), ("0", _("异议不成立，确认实现"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("处理说明"), max_length=300)


class ThankForm(forms.Form):
    text = forms.CharField(label=_("感谢留言（公开）"), max_length=300)


class ClaimForm(forms.Form):
    claimant_kind = forms.ChoiceField(
        label=_("认领身份"), choices=ClaimantKind.choices, initial=ClaimantKind.MEMBER
    )
    unit = forms.TypedChoiceField(label=_("单位"), required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(label=_("志愿服务队"), required=False, coerce=int, empty_value=None)
    shares = forms.IntegerField(label=_("份数"), min_value=1, max_value=50, initial=1)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class FulfilForm(forms.Form):
    note = forms.CharField(label=_("完成说明"), max_length=500)
    photos = PhotosField(label=_("完成照片"), required=False)


class ReassignForm(forms.Form):
    reason = forms.CharField(label=_("改派原因"), max_length=300)
    team = forms.TypedChoiceField(label=_("改派给服务队"), coerce=int)


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on the named field when shown, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
