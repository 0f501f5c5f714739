use crate::server::config::Config;
use crate::server::{self, shutdown_signal};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let config = Arc::new(config);
    let services = server::services(&config).await?;
    let password = std::env::var("PORTICO_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .map(SecretString::from);
    if let Some(admin) = services.bootstrap_admin(password).await? {
        match admin.generated_password {
            // Printed once to standard output, never logged.
            Some(pw) => println!(
                "Created the administrator account `{}` with the password:\n\n    {}\n\n\
                 It is shown only this once; you will be asked to change it at first sign-in.",
                admin.username,
                pw.expose_secret()
            ),
            None => println!(
                "Created the administrator account `{}` with the password from PORTICO_ADMIN_PASSWORD.",
                admin.username
            ),
        }
    }
    let running = server::start(config.clone(), services).await?;
    if running.tls.generated_now {
        println!(
            "Generated a self-signed TLS certificate at {}",
            running.tls.cert.display()
        );
    }
    let p = running.ports;
    println!(
        "Portico is running: portal https://{host}:{}/  gateway https://{host}:{}/ {}",
        p.portal_https,
        p.gateway_https,
        if config.gateway.http_enabled {
            format!(
                "and http://{host}:{}/",
                p.gateway_http,
                host = config.server.hostname
            )
        } else {
            String::new()
        },
        host = config.server.hostname,
    );
    shutdown_signal().await;
    tracing::info!("shutting down: finishing in-flight requests");
    running.shutdown().await;
    tracing::info!("stopped");
    server::otlp::flush();
    Ok(())
}

pub async fn migrate(config: Config) -> anyhow::Result<()> {
    let services = server::services(&config).await?;
    services.store.close().await;
    println!("Migrations applied.");
    Ok(())
}
