//! What every handler shares: the app, the rate limiter, and when each
//! token's last use was last written.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use zapdesk_app::App;
use zapdesk_core::ids::ApiTokenId;
use zapdesk_core::time::now_ms;
use zapdesk_core::{AccountId, Store, api_tokens};

use crate::config::{ApiConfig, Hooks};
use crate::error::ApiError;
use crate::group_commit::GroupCommit;
use crate::kept::Kept;

/// A token's last use is written at most this often: a write per request
/// would cost more than most requests.
pub const TOUCH_EVERY: Duration = Duration::from_secs(5);

type Limiter = RateLimiter<ApiTokenId, DefaultKeyedStateStore<ApiTokenId>, DefaultClock>;

/// The server's shared state; clones share it.
#[derive(Clone)]
pub struct Api(Arc<Inner>);

struct Inner {
    app: App,
    limiter: Limiter,
    touched: Mutex<HashMap<ApiTokenId, Instant>>,
    hooks: Hooks,
    served: Option<AccountId>,
    kept: Kept,
    keep_answers: bool,
    /// `None` when the config turns group commit off.
    group: Option<GroupCommit>,
}

impl Api {
    pub fn new(app: App, config: &ApiConfig) -> Api {
        let per_second = NonZeroU32::new(config.rate.per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(config.rate.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(per_second).allow_burst(burst);
        Api(Arc::new(Inner {
            app,
            limiter: RateLimiter::dashmap(quota),
            touched: Mutex::new(HashMap::new()),
            hooks: config.hooks.clone(),
            served: config.account,
            kept: Kept::default(),
            keep_answers: config.keep_answers,
            group: config
                .group_sends
                .then(|| GroupCommit::start(config.hooks.clone())),
        }))
    }

    pub fn app(&self) -> &App {
        &self.0.app
    }

    pub fn store(&self) -> &Store {
        self.0.app.store()
    }

    pub fn hooks(&self) -> &Hooks {
        &self.0.hooks
    }

    /// The queue that writes concurrent sends in one transaction, unless
    /// the config turned it off.
    pub fn group(&self) -> Option<&GroupCommit> {
        self.0.group.as_ref()
    }

    /// Answers kept while the store has not changed.
    pub fn kept(&self) -> &Kept {
        &self.0.kept
    }

    /// The store's data version now, for answers kept under it; `None`
    /// (nothing kept or reused) when it cannot be read.
    pub async fn version(&self) -> Option<u64> {
        if !self.0.keep_answers {
            return None;
        }
        match self.store().data_version().await {
            Ok(version) => Some(version),
            Err(e) => {
                tracing::warn!("api: reading the store's version: {e}");
                None
            }
        }
    }

    /// The only account served, when the server serves one.
    pub fn served(&self) -> Option<AccountId> {
        self.0.served
    }

    /// Counts a request of `token`; refused with the wait when over its rate.
    pub fn admit(&self, token: ApiTokenId) -> Result<(), ApiError> {
        match self.0.limiter.check_key(&token) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(ApiError::rate_limited(
                    wait.as_secs_f64().ceil().max(1.0) as u64
                ))
            }
        }
    }

    /// Records the token's use, unless it was recorded in the last few seconds.
    pub async fn touch(&self, token: ApiTokenId) {
        let due = {
            let mut touched = self.0.touched.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            match touched.get(&token) {
                Some(at) if now.duration_since(*at) < TOUCH_EVERY => false,
                _ => {
                    touched.insert(token, now);
                    true
                }
            }
        };
        if due && let Err(e) = api_tokens::touch(self.store(), token, now_ms()).await {
            // The request goes on: the last-used time is a hint for the screen.
            tracing::warn!("api: recording a token's use: {e}");
        }
    }
}
