/// Year, month, day, hour, minute, second of epoch seconds in UTC (proleptic Gregorian).
fn civil(epoch: i64) -> [i64; 6] {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    [year, month, day, secs / 3600, (secs % 3600) / 60, secs % 60]
}

/// Formats epoch seconds as `YYYY-MM-DD HH:MM UTC`, the same on the server and in the
/// browser so hydration sees identical text.
pub fn format_utc(epoch: i64) -> String {
    let [y, mo, d, h, mi, _] = civil(epoch);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// `YYYY-MM-DD`, the UTC day of `epoch`.
pub fn format_day(epoch: i64) -> String {
    let [y, mo, d, ..] = civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}")
}

/// RFC 3339 / ISO 8601 in UTC: `YYYY-MM-DDTHH:MM:SSZ`, for exports.
pub fn format_iso8601(epoch: i64) -> String {
    let [y, mo, d, h, mi, s] = civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// A lifetime in seconds as people say it: `1 hour`, `90 minutes`, `2 days`.
pub fn format_duration(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match seconds {
        s if s % 86_400 == 0 && s > 0 => plural(s / 86_400, "day"),
        s if s % 3600 == 0 && s > 0 => plural(s / 3600, "hour"),
        s if s % 60 == 0 && s > 0 => plural(s / 60, "minute"),
        s => plural(s, "second"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_format_as_utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_750_215), "2026-11-27 03:30 UTC");
        assert_eq!(format_day(1_795_750_215), "2026-11-27");
        assert_eq!(format_iso8601(1_795_750_215), "2026-11-27T03:30:15Z");
    }

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(format_duration(3600), "1 hour");
        assert_eq!(format_duration(86_400 * 2), "2 days");
        assert_eq!(format_duration(90), "90 seconds");
        assert_eq!(format_duration(5400), "90 minutes");
    }
}
