"""The password grant as requests-oauthlib sends it with include_client_id=True:
HTTP Basic client credentials and the client_id in the body too. Prints the token JSON,
or the server's error and exits 1."""

import json
import os
import sys
import warnings

from oauthlib.oauth2 import LegacyApplicationClient
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

warnings.filterwarnings("ignore")  # the test server's certificate is self-signed

client_id = os.environ["PORTICO_CLIENT_ID"]
session = OAuth2Session(client=LegacyApplicationClient(client_id=client_id))
try:
    token = session.fetch_token(
        token_url=os.environ["PORTICO_TOKEN_URL"],
        username=os.environ["PORTICO_USERNAME"],
        password=os.environ["PORTICO_PASSWORD"],
        auth=HTTPBasicAuth(client_id, os.environ["PORTICO_CLIENT_SECRET"]),
        include_client_id=True,
        verify=False,
    )
except Exception as e:  # the library raises on any OAuth error body
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
print(json.dumps(token))
