"""The ground floor shared by services and faces: input cleaning and the idempotency store.

Nothing here imports a domain or a face; the web layer (pages, filters, error pages, security
headers) lives in livinglab.web.
"""
