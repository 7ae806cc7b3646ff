"""Who may use the dashboard's Voilà server: the identity provider that voila.json names.

The server (``make dashboard``) listens on 127.0.0.1 and asks for jupyter_server's token:
JUPYTER_TOKEN when it is set, a fresh random one at each start otherwise (voila.json:
``auto_token``). The Host check is jupyter_server's too (voila.json: ``allow_remote_access``
false, ``local_hostnames``). What jupyter_server does not do is the one rule here: it skips
the Origin check for a request that carries the token, so a page of another site that has
the token (from a shared link, a screenshot, the browser's history) could open the kernel's
websocket from the coach's own browser, the one place that reaches 127.0.0.1. Here a request
whose Origin is not the server's own is refused, token or not. Scripts and the browser's own
page send no foreign Origin, so nothing they do changes.
"""

from __future__ import annotations

from jupyter_server.auth.identity import PasswordIdentityProvider
from tornado import web


class DoorIdentityProvider(PasswordIdentityProvider):
    """jupyter_server's token login, with the Origin checked on every request."""

    def should_check_origin(self, handler: web.RequestHandler) -> bool:
        return True

    def get_user(self, handler: web.RequestHandler):
        # Every Jupyter handler (the page, the login form, the kernel's REST API and its
        # websocket) asks for its user before it does anything: the one place to refuse.
        # check_origin lets a request without an Origin through (scripts, same-origin GETs)
        # and compares the rest with the Host (or Voila's allow_origin settings).
        if not handler.check_origin():
            raise web.HTTPError(403, "a request from another site's page")
        return super().get_user(handler)
