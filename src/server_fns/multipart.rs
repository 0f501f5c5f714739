//! The fields of a multipart form post (the two portal forms that carry free-form or
//! file fields), read with a bound on the whole.

use super::AppError;
use leptos::server_fn::codec::MultipartData;
use std::collections::HashMap;

/// Every field as text, at most `max` bytes in all; a file field holds the file's content.
pub async fn fields(data: MultipartData, max: usize) -> Result<HashMap<String, String>, AppError> {
    let unreadable = || AppError::invalid("form", "could not be read; send it again");
    let mut form = data.into_inner().ok_or_else(unreadable)?;
    let mut out = HashMap::new();
    let mut total = 0usize;
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            total += chunk.len();
            if total > max {
                return Err(AppError::invalid(&name, "is too large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text =
            String::from_utf8(bytes).map_err(|_| AppError::invalid(&name, "must be UTF-8 text"))?;
        out.insert(name, text);
    }
    Ok(out)
}
