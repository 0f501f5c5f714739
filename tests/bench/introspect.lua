-- wrk script for RFC 7662 introspection of one active access token.
wrk.method = "POST"
wrk.path = "/oauth2/introspect"
wrk.headers["Authorization"] = "Basic " .. os.getenv("CLIENT_BASIC")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "token=" .. os.getenv("ACCESS_TOKEN")
