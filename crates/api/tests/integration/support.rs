//! What the tests share: an app on a temporary folder with its API on a
//! free loopback port, accounts, tokens, and a client that speaks JSON.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use zapdesk_api::{ApiConfig, ApiServer, RateLimit};
use zapdesk_app::{App, Host};
use zapdesk_core::accounts::{self, AccountInput};
use zapdesk_core::api_tokens::{self, ApiTokenInput, Scope};
use zapdesk_core::domain::InstanceKind;
use zapdesk_core::instances::{self, NumberInput};
use zapdesk_core::{AccountId, InstanceId, Store};
use zapdesk_whatsapp::fleet::FleetConfig;

/// One Chromium test at a time: two cores.
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

pub const ALL: &[Scope] = &[Scope::Read, Scope::Send, Scope::Manage];

/// An app and its API.
pub struct Api {
    pub dir: TempDir,
    pub app: App,
    pub server: Arc<ApiServer>,
    pub base: String,
    pub http: reqwest::Client,
}

/// A config for tests: any free port, a rate limit no test reaches by accident.
pub fn config() -> ApiConfig {
    ApiConfig {
        port: 0,
        rate: RateLimit {
            per_second: 10_000,
            burst: 10_000,
        },
        ..ApiConfig::default()
    }
}

pub async fn open_app(dir: &Path) -> App {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let fleet = FleetConfig {
        chromium: chromium.into(),
        ..FleetConfig::new(dir.to_path_buf())
    };
    App::open_with(fleet, Host::silent()).await.unwrap()
}

pub async fn start() -> Api {
    start_with(config()).await
}

pub async fn start_with(config: ApiConfig) -> Api {
    let dir = tempfile::tempdir().unwrap();
    let app = open_app(dir.path()).await;
    serve(dir, app, config).await
}

pub async fn serve(dir: TempDir, app: App, config: ApiConfig) -> Api {
    let server = ApiServer::start(app.clone(), config).await;
    let addr = server.local_addr().expect("the API listens");
    Api {
        dir,
        app,
        server,
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
    }
}

impl Api {
    pub fn store(&self) -> &Store {
        self.app.store()
    }

    pub async fn account(&self, name: &str) -> AccountId {
        account(self.store(), name).await
    }

    pub async fn token(&self, account: Option<AccountId>, scopes: &[Scope]) -> String {
        token(self.store(), account, scopes).await
    }

    pub async fn number(&self, account: AccountId, name: &str) -> InstanceId {
        instances::create(
            self.store(),
            account,
            &NumberInput {
                name: name.into(),
                kind: InstanceKind::Sandbox,
            },
        )
        .await
        .unwrap()
        .id
    }

    /// A request with `token` (if any), a JSON body (if any).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        read(response).await
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn stop(self) {
        self.server.stop().await;
        self.app.shutdown().await;
    }
}

pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, body)
}

pub async fn account(store: &Store, name: &str) -> AccountId {
    accounts::create(
        store,
        &AccountInput {
            name: name.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

pub async fn token(store: &Store, account: Option<AccountId>, scopes: &[Scope]) -> String {
    api_tokens::create(
        store,
        &ApiTokenInput {
            name: "teste".into(),
            account_id: account,
            scopes: scopes.to_vec(),
        },
    )
    .await
    .unwrap()
    .secret
}

/// The code of an error body.
pub fn code(body: &Value) -> &str {
    body["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {body}"))
}

/// Makes the desktop's operator an owner (agency-wide tokens need one).
pub async fn owner(store: &Store) {
    use zapdesk_core::domain::Role;
    use zapdesk_core::users::{self, UserInput};
    let me = users::create(
        store,
        &UserInput {
            name: "Dona da agência".into(),
            email: format!("dona-{}@agencia.com", uuid_like()),
            role: Role::Owner,
        },
    )
    .await
    .unwrap();
    users::set_me(store, me.id).await.unwrap();
}

fn uuid_like() -> String {
    zapdesk_core::UserId::new().to_string()[..8].to_owned()
}

/// The app, with a counter the fleet's events move: a test waits on it for
/// a number's status instead of sleeping.
pub async fn open_app_watching(dir: &Path) -> (App, tokio::sync::watch::Receiver<u64>) {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium is required for this test and was not found at {chromium}"
    );
    let fleet = FleetConfig {
        chromium: chromium.into(),
        ..FleetConfig::new(dir.to_path_buf())
    };
    let (tx, rx) = tokio::sync::watch::channel(0u64);
    let host = Host {
        fleet: Arc::new(move |_| tx.send_modify(|n| *n += 1)),
        ..Host::silent()
    };
    (App::open_with(fleet, host).await.unwrap(), rx)
}

/// Waits (90 s at most) until `check` holds, looking again at each fleet event.
pub async fn until(
    moved: &mut tokio::sync::watch::Receiver<u64>,
    what: &str,
    mut check: impl FnMut() -> bool,
) {
    let found = tokio::time::timeout(std::time::Duration::from_secs(90), async {
        loop {
            if check() {
                return;
            }
            moved.changed().await.unwrap();
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("never: {what}"));
}

/// Evolution's recorded shape `fixture` (tests/fixtures/evolution) and the
/// fields ZapDesk does not offer.
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/evolution")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Fails unless `ours` has every field of `theirs` (recursively; arrays by
/// their first item), each with the same JSON type or null, except `skip`.
pub fn same_shape(theirs: &Value, ours: &Value, skip: &[&str], at: &str) {
    match (theirs, ours) {
        (Value::Object(t), Value::Object(o)) => {
            for (key, value) in t {
                if skip.contains(&key.as_str()) {
                    continue;
                }
                let Some(mine) = o.get(key) else {
                    panic!("{at}.{key} is missing from {ours}");
                };
                same_shape(value, mine, skip, &format!("{at}.{key}"));
            }
        }
        (Value::Array(t), Value::Array(o)) => {
            if let (Some(t), Some(o)) = (t.first(), o.first()) {
                same_shape(t, o, skip, &format!("{at}[0]"));
            }
        }
        (_, Value::Null) | (Value::Null, _) => {}
        (t, o) => {
            let kind = |v: &Value| match v {
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
                Value::Null => "null",
            };
            assert_eq!(kind(t), kind(o), "{at}: {t} vs {o}");
        }
    }
}
