//! TLS: HTTPS endpoints with DER and PEM roots, untrusted certificates refused unless the
//! dangerous switch is on, and HTTPS through a proxy as a CONNECT tunnel.

use std::sync::Arc;

use huaweicloud_secmaster::Error;

use crate::{change_request, client_builder, support, SEED_CHANGE_RESPONSE};

fn tls_material(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tls/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("test TLS material is committed")
}

/// A one-shot HTTPS server answering every request with the seed answer.
async fn tls_server() -> std::net::SocketAddr {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio::io::AsyncWriteExt;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(tls_material("server.der"))],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(tls_material("server.key.der"))),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                support::read_request(&mut stream).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: tls-1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                    SEED_CHANGE_RESPONSE.len(),
                    SEED_CHANGE_RESPONSE
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    address
}

/// Calls ChangePlaybookInstance on a fresh test TLS server, with a client `configure`
/// finishes; the request id the server sent.
async fn call_over_tls(
    configure: impl FnOnce(huaweicloud_secmaster::ClientBuilder) -> huaweicloud_secmaster::ClientBuilder,
) -> Result<Option<String>, Error> {
    let address = tls_server().await;
    let endpoint = format!("https://localhost:{}", address.port());
    let client = configure(client_builder(&endpoint)).build()?;
    let response = client.change_playbook_instance(change_request()).await?;
    Ok(response.request_id)
}

#[tokio::test]
async fn https_endpoints_work_and_untrusted_certificates_are_a_tls_error() {
    let trusted =
        call_over_tls(|builder| builder.add_root_certificate_der(tls_material("ca.der"))).await;
    assert_eq!(trusted.unwrap().as_deref(), Some("tls-1"));
    let untrusted = call_over_tls(|builder| builder).await.unwrap_err();
    assert!(matches!(untrusted, Error::Tls { .. }), "{untrusted:?}");
}

#[tokio::test]
async fn https_goes_through_a_proxy_as_a_connect_tunnel() {
    let (proxy, heads) = support::forwarding_proxy(String::new()).await;
    let request_id = call_over_tls(|builder| {
        builder
            .add_root_certificate_der(tls_material("ca.der"))
            .proxy(format!("http://{proxy}"))
    })
    .await;
    assert_eq!(request_id.unwrap().as_deref(), Some("tls-1"));
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with("CONNECT localhost:"), "{}", heads[0]);
}

/// The test CA as PEM text, as users usually have it.
fn ca_pem() -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(tls_material("ca.der"));
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

#[tokio::test]
async fn pem_roots_are_trusted_like_der_ones_and_a_pem_without_one_is_refused() {
    let trusted = call_over_tls(|builder| builder.add_root_certificate_pem(ca_pem())).await;
    assert_eq!(trusted.unwrap().as_deref(), Some("tls-1"));
    let error = call_over_tls(|builder| builder.add_root_certificate_pem("not a certificate"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        error.to_string().contains("no CERTIFICATE block"),
        "{error}"
    );
}

#[tokio::test]
async fn the_dangerous_switch_accepts_an_untrusted_certificate_and_only_when_on() {
    let reckless = call_over_tls(|builder| builder.danger_accept_invalid_certificates(true)).await;
    assert_eq!(reckless.unwrap().as_deref(), Some("tls-1"));
    let careful = call_over_tls(|builder| builder.danger_accept_invalid_certificates(false))
        .await
        .unwrap_err();
    assert!(matches!(careful, Error::Tls { .. }), "{careful:?}");
}
