"""Readable names of the audited actions, for the log browser and its filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from livinglab.core.labels import labeller

ACTION_LABELS = {
    "role.requested": _l("Role requested"),
    "role.granted": _l("Role granted"),
    "role.refused": _l("Role request refused"),
    "role.changed": _l("Role changed"),
    "member.suspended": _l("Member suspended"),
    "member.reactivated": _l("Member reactivated"),
    "member.deleted": _l("Account deleted"),
    "challenge.proposed": _l("Challenge proposed"),
    "challenge.edited": _l("Challenge edited"),
    "challenge.published": _l("Challenge published"),
    "challenge.declined": _l("Challenge declined"),
    "challenge.phase_changed": _l("Challenge phase changed"),
    "idea.withdrawn": _l("Idea withdrawn"),
    "decision.approved": _l("Idea approved as a pilot"),
    "decision.rejected": _l("Idea rejected"),
    "pilot.status": _l("Pilot status changed"),
    "pilot.replicated": _l("Pilot replicated"),
    "moderation.auto_hidden": _l("Hidden after reports"),
    "moderation.hidden": _l("Hidden by a moderator"),
    "moderation.restored": _l("Restored by a moderator"),
    "partner.added": _l("Partner city added"),
    "partner.updated": _l("Partner city edited"),
}

action_label = labeller(ACTION_LABELS)
