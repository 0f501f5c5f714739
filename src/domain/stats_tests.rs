use super::*;

// 2026-11-26 14:30:00 UTC
const NOW: Epoch = 1_795_703_400;
const MIDNIGHT: Epoch = 1_795_651_200;

#[test]
fn daily_ranges_start_at_utc_midnight_and_include_today() {
    let w = StatsRange::Days7.window(NOW);
    assert_eq!(w.bucket, DAY);
    assert_eq!(w.buckets, 7);
    assert_eq!(w.start, MIDNIGHT - 6 * DAY);
    assert_eq!(w.end(), MIDNIGHT + DAY);
    assert_eq!(w.index(MIDNIGHT - 6 * DAY), Some(0));
    assert_eq!(w.index(MIDNIGHT - 6 * DAY - 1), None);
    assert_eq!(w.index(NOW), Some(6));
    assert_eq!(StatsRange::Days90.window(NOW).start, MIDNIGHT - 89 * DAY);
}

#[test]
fn the_day_range_is_24_whole_hours_ending_with_the_current_one() {
    let w = StatsRange::Hours24.window(NOW);
    assert_eq!((w.bucket, w.buckets), (HOUR, 24));
    assert_eq!(w.start, NOW - 1800 - 23 * HOUR);
    assert_eq!(w.index(NOW - 1800), Some(23));
    assert_eq!(w.index(w.start - 1), None);
}

#[test]
fn ranges_parse_from_their_names_only() {
    for r in StatsRange::ALL {
        assert_eq!(StatsRange::parse(r.as_str()), Ok(r));
    }
    let err = StatsRange::parse("1y").unwrap_err();
    assert_eq!(err.field, "range");
    assert!(StatsRange::parse("7D").is_err());
    assert_eq!(
        serde_json::to_string(&StatsRange::Hours24).unwrap(),
        "\"24h\""
    );
}

#[test]
fn events_land_in_the_slot_of_their_grant_and_outcome() {
    let mut b = TokenBucket::default();
    b.add("password", "issued", 2);
    b.add("refresh_token", "refreshed", 3);
    b.add("client_credentials", "issued", 4);
    b.add("password", "failed", 5);
    b.add("refresh_token", "revoked", 6);
    b.add("password", "unheard-of", 7);
    assert_eq!(
        (
            b.password,
            b.refresh_token,
            b.client_credentials,
            b.failed,
            b.revoked
        ),
        (2, 3, 4, 5, 6)
    );
    assert_eq!(b.issued(), 9);
    let totals = TokenTotals::of(&[b.clone(), b]);
    assert_eq!((totals.issued, totals.failed, totals.revoked), (18, 10, 12));
}

#[test]
fn rollups_serve_closed_days_of_daily_windows_only() {
    let days = StatsRange::Days7.window(NOW);
    assert_eq!(days.raw_from(MIDNIGHT), MIDNIGHT);
    assert_eq!(
        days.raw_from(0),
        days.start,
        "nothing rolled up yet: all raw"
    );
    assert_eq!(days.raw_from(NOW + DAY), days.end());
    let hours = StatsRange::Hours24.window(NOW);
    assert_eq!(hours.raw_from(MIDNIGHT), hours.start);
}

#[test]
fn empty_buckets_cover_the_window() {
    let w = StatsRange::Days30.window(NOW);
    let buckets = w.empty_token_buckets();
    assert_eq!(buckets.len(), 30);
    assert_eq!(buckets[0].start, w.start);
    assert_eq!(buckets[29].start, MIDNIGHT);
}

#[test]
fn latencies_fall_in_histogram_buckets_and_p95_reads_their_bounds() {
    assert_eq!(latency_bucket(0), 0);
    assert_eq!(latency_bucket(1), 0);
    assert_eq!(latency_bucket(3), 2);
    assert_eq!(latency_bucket(60_000), LATENCY_BOUNDS_MS.len());
    let mut h = vec![0u64; LATENCY_BOUNDS_MS.len() + 1];
    assert_eq!(p95_ms(&h), None);
    h[0] = 95;
    h[5] = 5;
    assert_eq!(
        p95_ms(&h),
        Some(1),
        "the 95th of 100 calls is still in the first bucket"
    );
    h[0] = 94;
    assert_eq!(p95_ms(&h), Some(50));
}
