from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

# The whole national register is about 400 KB; anything far larger is not a TERC file.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class TercUploadForm(forms.Form):
    file = forms.FileField(
        label=_("TERC file (CSV)"),
        help_text=_("The register as published by GUS: columns WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA, UTF-8."),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large for a TERC register (at most 10 MB)."))
        return upload
