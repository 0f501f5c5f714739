//! REST API v1 (`/api/v1`): what the portal does, as JSON, for automation. Bearer tokens
//! from Portico's own key manager, with the `apim:*` scopes of `domain::api_scope`; one
//! error shape (`error`); `limit`/`cursor` paging (`paging`); `ETag`/`If-Match` on
//! applications and APIs (`extract`). The OpenAPI 3.1 document is generated from the
//! handlers themselves and served at `/api/v1/openapi.json`: a route cannot exist
//! without being described, because routes are only added through `utoipa_axum`.

mod admin;
mod applications;
mod auth;
mod catalogue;
mod error;
mod extract;
mod import;
mod keys;
mod paging;
mod publisher;
mod scopes;
mod tokens;

use crate::domain::api_scope::ApiScope;
use crate::server::state::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use error::ApiError;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{Flow, OAuth2, Password, Scopes, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portico REST API",
        version = "1",
        description = "Applications, keys, subscriptions, tokens and administration of a \
            Portico developer portal. Authenticate with a Bearer token from Portico's own \
            token endpoint (any grant for a user) carrying the scopes of the areas you call."
    ),
    modifiers(&Security),
    tags(
        (name = "Applications", description = "Your applications (apim:app_manage)"),
        (name = "Keys", description = "Applications' key pairs and tokens (apim:app_manage)"),
        (name = "Tokens", description = "Your live tokens (apim:app_manage)"),
        (name = "Catalogue", description = "Published APIs (apim:subscribe)"),
        (name = "Subscriptions", description = "Your applications' subscriptions (apim:subscribe)"),
        (name = "Statistics", description = "Activity over time"),
        (name = "Publisher", description = "APIs and their resources (apim:api_manage)"),
        (name = "Admin", description = "Users, scopes, settings, the audit log (apim:admin)"),
    )
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let scopes = Scopes::from_iter(ApiScope::ALL.map(|s| (s.name(), s.description())));
        let flow = Flow::Password(Password::new("/oauth2/token", scopes));
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("oauth2", SecurityScheme::OAuth2(OAuth2::new([flow])));
    }
}

/// The routes and their document, built from the same list.
fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(applications::list, applications::create))
        .routes(routes!(
            applications::get,
            applications::update,
            applications::delete
        ))
        .routes(routes!(keys::get, keys::generate))
        .routes(routes!(keys::regenerate_secret))
        .routes(routes!(keys::token))
        .routes(routes!(tokens::list))
        .routes(routes!(tokens::revoke))
        .routes(routes!(catalogue::list))
        .routes(routes!(catalogue::get))
        .routes(routes!(catalogue::subscriptions, catalogue::subscribe))
        .routes(routes!(catalogue::unsubscribe))
        .routes(routes!(scopes::application))
        .routes(routes!(publisher::list, publisher::create))
        .routes(routes!(
            publisher::get,
            publisher::update,
            publisher::delete
        ))
        .routes(routes!(import::create))
        .routes(routes!(import::update))
        .routes(routes!(publisher::publish))
        .routes(routes!(publisher::unpublish))
        .routes(routes!(publisher::add_resource))
        .routes(routes!(publisher::remove_resource))
        .routes(routes!(admin::users, admin::create_user))
        .routes(routes!(admin::user, admin::change_user))
        .routes(routes!(admin::settings, admin::change_settings))
        .routes(routes!(admin::audit))
        .routes(routes!(scopes::list, scopes::create))
        .routes(routes!(scopes::update))
        .routes(routes!(scopes::overview))
        .split_for_parts()
}

async fn document(Extension(doc): Extension<Arc<String>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        doc.as_str().to_owned(),
    )
}

/// The largest REST request body: room for an OpenAPI document, far below memory trouble.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Import bodies carry a whole OpenAPI document (2 MiB), escaped into JSON.
pub const MAX_IMPORT_BYTES: usize = 3 * 1024 * 1024;

/// Bounds request bodies, answering an oversized one in the API's error shape.
async fn limit_bodies(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use crate::http::body::{closing, read_bounded, BodyError};
    let max = if req.uri().path().ends_with("/import") {
        MAX_IMPORT_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let (parts, body) = req.into_parts();
    match read_bounded(&parts.headers, body, max).await {
        Ok(bytes) => {
            let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
            next.run(req).await
        }
        Err(BodyError::TooLarge) => closing(
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {max} bytes"),
            )
            .into_response(),
        ),
        Err(BodyError::Broken) => closing(
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                "the body could not be read",
            )
            .into_response(),
        ),
    }
}

async fn no_such_endpoint() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see /api/v1/openapi.json",
    )
}

/// The operations as the portal's reference page shows them: read back from the served
/// document with the same reader that imports publishers' documents.
pub fn operations() -> Vec<crate::domain::openapi::ResourceSpec> {
    static OPERATIONS: std::sync::OnceLock<Vec<crate::domain::openapi::ResourceSpec>> =
        std::sync::OnceLock::new();
    OPERATIONS
        .get_or_init(|| {
            let doc = serde_json::to_value(parts().1).unwrap_or_default();
            crate::domain::openapi::read(&doc)
                .map(|spec| spec.resources)
                .unwrap_or_default()
        })
        .clone()
}

/// `/api/v1`, for the portal's listener. Answers are never cached: some carry secrets.
pub fn routes() -> Router<AppState> {
    let (router, doc) = parts();
    let json = serde_json::to_string(&doc).expect("the OpenAPI document serialises");
    let api = router
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method; see /api/v1/openapi.json",
            )
        })
        .route(OPENAPI_PATH, axum::routing::get(document))
        .layer(Extension(Arc::new(json)))
        .layer(axum::middleware::from_fn(limit_bodies));
    Router::new()
        .nest("/api/v1", Router::new().fallback(no_such_endpoint))
        .merge(api)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
