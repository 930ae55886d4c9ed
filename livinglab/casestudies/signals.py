"""The case-study library's domain events (livinglab.events.signal: one namespace).

Before commit, sent with ``events.send`` (audit, notifications and follows receivers in
livinglab.casestudies.subscriptions add their rows to the same transaction). The sender is
always the CaseStudy, ``actor`` the member who acted; what else each one carries:

- ``case_study_created``: the new case study (flushed); the actor is its author.
- ``case_study_edited``: nothing more.
- ``case_study_submitted``: its author asks the city's representatives to publish it.
- ``case_study_published``: the actor is the representative (or an admin).
- ``case_study_adapted``: ``challenge``, the new Challenge (flushed), and ``link``, the
  KnowledgeLink that keeps them together; the actor is the other city's representative.
- ``case_study_linked``: ``link``, the new KnowledgeLink ("this inspired…"), and ``title``,
  the target's title.
"""

from __future__ import annotations

from blinker import Signal

from livinglab.events import signal

case_study_created: Signal = signal("case-study-created")
case_study_edited: Signal = signal("case-study-edited")
case_study_submitted: Signal = signal("case-study-submitted")
case_study_published: Signal = signal("case-study-published")
case_study_adapted: Signal = signal("case-study-adapted")
case_study_linked: Signal = signal("case-study-linked")
