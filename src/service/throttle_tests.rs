use super::*;
use crate::service::throttle_state::Blocked;

fn ip(n: u8) -> IpAddr {
    IpAddr::from([10, 0, 0, n])
}

fn small() -> Throttle {
    Throttle::new(ThrottleConfig {
        pair_free_failures: 2,
        address_max_failures: 5,
        user_max_failures: 4,
        ..ThrottleConfig::default()
    })
}

#[test]
fn pair_delays_grow_after_the_free_failures() {
    let t = small();
    for _ in 0..2 {
        assert!(t.check("bob", ip(1), 100).is_ok());
        t.record_failure("bob", ip(1), 100);
    }
    assert_eq!(t.check("bob", ip(1), 100), Err(RetryAfter(1)));
    assert!(t.check("bob", ip(1), 101).is_ok());
    t.record_failure("bob", ip(1), 101);
    assert_eq!(t.check("bob", ip(1), 101), Err(RetryAfter(2)));
}

#[test]
fn success_resets_the_pair() {
    let t = small();
    for _ in 0..3 {
        t.record_failure("bob", ip(1), 100);
    }
    t.record_success("bob", ip(1), 100);
    assert!(t.check("bob", ip(1), 100).is_ok());
}

#[test]
fn spraying_from_one_address_blocks_that_address() {
    let t = small();
    for i in 0..5 {
        t.record_failure(&format!("user{i}"), ip(9), 100);
    }
    assert!(t.check("someone-else", ip(9), 100).is_err());
    assert!(t.check("someone-else", ip(8), 100).is_ok());
}

#[test]
fn per_user_limit_spares_addresses_where_the_user_signed_in() {
    let t = small();
    t.record_success("alice", ip(1), 50);
    for n in 10..14 {
        t.record_failure("alice", ip(n), 100);
    }
    assert!(
        t.check("alice", ip(99), 100).is_err(),
        "unknown address blocked"
    );
    assert!(
        t.check("alice", ip(1), 100).is_ok(),
        "trusted address spared"
    );
}

#[test]
fn windows_expire() {
    let t = small();
    for i in 0..5 {
        t.record_failure(&format!("u{i}"), ip(9), 100);
    }
    let RetryAfter(wait) = t.check("x", ip(9), 100).unwrap_err();
    assert!(t.check("x", ip(9), 100 + wait).is_ok());
}

#[test]
fn disabled_throttle_never_blocks() {
    let t = Throttle::new(ThrottleConfig {
        enabled: false,
        ..small().config
    });
    for _ in 0..50 {
        t.record_failure("bob", ip(1), 100);
    }
    assert!(t.check("bob", ip(1), 100).is_ok());
}

#[test]
fn attempts_in_flight_count_until_decided() {
    let t = small();
    let a = t.try_begin("bob", ip(1), 100).unwrap();
    let b = t.try_begin("bob", ip(1), 100).unwrap();
    assert!(
        matches!(t.try_begin("bob", ip(1), 100), Err(Blocked::Busy)),
        "two undecided attempts may use up the two free failures"
    );
    a.failed(100);
    drop(b);
    // One failure recorded, one attempt abandoned: one free attempt is left.
    let c = t.try_begin("bob", ip(1), 100).unwrap();
    c.succeeded(100);
    assert!(
        t.check("bob", ip(1), 100).is_ok(),
        "success resets the pair"
    );
}

#[tokio::test]
async fn an_attempt_beyond_the_budget_waits_for_those_in_flight() {
    let t = small();
    let a = t.try_begin("bob", ip(1), 100).unwrap();
    let b = t.try_begin("bob", ip(1), 100).unwrap();
    let (waited, ()) = tokio::join!(t.begin("bob", ip(1), || 100), async {
        tokio::task::yield_now().await;
        a.succeeded(100);
        drop(b);
    });
    assert!(waited.is_ok(), "let through once the others were right");
    drop(waited);
    for _ in 0..2 {
        t.try_begin("bob", ip(1), 100).unwrap().failed(100);
    }
    assert_eq!(
        t.begin("bob", ip(1), || 100).await.err(),
        Some(RetryAfter(1)),
        "refused once they were wrong"
    );
}

#[test]
fn a_full_map_forgets_its_oldest_keys_instead_of_failing_open() {
    let t = Throttle::new(ThrottleConfig {
        max_entries: 10,
        ..small().config
    });
    for i in 0..10 {
        t.record_failure(&format!("filler{i}"), ip(100 + i), 100);
    }
    for _ in 0..2 {
        t.record_failure("victim", ip(1), 100);
    }
    assert_eq!(t.check("victim", ip(1), 100), Err(RetryAfter(1)));
}

#[test]
fn an_ipv6_address_counts_by_its_64() {
    let t = small();
    let v6 = |s: &str| s.parse::<IpAddr>().unwrap();
    t.record_failure("bob", v6("2001:db8:1:2::1"), 100);
    t.record_failure("bob", v6("2001:db8:1:2:ffff::9"), 100);
    assert!(t.check("bob", v6("2001:db8:1:2::abcd"), 100).is_err());
    assert!(t.check("bob", v6("2001:db8:1:3::1"), 100).is_ok());
    t.record_failure("eve", v6("::ffff:10.0.0.7"), 100);
    t.record_failure("eve", ip(7), 100);
    assert!(t.check("eve", ip(7), 100).is_err(), "mapped IPv4 is IPv4");
}

#[test]
fn sign_ups_are_limited_per_address_and_in_all() {
    let t = Throttle::new(ThrottleConfig {
        signups_per_address: 2,
        signups_global: 5,
        ..ThrottleConfig::default()
    });
    assert!(t.signup(ip(1), 100).is_ok());
    assert!(t.signup(ip(1), 100).is_ok());
    assert!(t.signup(ip(1), 100).is_err(), "per address");
    assert!(t.signup(ip(2), 100).is_ok(), "others are not affected");
    assert!(t.signup(ip(3), 100).is_ok());
    assert!(t.signup(ip(4), 100).is_ok());
    assert!(t.signup(ip(5), 100).is_err(), "the global ceiling");
    assert!(t.signup(ip(5), 100 + 900).is_ok(), "a new window");
    assert!(
        t.check("anyone", ip(1), 100).is_ok(),
        "sign-ups do not count as failed sign-ins"
    );
}
