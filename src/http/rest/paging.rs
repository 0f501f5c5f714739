//! Paging of list endpoints: `?limit=` (1–200, default 50) and an opaque `?cursor=` from
//! the previous page's `next_cursor`. Items are ordered by a unique key; the cursor is
//! the last key seen, so a page stays correct while items are added or removed.

use super::error::ApiError;
use base64::Engine;
use serde::{Deserialize, Serialize};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to return: 1 to 200 (default 50).
    pub limit: Option<usize>,
    /// Where to go on from: the `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::invalid("limit", "must be between 1 and 200")),
        }
    }

    /// The key the previous page ended at.
    pub fn after(&self) -> Result<Option<String>, ApiError> {
        let Some(raw) = self.cursor.as_deref() else {
            return Ok(None);
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor this API gave out"))
    }
}

/// An opaque cursor for `key`.
pub fn cursor(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
}

/// The page of `items` that `query` asks for, ordered by `key` (unique per item).
pub fn paginate<T, K>(mut items: Vec<T>, key: K, query: &PageQuery) -> Result<Page<T>, ApiError>
where
    K: Fn(&T) -> String,
{
    let limit = query.limit()?;
    let after = query.after()?;
    items.sort_by_cached_key(|i| key(i));
    let start = match &after {
        Some(after) => items.partition_point(|i| key(i).as_str() <= after.as_str()),
        None => 0,
    };
    let page: Vec<T> = items.into_iter().skip(start).take(limit + 1).collect();
    Ok(page_of(page, limit, key))
}

/// A page from up to `limit + 1` items already in key order (read with `LIMIT limit + 1`
/// after the cursor's key): one more than the page means there is a next page.
pub fn page_of<T, K>(mut page: Vec<T>, limit: usize, key: K) -> Page<T>
where
    K: Fn(&T) -> String,
{
    let next_cursor = if page.len() > limit {
        page.truncate(limit);
        page.last().map(|last| cursor(&key(last)))
    } else {
        None
    };
    Page {
        items: page,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(limit: Option<usize>, cursor: Option<String>) -> PageQuery {
        PageQuery { limit, cursor }
    }

    #[test]
    fn pages_walk_every_item_once_in_key_order() {
        let items: Vec<u32> = (0..7).rev().collect();
        let key = |i: &u32| format!("{i:03}");
        let mut seen = Vec::new();
        let mut next = None;
        loop {
            let page = paginate(items.clone(), key, &query(Some(3), next)).unwrap();
            seen.extend(page.items);
            next = page.next_cursor;
            if next.is_none() {
                break;
            }
        }
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn bad_limits_and_cursors_are_refused() {
        let key = |i: &u32| i.to_string();
        assert!(paginate(vec![1u32], key, &query(Some(0), None)).is_err());
        assert!(paginate(vec![1u32], key, &query(Some(201), None)).is_err());
        assert!(paginate(vec![1u32], key, &query(None, Some("%%".into()))).is_err());
        let page = paginate(vec![1u32, 2], key, &query(None, None)).unwrap();
        assert_eq!((page.items.len(), page.next_cursor), (2, None));
    }
}
