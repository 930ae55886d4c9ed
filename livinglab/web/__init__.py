"""The web layer shared by the HTML faces: the home page and language switch, error pages,
Jinja filters, security headers, the forms' one-submission key and small view helpers.

It sits above the domains (its filters label their values); no service imports it.
"""
