"""Email that is never lost: an outbox written with its cause, a worker that retries.

``init_mail(app)`` (livinglab.mail.wiring, called by the factory) binds Flask-Mailman to SMTP or to
the file folder (livinglab.mail.backend), connects the receivers that queue email
(livinglab.mail.subscriptions), registers the outbox's length with the metrics and, with
MAIL_WORKER_THREAD, starts the delivery worker in the server process on its first request.
``flask --app wsgi deliver-mail`` runs the same worker as a process of its own.
"""
