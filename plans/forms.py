from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from plans.importer.decode import decode_document
from plans.importer.limits import Limits, check_upload
from plans.importer.model import ParsedPlan
from plans.importer.parse import parse_plan


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

    def read_plan(self) -> tuple[str, ParsedPlan]:
        """The document's text and what the parser makes of it, the overrides applied.
        Raises DocumentError (its message is for the user) for a file it cannot read or one
        over the limits (settings `IMPORT_MAX_*`); an oversized upload is never read."""
        data = self.cleaned_data
        document = data["document"]
        limits = Limits.from_settings(settings)
        if document:
            check_upload(document.size, limits)
            text = decode_document(data=document.read(), filename=document.name, limits=limits)
        else:
            text = data["text"]
            check_upload(len(text.encode("utf-8")), limits)
        parsed = parse_plan(
            text=text,
            title=data["title"] or None,
            region=data["region"] or None,
            doc_number=data["doc_number"] or None,
            issued_on=data["issued_on"],
            limits=limits,
        )
        return text, parsed
