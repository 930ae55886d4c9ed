"""The Living Lab's calendar ("Events" to its readers): twinning events, study visits,
workshops, with agendas, delegations, registrations, calendar feeds, attendance and minutes.

The package is not called ``events`` because livinglab/events.py is the platform's bus of
domain events; its content kind, its URLs and its socket room are "event" all the same.
"""
