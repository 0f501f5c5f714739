//! Portico split over several nodes: a key manager, and gateway or portal nodes that use
//! it through its internal API, all on one database.

use super::app::{node_at, second_node, TestApp};
use super::gateway::{fixture, Fixture};
use super::Backend;
use portico::server::config::{Config, ConfigSecret, Profile};

/// A published API with a subscribed application, on a key-manager node.
pub async fn key_manager(b: Backend) -> Option<Fixture> {
    fixture(b, |c| c.server.profile = Profile::KeyManager).await
}

/// Where a node finds the key manager `km`, and the credential it shows there.
pub async fn use_key_manager(km: &TestApp) -> impl Fn(&mut Config) + Clone {
    let name = format!("node-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let credential = km.services.create_node_credential(&name).await.unwrap();
    let password = secrecy::ExposeSecret::expose_secret(&credential.password).to_owned();
    let (port, cert) = (km.ports.portal_https, km.tls.cert.clone());
    move |c: &mut Config| {
        let k = &mut c.apim.key_manager;
        // As users copy it from WSO2's documentation: only the origin is used.
        k.configuration.server_url = Some(format!("https://localhost:{port}/services/"));
        k.username = Some(name.clone());
        k.password = Some(ConfigSecret(password.clone()));
        k.ca_cert_path = Some(cert.clone());
    }
}

/// A node of `profile` using `km`, with `tweak` applied last.
pub async fn remote_node(km: &TestApp, profile: Profile, tweak: impl Fn(&mut Config)) -> TestApp {
    let using = use_key_manager(km).await;
    second_node(km, move |c| {
        c.server.profile = profile;
        using(c);
        tweak(c);
    })
    .await
}

/// The key manager `km` started again where it was stopped, with the same certificate,
/// as a restarted process would be.
pub async fn restart_key_manager(km: &TestApp) -> TestApp {
    let (cert, key) = (km.tls.cert.clone(), km.tls.key.clone());
    node_at(km, km.offset(), move |c| {
        c.server.profile = Profile::KeyManager;
        c.tls.cert_path = Some(cert.clone());
        c.tls.key_path = Some(key.clone());
    })
    .await
}
