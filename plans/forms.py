from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from plans.importer.decode import decode_document
from plans.importer.limits import Limits, check_upload
from plans.importer.model import ParsedPlan
from plans.importer.parse import parse_plan

OVERRIDES = ("title", "doc_number", "issued_on", "region")


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

    def submitted_size(self) -> int:
        """Bytes sent: the upload's size (known before it is read) or the pasted text's."""
        document = self.cleaned_data["document"]
        if document:
            return document.size
        return len(self.cleaned_data["text"].encode("utf-8"))

    def is_large(self) -> bool:
        """Over IMPORT_INLINE_MAX_BYTES: to be parsed by a background job, never by the web
        worker. Raises DocumentError for one over IMPORT_MAX_UPLOAD_BYTES, nothing read."""
        size = self.submitted_size()
        check_upload(size, Limits.from_settings(settings))
        return size > settings.IMPORT_INLINE_MAX_BYTES

    def overrides(self) -> dict[str, Any]:
        """What the coordinator typed over the parser's findings (title, 文号, date, region)."""
        return {name: self.cleaned_data[name] for name in OVERRIDES}

    def read_text(self) -> str:
        """The document's text (an upload decoded). Raises DocumentError (its message is for
        the user) for a file it cannot read or one over the limits (settings `IMPORT_MAX_*`);
        an oversized upload is never read."""
        data = self.cleaned_data
        document = data["document"]
        limits = Limits.from_settings(settings)
        if document:
            check_upload(document.size, limits)
            return decode_document(data=document.read(), filename=document.name, limits=limits)
        text = data["text"]
        check_upload(len(text.encode("utf-8")), limits)
        return text

    def parse(self, text: str) -> ParsedPlan:
        """What the parser makes of the text, the overrides applied; DocumentError as above."""
        data = self.cleaned_data
        return parse_plan(
            text=text,
            title=data["title"] or None,
            region=data["region"] or None,
            doc_number=data["doc_number"] or None,
            issued_on=data["issued_on"],
            limits=Limits.from_settings(settings),
        )

    def read_plan(self) -> tuple[str, ParsedPlan]:
        """The document's text and what the parser makes of it (`read_text`, `parse`)."""
        text = self.read_text()
        return text, self.parse(text)
