use super::error::changed;
use super::{Store, StoreError};
use crate::domain::Epoch;

/// A stored account. The password hash is an Argon2id PHC string, never a password.
#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub is_admin: i64,
    pub locked: i64,
    pub must_change_password: i64,
    pub created_at: Epoch,
    pub password_changed_at: Epoch,
    /// Space-separated role names, which decide the restricted scopes the user may get.
    pub roles: String,
}

impl UserRow {
    /// The roles that decide which restricted scopes this user may be granted.
    pub fn held_roles(&self) -> crate::domain::api::RoleSet {
        crate::domain::api::RoleSet::held(&self.roles, self.is_admin != 0)
    }
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("is_admin", &self.is_admin)
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub must_change_password: bool,
    pub now: Epoch,
}

const COLUMNS: &str = "id, username, email, password_hash, is_admin, locked, \
                       must_change_password, created_at, password_changed_at, roles";

impl Store {
    pub async fn insert_user(&self, new: NewUser<'_>) -> Result<UserRow, StoreError> {
        let sql = format!(
            "INSERT INTO users (id, username, email, password_hash, is_admin, locked, \
             must_change_password, created_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $7) \
             RETURNING {COLUMNS}"
        );
        Ok(sqlx::query_as(&sql)
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(new.username)
            .bind(new.email)
            .bind(new.password_hash)
            .bind(i64::from(new.is_admin))
            .bind(i64::from(new.must_change_password))
            .bind(new.now)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn user_by_username(&self, username: &str) -> Result<UserRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
        Ok(sqlx::query_as(&sql)
            .bind(username)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn user_by_id(&self, id: &str) -> Result<UserRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        Ok(sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?)
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Users whose name contains `search` (case-insensitive), by name.
    /// Users whose name contains `search`, by username, from after `after` (keyset
    /// paging: a page stays right while accounts are added or removed).
    pub async fn list_users(
        &self,
        search: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<UserRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM users WHERE username LIKE $1 AND username > $2 \
             ORDER BY username LIMIT $3"
        );
        let pattern = format!("%{}%", search.to_ascii_lowercase().replace(['%', '_'], ""));
        Ok(sqlx::query_as(&sql)
            .bind(pattern)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn set_user_locked(&self, id: &str, locked: bool) -> Result<(), StoreError> {
        self.update_user_flag("locked", id, locked).await
    }

    pub async fn set_user_roles(&self, id: &str, roles: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET roles = $2 WHERE id = $1")
            .bind(id)
            .bind(roles)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_user_admin(&self, id: &str, admin: bool) -> Result<(), StoreError> {
        self.update_user_flag("is_admin", id, admin).await
    }

    async fn update_user_flag(&self, column: &str, id: &str, on: bool) -> Result<(), StoreError> {
        let sql = format!("UPDATE users SET {column} = $1 WHERE id = $2");
        changed(
            sqlx::query(&sql)
                .bind(i64::from(on))
                .bind(id)
                .execute(&self.pool)
                .await?,
        )
    }

    pub async fn set_user_password(
        &self,
        id: &str,
        password_hash: &str,
        must_change: bool,
        now: Epoch,
    ) -> Result<(), StoreError> {
        changed(
            sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = $2, \
             password_changed_at = $3 WHERE id = $4",
            )
            .bind(password_hash)
            .bind(i64::from(must_change))
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?,
        )
    }
}
