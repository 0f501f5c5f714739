-- wrk script for the client credentials grant: no user, no Argon2; what is left is the
-- client check (cached), the token's issuance and, for a JWT key, its signature.
wrk.method = "POST"
wrk.headers["Authorization"] = "Basic " .. os.getenv("CLIENT_BASIC")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials"
