//! Hybrid logical clocks, in the remote schema's format
//! `<Unix ms, 13 digits>-<counter, 5 digits>-<node>` (migrations/postgres/0001),
//! where comparing the strings byte by byte compares the clocks.
//!
//! The local clock itself lives in SQLite (`sync_clock`, migration 0007): the
//! triggers that record a change tick it, since a trigger cannot call Rust.
//! This module reads and parses clocks, and moves the local clock past the
//! clocks a pull receives (the HLC "receive" rule), so an edit made after
//! seeing another desktop's edit carries a later clock than it.

use std::cmp::Ordering;
use std::fmt;

use sqlx::{Sqlite, Transaction};

/// Largest counter the fixed width allows; the next tick moves to the next ms.
pub const COUNTER_MAX: u32 = 99_999;

/// A parsed clock.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hlc {
    pub ms: i64,
    pub counter: u32,
    pub node: String,
}

impl Hlc {
    /// Reads the fixed-width text form; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Hlc> {
        let (ms, rest) = text.split_at_checked(13)?;
        let rest = rest.strip_prefix('-')?;
        let (counter, rest) = rest.split_at_checked(5)?;
        let node = rest.strip_prefix('-')?;
        let valid_node = (1..=32).contains(&node.len())
            && node
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
        if !ms.bytes().all(|b| b.is_ascii_digit())
            || !counter.bytes().all(|b| b.is_ascii_digit())
            || !valid_node
        {
            return None;
        }
        Some(Hlc {
            ms: ms.parse().ok()?,
            counter: counter.parse().ok()?,
            node: node.to_owned(),
        })
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}-{:05}-{}", self.ms, self.counter, self.node)
    }
}

impl Ord for Hlc {
    /// The order of the text form, which is what the server compares.
    fn cmp(&self, other: &Self) -> Ordering {
        (self.ms, self.counter, self.node.as_str()).cmp(&(
            other.ms,
            other.counter,
            other.node.as_str(),
        ))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// This desktop's node id (random, chosen by migration 0007).
pub async fn node_id(pool: &sqlx::SqlitePool) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT node FROM sync_clock WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// The local clock's current value (the clock of the last recorded write).
pub async fn current(pool: &sqlx::SqlitePool) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT hlc FROM sync_clock WHERE id = 1")
        .fetch_one(pool)
        .await
}

/// How far ahead of this desktop's wall clock a received clock may move
/// the local one; the server refuses writes further ahead than this too
/// (remote 0008). A row stored before that with a clock years ahead would
/// otherwise drag every later local write (and its wins) into its future.
pub const MAX_AHEAD_MS: i64 = 10 * 60 * 1000;

/// Moves the local clock to `seen` when `seen` is later, so the next local
/// write ticks past it, but never more than [`MAX_AHEAD_MS`] ahead of the
/// wall clock. The node stays ours.
pub(crate) async fn observe(
    tx: &mut Transaction<'_, Sqlite>,
    seen: &Hlc,
) -> Result<(), sqlx::Error> {
    if seen.ms > zapdesk_core::time::now_ms() + MAX_AHEAD_MS {
        tracing::warn!("sync: ignored a clock from the future ({seen})");
        return Ok(());
    }
    sqlx::query(
        "UPDATE sync_clock SET ms = ?1, counter = ?2
         WHERE id = 1 AND (ms < ?1 OR (ms = ?1 AND counter < ?2))",
    )
    .bind(seen.ms)
    .bind(i64::from(seen.counter))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_order_is_clock_order() {
        let a = Hlc::parse("1700000000000-00009-abc").expect("valid");
        let b = Hlc::parse("1700000000000-00010-abc").expect("valid");
        let c = Hlc::parse("1700000000001-00000-aaa").expect("valid");
        assert!(a < b && b < c);
        assert!(a.to_string() < b.to_string() && b.to_string() < c.to_string());
        assert_eq!(a.to_string(), "1700000000000-00009-abc");
    }

    #[test]
    fn malformed_clocks_are_refused() {
        for bad in [
            "",
            "170000000000-00000-a",
            "1700000000000-0000-a",
            "1700000000000-00000-",
            "1700000000000-00000-ABC",
            "1700000000000x00000-a",
        ] {
            assert_eq!(Hlc::parse(bad), None, "{bad}");
        }
        assert!(Hlc::parse("1700000000000-00000-server").is_some());
    }
}
