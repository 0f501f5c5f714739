"""A client's or resource server's check of Portico's tokens with PyJWT: the password
grant (requests), then one token verified with the key PyJWKClient fetches from the JWKS
by its kid, checking the signature, audience, issuer and expiry.

PORTICO_VERIFY=id_token (scope openid; audience: the client) or access_token (a JWT
access token, RFC 9068: typ at+jwt; audience: PORTICO_AUDIENCE). Prints the claims and
header as JSON, or the failure and exits 1."""

import json
import os
import ssl
import sys
import warnings

import jwt
import requests

warnings.filterwarnings("ignore")  # the test server's certificate is self-signed

which = os.environ.get("PORTICO_VERIFY", "id_token")
try:
    answer = requests.post(
        os.environ["PORTICO_TOKEN_URL"],
        data={
            "grant_type": "password",
            "username": os.environ["PORTICO_USERNAME"],
            "password": os.environ["PORTICO_PASSWORD"],
            "scope": "openid" if which == "id_token" else "default",
        },
        auth=(os.environ["PORTICO_CLIENT_ID"], os.environ["PORTICO_CLIENT_SECRET"]),
        verify=False,
        timeout=20,
    )
    answer.raise_for_status()
    token = answer.json()[which]
    header = jwt.get_unverified_header(token)
    if which == "access_token" and header.get("typ", "").lower() != "at+jwt":
        raise ValueError(f"typ is {header.get('typ')!r}, not at+jwt (RFC 9068 §4)")
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    keys = jwt.PyJWKClient(os.environ["PORTICO_JWKS_URL"], ssl_context=insecure)
    key = keys.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["RS256", "ES256", "EdDSA"],
        audience=os.environ.get("PORTICO_AUDIENCE", os.environ["PORTICO_CLIENT_ID"]),
        issuer=os.environ["PORTICO_ISSUER"],
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
except Exception as e:
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"claims": claims, "alg": header["alg"], "typ": header.get("typ")}))
