"""Forms of 管理 → 本地区单位. They parse input only; the rules live in
administration.services.agencies / .collectives, whose ValidationErrors name these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region


class Form(forms.Form):
    """Labels without a trailing colon: they sit above their inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


YES_NO = [("", _("全部")), ("yes", _("是")), ("no", _("否"))]


class AgencyFilterForm(Form):
    """The list's filters: a GET form, so every filter lives in the URL."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    review = forms.ChoiceField(label=_("待核实"), required=False, choices=YES_NO)
    collective = forms.ChoiceField(label=_("集合单位"), required=False, choices=YES_NO)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("名称、简称或别名")


class RenameForm(Form):
    name = forms.CharField(label=_("全称"), max_length=200)
    short_name = forms.CharField(label=_("简称"), max_length=100, required=False)


class WebhookForm(Form):
    # A CharField: the service says what a valid address is (https only), in its own words.
    webhook_url = forms.CharField(
        label=_("机器人通知地址"),
        required=False,
        max_length=500,
        help_text=_("企业微信或钉钉群机器人的 Webhook 地址（https://…）；留空则不发送。"),
    )


class AliasForm(Form):
    region = forms.ModelChoiceField(label=_("行政区域"), queryset=Region.objects.none())
    name = forms.CharField(label=_("写法"), max_length=200)

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["name"].widget.attrs["placeholder"] = _("如：省知识产权局")


class MergeForm(Form):
    KEEP_THIS, KEEP_OTHER = "this", "other"

    other = forms.ModelChoiceField(label=_("另一家单位"), queryset=Agency.objects.none())
    keep = forms.ChoiceField(
        label=_("保留哪一家的名称"),
        choices=[(KEEP_THIS, _("保留本单位")), (KEEP_OTHER, _("保留另一家单位"))],
        initial=KEEP_THIS,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_(
            "我已确认：合并后另一家单位的任务、报告、用户和别名都归入保留的单位，被合并的单位删除，不可撤销。"
        )
    )

    def __init__(self, *args: Any, candidates: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = candidates


class CollectiveMapForm(Form):
    members = forms.ModelMultipleChoiceField(
        label=_("成员单位"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("每家成员单位分别承担集合单位的任务并报送进展。"),
    )
    reporter = forms.ModelChoiceField(
        label=_("代为报送单位"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("或者：由一家单位代表集合单位报送（不选成员单位时）。"),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].widget.attrs["size"] = 10
        self.fields["reporter"].queryset = candidates


class NameVariantForm(Form):
    variant = forms.CharField(label=_("简写"), max_length=50)
    canonical = forms.CharField(label=_("全称写法"), max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["variant"].widget.attrs["placeholder"] = _("如：省高院")
        self.fields["canonical"].widget.attrs["placeholder"] = _("如：省高级人民法院")
