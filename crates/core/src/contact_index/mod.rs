//! Segment and audience counts from memory: per account, a bit set per tag,
//! the field values and the searchable text of every contact, each contact
//! at a dense position. A filter's count becomes intersections of bit sets
//! instead of SQL over random 16-byte ids (130–280 ms on 100 000 contacts
//! for combined conditions, docs/benchmarks.md, issue 18).
//!
//! Exact, not approximate: an index is kept under the account's number in
//! `contact_index_gen` (migration 0034), which triggers move in the
//! transaction of every change to contacts, their tags and their field
//! values, from any connection or process (the sync engine, a CLI). Each
//! count reads that number first and uses the index only if it was built
//! at the same number; the build reads the number and the rows in one read
//! transaction. Messages and other writes leave the index alone.
//!
//! When the number moved, the count that notices is answered in SQL as
//! before and the index is then rebuilt in the background ([`Wait::No`]):
//! a count never waits for a build. What the index does not hold (a contact's
//! last message time, which moves with every message) is left to SQL too.

mod bits;
mod eval;
mod load;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub(crate) use eval::ContactIndex;

use crate::filter::{ContactFilter, FieldTest};
use crate::{AccountId, Store};

/// Indexes kept for this many accounts at most (the least recently counted
/// is dropped): 100 000 contacts with tags and two fields hold about
/// 15 MB, and an agency works in a few accounts at a time.
const KEPT_ACCOUNTS: usize = 8;

/// The store's indexes, one per account counted lately.
#[derive(Default)]
pub(crate) struct ContactIndexes {
    inner: Mutex<Kept>,
}

impl std::fmt::Debug for ContactIndexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContactIndexes")
    }
}

#[derive(Default)]
struct Kept {
    entries: HashMap<AccountId, Entry>,
    /// Ticks at every use, for dropping the least recently used.
    clock: u64,
}

#[derive(Default)]
struct Entry {
    /// One build at a time per account: the Contacts screen, the segment
    /// list and the campaign editor ask at once after a change.
    building: Arc<tokio::sync::Mutex<()>>,
    index: Option<Arc<ContactIndex>>,
    used: u64,
}

impl ContactIndexes {
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic elsewhere while holding it leaves plain data behind.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The account's index if it was built at `generation`.
    fn current(&self, account: AccountId, generation: i64) -> Option<Arc<ContactIndex>> {
        let mut kept = self.lock();
        kept.clock += 1;
        let now = kept.clock;
        let entry = kept.entries.get_mut(&account)?;
        let index = entry.index.as_ref()?;
        if index.generation() != generation {
            return None;
        }
        entry.used = now;
        Some(Arc::clone(index))
    }

    fn build_lock(&self, account: AccountId) -> Arc<tokio::sync::Mutex<()>> {
        let mut kept = self.lock();
        Arc::clone(&kept.entries.entry(account).or_default().building)
    }

    fn keep(&self, account: AccountId, index: Arc<ContactIndex>) {
        let mut kept = self.lock();
        kept.clock += 1;
        let now = kept.clock;
        let entry = kept.entries.entry(account).or_default();
        entry.index = Some(index);
        entry.used = now;
        let holding = kept.entries.values().filter(|e| e.index.is_some()).count();
        if holding > KEPT_ACCOUNTS
            && let Some(oldest) = kept
                .entries
                .iter()
                .filter(|(_, e)| e.index.is_some())
                .min_by_key(|(_, e)| e.used)
                .map(|(a, _)| *a)
        {
            // The entry (and its build lock) stays: someone may wait on it.
            if let Some(entry) = kept.entries.get_mut(&oldest) {
                entry.index = None;
            }
        }
    }
}

/// Whether a count waits for the index to be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Builds it first if needed (tests, benchmarks, [`warm`]).
    ForIndex,
    /// Answers [`Counted::Stale`] at once when the index is not current: the
    /// caller counts in SQL as it always did, then calls [`rebuild_later`],
    /// so a count right after a change never waits for a build (about a
    /// second on 100 000 contacts) and the next ones are fast again.
    No,
}

/// What the index could say about a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counted {
    Yes(u32),
    /// Not current (with [`Wait::No`]): count in SQL, then [`rebuild_later`].
    Stale,
    /// The filter names the last message time, or the account is unknown:
    /// count in SQL.
    NotIndexed,
}

/// How many of the account's contacts `filter` matches, from the index.
/// `tests` are the filter's field conditions as
/// [`crate::filter::field_tests`] read them.
pub(crate) async fn count(
    store: &Store,
    account: AccountId,
    filter: &ContactFilter,
    tests: &[FieldTest],
    wait: Wait,
) -> Result<Counted, sqlx::Error> {
    if filter.last_message_after.is_some() || filter.last_message_before.is_some() {
        return Ok(Counted::NotIndexed);
    }
    Ok(match index(store, account, wait).await? {
        Current::Yes(index) => {
            Counted::Yes(u32::try_from(index.count(filter, tests)).unwrap_or(u32::MAX))
        }
        Current::Stale => Counted::Stale,
        Current::NoAccount => Counted::NotIndexed,
    })
}

enum Current {
    Yes(Arc<ContactIndex>),
    Stale,
    NoAccount,
}

/// The account's index as of now, if there is one (see [`Wait`]).
async fn index(store: &Store, account: AccountId, wait: Wait) -> Result<Current, sqlx::Error> {
    let indexes = store.contact_indexes();
    let Some(generation) = load::generation(store.pool(), account).await? else {
        return Ok(Current::NoAccount);
    };
    if let Some(index) = indexes.current(account, generation) {
        return Ok(Current::Yes(index));
    }
    if wait == Wait::No {
        return Ok(Current::Stale);
    }
    let lock = indexes.build_lock(account);
    let _building = lock.lock().await;
    // Another count may have built it while this one waited.
    let Some(generation) = load::generation(store.pool(), account).await? else {
        return Ok(Current::NoAccount);
    };
    if let Some(index) = indexes.current(account, generation) {
        return Ok(Current::Yes(index));
    }
    Ok(match build(store, account).await? {
        Some(index) => Current::Yes(index),
        None => Current::NoAccount,
    })
}

/// Starts building the account's index in the background, unless a build
/// is already running: after a count answered in SQL because the index was
/// not current (started after it, so the two do not compete for the CPU).
pub(crate) fn rebuild_later(store: &Store, account: AccountId) {
    let lock = store.contact_indexes().build_lock(account);
    if let Ok(building) = lock.try_lock_owned() {
        let store = store.clone();
        tokio::spawn(async move {
            let _building = building;
            // A failed build leaves the counts to SQL; the next one tries again.
            let _ = build(&store, account).await;
        });
    }
}

/// Builds and keeps the account's index; the caller holds its build lock.
async fn build(
    store: &Store,
    account: AccountId,
) -> Result<Option<Arc<ContactIndex>>, sqlx::Error> {
    let Some(index) = load::build(store.pool(), account).await? else {
        return Ok(None);
    };
    let index = Arc::new(index);
    store.contact_indexes().keep(account, Arc::clone(&index));
    Ok(Some(index))
}

/// Builds the account's index now if it is not current (after an import, at
/// start-up), so the counts that follow are fast ones.
pub async fn warm(store: &Store, account: AccountId) -> Result<(), sqlx::Error> {
    index(store, account, Wait::ForIndex).await.map(|_| ())
}

/// The heap bytes of the account's kept index, if one is kept (benchmarks).
pub fn kept_bytes(store: &Store, account: AccountId) -> Option<usize> {
    let kept = store.contact_indexes().lock();
    kept.entries
        .get(&account)
        .and_then(|e| e.index.as_ref())
        .map(|i| i.bytes())
}
