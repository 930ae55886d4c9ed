"""The ground floor shared by services and faces: input cleaning, the idempotency store and
the paths that domain code links to (built from the routes).

Nothing here imports a domain or a face; the web layer (pages, filters, error pages, security
headers) lives in livinglab.web.
"""
