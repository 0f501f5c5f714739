use super::*;

#[test]
fn contexts_are_plain_segments_outside_the_gateways_own_paths() {
    assert!(ApiContext::parse("/pizzashack/1.0.0").is_ok());
    for bad in [
        "pizza",
        "/",
        "/pizza/",
        "/a//b",
        "/a/../b",
        "/a b",
        "/token",
        "/oauth2/x",
        "/health",
    ] {
        assert!(ApiContext::parse(bad).is_err(), "{bad}");
    }
    assert!(
        ApiContext::parse("/tokens").is_ok(),
        "only whole segments are reserved"
    );
}

#[test]
fn methods_are_case_insensitive_and_limited() {
    assert_eq!(parse_method("get"), Ok("GET"));
    assert_eq!(parse_method(" Delete "), Ok("DELETE"));
    assert!(parse_method("TRACE").is_err());
    assert!(parse_method("CONNECT").is_err());
}

#[test]
fn templates_match_literals_parameters_and_a_final_star() {
    let order = PathTemplate::parse("/order/{orderId}").unwrap();
    assert_eq!(order.specificity("/order/42"), Some((1, 2, true, 1)));
    assert_eq!(order.specificity("/order"), None);
    assert_eq!(order.specificity("/order/"), None);
    assert_eq!(order.specificity("/order/42/items"), None);
    let all = PathTemplate::parse("/menu/*").unwrap();
    assert_eq!(all.specificity("/menu"), Some((1, 1, false, 1)));
    assert_eq!(all.specificity("/menu/a/b"), Some((1, 1, false, 1)));
    let root = PathTemplate::parse("/").unwrap();
    assert_eq!(root.specificity(""), Some((0, 0, true, 0)));
    assert_eq!(root.specificity("/"), Some((0, 0, true, 0)));
    assert_eq!(root.specificity("/x"), None);
}

#[test]
fn literals_match_any_case_and_a_trailing_slash_so_scopes_cannot_be_dodged() {
    let admin = PathTemplate::parse("/admin").unwrap();
    assert_eq!(admin.specificity("/admin/"), Some((1, 1, true, 1)));
    assert_eq!(admin.specificity("/ADMIN"), Some((1, 1, true, 0)));
    assert_eq!(admin.specificity("/Admin/"), Some((1, 1, true, 0)));
    let order = PathTemplate::parse("/order/{orderId}").unwrap();
    assert_eq!(order.specificity("/Order/42/"), Some((1, 2, true, 0)));
}

#[test]
fn malformed_templates_are_refused() {
    for bad in [
        "order",
        "/order/{}",
        "/order/{id",
        "/*/x",
        "/a b",
        "/a/../b",
        "/{x-y}",
    ] {
        assert!(PathTemplate::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn role_sets_accept_commas_or_spaces() {
    let roles = RoleSet::parse("admin, ops sales").unwrap();
    assert_eq!(roles.to_string(), "admin ops sales");
    assert!(roles.intersects(&RoleSet::parse("ops").unwrap()));
    assert!(!roles.intersects(&RoleSet::default()));
    assert!(RoleSet::parse("bad\"role").is_err());
    assert!(RoleSet::parse("").unwrap().is_empty());
}
