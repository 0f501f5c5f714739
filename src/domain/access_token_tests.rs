use super::*;

fn user_token() -> AccessClaims {
    AccessClaims {
        iss: "https://portal.example".into(),
        sub: "user-1".into(),
        aud: Audience::One("portico".into()),
        exp: 1_000 + 3_600,
        iat: 1_000,
        nbf: Some(1_000),
        jti: "0190f3a4-0000-7000-8000-000000000001".into(),
        client_id: "ck".into(),
        scope: "default read".into(),
        application_id: "app-1".into(),
        key_type: "production".into(),
        aut: AUT_USER.into(),
        gty: "password".into(),
        username: Some("alice".into()),
    }
}

fn expect(now: i64) -> Expectations<'static> {
    Expectations {
        issuer: "https://portal.example",
        audience: "portico",
        now,
        leeway: 30,
    }
}

#[test]
fn a_fresh_token_for_this_issuer_and_audience_passes() {
    assert_eq!(user_token().check(&expect(1_500)), Ok(()));
}

#[test]
fn times_are_checked_with_the_leeway_and_no_more() {
    let t = user_token();
    assert_eq!(t.check(&expect(4_600 + 29)), Ok(()));
    assert_eq!(t.check(&expect(4_600 + 30)), Err(ClaimsRefusal::Expired));
    assert_eq!(t.check(&expect(1_000 - 30)), Ok(()));
    assert_eq!(
        t.check(&expect(1_000 - 31)),
        Err(ClaimsRefusal::NotYetValid)
    );
    // A later nbf than iat is honoured.
    let later = AccessClaims {
        nbf: Some(2_000),
        ..user_token()
    };
    assert_eq!(later.check(&expect(1_500)), Err(ClaimsRefusal::NotYetValid));
}

#[test]
fn another_issuer_or_audience_is_refused() {
    let other_iss = AccessClaims {
        iss: "https://evil.example".into(),
        ..user_token()
    };
    assert_eq!(
        other_iss.check(&expect(1_500)),
        Err(ClaimsRefusal::WrongIssuer)
    );
    let other_aud = AccessClaims {
        aud: Audience::One("billing".into()),
        ..user_token()
    };
    assert_eq!(
        other_aud.check(&expect(1_500)),
        Err(ClaimsRefusal::WrongAudience)
    );
    let listed = AccessClaims {
        aud: Audience::Many(vec!["billing".into(), "portico".into()]),
        ..user_token()
    };
    assert_eq!(listed.check(&expect(1_500)), Ok(()));
}

#[test]
fn claims_that_do_not_fit_together_are_refused() {
    let no_username = AccessClaims {
        username: None,
        ..user_token()
    };
    assert_eq!(
        no_username.check(&expect(1_500)),
        Err(ClaimsRefusal::Incomplete)
    );
    // An application's token names the client as its subject and no user.
    let app = AccessClaims {
        aut: AUT_APPLICATION.into(),
        sub: "ck".into(),
        username: None,
        ..user_token()
    };
    assert_eq!(app.check(&expect(1_500)), Ok(()));
    let app_as_someone = AccessClaims {
        sub: "user-1".into(),
        ..app.clone()
    };
    assert_eq!(
        app_as_someone.check(&expect(1_500)),
        Err(ClaimsRefusal::Incomplete)
    );
    let bad_jti = AccessClaims {
        jti: "not-a-uuid".into(),
        ..user_token()
    };
    assert_eq!(
        bad_jti.check(&expect(1_500)),
        Err(ClaimsRefusal::Incomplete)
    );
}

#[test]
fn claims_serialise_with_the_documented_names() {
    let json = serde_json::to_value(user_token()).unwrap();
    for name in [
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "nbf",
        "jti",
        "client_id",
        "scope",
        "application_id",
        "key_type",
        "aut",
        "gty",
        "username",
    ] {
        assert!(json.get(name).is_some(), "{name} missing");
    }
    assert_eq!(json["aud"], "portico");
    let back: AccessClaims = serde_json::from_value(json).unwrap();
    assert_eq!(back, user_token());
}
