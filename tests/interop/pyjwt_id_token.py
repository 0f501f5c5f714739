"""An OpenID Connect client's check of Portico's ID token with PyJWT: the password grant
with scope openid (requests), then the ID token verified with the key PyJWKClient fetches
from the JWKS by its kid, checking the signature, audience, issuer and expiry. Prints the
claims as JSON, or the failure and exits 1."""

import json
import os
import ssl
import sys
import warnings

import jwt
import requests

warnings.filterwarnings("ignore")  # the test server's certificate is self-signed

try:
    answer = requests.post(
        os.environ["PORTICO_TOKEN_URL"],
        data={
            "grant_type": "password",
            "username": os.environ["PORTICO_USERNAME"],
            "password": os.environ["PORTICO_PASSWORD"],
            "scope": "openid",
        },
        auth=(os.environ["PORTICO_CLIENT_ID"], os.environ["PORTICO_CLIENT_SECRET"]),
        verify=False,
        timeout=20,
    )
    answer.raise_for_status()
    id_token = answer.json()["id_token"]
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    keys = jwt.PyJWKClient(os.environ["PORTICO_JWKS_URL"], ssl_context=insecure)
    key = keys.get_signing_key_from_jwt(id_token)
    claims = jwt.decode(
        id_token,
        key.key,
        algorithms=["RS256", "ES256", "EdDSA"],
        audience=os.environ["PORTICO_CLIENT_ID"],
        issuer=os.environ["PORTICO_ISSUER"],
    )
except Exception as e:
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"claims": claims, "alg": jwt.get_unverified_header(id_token)["alg"]}))
