//! Scratch databases for tests (feature `test-support`): each test gets its own
//! database `zapdesk_t_<random>` and its own operator group, and everything it
//! created on the server (the database, the group, every operator role) is
//! dropped when the value is dropped, even when the test panics. Roles are
//! cluster-wide, so every name carries the random suffix and parallel tests
//! never meet.
//!
//! The server is `ZAPDESK_TEST_PG_URL` or `postgres://postgres@127.0.0.1:5432/postgres`
//! (trust authentication: operator roles log in without their password). A
//! server that cannot be reached fails the test with what to start; nothing is
//! skipped.

pub mod desktop;

use std::str::FromStr;
use std::sync::Mutex;

use rand::Rng;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

use crate::provision::{ProvisionReport, provision};

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database of one test, dropped with everything it holds.
pub struct ScratchDatabase {
    /// The database's name.
    pub name: String,
    /// The operator group this database is provisioned with.
    pub group: String,
    server: PgConnectOptions,
    /// Roles the test created itself, to drop with the rest.
    extra_roles: Mutex<Vec<String>>,
}

/// A random suffix for names on the shared server.
pub fn suffix() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

fn server_url() -> String {
    std::env::var("ZAPDESK_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_SERVER.to_owned())
}

async fn maintenance(server: &PgConnectOptions) -> PgConnection {
    server.connect().await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {}:{} ({e}). These tests need a real server: \
             start it (on Debian: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) \
             or point ZAPDESK_TEST_PG_URL at one whose user may create databases and roles.",
            server.get_host(),
            server.get_port()
        )
    })
}

impl ScratchDatabase {
    /// A new, empty database.
    pub async fn create() -> ScratchDatabase {
        let server = PgConnectOptions::from_str(&server_url()).expect("ZAPDESK_TEST_PG_URL");
        let suffix = suffix();
        let name = format!("zapdesk_t_{suffix}");
        let mut conn = maintenance(&server).await;
        conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .expect("create the test database");
        let _ = conn.close().await;
        ScratchDatabase {
            name,
            group: format!("zapdesk_op_t_{suffix}"),
            server,
            extra_roles: Mutex::new(Vec::new()),
        }
    }

    /// A new database with the schema applied.
    pub async fn provisioned() -> (ScratchDatabase, ProvisionReport) {
        let db = ScratchDatabase::create().await;
        let report = provision(&db.owner(), Some(&db.group))
            .await
            .expect("provision the test database");
        (db, report)
    }

    /// Connection options as the server's administrator (the database owner).
    pub fn owner(&self) -> PgConnectOptions {
        self.server.clone().database(&self.name)
    }

    /// The owner's URL, as `zapdesk-cli remote … --database-url` takes it.
    pub fn owner_url(&self) -> String {
        format!(
            "postgres://{}@{}:{}/{}",
            self.server.get_username(),
            self.server.get_host(),
            self.server.get_port(),
            self.name
        )
    }

    /// Connects as a role (trust authentication: no password needed).
    pub async fn connect_as(&self, role: &str) -> PgConnection {
        self.owner()
            .username(role)
            .password("")
            .connect()
            .await
            .unwrap_or_else(|e| panic!("connect as {role}: {e}"))
    }

    /// Connects as the owner.
    pub async fn connect_owner(&self) -> PgConnection {
        self.owner().connect().await.expect("connect as the owner")
    }

    /// Drops this role too at the end (for roles a test creates itself).
    pub fn track_role(&self, role: &str) {
        if let Ok(mut roles) = self.extra_roles.lock() {
            roles.push(role.to_owned());
        }
    }

    async fn clean_up(&self) -> Result<(), sqlx::Error> {
        let mut roles: Vec<String> = self
            .extra_roles
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default();
        if let Ok(mut conn) = self.owner().connect().await {
            let has_operators: bool =
                sqlx::query_scalar("SELECT to_regclass('zapdesk.operators') IS NOT NULL")
                    .fetch_one(&mut conn)
                    .await?;
            if has_operators {
                roles.extend(
                    sqlx::query_scalar::<_, String>("SELECT role_name FROM zapdesk.operators")
                        .fetch_all(&mut conn)
                        .await?,
                );
            }
            let _ = conn.close().await;
        }
        roles.push(self.group.clone());
        let mut conn = self.server.connect().await?;
        conn.execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name).as_str())
            .await?;
        for role in roles {
            conn.execute(format!("DROP ROLE IF EXISTS \"{role}\"").as_str())
                .await?;
        }
        let _ = conn.close().await;
        Ok(())
    }
}

impl Drop for ScratchDatabase {
    /// Drop cannot await, and may run inside a test's runtime: the clean-up
    /// runs on a thread of its own with its own small runtime.
    fn drop(&mut self) {
        if self.name.is_empty() {
            return;
        }
        let this = ScratchDatabase {
            name: std::mem::take(&mut self.name),
            group: std::mem::take(&mut self.group),
            server: self.server.clone(),
            extra_roles: Mutex::new(
                self.extra_roles
                    .lock()
                    .map(|r| r.clone())
                    .unwrap_or_default(),
            ),
        };
        // sqlx's connection futures are large in debug builds: a roomy stack.
        let spawned = std::thread::Builder::new()
            .name("scratch-db-clean-up".to_owned())
            .stack_size(16 << 20)
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let result = match runtime {
                    Ok(rt) => rt.block_on(this.clean_up()),
                    Err(e) => Err(sqlx::Error::Io(e)),
                };
                // Forget the name so that this copy's own drop does nothing.
                let mut this = this;
                this.name.clear();
                result
            });
        match spawned.map(|t| t.join()) {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => eprintln!("could not clean up a test database: {e}"),
            _ => eprintln!("could not clean up a test database"),
        }
    }
}

/// keyring's own mock keeps each password in the one `Entry` that set it;
/// the app looks a password up again through a new entry (after a restart),
/// so tests need a store shared by every entry: this one, in memory.
pub fn use_memory_keyring() {
    keyring::set_default_credential_builder(Box::new(MemoryKeyring));
}

type Secrets = std::sync::Arc<Mutex<std::collections::HashMap<String, Vec<u8>>>>;

fn secrets() -> Secrets {
    static SECRETS: std::sync::OnceLock<Secrets> = std::sync::OnceLock::new();
    SECRETS.get_or_init(Default::default).clone()
}

struct MemoryKeyring;

impl keyring::credential::CredentialBuilderApi for MemoryKeyring {
    fn build(
        &self,
        _target: Option<&str>,
        service: &str,
        user: &str,
    ) -> keyring::Result<Box<keyring::credential::Credential>> {
        Ok(Box::new(MemoryCredential {
            key: format!("{service}\u{0}{user}"),
        }))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Debug)]
struct MemoryCredential {
    key: String,
}

impl keyring::credential::CredentialApi for MemoryCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        secrets()
            .lock()
            .map_err(|_| keyring::Error::NoStorageAccess("poisoned".into()))?
            .insert(self.key.clone(), secret.to_vec());
        Ok(())
    }

    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        secrets()
            .lock()
            .map_err(|_| keyring::Error::NoStorageAccess("poisoned".into()))?
            .get(&self.key)
            .cloned()
            .ok_or(keyring::Error::NoEntry)
    }

    fn delete_credential(&self) -> keyring::Result<()> {
        secrets()
            .lock()
            .map_err(|_| keyring::Error::NoStorageAccess("poisoned".into()))?
            .remove(&self.key)
            .map(|_| ())
            .ok_or(keyring::Error::NoEntry)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
