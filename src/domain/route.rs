//! Matching a gateway request to an API and one of its resources. The API with the
//! longest context that is a whole-segment prefix of the path wins; within it, the
//! resource whose template matches most specifically (most literal segments, then most
//! segments, a final `*` last).

use super::api::{PathTemplate, Specificity};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct ResourceRoute {
    pub method: String,
    pub template: PathTemplate,
    /// `GET /order/{orderId}`, as the statistics name the resource.
    pub label: Arc<str>,
    /// Any one of these lets a token through; empty means no scope is needed.
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ApiRoute {
    pub id: Arc<str>,
    pub name: String,
    pub context: String,
    pub backend_url: Arc<str>,
    pub resources: Vec<ResourceRoute>,
}

#[derive(Debug)]
pub enum Resolution<'a> {
    NoApi,
    NoResource,
    /// The path names a resource, but not for this method; these methods it has.
    MethodNotAllowed(Vec<&'a str>),
    Found {
        api: &'a ApiRoute,
        resource: &'a ResourceRoute,
        /// The path after the context, empty or starting with `/`.
        rest: &'a str,
    },
}

/// Every routable (published) API, longest context first.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    apis: Vec<ApiRoute>,
}

impl RouteTable {
    pub fn new(mut apis: Vec<ApiRoute>) -> Self {
        apis.sort_by_key(|a| std::cmp::Reverse(a.context.len()));
        Self { apis }
    }

    pub fn resolve<'a>(&'a self, method: &str, path: &'a str) -> Resolution<'a> {
        let Some((api, rest)) = self.apis.iter().find_map(|a| {
            let rest = path.strip_prefix(a.context.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((a, rest))
        }) else {
            return Resolution::NoApi;
        };
        // The best match for this method (the last of equals, as `max_by_key` picks),
        // found without collecting: this runs for every proxied call.
        let mut best: Option<(&ResourceRoute, Specificity)> = None;
        let mut matched = false;
        for r in &api.resources {
            let Some(s) = r.template.specificity(rest) else {
                continue;
            };
            matched = true;
            if r.method == method && best.is_none_or(|(_, b)| s >= b) {
                best = Some((r, s));
            }
        }
        match best {
            Some((resource, _)) => Resolution::Found {
                api,
                resource,
                rest,
            },
            None if !matched => Resolution::NoResource,
            None => {
                let mut methods: Vec<&str> = api
                    .resources
                    .iter()
                    .filter(|r| r.template.specificity(rest).is_some())
                    .map(|r| r.method.as_str())
                    .collect();
                methods.sort_unstable();
                methods.dedup();
                Resolution::MethodNotAllowed(methods)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(method: &str, path: &str, scopes: &[&str]) -> ResourceRoute {
        ResourceRoute {
            method: method.into(),
            template: PathTemplate::parse(path).unwrap(),
            label: format!("{method} {path}").into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn table() -> RouteTable {
        let api = |id: &str, context: &str, resources| ApiRoute {
            id: id.into(),
            name: id.into(),
            context: context.into(),
            backend_url: "http://backend".into(),
            resources,
        };
        RouteTable::new(vec![
            api("pizza", "/pizza", vec![resource("GET", "/*", &[])]),
            api(
                "pizza1",
                "/pizza/1.0.0",
                vec![
                    resource("GET", "/order/{id}", &["read"]),
                    resource("GET", "/order/special", &["vip"]),
                    resource("PUT", "/order/{id}", &["update"]),
                    resource("GET", "/menu", &[]),
                ],
            ),
        ])
    }

    fn found(t: &RouteTable, method: &str, path: &str) -> Option<(String, String, String)> {
        match t.resolve(method, path) {
            Resolution::Found {
                api,
                resource,
                rest,
            } => Some((
                api.id.to_string(),
                resource.template.as_str().to_owned(),
                rest.to_owned(),
            )),
            _ => None,
        }
    }

    #[test]
    fn the_longest_context_and_the_most_specific_template_win() {
        let t = table();
        let hit = |m, p| found(&t, m, p).map(|(a, r, _)| (a, r));
        assert_eq!(
            hit("GET", "/pizza/1.0.0/order/7"),
            Some(("pizza1".into(), "/order/{id}".into()))
        );
        assert_eq!(
            hit("GET", "/pizza/1.0.0/order/special"),
            Some(("pizza1".into(), "/order/special".into()))
        );
        assert_eq!(
            hit("GET", "/pizza/2.0.0/menu"),
            Some(("pizza".into(), "/*".into()))
        );
        assert_eq!(found(&t, "GET", "/pizza/1.0.0/menu").unwrap().2, "/menu");
    }

    #[test]
    fn misses_say_why() {
        let t = table();
        assert!(matches!(t.resolve("GET", "/pizzas/1"), Resolution::NoApi));
        assert!(matches!(t.resolve("GET", "/other"), Resolution::NoApi));
        assert!(matches!(
            t.resolve("GET", "/pizza/1.0.0/drinks"),
            Resolution::NoResource
        ));
        match t.resolve("DELETE", "/pizza/1.0.0/order/7") {
            Resolution::MethodNotAllowed(m) => assert_eq!(m, ["GET", "PUT"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_case_or_trailing_slash_variant_still_meets_the_strict_resource() {
        let t = table();
        for path in ["/pizza/1.0.0/order/Special", "/pizza/1.0.0/ORDER/special/"] {
            let (api, template, _) = found(&t, "GET", path).unwrap();
            assert_eq!(
                (api.as_str(), template.as_str()),
                ("pizza1", "/order/special")
            );
        }
    }

    proptest::proptest! {
        /// Whatever a client sends, the part forwarded to the backend is already in
        /// normal form (a backend resolving it again sees the same path), so it cannot
        /// reach anything but the resource the token was checked against.
        #[test]
        fn the_forwarded_path_never_escapes_the_matched_resource(
            segments in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("..".to_owned()),
                    proptest::strategy::Just(".".to_owned()),
                    proptest::strategy::Just(String::new()),
                    proptest::strategy::Just("%2e%2e".to_owned()),
                    proptest::strategy::Just("..%2Fspecial".to_owned()),
                    proptest::strategy::Just("pizza".to_owned()),
                    proptest::strategy::Just("1.0.0".to_owned()),
                    proptest::strategy::Just("order".to_owned()),
                    proptest::strategy::Just("Special".to_owned()),
                    "[a-z0-9%.]{1,5}",
                ],
                0..7,
            )
        ) {
            let t = table();
            let raw = format!("/{}", segments.join("/"));
            let Ok(path) = crate::domain::path::normalize(&raw) else {
                return Ok(());
            };
            if let Resolution::Found { api, resource, rest } = t.resolve("GET", &path) {
                proptest::prop_assert_eq!(format!("{}{rest}", api.context), path.clone());
                if !rest.is_empty() {
                    let again = crate::domain::path::normalize(rest);
                    proptest::prop_assert_eq!(again.as_deref().ok(), Some(rest));
                }
                proptest::prop_assert!(resource.template.specificity(rest).is_some());
            }
        }
    }
}
