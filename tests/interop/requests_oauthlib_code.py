"""A web or native client of the authorization code grant with requests-oauthlib and
PKCE (S256): prints the authorization URL it built, reads back from standard input the
callback URL the browser was sent to, checks its state and exchanges the code. With
PORTICO_PUBLIC=1 it is a public client (client_id in the body, no secret). Prints the
tokens as JSON, or the failure and exits 1."""

import json
import os
import sys
import warnings

from requests_oauthlib import OAuth2Session

warnings.filterwarnings("ignore")  # the test server's certificate is self-signed

public = os.environ.get("PORTICO_PUBLIC") == "1"
try:
    session = OAuth2Session(
        os.environ["PORTICO_CLIENT_ID"],
        redirect_uri=os.environ["PORTICO_CALLBACK"],
        scope=["default"],
        pkce="S256",
    )
    url, state = session.authorization_url(os.environ["PORTICO_AUTHORIZE_URL"])
    print(url, flush=True)
    callback = sys.stdin.readline().strip()
    token = session.fetch_token(
        os.environ["PORTICO_TOKEN_URL"],
        authorization_response=callback,
        client_secret=None if public else os.environ["PORTICO_CLIENT_SECRET"],
        include_client_id=public,
        verify=False,
        timeout=20,
    )
except Exception as e:
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"token": token, "state": state}))
