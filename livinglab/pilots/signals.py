"""The pilots' own domain events (livinglab.events.signal: one namespace).

Before commit, sent with ``events.send``: the audit receiver in livinglab.pilots.subscriptions
adds its row to the same transaction.
"""

from __future__ import annotations

from livinglab.events import signal

# sender: the IndicatorValue, corrected (already holding its new date and value) or about to be
# deleted; actor; pilot: its Pilot; indicator: its Indicator; changes: {field: [old, new]},
# new being None for a deletion.
measurement_changing = signal("measurement-changing")
