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
//!
//! A build costs about a second of CPU on 100 000 contacts, so the
//! background one is not started when it would be thrown away or repeated
//! for nothing (see `Kept::may_rebuild`): while writes keep coming (an
//! import, a sync pull), for an account dropped from memory moments ago
//! (an agency counting more accounts than are kept, in turn), and at a
//! generation whose rows could not be read. Counts stay exact meanwhile:
//! they are answered in SQL.

mod bits;
mod eval;
mod load;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) use eval::ContactIndex;

use crate::filter::{ContactFilter, FieldTest};
use crate::{AccountId, Store};

/// Indexes kept for this many accounts at most (the least recently counted
/// is dropped): 100 000 contacts with tags and two fields hold about
/// 15 MB, and an agency works in a few accounts at a time.
const KEPT_ACCOUNTS: usize = 8;

/// And this many bytes at most in all (by [`ContactIndex::bytes`]), the
/// least recently counted dropped first: a few accounts of a million
/// contacts would otherwise hold gigabytes on a desktop.
const KEPT_BYTES: usize = 256 << 20;

/// How long after a build whose data changed while it ran, or after an
/// account's index was dropped for room, no background build is started:
/// long enough for an import's or a pull's next batch to land, short enough
/// that counts are fast again soon after the writes stop.
const CALM: Duration = Duration::from_secs(5);

/// The store's indexes, one per account counted lately.
#[derive(Default)]
pub(crate) struct ContactIndexes {
    inner: Mutex<Kept>,
    /// Builds started, for tests that check one was not.
    builds: AtomicU64,
}

impl std::fmt::Debug for ContactIndexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContactIndexes")
    }
}

struct Kept {
    entries: HashMap<AccountId, Entry>,
    /// Ticks at every use, for dropping the least recently used.
    clock: u64,
    /// [`CALM`], [`KEPT_BYTES`] unless a test sets them.
    calm: Duration,
    max_bytes: usize,
    /// The next build stops between reading the rows and ending (tests).
    pause: Option<Arc<Pause>>,
}

#[derive(Default)]
struct Pause {
    read: tokio::sync::Notify,
    go: tokio::sync::Notify,
}

impl Default for Kept {
    fn default() -> Self {
        Kept {
            entries: HashMap::new(),
            clock: 0,
            calm: CALM,
            max_bytes: KEPT_BYTES,
            pause: None,
        }
    }
}

#[derive(Default)]
struct Entry {
    /// One build at a time per account: the Contacts screen, the segment
    /// list and the campaign editor ask at once after a change.
    building: Arc<tokio::sync::Mutex<()>>,
    index: Option<Arc<ContactIndex>>,
    /// `index`'s [`ContactIndex::bytes`], counted once.
    bytes: usize,
    used: u64,
    /// When the last build ended, and whether the generation had moved by
    /// then (writes still coming).
    built: Option<(Instant, bool)>,
    /// A generation whose rows could not be read: not tried again.
    unreadable: Option<i64>,
    /// When the index was dropped for room.
    evicted: Option<Instant>,
}

impl Kept {
    /// Whether a background build of the account at `generation` may start
    /// at `now`.
    fn may_rebuild(&self, account: AccountId, generation: i64, now: Instant) -> bool {
        let Some(entry) = self.entries.get(&account) else {
            return true;
        };
        let lately = |at: Instant| now.saturating_duration_since(at) < self.calm;
        if entry.unreadable == Some(generation) {
            return false;
        }
        if matches!(entry.built, Some((at, true)) if lately(at)) {
            return false;
        }
        !matches!(entry.evicted, Some(at) if lately(at))
    }

    /// Keeps a new index, then drops the least recently used others while
    /// more than [`KEPT_ACCOUNTS`] or [`KEPT_BYTES`] are held. The new one
    /// stays even alone over the bytes: counting it is what was asked.
    fn keep(&mut self, account: AccountId, index: Arc<ContactIndex>, now: Instant) {
        self.clock += 1;
        let tick = self.clock;
        let entry = self.entries.entry(account).or_default();
        entry.bytes = index.bytes();
        entry.index = Some(index);
        entry.used = tick;
        loop {
            let held = self.entries.values().filter(|e| e.index.is_some());
            let (count, bytes) = held.fold((0, 0), |(n, b), e| (n + 1, b + e.bytes));
            if count <= KEPT_ACCOUNTS && bytes <= self.max_bytes {
                break;
            }
            let Some(oldest) = self
                .entries
                .iter()
                .filter(|(a, e)| e.index.is_some() && **a != account)
                .min_by_key(|(_, e)| e.used)
                .map(|(a, _)| *a)
            else {
                break;
            };
            // The entry (and its build lock) stays: someone may wait on it.
            if let Some(entry) = self.entries.get_mut(&oldest) {
                entry.index = None;
                entry.bytes = 0;
                entry.evicted = Some(now);
            }
        }
    }
}

impl ContactIndexes {
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic elsewhere while holding it leaves plain data behind.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The account's index if it was built at `generation`. An older one is
    /// dropped: it can never be current again, and keeping it while the new
    /// one is built would hold the account twice.
    fn current(&self, account: AccountId, generation: i64) -> Option<Arc<ContactIndex>> {
        let mut kept = self.lock();
        kept.clock += 1;
        let now = kept.clock;
        let entry = kept.entries.get_mut(&account)?;
        let index = entry.index.as_ref()?;
        if index.generation() != generation {
            if index.generation() < generation {
                entry.index = None;
                entry.bytes = 0;
            }
            return None;
        }
        entry.used = now;
        Some(Arc::clone(index))
    }

    fn build_lock(&self, account: AccountId) -> Arc<tokio::sync::Mutex<()>> {
        let mut kept = self.lock();
        Arc::clone(&kept.entries.entry(account).or_default().building)
    }

    /// Notes how a build ended: `moved` when the generation was no longer
    /// the one built by the time it ended.
    fn finished(&self, account: AccountId, outcome: &Built, moved: bool) {
        let now = Instant::now();
        let mut kept = self.lock();
        // Built at a generation already gone: it could never be used.
        if let Built::Index(index) = outcome
            && !moved
        {
            kept.keep(account, Arc::clone(index), now);
        }
        let entry = kept.entries.entry(account).or_default();
        entry.built = Some((now, moved));
        if let Built::Unreadable(generation) = outcome {
            entry.unreadable = Some(*generation);
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
    if indexes
        .lock()
        .entries
        .get(&account)
        .and_then(|e| e.unreadable)
        == Some(generation)
    {
        // Read and refused at this very generation: it would be again.
        return Ok(Current::Stale);
    }
    Ok(match build(store, account).await? {
        Built::Index(index) => Current::Yes(index),
        Built::Unreadable(_) => Current::Stale,
        Built::NoAccount => Current::NoAccount,
    })
}

/// Starts building the account's index in the background after a count
/// answered in SQL because the index was not current (started after it,
/// so the two do not compete for the CPU) — unless a build is running or
/// would be wasted now (see `Kept::may_rebuild`).
pub(crate) fn rebuild_later(store: &Store, account: AccountId) {
    let indexes = store.contact_indexes();
    let lock = indexes.build_lock(account);
    let Ok(building) = lock.try_lock_owned() else {
        return;
    };
    let store = store.clone();
    tokio::spawn(async move {
        let _building = building;
        // The generation as of now (the caller's may be older): the one a
        // failed build would have been refused at.
        let Ok(Some(generation)) = load::generation(store.pool(), account).await else {
            return;
        };
        let indexes = store.contact_indexes();
        if indexes.current(account, generation).is_some()
            || !indexes
                .lock()
                .may_rebuild(account, generation, Instant::now())
        {
            return;
        }
        // A failed read leaves the counts to SQL; a later count tries again.
        let _ = build(&store, account).await;
    });
}

enum Built {
    Index(Arc<ContactIndex>),
    /// At this generation.
    Unreadable(i64),
    NoAccount,
}

/// Builds and keeps the account's index; the caller holds its build lock.
async fn build(store: &Store, account: AccountId) -> Result<Built, sqlx::Error> {
    let indexes = store.contact_indexes();
    indexes.builds.fetch_add(1, Ordering::Relaxed);
    let loaded = load::build(store.pool(), account).await?;
    let pause = indexes.lock().pause.take();
    if let Some(pause) = pause {
        pause.read.notify_one();
        pause.go.notified().await;
    }
    let outcome = match loaded {
        load::Loaded::NoAccount => return Ok(Built::NoAccount),
        load::Loaded::Unreadable(generation) => Built::Unreadable(generation),
        load::Loaded::Index(index) => Built::Index(Arc::new(index)),
    };
    let built_at = match &outcome {
        Built::Index(index) => index.generation(),
        Built::Unreadable(generation) => *generation,
        Built::NoAccount => unreachable!("returned above"),
    };
    // Read again now: if it moved while the rows were read and parsed,
    // writes are still coming and the next build waits for them to calm.
    let now = load::generation(store.pool(), account).await?;
    indexes.finished(account, &outcome, now != Some(built_at));
    Ok(outcome)
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
        .filter(|e| e.index.is_some())
        .map(|e| e.bytes)
}

/// How many index builds the store has started (tests check that one was
/// not).
#[doc(hidden)]
pub fn builds_started(store: &Store) -> u64 {
    store.contact_indexes().builds.load(Ordering::Relaxed)
}

/// Waits until no build of the account runs (tests: after a count that may
/// have started one in the background).
#[doc(hidden)]
pub async fn settled(store: &Store, account: AccountId) {
    let lock = store.contact_indexes().build_lock(account);
    drop(lock.lock().await);
}

/// Sets the calm-down time and the byte cap of this store's indexes (tests:
/// an hour, so that nothing depends on how fast the machine is; a cap of a
/// few bytes).
#[doc(hidden)]
pub fn set_limits(store: &Store, calm: Duration, max_bytes: usize) {
    let mut kept = store.contact_indexes().lock();
    kept.calm = calm;
    kept.max_bytes = max_bytes;
}

/// Holds the next build of the store between reading its rows and ending,
/// so a test can write then, as an import does while a build runs.
#[doc(hidden)]
pub struct BuildPause(Arc<Pause>);

impl BuildPause {
    /// Waits until the paused build has read its rows.
    pub async fn rows_read(&self) {
        self.0.read.notified().await;
    }

    /// Lets it end.
    pub fn resume(&self) {
        self.0.go.notify_one();
    }
}

#[doc(hidden)]
pub fn pause_next_build(store: &Store) -> BuildPause {
    let pause = Arc::new(Pause::default());
    store.contact_indexes().lock().pause = Some(Arc::clone(&pause));
    BuildPause(pause)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of `len` contacts named "x" at `generation`.
    fn index(generation: i64, len: usize) -> Arc<ContactIndex> {
        Arc::new(ContactIndex {
            generation,
            len,
            names: vec!["x".into(); len],
            phones: vec!["+5511".into(); len],
            created: vec![0; len],
            opted_out: bits::Bits::empty(len),
            tags: HashMap::new(),
            fields: HashMap::new(),
        })
    }

    fn held(kept: &Kept) -> Vec<AccountId> {
        let mut held: Vec<_> = kept
            .entries
            .iter()
            .filter(|(_, e)| e.index.is_some())
            .map(|(a, _)| *a)
            .collect();
        held.sort();
        held
    }

    #[test]
    fn no_background_build_while_writes_keep_coming_or_at_a_refused_generation() {
        let mut kept = Kept::default();
        let t0 = Instant::now();
        let soon = t0 + CALM / 2;
        let later = t0 + CALM;
        let acc = AccountId::new();
        assert!(kept.may_rebuild(acc, 1, t0), "never built");

        let entry = kept.entries.entry(acc).or_default();
        entry.built = Some((t0, false));
        assert!(kept.may_rebuild(acc, 2, soon), "the data held still");

        // The generation moved while the last build ran: wait for calm.
        kept.entries.get_mut(&acc).unwrap().built = Some((t0, true));
        assert!(!kept.may_rebuild(acc, 3, soon));
        assert!(kept.may_rebuild(acc, 3, later));

        // Rows refused at generation 3 are not read again until it moves.
        let entry = kept.entries.get_mut(&acc).unwrap();
        entry.built = Some((t0, false));
        entry.unreadable = Some(3);
        assert!(!kept.may_rebuild(acc, 3, later + CALM * 100));
        assert!(kept.may_rebuild(acc, 4, soon));

        // Dropped for room moments ago: not built again at once.
        let entry = kept.entries.get_mut(&acc).unwrap();
        entry.unreadable = None;
        entry.evicted = Some(t0);
        assert!(!kept.may_rebuild(acc, 4, soon));
        assert!(kept.may_rebuild(acc, 4, later));
    }

    #[test]
    fn the_least_recently_used_go_past_the_accounts_or_the_bytes() {
        let now = Instant::now();
        let mut kept = Kept::default();
        let accounts: Vec<AccountId> = (0..=KEPT_ACCOUNTS).map(|_| AccountId::new()).collect();
        for acc in &accounts[..KEPT_ACCOUNTS] {
            kept.keep(*acc, index(1, 10), now);
        }
        assert_eq!(held(&kept).len(), KEPT_ACCOUNTS);
        // The first is used again: the second is now the oldest.
        let mut shared = ContactIndexes::default();
        std::mem::swap(shared.inner.get_mut().unwrap(), &mut kept);
        assert!(shared.current(accounts[0], 1).is_some());
        std::mem::swap(shared.inner.get_mut().unwrap(), &mut kept);
        kept.keep(accounts[KEPT_ACCOUNTS], index(1, 10), now);
        let mut expected: Vec<_> = accounts
            .iter()
            .copied()
            .filter(|a| *a != accounts[1])
            .collect();
        expected.sort();
        assert_eq!(held(&kept), expected);
        assert_eq!(kept.entries[&accounts[1]].evicted, Some(now));

        // Bytes: room for two of these, not three.
        let one = index(1, 1000).bytes();
        let mut kept = Kept {
            max_bytes: one * 2 + one / 2,
            ..Kept::default()
        };
        let (a, b, c) = (AccountId::new(), AccountId::new(), AccountId::new());
        kept.keep(a, index(1, 1000), now);
        kept.keep(b, index(1, 1000), now);
        assert_eq!(held(&kept).len(), 2);
        kept.keep(c, index(1, 1000), now);
        let mut expected = vec![b, c];
        expected.sort();
        assert_eq!(held(&kept), expected);
        // One larger than the cap alone is still kept: it is the one asked for.
        let big = AccountId::new();
        kept.keep(big, index(1, 4000), now);
        assert_eq!(held(&kept), vec![big]);
    }

    #[test]
    fn an_older_index_is_dropped_once_the_generation_moved() {
        let shared = ContactIndexes::default();
        let acc = AccountId::new();
        shared.lock().keep(acc, index(5, 10), Instant::now());
        // A count that read an older number leaves the newer index alone.
        assert!(shared.current(acc, 4).is_none());
        assert!(shared.current(acc, 5).is_some());
        assert!(shared.current(acc, 6).is_none());
        assert!(shared.lock().entries[&acc].index.is_none());
        // Not dropped for room: a rebuild may start at once.
        assert!(shared.lock().may_rebuild(acc, 6, Instant::now()));
    }
}
