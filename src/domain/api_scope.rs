//! The scopes of Portico's own REST API (`/api/v1`), named in the style of WSO2's
//! `apim:*` scopes. A token needs the scope of the area it calls; the admin scopes are
//! restricted to the `admin` role, which only administrators hold, and the API checks
//! the caller's standing on every call besides, so a demoted admin's token stops working.

/// One area of the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiScope {
    /// Your applications, their keys and tokens, your tokens, their statistics.
    AppManage,
    /// The catalogue of published APIs, and your applications' subscriptions.
    Subscribe,
    /// APIs and their resources: create, change, publish, delete.
    ApiManage,
    /// Users and roles, scopes, settings, statistics overview and the audit log.
    Admin,
}

impl ApiScope {
    pub const ALL: [ApiScope; 4] = [
        ApiScope::AppManage,
        ApiScope::Subscribe,
        ApiScope::ApiManage,
        ApiScope::Admin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ApiScope::AppManage => "apim:app_manage",
            ApiScope::Subscribe => "apim:subscribe",
            ApiScope::ApiManage => "apim:api_manage",
            ApiScope::Admin => "apim:admin",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ApiScope::AppManage => "Your applications, their keys and tokens, and their statistics",
            ApiScope::Subscribe => {
                "Browse published APIs and manage your applications' subscriptions"
            }
            ApiScope::ApiManage => {
                "Create, change, publish and delete APIs and their resources (administrators)"
            }
            ApiScope::Admin => {
                "Users and roles, scopes, settings, statistics and the audit log (administrators)"
            }
        }
    }

    /// Only administrators may use it, whatever their token says.
    pub fn admins_only(self) -> bool {
        matches!(self, ApiScope::ApiManage | ApiScope::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_is_a_valid_scope_name_and_unique() {
        let names: std::collections::BTreeSet<_> = ApiScope::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), ApiScope::ALL.len());
        for name in names {
            crate::domain::ScopeName::parse(name).expect(name);
        }
        assert!(ApiScope::Admin.admins_only() && !ApiScope::Subscribe.admins_only());
    }
}
