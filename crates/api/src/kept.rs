//! Answers kept while the store has not changed: the pages of the list
//! endpoints, the tokens presented and the accounts asked for, each under
//! the store's data version read *before* it was worked out
//! ([`zapdesk_core::Store::data_version`]). Any commit to the file (this
//! app's, the sync engine's, a CLI in another process) moves the version,
//! and everything kept under the old one is dropped at the next request, so
//! a kept answer is never older than a fresh one would be. A revoked token
//! is refused at once the same way: the revocation is a commit.
//!
//! Why: integrations poll the same pages (n8n's and Make's polling
//! triggers), and the cost of a page is the store's query behind it
//! (0.6–3 ms on 100 000 contacts, docs/benchmarks.md) while the version
//! check is one statement on a connection of its own.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use zapdesk_core::AccountId;
use zapdesk_core::api_tokens::Verified;

use crate::auth::Caller;
use crate::error::{ApiError, Refusal};
use crate::state::Api;

/// Beyond this the kept pages are dropped and kept again from empty: the
/// keys are request addresses, which a client chooses.
const MAX_BYTES: usize = 16 << 20;
const MAX_ENTRIES: usize = 4096;

#[derive(Default)]
pub struct Kept(Mutex<Generation>);

#[derive(Default)]
struct Generation {
    version: u64,
    /// By the SHA-256 of the presented token: the token itself is not kept.
    tokens: HashMap<[u8; 32], Verified>,
    accounts: HashSet<AccountId>,
    pages: HashMap<String, Bytes>,
    bytes: usize,
}

impl Generation {
    fn entries(&self) -> usize {
        self.tokens.len() + self.accounts.len() + self.pages.len()
    }
}

fn token_key(presented: &str) -> [u8; 32] {
    Sha256::digest(presented.as_bytes()).into()
}

impl Kept {
    /// The generation of `version`, emptied first when the store has moved
    /// past what it holds; `None` when `version` is older than what is held
    /// (a request that read the version before another moved it).
    fn with<T>(&self, version: u64, f: impl FnOnce(&mut Generation) -> T) -> Option<T> {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if kept.version != version {
            // Versions of one connection only grow (the epoch is in the
            // high bits), but a request that read an older one must not
            // drop what a newer one kept: only the newest generation lives.
            if version < kept.version {
                return None;
            }
            *kept = Generation {
                version,
                ..Generation::default()
            };
        }
        Some(f(&mut kept))
    }

    pub fn token(&self, version: u64, presented: &str) -> Option<Verified> {
        let key = token_key(presented);
        self.with(version, |g| g.tokens.get(&key).cloned())
            .flatten()
    }

    pub fn keep_token(&self, version: u64, presented: &str, token: &Verified) {
        let key = token_key(presented);
        self.with(version, |g| {
            g.make_room(0);
            g.tokens.insert(key, token.clone());
        });
    }

    pub fn account(&self, version: u64, account: AccountId) -> bool {
        self.with(version, |g| g.accounts.contains(&account)) == Some(true)
    }

    pub fn keep_account(&self, version: u64, account: AccountId) {
        self.with(version, |g| {
            g.make_room(0);
            g.accounts.insert(account);
        });
    }

    pub fn page(&self, version: u64, key: &str) -> Option<Bytes> {
        self.with(version, |g| g.pages.get(key).cloned()).flatten()
    }

    pub fn keep_page(&self, version: u64, key: String, page: Bytes) {
        if page.len() > MAX_BYTES / 4 {
            return;
        }
        self.with(version, |g| {
            g.make_room(page.len());
            g.bytes += page.len();
            if let Some(old) = g.pages.insert(key, page) {
                g.bytes -= old.len();
            }
        });
    }
}

impl Generation {
    fn make_room(&mut self, bytes: usize) {
        if self.bytes + bytes > MAX_BYTES || self.entries() >= MAX_ENTRIES {
            self.tokens.clear();
            self.accounts.clear();
            self.pages.clear();
            self.bytes = 0;
        }
    }
}

/// The JSON page of `uri` for `caller`: the one kept under the caller's
/// version, or the one `work` gives, then kept. Refusals are never kept.
/// Call it after the caller's scope and account are checked: the key is the
/// address only, and the answer is the same for every token that may see it.
pub async fn json_page<T: Serialize>(
    api: &Api,
    caller: &Caller,
    uri: &Uri,
    work: impl Future<Output = Result<T, ApiError>>,
) -> Result<Response, ApiError> {
    let key = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    let page = match caller.version.and_then(|v| api.kept().page(v, &key)) {
        Some(page) => page,
        None => {
            let page = Bytes::from(serde_json::to_vec(&work.await?).map_err(|e| {
                tracing::error!("api: writing a page as JSON: {e}");
                ApiError::from(Refusal::Internal)
            })?);
            if let Some(v) = caller.version {
                api.kept().keep_page(v, key, page.clone());
            }
            page
        }
    };
    Ok((
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        page,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_version_drops_what_was_kept_and_an_old_one_keeps_nothing() {
        let kept = Kept::default();
        kept.keep_page(5, "a".into(), Bytes::from_static(b"1"));
        assert_eq!(kept.page(5, "a").as_deref(), Some(&b"1"[..]));
        assert_eq!(kept.page(6, "a"), None, "the store moved");
        kept.keep_page(5, "a".into(), Bytes::from_static(b"old"));
        assert_eq!(
            kept.page(6, "a"),
            None,
            "kept under a version already passed"
        );
        assert_eq!(kept.page(5, "a"), None);
    }

    #[test]
    fn the_kept_pages_never_pass_their_bound() {
        let kept = Kept::default();
        let page = Bytes::from(vec![b'x'; MAX_BYTES / 8]);
        for i in 0..20 {
            kept.keep_page(1, format!("p{i}"), page.clone());
            let g = kept.0.lock().unwrap();
            assert!(g.bytes <= MAX_BYTES, "{} bytes kept", g.bytes);
            assert_eq!(g.bytes, g.pages.values().map(Bytes::len).sum::<usize>());
        }
        for i in 0..MAX_ENTRIES + 10 {
            kept.keep_account(1, AccountId::new());
            assert!(kept.0.lock().unwrap().entries() <= MAX_ENTRIES, "after {i}");
        }
    }
}
