//! Statistics for the portal pages. The owner sees their applications; admins see all.

use super::AppError;
use crate::domain::stats::{ApplicationStats, OverviewStats};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context as cx;

#[cfg(feature = "ssr")]
/// An unknown range falls back to the default rather than failing the page: the range
/// arrives from a link the visitor may have edited.
fn range_or_default(raw: &str) -> crate::domain::stats::StatsRange {
    crate::domain::stats::StatsRange::parse(raw).unwrap_or_default()
}

#[server(endpoint = "application_stats")]
pub async fn get_app_stats(id: String, range: String) -> Result<ApplicationStats, AppError> {
    let user = cx::require_user().await?;
    Ok(cx::services()?
        .application_stats(&user, &id, range_or_default(&range))
        .await?)
}

#[server(endpoint = "overview_stats")]
pub async fn get_overview_stats(range: String) -> Result<OverviewStats, AppError> {
    cx::require_admin().await?;
    Ok(cx::services()?
        .overview_stats(range_or_default(&range))
        .await?)
}
