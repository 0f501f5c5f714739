//! The HTTPS identity: configured PEM files, or a self-signed pair generated in process on
//! first start and reused afterwards (as WSO2 ships its own keystore).

use axum_server::tls_rustls::RustlsConfig;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot write the generated certificate to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot generate a certificate: {0}")]
    Generate(String),
    #[error("cannot load the certificate {cert} / key {key}: {reason}")]
    Load {
        cert: PathBuf,
        key: PathBuf,
        reason: String,
    },
}

/// Where the certificate and key come from, and whether this start created them.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub generated_now: bool,
}

/// Uses the configured pair, or `data_dir/tls/portico.{crt,key}`, generating that pair if
/// it does not exist yet.
pub fn ensure_identity(
    configured: Option<(&Path, &Path)>,
    data_dir: &Path,
    hostname: &str,
) -> Result<TlsFiles, TlsError> {
    if let Some((cert, key)) = configured {
        return Ok(TlsFiles {
            cert: cert.into(),
            key: key.into(),
            generated_now: false,
        });
    }
    let dir = data_dir.join("tls");
    let cert = dir.join("portico.crt");
    let key = dir.join("portico.key");
    if cert.is_file() && key.is_file() {
        return Ok(TlsFiles {
            cert,
            key,
            generated_now: false,
        });
    }
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TlsError::Write { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(write_err(&dir))?;
    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    if !names.iter().any(|n| n == hostname) {
        names.push(hostname.to_owned());
    }
    let generate = || -> Result<(rcgen::Certificate, rcgen::KeyPair), rcgen::Error> {
        let mut params = rcgen::CertificateParams::new(names)?;
        // A name of its own: trust stores (nginx's, OpenSSL's) find a certificate by its
        // subject, so nodes whose certificates all had one name could trust only one.
        let id = uuid::Uuid::new_v4().simple().to_string();
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            format!("Portico {hostname} {}", &id[..12]),
        );
        let pair = rcgen::KeyPair::generate()?;
        Ok((params.self_signed(&pair)?, pair))
    };
    let (generated, pair) = generate().map_err(|e| TlsError::Generate(e.to_string()))?;
    write_private(&key, pair.serialize_pem().as_bytes()).map_err(write_err(&key))?;
    std::fs::write(&cert, generated.pem()).map_err(write_err(&cert))?;
    Ok(TlsFiles {
        cert,
        key,
        generated_now: true,
    })
}

/// The private key is readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

pub async fn rustls_config(files: &TlsFiles) -> Result<RustlsConfig, TlsError> {
    // Several listeners and tests may race to install it; the first one wins, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    RustlsConfig::from_pem_file(&files.cert, &files.key)
        .await
        .map_err(|e| TlsError::Load {
            cert: files.cert.clone(),
            key: files.key.clone(),
            reason: e.to_string(),
        })
}

/// A client configuration that trusts only the certificates in the PEM file at `path`
/// (a self-signed node certificate, or the CA that issued it). `setting` names where the
/// path came from, so a bad file is reported in words the operator can act on.
pub fn trusting(path: &Path, setting: &str) -> Result<rustls::ClientConfig, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| format!("{setting}: cannot read {shown}: {e}"))?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| format!("{setting}: {shown} is not PEM: {e}"))?;
        roots
            .add(cert)
            .map_err(|e| format!("{setting}: {shown} holds an unusable certificate: {e}"))?;
    }
    if roots.is_empty() {
        return Err(format!("{setting}: {shown} holds no certificate"));
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// A failed connection with its causes, in words an operator can act on: a certificate
/// problem gets `trust_hint`, which names the setting that fixes it.
pub fn connect_failure(e: &dyn std::error::Error, trust_hint: &str) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    if text.contains("certificate") || text.contains("UnknownIssuer") {
        text.push_str("; ");
        text.push_str(trust_hint);
    }
    text
}
