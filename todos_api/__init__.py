"""Baton's Todos API: the resource server holding each user's todos and billing.

``todos_api.app.create_app(settings)`` builds the app; ``python -m todos_api`` serves it.
"""
