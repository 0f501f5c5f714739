//! The gateway's backend connector, which refuses connections the backend policy forbids
//! (`domain::backend`). The check runs on the address actually connected to, after name
//! resolution, so a backend name that resolves (or later re-resolves) to the metadata
//! service, a private network or this server itself gains nothing; no request byte is
//! sent on such a connection.

use crate::domain::backend::{BackendPolicy, BackendRefusal};
use axum::http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A connection refused by the policy, found again in the client's error chain.
#[derive(Debug, thiserror::Error)]
#[error("backend address {addr} {why}")]
pub struct Refused {
    pub addr: std::net::SocketAddr,
    pub why: BackendRefusal,
}

#[derive(Clone)]
pub struct GuardedConnector {
    inner: HttpConnector,
    policy: Arc<BackendPolicy>,
}

impl GuardedConnector {
    pub fn new(inner: HttpConnector, policy: BackendPolicy) -> Self {
        Self {
            inner,
            policy: Arc::new(policy),
        }
    }
}

impl tower::Service<Uri> for GuardedConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let policy = self.policy.clone();
        Box::pin(async move {
            let io = connecting.await?;
            let addr = io.inner().peer_addr()?;
            policy
                .check(addr.ip(), addr.port())
                .map_err(|why| Box::new(Refused { addr, why }) as BoxError)?;
            Ok(io)
        })
    }
}

/// Whether a client error was this guard's refusal.
pub fn refusal<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Refused> {
    let mut source = Some(e);
    while let Some(err) = source {
        if let Some(r) = err.downcast_ref::<Refused>() {
            return Some(r);
        }
        source = err.source();
    }
    None
}
