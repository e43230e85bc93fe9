from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    """Upload a document or paste its text; the overrides win over what the parser finds."""

    document = forms.FileField(
        label=_("方案文件（.txt 或 .docx）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}),
    )
    text = forms.CharField(
        label=_("或粘贴方案全文"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    title = forms.CharField(label=_("标题"), required=False, max_length=300)
    doc_number = forms.CharField(label=_("文号"), required=False, max_length=64)
    issued_on = forms.DateField(
        label=_("成文日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.CharField(label=_("地区"), required=False, max_length=100)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("document") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("请上传方案文件或粘贴方案全文。"))
        return data
