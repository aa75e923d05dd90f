//! A backup's name says what it is, so listing a folder of thousands of
//! files needs no database: `zapdesk-backup-2025-03-01_03-15-00-v30-daily.sqlite3`
//! (local date and time, schema version, kind), its media in the folder of
//! the same stem ending `.media`. The copies the store takes before
//! migrating (`zapdesk-v30-<unix ms>.sqlite3`, store/migrate.rs) are read too.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Serialize;

pub(super) const PREFIX: &str = "zapdesk-backup-";
pub(super) const DB_EXT: &str = ".sqlite3";
pub(super) const MEDIA_EXT: &str = ".media";
pub(super) const PARTIAL: &str = ".partial";
const STAMP: &str = "%Y-%m-%d_%H-%M-%S";

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// The automatic one of the day.
    Daily,
    /// "Fazer backup agora".
    Manual,
    /// Taken by the store before a new version migrated it.
    BeforeMigration,
    /// The store a restore replaced, kept aside.
    BeforeRestore,
}

impl BackupKind {
    fn tag(self) -> &'static str {
        match self {
            BackupKind::Daily => "daily",
            BackupKind::Manual => "manual",
            BackupKind::BeforeMigration => "before-migration",
            BackupKind::BeforeRestore => "before-restore",
        }
    }

    fn from_tag(tag: &str) -> Option<BackupKind> {
        [
            BackupKind::Daily,
            BackupKind::Manual,
            BackupKind::BeforeMigration,
            BackupKind::BeforeRestore,
        ]
        .into_iter()
        .find(|k| k.tag() == tag)
    }

    /// Retention deletes these; the others are kept until deleted by hand.
    pub(super) fn pruned(self) -> bool {
        matches!(self, BackupKind::Daily | BackupKind::Manual)
    }
}

/// What a backup's name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Name {
    pub at: DateTime,
    pub version: i64,
    pub kind: BackupKind,
}

/// The stem (without `.sqlite3`) of a backup taken at `at`.
pub(super) fn stem(at: DateTime, version: i64, kind: BackupKind) -> String {
    format!("{PREFIX}{}-v{version}-{}", at.strftime(STAMP), kind.tag())
}

/// Reads a file or folder name of this module's (`….sqlite3`, `….media`,
/// and either with `.partial`), or a pre-migration copy's.
pub(super) fn parse(name: &str, tz: &TimeZone) -> Option<Name> {
    let name = name.strip_suffix(PARTIAL).unwrap_or(name);
    let stem = name
        .strip_suffix(DB_EXT)
        .or_else(|| name.strip_suffix(MEDIA_EXT))?;
    if let Some(rest) = stem.strip_prefix(PREFIX) {
        let (stamp, rest) = rest.split_at_checked(19)?;
        let at = DateTime::strptime(STAMP, stamp).ok()?;
        let (version, kind) = rest.strip_prefix("-v")?.split_once('-')?;
        return Some(Name {
            at,
            version: version.parse().ok()?,
            // `…-before-restore-2`: a second copy within the same second.
            kind: BackupKind::from_tag(kind).or_else(|| {
                let (tag, n) = kind.rsplit_once('-')?;
                n.parse::<u32>()
                    .ok()
                    .and_then(|_| BackupKind::from_tag(tag))
            })?,
        });
    }
    // store/migrate.rs: `zapdesk-v{version}-{unix ms}.sqlite3`.
    let (version, ms) = stem.strip_prefix("zapdesk-v")?.split_once('-')?;
    if !name.ends_with(DB_EXT) {
        return None;
    }
    let at = jiff::Timestamp::from_millisecond(ms.parse().ok()?).ok()?;
    Some(Name {
        at: at.to_zoned_datetime(tz.clone()).datetime(),
        version: version.parse().ok()?,
        kind: BackupKind::BeforeMigration,
    })
}

/// The local date and time of a Unix-milliseconds instant.
pub(super) fn local(now_ms: i64, tz: &TimeZone) -> DateTime {
    jiff::Timestamp::from_millisecond(now_ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone())
        .datetime()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        let at = DateTime::strptime(STAMP, "2025-03-01_03-15-09").unwrap();
        for kind in [
            BackupKind::Daily,
            BackupKind::Manual,
            BackupKind::BeforeRestore,
        ] {
            let name = format!("{}{DB_EXT}", stem(at, 31, kind));
            assert_eq!(
                parse(&name, &TimeZone::UTC),
                Some(Name {
                    at,
                    version: 31,
                    kind
                })
            );
            let second = format!("{}-2{DB_EXT}", stem(at, 31, kind));
            assert_eq!(parse(&second, &TimeZone::UTC).map(|n| n.kind), Some(kind));
            let media = format!("{}{MEDIA_EXT}{PARTIAL}", stem(at, 31, kind));
            assert_eq!(parse(&media, &TimeZone::UTC).map(|n| n.kind), Some(kind));
        }
        let old = parse("zapdesk-v29-0.sqlite3", &TimeZone::UTC).unwrap();
        assert_eq!((old.version, old.kind), (29, BackupKind::BeforeMigration));
        for other in [
            "notes.txt",
            "zapdesk.sqlite3",
            "zapdesk-backup-x.sqlite3",
            "zapdesk-backup-2025-03-01_03-15-09-v1-weird.sqlite3",
        ] {
            assert_eq!(parse(other, &TimeZone::UTC), None, "{other}");
        }
    }
}
