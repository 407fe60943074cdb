"""A small SAML 2.0 identity provider for the single sign-on browser tests, built on pysaml2.

Run as its own process: ``python -m portal.tests.saml_idp.server`` with ``SAML_IDP_CONFIG``, a
JSON object: ``key_file`` and ``cert_file`` (the signing pair, made by the test),
``sp_metadata_url`` (the portal's metadata, read at the first sign-in), ``accounts`` (username
-> ``attributes`` by friendly name, ``authn_context``) and ``want_authn_requests_signed``. It
listens on 127.0.0.1 on a free port and prints one JSON line: its ``entity_id``, ``sso_url``
and ``metadata_url``. The signing and checking are pysaml2's own, through the ``xmlsec1`` tool.

It answers the HTTP-Redirect binding's AuthnRequest with a sign-in page (a username, no
password), then posts a Response whose assertion is signed, carrying the account's attributes
and its AuthnContextClassRef, to the assertion consumer service that the portal's metadata names.
"""

from __future__ import annotations

import html
import json
import os
import sys
import urllib.request
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, xmldsig
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

CONFIG: dict[str, Any] = json.loads(os.environ["SAML_IDP_CONFIG"])
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"

LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>University identity provider</title></head>
<body><main><h1>University sign-in</h1>
<form method="post" action="/login">
<input type="hidden" name="key" value="{key}">
<label for="username">Username</label> <input id="username" name="username" required>
<button type="submit">Sign in with the university</button>
</form></main></body></html>"""


def idp_config(base_url: str, sp_metadata: str | None) -> IdPConfig:
    sso_url = f"{base_url}/sso"
    settings: dict[str, Any] = {
        "entityid": f"{base_url}/metadata",
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [
                        (sso_url, BINDING_HTTP_REDIRECT),
                        (sso_url, BINDING_HTTP_POST),
                    ]
                },
                "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": bool(CONFIG.get("want_authn_requests_signed")),
            }
        },
        "key_file": CONFIG["key_file"],
        "cert_file": CONFIG["cert_file"],
        "xmlsec_binary": CONFIG.get("xmlsec_binary", "/usr/bin/xmlsec1"),
        "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
    }
    config = IdPConfig()
    config.load(settings)
    return config


@cache
def saml_server() -> Server:
    """The pysaml2 identity provider, made at the first sign-in from the portal's metadata."""
    with urllib.request.urlopen(CONFIG["sp_metadata_url"], timeout=10) as response:
        sp_metadata = response.read().decode()
    return Server(config=idp_config(IdentityProvider.base_url, sp_metadata))


class IdentityProvider(BaseHTTPRequestHandler):
    base_url = ""
    # Requests parsed at /sso, waiting for the username at /login (key: the request's id).
    pending: dict[str, tuple[Any, str]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"saml idp: {format % args}\n")

    def _send(self, status: int, body: str, content_type: str = "text/html") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {
            name: values[0] for name, values in parse_qs(url.query, keep_blank_values=True).items()
        }
        if url.path == "/metadata":
            config = idp_config(self.base_url, None)
            self._send(200, create_metadata_string(None, config=config).decode(), "text/xml")
        elif url.path == "/sso" and "SAMLRequest" in query:
            request = saml_server().parse_authn_request(
                query["SAMLRequest"],
                BINDING_HTTP_REDIRECT,
                relay_state=query.get("RelayState"),
                sigalg=query.get("SigAlg"),
                signature=query.get("Signature"),
            )
            if request is None:
                self._send(400, "the request did not verify", "text/plain")
                return
            message = request.message
            self.pending[message.id] = (message, query.get("RelayState", ""))
            self._send(200, LOGIN_PAGE.format(key=html.escape(message.id)))
        else:
            self._send(404, "not found", "text/plain")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        pending = self.pending.pop(form.get("key", ""), None)
        account = CONFIG["accounts"].get(form.get("username", ""))
        if urlsplit(self.path).path != "/login" or pending is None or account is None:
            self._send(403, "unknown sign-in", "text/plain")
            return
        message, relay_state = pending
        server = saml_server()
        args = server.response_args(message, [BINDING_HTTP_POST])
        authn_response = server.create_authn_response(
            identity=account["attributes"],
            in_response_to=args["in_response_to"],
            destination=args["destination"],
            sp_entity_id=args["sp_entity_id"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=form["username"]),
            authn={
                "class_ref": account.get("authn_context", PASSWORD_CONTEXT),
                "authn_auth": server.config.entityid,
            },
            sign_assertion=True,
            sign_response=False,
            sign_alg=xmldsig.SIG_RSA_SHA256,
            digest_alg=xmldsig.DIGEST_SHA256,
        )
        binding = server.apply_binding(
            BINDING_HTTP_POST,
            str(authn_response),
            args["destination"],
            relay_state,
            response=True,
        )
        self._send(200, binding["data"])


def main() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), IdentityProvider)
    IdentityProvider.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    base = IdentityProvider.base_url
    ready = {"entity_id": f"{base}/metadata", "sso_url": f"{base}/sso"}
    print(json.dumps({**ready, "metadata_url": f"{base}/metadata"}), flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
