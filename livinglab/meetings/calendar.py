"""iCalendar feeds (RFC 5545) with the maintained ``icalendar`` library.

Each event is written in its own time zone (``DTSTART;TZID=Europe/Rome:20260504T093000``)
with the zone's VTIMEZONE definition, so a calendar anywhere shows it at the right moment,
also across a daylight-saving change between its first and last day. The online link is only
in a member's personal feed, and only for a confirmed seat.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from icalendar import Calendar, Event

from livinglab.core.links import path_for
from livinglab.meetings.models import Meeting
from livinglab.text import render_markdown

PRODID = "-//Culture and Heritage Living Lab//Events//EN"


def _plain(markdown: str) -> str:
    """The description as text: calendars show no HTML."""
    import re

    html = str(render_markdown(markdown))
    text = re.sub(r"<br\s*/?>|</p>|</li>|</h\d>", "\n", html)
    text = re.sub(r"<[^>]+>", "", text)
    from html import unescape

    return "\n".join(line.strip() for line in unescape(text).splitlines() if line.strip())


def _location(meeting: Meeting) -> str:
    return ", ".join(part for part in (meeting.venue_name, meeting.venue_address) if part)


def _event(meeting: Meeting, base: str, online_url: str | None) -> Event:
    page = base + path_for("meetings.show", meeting_id=meeting.id)
    event = Event()
    event.add("uid", f"event-{meeting.id}@{request.host.split(':')[0]}")
    event.add("dtstamp", meeting.updated_at or meeting.created_at)
    event.add("last-modified", meeting.updated_at or meeting.created_at)
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", meeting.title)
    lines = [_plain(meeting.description)]
    if meeting.agenda:
        lines.append("")
        for item in meeting.agenda:
            start = item.starts_at.astimezone(meeting.zone).strftime("%a %d %b %H:%M")
            end = item.ends_at.astimezone(meeting.zone).strftime("%H:%M")
            room = f" ({item.room})" if item.room else ""
            lines.append(f"{start}–{end} {item.title}{room}")
    if online_url:
        lines += ["", online_url]
    lines += ["", page]
    event.add("description", "\n".join(lines))
    if location := _location(meeting):
        event.add("location", location)
    elif online_url:
        event.add("location", online_url)
    event.add("url", page)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    # Calendars replace their copy when the sequence grows: every saved change counts.
    stamp = meeting.updated_at or meeting.created_at
    event.add("sequence", max(0, int(stamp.timestamp() - meeting.created_at.timestamp()) // 60))
    return event


def feed(meetings: Iterable[Meeting], name: str, online: dict[int, str] | None = None) -> bytes:
    """A calendar of these events; ``online`` gives the online link to show per event id."""
    base = request.url_root.rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, base, (online or {}).get(meeting.id)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def response_headers(filename: str) -> dict[str, Any]:
    return {
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, max-age=300",
    }
