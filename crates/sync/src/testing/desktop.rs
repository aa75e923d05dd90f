//! Desktops for tests (this crate's, the fleet's): a real local store in a
//! temporary folder, joined as an operator to an account on a scratch server.
#![allow(clippy::unwrap_used)] // a failed setup step in a test should panic

use std::str::FromStr;

use crate::MemberRole;
use crate::invite::{Invitation, invite};
use crate::tables::TABLES;
use crate::testing::ScratchDatabase;
use crate::{PullReport, PushReport, pull_once, push_once};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgConnection, SqlitePool};
use tempfile::TempDir;
use uuid::Uuid;
use zapdesk_core::accounts::{self, Account, AccountInput};
use zapdesk_core::{AccountId, Store};

pub struct Desktop {
    pub dir: TempDir,
    pub store: Store,
    pub role: String,
    pub account: Uuid,
    pub remote: PgConnectOptions,
}

impl Desktop {
    pub fn pool(&self) -> &SqlitePool {
        self.store.pool_for_sync()
    }

    pub fn account_id(&self) -> AccountId {
        AccountId::from_str(&self.account.to_string()).unwrap()
    }

    pub async fn connect(&self) -> PgConnection {
        self.remote.connect().await.unwrap()
    }

    pub async fn push(&self) -> PushReport {
        let mut conn = self.connect().await;
        push_once(self.pool(), &mut conn, &[self.account])
            .await
            .unwrap()
    }

    pub async fn pull(&self) -> PullReport {
        let mut conn = self.connect().await;
        pull_once(self.pool(), &mut conn, &[self.account])
            .await
            .unwrap()
            .remove(0)
    }

    pub async fn sync(&self) {
        self.push().await;
        self.pull().await;
    }

    /// Every synced row of the account, every synced column and the clock,
    /// one text line per row, sorted: two desktops that converged are equal.
    pub async fn rows(&self) -> Vec<String> {
        let mut out = Vec::new();
        for t in TABLES {
            let mut cols: Vec<String> = t
                .columns
                .iter()
                .map(|c| format!("quote({})", c.name))
                .collect();
            cols.push("quote(hlc)".to_owned());
            if let Some((folded, _)) = t.folded {
                cols.push(format!("quote({folded})"));
            }
            let sql = format!(
                "SELECT '{}: ' || {} FROM {} WHERE {} = ? ORDER BY 1",
                t.name,
                cols.join(" || ', ' || "),
                t.name,
                t.account_column
            );
            let rows: Vec<String> = sqlx::query_scalar(&sql)
                .bind(self.account)
                .fetch_all(self.pool())
                .await
                .unwrap();
            out.extend(rows);
        }
        out
    }

    pub async fn waiting(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM sync_outbox")
            .fetch_one(self.pool())
            .await
            .unwrap()
    }
}

/// Operator options for a role on the scratch server (trust authentication).
pub fn operator_options(db: &ScratchDatabase, role: &str) -> PgConnectOptions {
    db.owner().username(role).password("")
}

async fn open_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    (dir, store)
}

/// A desktop that creates an account and publishes it with its own
/// operator's invitation (as an owner of the account).
pub async fn first_desktop(db: &ScratchDatabase) -> Desktop {
    let (dir, store) = open_store().await;
    let account: Account = accounts::create(
        &store,
        &AccountInput {
            name: "Padaria Pão Quente".to_owned(),
            phone: None,
            plan: Default::default(),
            status: Default::default(),
        },
    )
    .await
    .unwrap();
    let role = join(db, account.id, MemberRole::Owner, Some(&account)).await;
    Desktop {
        dir,
        store,
        remote: operator_options(db, &role),
        role,
        account: account.id.as_uuid(),
    }
}

/// Another desktop (an empty store) whose operator is an agent of the account.
pub async fn other_desktop(db: &ScratchDatabase, first: &Desktop) -> Desktop {
    let (dir, store) = open_store().await;
    let role = join(db, first.account_id(), MemberRole::Agent, None).await;
    Desktop {
        dir,
        store,
        remote: operator_options(db, &role),
        role,
        account: first.account,
    }
}

async fn join(
    db: &ScratchDatabase,
    account: AccountId,
    role: MemberRole,
    local: Option<&Account>,
) -> String {
    invite(
        &db.owner(),
        &Invitation {
            email: format!("{}@agencia.com.br", crate::testing::suffix()),
            display_name: "Operador".to_owned(),
            role,
            account,
        },
        local,
    )
    .await
    .unwrap()
    .role_name
}
