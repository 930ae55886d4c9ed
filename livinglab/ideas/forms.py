from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import MultipleFileField, TextAreaField
from wtforms.validators import Length

from livinglab.forms import ContentTextForm, body_field
from livinglab.ideas.models import MAX_ATTACHMENTS
from livinglab.ideas.services import IdeaInput


class IdeaForm(ContentTextForm):
    body = body_field(
        _l("Your idea in full"),
        _l("What you propose, for whom, how it could pay for itself. Markdown works."),
    )
    attachments = MultipleFileField(
        _l("Images or PDF documents"),
        description=lazy_ngettext(
            "Up to %(num)d file: PNG, JPEG, WebP or PDF, 5 MB each.",
            "Up to %(num)d files: PNG, JPEG, WebP or PDF, 5 MB each.",
            MAX_ATTACHMENTS,
        ),
        render_kw={"accept": "image/png,image/jpeg,image/webp,application/pdf"},
    )
    coauthors = TextAreaField(
        _l("Invite co-authors"),
        validators=[Length(max=2000)],
        description=_l(
            "Email addresses of members from any partner city, one per line. They accept or decline."
        ),
        render_kw={"rows": 2},
    )

    def to_input(self) -> IdeaInput:
        return IdeaInput(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body=self.body.data or "",
            language=self.language.data,
        )

    def coauthor_emails(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.coauthors.data or "") if part]

    def uploaded_files(self) -> list:
        return [f for f in (self.attachments.data or []) if getattr(f, "filename", "")]
