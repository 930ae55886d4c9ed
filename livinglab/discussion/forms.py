from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from livinglab.discussion.models import MAX_BODY
from livinglab.forms import IdField


class CommentForm(FlaskForm):
    target_type = HiddenField()
    target_id = IdField()
    parent_id = IdField(message=_l("This reply has no valid parent."))
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(message=_l("Write a comment.")), Length(max=MAX_BODY)],
        description=_l(
            "Markdown works. Mention someone taking part with @ and their name without spaces."
        ),
        render_kw={"rows": 3},
    )


class EditCommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(message=_l("Write a comment.")), Length(max=MAX_BODY)],
    )
