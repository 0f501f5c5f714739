use super::*;

#[test]
fn https_loopback_http_and_private_use_schemes_are_accepted() {
    for ok in [
        "https://client.example.com/cb",
        "https://client.example.com:8443/cb?tenant=a",
        "http://localhost/cb",
        "http://127.0.0.1:51004/oauth/callback",
        "http://[::1]:8080/cb",
        "com.example.app:/oauth2redirect",
        "com.example.app://callback",
    ] {
        assert!(CallbackUrl::parse(ok).is_ok(), "{ok}");
    }
}

#[test]
fn unsafe_or_unmatchable_urls_are_refused_with_a_reason() {
    for (bad, says) in [
        ("http://client.example.com/cb", "https"),
        ("https://client.example.com/cb#frag", "fragment"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/html,hi", "data"),
        ("myapp:/cb", "reverse-domain"),
        ("/relative/cb", "absolute"),
        ("https:///nohost", "host"),
        ("https://good.example@evil.example/cb", "user"),
        ("https://a.example;form-action/cb", "host"),
        ("http://localhost:notaport/cb", "https"),
        ("https://a.example/ b", "spaces"),
        ("", "1 to"),
    ] {
        let e = CallbackUrl::parse(bad).expect_err(bad);
        assert_eq!(e.field, "callback_urls");
        assert!(e.message.contains(says), "{bad}: {}", e.message);
    }
    let long = format!("https://a.example/{}", "x".repeat(MAX_LEN));
    assert!(CallbackUrl::parse(&long).is_err());
}

#[test]
fn matching_is_exact_but_for_a_loopback_port() {
    let web = CallbackUrl::parse("https://client.example.com/cb").unwrap();
    assert!(web.matches("https://client.example.com/cb"));
    for other in [
        "https://client.example.com/cb/",
        "https://client.example.com/cb?x=1",
        "https://CLIENT.example.com/cb",
        "https://client.example.com:443/cb",
        "http://client.example.com/cb",
    ] {
        assert!(!web.matches(other), "{other}");
    }
    let native = CallbackUrl::parse("http://127.0.0.1/cb").unwrap();
    assert!(native.matches("http://127.0.0.1:49152/cb"));
    assert!(native.matches("http://127.0.0.1/cb"));
    assert!(!native.matches("http://127.0.0.1:49152/other"));
    assert!(!native.matches("http://localhost:49152/cb"), "another host");
    assert!(!native.matches("http://127.0.0.1:x/cb"));
}

#[test]
fn a_list_resolves_only_what_it_registered() {
    let urls =
        CallbackUrls::parse("https://a.example/cb\n  https://b.example/cb https://a.example/cb\n")
            .unwrap();
    assert_eq!(urls.iter().count(), 2, "repeats dropped");
    assert_eq!(
        urls.resolve(Some("https://b.example/cb")),
        Some("https://b.example/cb")
    );
    assert_eq!(urls.resolve(Some("https://c.example/cb")), None);
    assert_eq!(urls.resolve(None), None, "no guess among several");
    let one = CallbackUrls::parse("https://a.example/cb").unwrap();
    assert_eq!(one.resolve(None), Some("https://a.example/cb"));
    assert_eq!(one.to_lines(), "https://a.example/cb");
    assert!(CallbackUrls::parse("").unwrap().is_empty());
    let many: Vec<String> = (0..=MAX_URLS)
        .map(|i| format!("https://a.example/{i}"))
        .collect();
    assert!(CallbackUrls::parse(&many.join("\n")).is_err());
}

/// Near misses of the registered URIs, and the URIs themselves.
fn presented() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        Just("https://a.example/cb".to_owned()),
        any::<u16>().prop_map(|p| format!("http://127.0.0.1:{p}/cb")),
        "[a-z/?#:@.]{0,6}".prop_map(|s| format!("https://a.example/{s}")),
        "[a-z0-9:/@]{0,12}".prop_map(|s| format!("http://127.0.0.1{s}")),
        "\\PC{0,40}",
    ]
}

proptest::proptest! {
    /// Whatever is presented, it resolves only to itself, and only when it is a
    /// registered URI (or differs from the loopback one in its port alone).
    #[test]
    fn resolution_never_substitutes_another_uri(presented in presented()) {
        let urls = CallbackUrls::parse("https://a.example/cb http://127.0.0.1/cb").unwrap();
        if let Some(resolved) = urls.resolve(Some(&presented)) {
            proptest::prop_assert_eq!(resolved, presented.as_str());
            let web = presented == "https://a.example/cb";
            let port_only = presented
                .strip_prefix("http://127.0.0.1")
                .and_then(|rest| rest.strip_suffix("/cb"))
                .is_some_and(|port| {
                    port.is_empty() || port.strip_prefix(':').is_some_and(|p| p.parse::<u16>().is_ok())
                });
            proptest::prop_assert!(web || port_only, "{}", presented);
        }
    }
}
