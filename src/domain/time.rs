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

/// Days since the epoch of a valid UTC date (Howard Hinnant's days-from-civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    let month_days = [
        31,
        28 + i64::from(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)),
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// A moment as an operator types it: `YYYY-MM-DD` (midnight UTC),
/// `YYYY-MM-DDTHH:MM:SSZ`, or a time ago (`90m`, `24h`, `7d`) counted back from `now`.
pub fn parse_moment(text: &str, now: i64) -> Option<i64> {
    let text = text.trim();
    if let Some(unit) = text.chars().last().filter(|c| "smhd".contains(*c)) {
        if let Ok(n) = text[..text.len() - 1].parse::<u32>() {
            let per = match unit {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                _ => 86_400,
            };
            return Some(now - i64::from(n) * per);
        }
    }
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time.strip_suffix('Z')?)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if date.len() != 10 {
        return None;
    }
    let mut seconds = days_from_civil(y, m, d)? * 86_400;
    if let Some(time) = time {
        let hms: Vec<i64> = time
            .split(':')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let [h, mi, s] = hms[..] else { return None };
        if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..61).contains(&s) {
            return None;
        }
        seconds += h * 3600 + mi * 60 + s;
    }
    Some(seconds)
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
    fn moments_parse_as_dates_times_or_time_ago() {
        let now = 1_765_000_000;
        for epoch in [0, 951_782_400, 1_765_000_000, 4_102_444_800] {
            let day = epoch - epoch % 86_400;
            assert_eq!(parse_moment(&format_day(epoch), now), Some(day));
            assert_eq!(parse_moment(&format_iso8601(epoch), now), Some(epoch));
        }
        assert_eq!(parse_moment("24h", now), Some(now - 86_400));
        assert_eq!(parse_moment("7d", now), Some(now - 7 * 86_400));
        assert_eq!(parse_moment("90m", now), Some(now - 5400));
        for junk in [
            "",
            "yesterday",
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "-5d",
            "2026-12-01T25:00:00Z",
            "2026-12-01T10:00:00",
        ] {
            assert_eq!(parse_moment(junk, now), None, "{junk}");
        }
    }

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(format_duration(3600), "1 hour");
        assert_eq!(format_duration(86_400 * 2), "2 days");
        assert_eq!(format_duration(90), "90 seconds");
        assert_eq!(format_duration(5400), "90 minutes");
    }
}
