//! Serving one bound listener: its HTTP settings (header timeout, connection cap, TLS),
//! on the main runtime, or on one current-thread runtime per core.
//!
//! The gateway's listeners use the second. A proxied call is a request task handing the
//! request to the backend connection's task and back; on the multi-threaded runtime those
//! tasks run on different workers and every hand-off is a cross-thread wake-up. With one
//! runtime per core sharing the listening socket (as nginx's workers share theirs), each
//! connection, its request, the backend connection it uses (each runtime has its own
//! backend pool) and their hand-offs stay on one thread. Measured on the plain proxy:
//! 23–25 % less CPU per call (`tests/bench/gateway_bench.sh`, README).

use super::conn_limit::ConnectionLimit;
use axum::Router;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use axum_server::Handle;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How a listener serves.
#[derive(Clone)]
pub(super) struct Settings {
    pub header_timeout: Duration,
    /// Shared by every runtime serving the listener: the cap is per listener.
    pub limit: ConnectionLimit,
    pub tls: Option<RustlsConfig>,
}

/// The running listeners: a handle to stop each, and what each ended with.
#[derive(Default)]
pub(super) struct Serving {
    pub handles: Vec<Handle<SocketAddr>>,
    pub tasks: Vec<JoinHandle<std::io::Result<()>>>,
}

async fn run(
    listener: std::net::TcpListener,
    app: Router,
    settings: Settings,
    handle: Handle<SocketAddr>,
) -> std::io::Result<()> {
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let mut server = axum_server::from_tcp(listener)?.handle(handle);
    // hyper enforces the header timeout only with a timer to measure it by.
    server
        .http_builder()
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    match settings.tls {
        Some(tls) => {
            let acceptor = RustlsAcceptor::new(tls)
                .handshake_timeout(settings.header_timeout)
                .acceptor(settings.limit);
            server.acceptor(acceptor).serve(app).await
        }
        None => server.acceptor(settings.limit).serve(app).await,
    }
}

impl Serving {
    /// Serves `app` on `listener` from the current (main) runtime.
    pub fn on_this_runtime(
        &mut self,
        listener: std::net::TcpListener,
        app: Router,
        settings: Settings,
    ) {
        let handle = Handle::new();
        self.handles.push(handle.clone());
        self.tasks
            .push(tokio::spawn(run(listener, app, settings, handle)));
    }

    /// Serves on `threads` current-thread runtimes sharing `listener`; `app` builds each
    /// runtime's router (with its own backend pool).
    pub fn per_core(
        &mut self,
        listener: std::net::TcpListener,
        threads: usize,
        app: impl Fn() -> Router,
        settings: Settings,
    ) -> std::io::Result<()> {
        for i in 0..threads.max(1) {
            let listener = listener.try_clone()?;
            let (app, settings, handle) = (app(), settings.clone(), Handle::new());
            self.handles.push(handle.clone());
            let (done, ended) = tokio::sync::oneshot::channel();
            std::thread::Builder::new()
                .name(format!("portico-gateway-{i}"))
                .spawn(move || {
                    let result = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .and_then(|rt| rt.block_on(run(listener, app, settings, handle)));
                    let _ = done.send(result);
                })?;
            // What the thread ended with, awaited like the main runtime's listeners.
            self.tasks
                .push(tokio::spawn(async move { ended.await.unwrap_or(Ok(())) }));
        }
        Ok(())
    }
}
