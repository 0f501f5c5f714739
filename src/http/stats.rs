//! Statistics for automation: `GET /api/stats/applications/{id}?range=7d` (JSON) and
//! `GET /api/stats/applications/{id}/users.csv`. Callers are a signed-in owner (session
//! cookie) or an admin with HTTP Basic credentials, which are throttled like sign-in.

use super::client_auth::basic_user_password;
use super::cookies::{cookie_in, SESSION_COOKIE};
use super::error::{no_store_json, plain_error};
use crate::domain::stats::{RegisteredUser, StatsRange};
use crate::service::{ServiceError, Services};
use crate::store::UserRow;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Deserialize)]
pub struct RangeQuery {
    range: Option<String>,
}

fn unauthenticated() -> Response {
    let mut res = plain_error(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "sign in, or use HTTP Basic with an admin's credentials",
    );
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"portico\", charset=\"UTF-8\""),
    );
    res
}

fn failure(e: ServiceError) -> Response {
    match e {
        ServiceError::NotFound(what) => plain_error(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("no such {what}"),
        ),
        ServiceError::Invalid(v) => plain_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("`{}` {}", v.field, v.message),
        ),
        ServiceError::Throttled(secs) => {
            let mut res = plain_error(
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                "too many failed sign-in attempts; try again later",
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            res
        }
        ServiceError::BadCredentials => unauthenticated(),
        ServiceError::Forbidden => plain_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only admins may use HTTP Basic here",
        ),
        other => {
            tracing::error!(error = %other, "statistics request failed");
            plain_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the statistics could not be read",
            )
        }
    }
}

/// The caller: an admin by Basic credentials, else the session's user.
async fn viewer(
    services: &Services,
    headers: &HeaderMap,
    addr: SocketAddr,
) -> Result<UserRow, Response> {
    let basic = basic_user_password(headers).map_err(|_| unauthenticated())?;
    if let Some((username, password)) = basic {
        let password = SecretString::from(password);
        return match services
            .authenticate_throttled(&username, &password, addr.ip())
            .await
        {
            Ok(Some(user)) if user.is_admin == 1 => Ok(user),
            Ok(Some(_)) => Err(failure(ServiceError::Forbidden)),
            Ok(None) => Err(unauthenticated()),
            Err(e) => Err(failure(e)),
        };
    }
    let token = cookie_in(headers, SESSION_COOKIE).ok_or_else(unauthenticated)?;
    match services.session_user(&token).await {
        Ok(Some(user)) if user.must_change_password == 0 => Ok(user),
        Ok(_) => Err(unauthenticated()),
        Err(e) => Err(failure(e)),
    }
}

pub async fn application(
    State(services): State<Services>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    Query(query): Query<RangeQuery>,
    headers: HeaderMap,
) -> Response {
    let user = match viewer(&services, &headers, addr).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let range = match query.range.as_deref().map(StatsRange::parse).transpose() {
        Ok(r) => r.unwrap_or_default(),
        Err(e) => return failure(e.into()),
    };
    match services.application_stats(&user, &id, range).await {
        Ok(stats) => no_store_json(StatusCode::OK, &stats),
        Err(e) => failure(e),
    }
}

pub async fn users_csv(
    State(services): State<Services>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let user = match viewer(&services, &headers, addr).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let (app_name, users) = match services.registered_users(&user, &id).await {
        Ok(found) => found,
        Err(e) => return failure(e),
    };
    let file: String = app_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let disposition = format!("attachment; filename=\"{file}-registered-users.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        to_csv(&users),
    )
        .into_response()
}

/// RFC 4180 CSV with UTC ISO-8601 times. A field a spreadsheet would run as a formula
/// is prefixed with `'`.
fn to_csv(users: &[RegisteredUser]) -> String {
    let field = |raw: &str| {
        let raw = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{raw}")
        } else {
            raw.to_owned()
        };
        if raw.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", raw.replace('"', "\"\""))
        } else {
            raw
        }
    };
    let mut out = String::from("username,first_token_at,last_token_at,tokens,grants\r\n");
    for u in users {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            field(&u.username),
            crate::domain::format_iso8601(u.first_token_at),
            crate::domain::format_iso8601(u.last_token_at),
            u.tokens,
            field(&u.grants),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let user = |name: &str| RegisteredUser {
            username: name.into(),
            first_token_at: 0,
            last_token_at: 86_400,
            tokens: 2,
            grants: "password authorization_code".into(),
        };
        let csv = to_csv(&[user("alice"), user("=cmd,x"), user("say \"hi\"")]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "username,first_token_at,last_token_at,tokens,grants"
        );
        assert_eq!(
            lines[1],
            "alice,1970-01-01T00:00:00Z,1970-01-02T00:00:00Z,2,password authorization_code"
        );
        assert!(lines[2].starts_with("\"'=cmd,x\","), "{}", lines[2]);
        assert!(lines[3].starts_with("\"say \"\"hi\"\"\","), "{}", lines[3]);
    }
}
