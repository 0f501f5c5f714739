//! `[server] profile` and `[apim.key_manager]` as operators write them: WSO2's two
//! spellings, the credential, and the certificate, each mistake named.

use crate::on_both_backends;
use crate::support::app::second_node;
use crate::support::split::{key_manager, use_key_manager};
use crate::support::Backend;
use portico::server::config::{Config, Profile};

fn load(toml: &str) -> Result<Config, String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deployment.toml");
    std::fs::write(&file, toml).unwrap();
    Config::load(Some(&file)).map_err(|e| e.to_string())
}

const CREDENTIAL: &str = "username = \"edge\"\npassword = \"p\"\n";

#[test]
fn the_shipped_example_loads_and_names_every_key_manager_setting() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deployment.toml");
    let text = std::fs::read_to_string(&example).unwrap();
    let config = load(&text).expect("the example loads as shipped");
    assert_eq!(config.server.profile, Profile::All);
    assert!(config.key_manager().unwrap().is_none());
    for key in [
        "service_url",
        "configuration.ServerURL",
        "username",
        "password",
        "ca_cert_path",
    ] {
        assert!(text.contains(key), "{key} is documented");
    }
}

#[test]
fn the_two_spellings_of_the_key_manager_address_are_one_setting() {
    let both = |a: &str, b: &str| {
        format!(
            "[server]\nprofile = \"gateway\"\n[apim.key_manager]\nservice_url = \"{a}\"\n\
             configuration.ServerURL = \"{b}\"\n{CREDENTIAL}"
        )
    };
    let same = load(&both(
        "https://km.example.com:9443/services/",
        "https://km.example.com:9443",
    ))
    .expect("the same origin, with or without WSO2's path");
    let target = same.key_manager().unwrap().unwrap();
    assert_eq!(target.origin, "https://km.example.com:9443");
    let err = load(&both(
        "https://km-a.example.com:9443",
        "https://km-b.example.com:9443",
    ))
    .unwrap_err();
    assert!(
        err.contains("apim.key_manager.service_url")
            && err.contains("apim.key_manager.configuration.ServerURL")
            && err.contains("km-a.example.com")
            && err.contains("km-b.example.com"),
        "{err}"
    );
}

#[test]
fn each_key_manager_mistake_is_named() {
    let cases = [
        ("[server]\nprofile = \"gateway\"\n", "needs the key manager's address"),
        ("[server]\nprofile = \"portal\"\n", "needs the key manager's address"),
        (
            "[server]\nprofile = \"key-manager\"\n[apim.key_manager]\nservice_url = \"https://km:9443\"\n",
            "a key-manager node is the key manager",
        ),
        (
            "[apim.key_manager]\nservice_url = \"http://km:9443\"\nusername = \"u\"\npassword = \"p\"\n",
            "must be an https URL",
        ),
        (
            "[apim.key_manager]\nservice_url = \"https://km:9443\"\n",
            "portico key-manager credential create",
        ),
        (
            "[apim.key_manager]\nservice_url = \"https://km:9443\"\nusername = \"a\"\n\
             configuration.Username = \"b\"\npassword = \"p\"\n",
            "apim.key_manager.configuration.Username",
        ),
        ("[server]\nprofile = \"edge\"\n", "server.profile"),
    ];
    for (toml, expected) in cases {
        let err = load(toml).unwrap_err();
        assert!(err.contains(expected), "{toml}: {err}");
    }
    let wso2 = load(
        "[server]\nprofile = \"portal\"\n[apim.key_manager]\nconfiguration.ServerURL = \
         \"https://km:9443/services/\"\nconfiguration.Username = \"edge\"\nconfiguration.Password = \"p\"\n",
    )
    .expect("WSO2's spelling of the credential");
    let target = wso2.key_manager().unwrap().unwrap();
    assert_eq!(
        (target.username.as_str(), target.password.0.as_str()),
        ("edge", "p")
    );
    assert!(
        !format!("{wso2:?}").contains("\"p\""),
        "the password never prints"
    );
}

on_both_backends!(an_unverifiable_certificate_is_named_with_the_setting_that_fixes_it);

async fn an_unverifiable_certificate_is_named_with_the_setting_that_fixes_it(b: Backend) {
    let Some(f) = key_manager(b).await else {
        return;
    };
    let using = use_key_manager(&f.app).await;
    let gw = second_node(&f.app, move |c| {
        c.server.profile = Profile::Gateway;
        using(c);
        c.apim.key_manager.ca_cert_path = None;
    })
    .await;
    let res = gw.http.get(gw.gateway("/ready")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let ready: serde_json::Value = res.json().await.unwrap();
    let reason = ready["checks"]["key_manager"]["reason"].as_str().unwrap();
    assert!(reason.contains("ca_cert_path"), "{reason}");

    let mut config = Config::default();
    config.server.profile = Profile::Gateway;
    use_key_manager(&f.app).await(&mut config);
    config.apim.key_manager.ca_cert_path = Some("/nonexistent/km.crt".into());
    config.database.url = f.app.database_url().to_owned();
    let err = match portico::server::services(&config).await {
        Err(e) => e.to_string(),
        Ok(_) => panic!("an unreadable certificate file stops the start"),
    };
    assert!(
        err.contains("ca_cert_path") && err.contains("/nonexistent/km.crt"),
        "{err}"
    );
}

#[test]
fn secrets_come_from_files_named_in_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("db-url");
    std::fs::write(&db, format!("sqlite://{}/from-file.db\n", d.display())).unwrap();
    let password = d.join("km-password");
    std::fs::write(&password, "from-a-file\n").unwrap();
    std::fs::write(
        d.join("deployment.toml"),
        "[server]\nprofile = \"gateway\"\n[apim.key_manager]\n\
         service_url = \"https://km.example.com:9443\"\nusername = \"edge\"\n",
    )
    .unwrap();
    let out = crate::support::process::command(d)
        .arg("migrate")
        .env("PORTICO_DATABASE__URL_FILE", &db)
        .env("PORTICO_APIM__KEY_MANAGER__PASSWORD_FILE", &password)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        d.join("from-file.db").is_file(),
        "the URL came from its file"
    );
    let out = crate::support::process::command(d)
        .arg("migrate")
        .env("PORTICO_DATABASE__URL_FILE", &db)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "without the password file: {stderr}"
    );
    assert!(stderr.contains("username` and `password"), "{stderr}");
}

#[test]
fn signing_settings_are_checked() {
    let err = load("[oauth.signing]\nkey_encryption_key = \"short\"\n").unwrap_err();
    assert!(
        err.contains("oauth.signing.key_encryption_key") && err.contains("32"),
        "{err}"
    );
    let err = load("[oauth.signing]\nrotation_overlap_seconds = 5\n").unwrap_err();
    assert!(
        err.contains("oauth.signing.rotation_overlap_seconds"),
        "{err}"
    );
    let err = load("[oauth.signing]\nalgorithm = \"HS256\"\n").unwrap_err();
    assert!(err.contains("oauth.signing.algorithm"), "{err}");
    let ok = load("[oauth.signing]\nalgorithm = \"EdDSA\"\n").unwrap();
    assert_eq!(
        ok.oauth.signing.algorithm,
        portico::crypto::jws::SigningAlgorithm::EdDSA
    );
    assert!(!format!("{:?}", load("[oauth.signing]\nkey_encryption_key = \"0123456789abcdef0123456789abcdef-secret\"\n").unwrap())
        .contains("-secret"), "the key never prints");
}
