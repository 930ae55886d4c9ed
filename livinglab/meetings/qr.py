"""QR codes as inline SVG: drawn from the code's matrix with attributes only (no style, no
script), so the page's Content-Security-Policy lets them through and no image library is
needed."""

from __future__ import annotations

import qrcode  # type: ignore[import-untyped]  # no stubs published
from markupsafe import Markup, escape


def qr_svg(data: str, label: str, size: int = 220) -> Markup:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    path = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return Markup(  # noqa: S704 - numbers and escaped text only
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" '
        f'width="{size}" height="{size}" role="img" aria-label="{escape(label)}" '
        f'shape-rendering="crispEdges"><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
