//! Number leases on the agency's server (migrations/postgres/0004_leases.sql):
//! the answer to "may this desktop run this number?" when accounts are shared.
//!
//! The server decides with its own clock, in one statement, so two desktops
//! asking at the same instant cannot both win, and a desktop whose clock is
//! ahead cannot take a lease early. This desktop is named in the lease by its
//! node id (the one in its clocks, `sync_clock.node`).

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use uuid::Uuid;
use zapdesk_core::lease::{LeaseAnswer, LeaseFuture, LeaseGate, LeaseUnknown, RemoteHolder};
use zapdesk_core::{AccountId, InstanceId, Lang, Store, UserError};

use crate::error::{RemoteError, Target};

/// How long a lease lasts without renewal. The fleet renews every 5 s, so a
/// desktop that vanished is replaced within about 20 s, and one that misses
/// three renewals in a row (a slow network) still keeps its numbers.
pub const LEASE_TTL: Duration = Duration::from_secs(20);

/// What `zapdesk.take_lease` returns: shared, holder, holder's name, ms left.
type LeaseRow = (bool, Option<String>, Option<String>, Option<i64>);

const HOLDERS_WITHIN: Duration = Duration::from_secs(2);

/// Leases of this desktop on one server.
pub struct RemoteLeases {
    pool: PgPool,
    local: sqlx::SqlitePool,
    node: String,
    ttl: Duration,
    lang: Lang,
}

impl RemoteLeases {
    /// Connects lazily (the first question opens the connection), so an
    /// unreachable server shows as an unknown answer, not as a failed start.
    pub async fn new(
        store: &Store,
        remote: PgConnectOptions,
        ttl: Duration,
        lang: Lang,
    ) -> Result<RemoteLeases, sqlx::Error> {
        let node = crate::hlc::node_id(store.pool_for_sync()).await?;
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(remote);
        Ok(RemoteLeases {
            pool,
            local: store.pool_for_sync().clone(),
            node,
            ttl,
            lang,
        })
    }

    /// This desktop's id in leases.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// How long a lease question may take: a quarter of the lease, so over a
    /// link that went dead (a query can wait minutes for TCP to give up) the
    /// fleet hears "unknown" and can still stop the number before the lease
    /// it holds runs out (docs/sync.md, "Numbers").
    pub fn ask_within(&self) -> Duration {
        self.ttl / 4
    }

    fn timed_out(&self) -> LeaseUnknown {
        // Whole seconds: "5 s" reads alike in both languages (no decimal comma).
        let secs = self.ask_within().as_secs().max(1);
        LeaseUnknown(match self.lang {
            Lang::PtBr => format!("o servidor não respondeu em {secs} s"),
            Lang::En => format!("the server did not answer within {secs} s"),
        })
    }

    pub async fn take(
        &self,
        account: AccountId,
        instance: InstanceId,
    ) -> Result<LeaseAnswer, LeaseUnknown> {
        let query = sqlx::query_as("SELECT * FROM zapdesk.take_lease($1, $2, $3, $4)")
            .bind(account.as_uuid())
            .bind(instance.as_uuid())
            .bind(&self.node)
            .bind(self.ttl.as_millis() as i64)
            .fetch_one(&self.pool);
        let row: Result<LeaseRow, LeaseUnknown> =
            match tokio::time::timeout(self.ask_within(), query).await {
                Ok(row) => row.map_err(|e| self.unknown(e)),
                Err(_) => Err(self.timed_out()),
            };
        let row = match row {
            Ok(row) => row,
            // Unreachable: an account this desktop never synced is its own.
            Err(e) if !was_shared(&self.local, account).await => {
                tracing::debug!(
                    "lease of {instance} not asked ({}): account never synced",
                    e.0
                );
                return Ok(LeaseAnswer::NotShared);
            }
            Err(e) => return Err(e),
        };
        Ok(match row {
            (false, ..) => LeaseAnswer::NotShared,
            (true, Some(holder), name, Some(left)) => {
                let left = Duration::from_millis(left.max(0) as u64);
                if holder == self.node {
                    LeaseAnswer::Held { left }
                } else {
                    LeaseAnswer::Elsewhere {
                        holder_name: name.unwrap_or(holder),
                        left,
                    }
                }
            }
            // The row vanished between the write and the read (a concurrent
            // release): ask again next time.
            (true, ..) => return Err(LeaseUnknown("lease not found".into())),
        })
    }

    pub async fn release(&self, account: AccountId, instance: InstanceId) {
        let query = sqlx::query("SELECT zapdesk.release_lease($1, $2, $3)")
            .bind(account.as_uuid())
            .bind(instance.as_uuid())
            .bind(&self.node)
            .execute(&self.pool);
        match tokio::time::timeout(self.ask_within(), query).await {
            Ok(Ok(_)) => {}
            // It expires on its own.
            Ok(Err(e)) => tracing::warn!("number {instance}: lease not released: {e}"),
            Err(_) => tracing::warn!("number {instance}: lease not released: no answer"),
        }
    }

    /// The live leases of an account (expired ones are free: not listed).
    /// Shown on the numbers screen, so an unreachable server answers within
    /// `HOLDERS_WITHIN` instead of holding the screen up.
    pub async fn holders(&self, account: AccountId) -> Result<Vec<RemoteHolder>, LeaseUnknown> {
        let query = sqlx::query_as(
            "SELECT instance_id, holder, holder_name FROM zapdesk.number_leases
             WHERE account_id = $1 AND expires_at >= zapdesk.now_ms()",
        )
        .bind(account.as_uuid())
        .fetch_all(&self.pool);
        let within = HOLDERS_WITHIN.min(self.ask_within());
        let rows: Vec<(Uuid, String, String)> = tokio::time::timeout(within, query)
            .await
            .map_err(|_| LeaseUnknown("timed out".into()))?
            .map_err(|e| self.unknown(e))?;
        Ok(rows
            .into_iter()
            .map(|(instance, holder, holder_name)| RemoteHolder {
                instance: InstanceId::from_uuid(instance),
                mine: holder == self.node,
                holder_name,
            })
            .collect())
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn unknown(&self, e: sqlx::Error) -> LeaseUnknown {
        let options = self.pool.connect_options();
        let target = Target {
            host: options.get_host().to_owned(),
            port: options.get_port(),
            user: options.get_username().to_owned(),
            database: options.get_database().unwrap_or_default().to_owned(),
        };
        LeaseUnknown(RemoteError::from_sqlx(e, &target).message(self.lang))
    }
}

/// Whether this desktop ever pulled the account from a server: only then can
/// another desktop run its numbers. Read from the local store, so it answers
/// offline too. A failed read counts as shared (the careful answer).
pub async fn was_shared(local: &sqlx::SqlitePool, account: AccountId) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sync_cursor WHERE account_id = ?")
        .bind(account)
        .fetch_one(local)
        .await
        .map_or(true, |n| n > 0)
}

impl LeaseGate for RemoteLeases {
    fn take(
        &self,
        account: AccountId,
        instance: InstanceId,
    ) -> LeaseFuture<'_, Result<LeaseAnswer, LeaseUnknown>> {
        Box::pin(RemoteLeases::take(self, account, instance))
    }

    fn release(&self, account: AccountId, instance: InstanceId) -> LeaseFuture<'_, ()> {
        Box::pin(RemoteLeases::release(self, account, instance))
    }

    fn holders(&self, account: AccountId) -> LeaseFuture<'_, Vec<RemoteHolder>> {
        Box::pin(async move {
            RemoteLeases::holders(self, account)
                .await
                .unwrap_or_default()
        })
    }
}
