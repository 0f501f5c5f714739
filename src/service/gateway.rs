//! The gateway's decision for one request: which API and resource it is for, whether its
//! Bearer token is active, subscribed to that API and carries one of the resource's
//! scopes (RFC 6750). Proxying is the transport's job (`http::gateway`).
//!
//! Staleness bound: token checks (the gateway's and introspection's), subscription checks
//! and the route table are cached in memory for `[gateway] cache_seconds` (default 5). A
//! token revoked, a subscription removed or an API changed on another server takes effect
//! within that bound; through this server, at once.

use super::ttl_cache::TtlCache;
use super::{ServiceError, Services};
use crate::crypto;
use crate::domain::api::PathTemplate;
use crate::domain::route::{ApiRoute, Resolution, ResourceRoute, RouteTable};
use crate::store::TokenRow;
use quick_cache::Equivalent;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Why the gateway refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayError {
    NoApi,
    NoResource,
    MethodNotAllowed(Vec<String>),
    MissingToken,
    InvalidToken(&'static str),
    NotSubscribed {
        api: String,
    },
    InsufficientScope(Vec<String>),
    /// The key manager on another server cannot check the token: refused, never let by.
    KeyManagerDown(String),
    Internal,
}

/// A request the gateway lets through, and what the proxy and the call record need.
#[derive(Debug, Clone)]
pub struct Pass {
    pub api_id: Arc<str>,
    pub backend_url: Arc<str>,
    /// The path after the API context, empty or starting with `/`.
    pub rest: String,
    /// `GET /order/{orderId}`, for statistics.
    pub resource: Arc<str>,
    /// The access token's row: its application and end user.
    pub token: Arc<TokenRow>,
}

/// The gateway's caches. `ttl` zero turns token and subscription caching off.
pub struct GatewayCache {
    ttl: Duration,
    routes: RwLock<Option<(Instant, Arc<RouteTable>)>>,
    tokens: TokenCache,
    subscriptions: TtlCache<(String, String), bool>,
}

/// Token rows by access-token digest, each with the store's revocation count when it was
/// read, so a revocation made here outdates it at once.
///
/// Unknown tokens are remembered apart, in a cache a tenth the size: anyone can send
/// random Bearer strings, and were they cached beside real tokens a flood of them would
/// evict the real ones and send every genuine call to the database.
pub(crate) struct TokenCache {
    known: TtlCache<[u8; 32], (u64, Arc<TokenRow>)>,
    unknown: TtlCache<[u8; 32], u64>,
}

/// A cached answer: the revocation count it was read at, and the row if the token exists.
type Cached = (u64, Option<Arc<TokenRow>>);

impl TokenCache {
    pub(crate) fn new(ttl: Duration, entries: usize) -> Self {
        Self {
            known: TtlCache::new(ttl, entries),
            unknown: TtlCache::new(ttl, (entries / 10).max(1)),
        }
    }

    pub(crate) fn get(&self, digest: &[u8; 32]) -> Option<Cached> {
        if let Some((seen, row)) = self.known.get(digest) {
            return Some((seen, Some(row)));
        }
        self.unknown.get(digest).map(|seen| (seen, None))
    }

    pub(crate) fn insert(&self, digest: [u8; 32], seen: u64, row: Option<Arc<TokenRow>>) {
        match row {
            Some(row) => self.known.insert(digest, (seen, row)),
            None => self.unknown.insert(digest, seen),
        }
    }
}

/// A subscription key borrowed from the request, so a cache hit allocates nothing. It
/// hashes as the owned `(String, String)` does: field by field, as `str`.
#[derive(Hash)]
struct SubscriptionRef<'a>(&'a str, &'a str);

impl Equivalent<(String, String)> for SubscriptionRef<'_> {
    fn equivalent(&self, key: &(String, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

impl GatewayCache {
    pub fn new(ttl: Duration, entries: usize) -> Self {
        Self {
            ttl,
            routes: RwLock::new(None),
            tokens: TokenCache::new(ttl, entries),
            subscriptions: TtlCache::new(ttl, entries),
        }
    }

    /// Drops the route table so the next request reloads it.
    pub fn routes_changed(&self) {
        if let Ok(mut routes) = self.routes.write() {
            *routes = None;
        }
    }

    pub fn subscription_changed(&self, app_id: &str, api_id: &str) {
        self.subscriptions.remove(&SubscriptionRef(app_id, api_id));
    }

    fn fresh_routes(&self) -> Option<Arc<RouteTable>> {
        let guard = self.routes.read().ok()?;
        let (at, table) = guard.as_ref()?;
        (at.elapsed() < self.ttl.max(Duration::from_secs(1))).then(|| table.clone())
    }
}

fn internal(e: impl std::fmt::Display) -> GatewayError {
    tracing::error!(error = %e, "gateway lookup failed");
    GatewayError::Internal
}

impl Services {
    async fn route_table(&self) -> Result<Arc<RouteTable>, ServiceError> {
        if let Some(table) = self.gateway.fresh_routes() {
            return Ok(table);
        }
        let apis = self.apis(true).await?;
        let routes = apis
            .into_iter()
            .map(|d| ApiRoute {
                id: d.api.id.into(),
                name: d.api.name,
                context: d.api.context,
                backend_url: d.api.backend_url.into(),
                resources: d
                    .resources
                    .into_iter()
                    .filter_map(|r| {
                        Some(ResourceRoute {
                            template: PathTemplate::parse(&r.path).ok()?,
                            label: format!("{} {}", r.method, r.path).into(),
                            method: r.method,
                            scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
                        })
                    })
                    .collect(),
            })
            .collect();
        let table = Arc::new(RouteTable::new(routes));
        if let Ok(mut slot) = self.gateway.routes.write() {
            *slot = Some((Instant::now(), table.clone()));
        }
        Ok(table)
    }

    /// The row of this access token: a JWT's from its verified claims (`jwt`), an opaque
    /// token's through the gateway's cache (keyed by the token's
    /// digest, so the cache holds no usable token), read from the key manager on a miss.
    pub(crate) async fn cached_token(
        &self,
        token: &str,
    ) -> Result<Option<Arc<TokenRow>>, ServiceError> {
        if super::jwt::is_jwt(token) {
            return self.jwt_token(token).await;
        }
        let digest = crypto::digest_bytes(token);
        let cache = &self.gateway.tokens;
        // Read the count first: a revocation committed after it outdates what is read.
        let seen = self.store.revocations();
        // An entry read before a revocation made through this server (or seen in the
        // feed) is read again; none is answered while the feed is out of reach.
        if let Some((read_at, row)) = cache.get(&digest) {
            if read_at >= seen && self.feed.trusted() {
                token_cache("opaque", "hit");
                return Ok(row);
            }
        }
        token_cache("opaque", "miss");
        let row = self.load_token(token).await?.map(Arc::new);
        cache.insert(digest, seen, row.clone());
        Ok(row)
    }

    async fn cached_subscription(&self, app_id: &str, api_id: &str) -> Result<bool, GatewayError> {
        let owned = || (app_id.to_owned(), api_id.to_owned());
        let load = self.store.is_subscribed(app_id, api_id);
        self.gateway
            .subscriptions
            .get_or_load(&SubscriptionRef(app_id, api_id), owned, load)
            .await
            .map_err(internal)
    }

    /// Decides whether `method path` with this Bearer token may reach a backend.
    pub async fn gateway_authorize(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
    ) -> Result<Pass, GatewayError> {
        let started = Instant::now();
        let table = self.route_table().await.map_err(internal)?;
        let (api, resource, rest) = match table.resolve(method, path) {
            Resolution::Found {
                api,
                resource,
                rest,
            } => (api, resource, rest),
            Resolution::NoApi => return Err(GatewayError::NoApi),
            Resolution::NoResource => return Err(GatewayError::NoResource),
            Resolution::MethodNotAllowed(m) => {
                return Err(GatewayError::MethodNotAllowed(
                    m.into_iter().map(str::to_owned).collect(),
                ))
            }
        };
        let token = bearer.ok_or(GatewayError::MissingToken)?;
        let row = self
            .cached_token(token)
            .await
            .map_err(|e| match e {
                ServiceError::Unavailable(why) => GatewayError::KeyManagerDown(why),
                other => internal(other),
            })?
            .ok_or(GatewayError::InvalidToken("the access token is not valid"))?;
        if row.revoked_at.is_some() {
            return Err(GatewayError::InvalidToken("the access token was revoked"));
        }
        if self.token_expired(&row) {
            return Err(GatewayError::InvalidToken("the access token has expired"));
        }
        let pass = Pass {
            api_id: api.id.clone(),
            backend_url: api.backend_url.clone(),
            rest: rest.to_owned(),
            resource: resource.label.clone(),
            token: row,
        };
        // Refusals of a known application are calls too, for its statistics.
        let refuse = |e: GatewayError| {
            self.record_call(&pass, 403, started.elapsed());
            Err(e)
        };
        if !self
            .cached_subscription(&pass.token.app_id, &api.id)
            .await?
        {
            return refuse(GatewayError::NotSubscribed {
                api: api.name.clone(),
            });
        }
        // The stored scopes are a space-separated set as issued: membership needs no parse.
        let mut granted = pass.token.scopes.split_whitespace();
        if !resource.scopes.is_empty() && !granted.any(|g| resource.scopes.iter().any(|s| s == g)) {
            return refuse(GatewayError::InsufficientScope(resource.scopes.clone()));
        }
        Ok(pass)
    }
}

/// A lookup in the gateway's token caches (`opaque` rows read, `jwt` signatures
/// verified), for the metrics' hit ratio.
pub(super) fn token_cache(token_type: &'static str, result: &'static str) {
    metrics::counter!(
        "portico_token_cache_lookups_total",
        "token_type" => token_type,
        "result" => result
    )
    .increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, i: usize) -> [u8; 32] {
        crypto::digest_bytes(&format!("{kind}{i}"))
    }

    fn row(id: &str) -> Arc<TokenRow> {
        Arc::new(TokenRow {
            id: id.into(),
            ..Default::default()
        })
    }

    #[test]
    fn a_flood_of_unknown_tokens_cannot_evict_real_ones() {
        let cache = TokenCache::new(Duration::from_secs(60), 100);
        for i in 0..50 {
            cache.insert(key("real", i), 1, Some(row(&i.to_string())));
        }
        for i in 0..20_000 {
            cache.insert(key("junk", i), 1, None);
        }
        let kept = (0..50)
            .filter(|i| {
                cache
                    .get(&key("real", *i))
                    .is_some_and(|(_, r)| r.is_some())
            })
            .count();
        assert_eq!(kept, 50, "every real token is still cached");
        let junk = (0..20_000)
            .filter(|i| cache.get(&key("junk", *i)).is_some())
            .count();
        assert!(junk <= 100, "{junk} unknown tokens kept; their bound is 10");
    }
}
