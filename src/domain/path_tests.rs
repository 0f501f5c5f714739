use super::*;
use proptest::prelude::*;

#[test]
fn dot_segments_are_resolved_and_slashes_merged() {
    let cases = [
        ("/", "/"),
        ("/order/7", "/order/7"),
        ("/order/../admin", "/admin"),
        ("/order/./7", "/order/7"),
        ("//order///7", "/order/7"),
        ("/order/7/", "/order/7/"),
        ("/order/7/.", "/order/7/"),
        ("/a/b/..", "/a/"),
        ("/a/..", "/"),
        ("/%6Frder/%37", "/order/7"),
        ("/caf%c3%a9", "/caf%C3%A9"),
        ("/a%2e%2eb", "/a..b"),
        ("/x%20y", "/x%20y"),
    ];
    for (raw, want) in cases {
        assert_eq!(normalize(raw).as_deref(), Ok(want), "{raw}");
        assert_eq!(normalize_owned(raw).as_deref(), Ok(want), "{raw}");
    }
}

#[test]
fn smuggled_separators_and_dots_are_refused() {
    let cases = [
        ("order/7", PathError::NotAbsolute),
        ("/order/..%2Fadmin", PathError::EncodedSeparator),
        ("/order/..%2fadmin", PathError::EncodedSeparator),
        ("/order/..%5Cadmin", PathError::EncodedSeparator),
        ("/order\\..\\admin", PathError::EncodedSeparator),
        ("/order/%2e%2e/admin", PathError::EncodedDotSegment),
        ("/order/.%2E/admin", PathError::EncodedDotSegment),
        ("/order/%2e/admin", PathError::EncodedDotSegment),
        ("/order/%00", PathError::ControlCharacter),
        ("/order/%0d%0aX:1", PathError::ControlCharacter),
        ("/order/%zz", PathError::BadEscape),
        ("/order/%4", PathError::BadEscape),
        ("/..", PathError::AboveRoot),
        ("/a/../../etc/passwd", PathError::AboveRoot),
    ];
    for (raw, err) in cases {
        assert_eq!(normalize(raw), Err(err), "{raw}");
        assert_eq!(normalize_owned(raw), Err(err), "{raw}");
    }
}

/// Segments an attacker would try, and ordinary ones.
fn segment_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just(String::new()),
        Just("%2e%2e".to_owned()),
        Just("%2F".to_owned()),
        Just("%5c".to_owned()),
        Just("%00".to_owned()),
        Just("admin".to_owned()),
        Just("order".to_owned()),
        "[a-zA-Z0-9._~%-]{1,6}",
        "\\PC{1,4}",
    ]
}

proptest! {
    #[test]
    fn the_normal_form_is_idempotent_and_has_no_dot_or_empty_segment(
        segments in proptest::collection::vec(segment_strategy(), 0..8)
    ) {
        let raw = format!("/{}", segments.join("/"));
        if let Ok(norm) = normalize(&raw) {
            let again = normalize(&norm);
            prop_assert_eq!(again.as_deref(), Ok(&*norm));
            prop_assert!(norm.starts_with('/'));
            prop_assert!(!norm.contains("//"), "{}", norm);
            let inner = norm.trim_end_matches('/');
            for seg in inner.split('/').skip(1) {
                prop_assert!(!seg.is_empty() && seg != "." && seg != "..", "{}", norm);
            }
            let upper = norm.to_ascii_uppercase();
            prop_assert!(!upper.contains("%2F") && !upper.contains("%5C") && !upper.contains("%00"));
            prop_assert!(!norm.contains('\\'));
        }
    }

    /// The fast path (a path already normal is borrowed) agrees with the full one.
    #[test]
    fn the_fast_path_agrees_with_the_full_normaliser(
        segments in proptest::collection::vec(segment_strategy(), 0..8),
        trailing in proptest::bool::ANY,
    ) {
        let raw = format!("/{}{}", segments.join("/"), if trailing { "/" } else { "" });
        let fast = normalize(&raw).map(|c| c.into_owned());
        prop_assert_eq!(fast, normalize_owned(&raw));
    }

    #[test]
    fn no_input_makes_the_normaliser_panic(raw in "\\PC{0,64}") {
        let _ = normalize(&raw);
        let _ = normalize(&format!("/{raw}"));
    }
}
