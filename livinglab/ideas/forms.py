from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import Field, MultipleFileField, StringField
from wtforms.validators import Length

from livinglab.core.inputs import id_text
from livinglab.forms import ContentTextForm, body_field
from livinglab.ideas.models import MAX_ATTACHMENTS
from livinglab.ideas.services import IdeaInput


class MemberIdsField(Field):
    """Members chosen in a picker: one value per member id (the co-author picker's chosen
    members, or the no-script search's checkboxes). The service says whether each may be
    chosen; text that is no id at all fails here."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        ids = [id_text(raw) for raw in valuelist if str(raw).strip()]
        self.data = [ident for ident in ids if ident is not None]
        if len(self.data) != len(ids):
            raise ValueError(str(_l("Choose members from the list.")))


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
    coauthors = MemberIdsField(
        _l("Invite co-authors"),
        default=list,
        description=_l(
            "Search members of any partner city by name or city and choose them. "
            "They accept or decline."
        ),
    )
    # The no-script way to the picker: the words searched for with the "Find members" button.
    coauthor_query = StringField(_l("Find members"), validators=[Length(max=80)])

    def to_input(self) -> IdeaInput:
        return IdeaInput(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body=self.body.data or "",
            language=self.language.data,
        )

    def coauthor_ids(self) -> list[int]:
        return list(self.coauthors.data or [])

    def uploaded_files(self) -> list:
        return [f for f in (self.attachments.data or []) if getattr(f, "filename", "")]
