"""Reading rendered pages as a browser would: tags and attributes, not substrings."""

from __future__ import annotations

from html.parser import HTMLParser

SCRIPT_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base", "form", "style"}
OWN_SCRIPT_PREFIX = "/static/"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SCRIPT_TAGS and not self._is_own(tag, values):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{tag}[{name}={value}]")

    @staticmethod
    def _is_own(tag: str, values: dict[str, str | None]) -> bool:
        """The layout's own scripts, icons and forms (injected ones carry none of these marks)."""
        if tag == "script":
            return (values.get("src") or "").startswith(OWN_SCRIPT_PREFIX)
        if tag == "svg":
            return values.get("aria-hidden") == "true"
        if tag == "form":
            return "action" in values or values.get("method") in {"get", "post"}
        return False


def dangerous_markup(page: str) -> list[str]:
    """Every element or attribute in the page that could run script."""
    collector = _Collector()
    collector.feed(page)
    return collector.problems
