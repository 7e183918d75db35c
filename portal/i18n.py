"""Translation markers usable below the web layer.

Messages are written in Chinese (the portal is Chinese first) and marked with ``N_`` so that
``pybabel extract`` finds them; the web layer translates them for the request's locale.
"""


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message
