use super::*;

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
