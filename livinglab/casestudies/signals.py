"""The case-study library's domain events (livinglab.events.signal: one namespace).

Before commit, sent with ``events.send`` (audit, notifications and follows receivers in
livinglab.casestudies.subscriptions add their rows to the same transaction).
"""

from __future__ import annotations

from livinglab.events import signal

# sender: the new CaseStudy (flushed); actor: its author.
case_study_created = signal("case-study-created")
# sender: the edited CaseStudy; actor.
case_study_edited = signal("case-study-edited")
# sender: the CaseStudy its author asks to publish; actor.
case_study_submitted = signal("case-study-submitted")
# sender: the published CaseStudy; actor: the representative (or admin).
case_study_published = signal("case-study-published")
# sender: the CaseStudy; actor: the representative; challenge: the new Challenge (flushed);
# link: the KnowledgeLink that keeps them together.
case_study_adapted = signal("case-study-adapted")
# sender: the CaseStudy; actor; link: the new KnowledgeLink ("this inspired…"); title: the
# target's title.
case_study_linked = signal("case-study-linked")
