//! Reading an account's index from the store: the generation and the rows
//! in one read transaction, so the index is the data of exactly that
//! generation (WAL readers see one snapshot until the transaction ends).
//!
//! Why the rows come as a few long `group_concat` strings of hex: sqlx hands
//! SQLite's rows over one at a time from its worker thread, 2–5 µs each, and
//! 100 000 contacts with tags and values are ~500 000 rows (1.4 s measured,
//! docs/benchmarks.md); a handful of rows of text parse in milliseconds.
//! Hex because text and ids may hold any byte: the separators `,` `;` never
//! appear inside a hex run. A number comes as `quote(num)`, which SQLite
//! writes with enough digits to read back the same double.

use std::collections::HashMap;

use sqlx::SqlitePool;
use uuid::Uuid;

use super::bits::Bits;
use super::eval::{ContactIndex, FieldValue};
use crate::AccountId;
use crate::ids::{FieldId, TagId};

/// The account's number in `contact_index_gen` (migration 0034); `None`
/// for an account the store does not have.
pub(super) async fn generation(
    pool: &SqlitePool,
    account: AccountId,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT gen FROM contact_index_gen WHERE account_id = ?")
        .bind(account)
        .fetch_optional(pool)
        .await
}

/// Something in the store the index cannot read as expected (an id that is
/// not 16 bytes, text that is not UTF-8): counts fall back to SQL.
#[derive(Debug)]
pub(super) struct Unreadable;

/// What reading an account's index gave.
pub(super) enum Loaded {
    Index(ContactIndex),
    /// The rows at this generation are [`Unreadable`].
    Unreadable(i64),
    /// The store does not have the account.
    NoAccount,
}

pub(super) async fn build(pool: &SqlitePool, account: AccountId) -> Result<Loaded, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let Some(generation): Option<i64> =
        sqlx::query_scalar("SELECT gen FROM contact_index_gen WHERE account_id = ?")
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(Loaded::NoAccount);
    };
    let contacts: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(hex(id) || ',' || hex(phone) || ',' || hex(name_folded) || ','
                             || created_at || ',' || (opted_out_at IS NOT NULL), ';')
         FROM contacts WHERE account_id = ?",
    )
    .bind(account)
    .fetch_one(&mut *tx)
    .await?;
    let tags: Vec<(String, String)> = sqlx::query_as(
        "SELECT hex(tag_id), group_concat(hex(contact_id), '')
         FROM contact_tags WHERE account_id = ? GROUP BY tag_id",
    )
    .bind(account)
    .fetch_all(&mut *tx)
    .await?;
    let values: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(hex(field_id) || ',' || hex(contact_id) || ',' || hex(value) || ','
                             || quote(num), ';')
         FROM contact_fields WHERE account_id = ?",
    )
    .bind(account)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    // The queries ran on sqlx's own thread; the parse is CPU work that
    // grows with the account (hex of every contact, tag and value, hash
    // look-ups): off the async workers, where it would hold up every task
    // queued behind it (sends, sync, the UI's commands) until done.
    let parsed = tokio::task::spawn_blocking(move || {
        parse(
            generation,
            contacts.as_deref().unwrap_or(""),
            &tags,
            values.as_deref().unwrap_or(""),
        )
    })
    .await;
    Ok(match parsed {
        Ok(Ok(index)) => Loaded::Index(index),
        // A panic while parsing is a row the parser did not expect either.
        Ok(Err(Unreadable)) | Err(_) => Loaded::Unreadable(generation),
    })
}

fn parse(
    generation: i64,
    contacts: &str,
    tagged: &[(String, String)],
    values: &str,
) -> Result<ContactIndex, Unreadable> {
    let rows: Vec<&str> = contacts.split(';').filter(|r| !r.is_empty()).collect();
    let len = rows.len();
    let mut at: HashMap<[u8; 16], u32> = HashMap::with_capacity(len);
    let mut names = Vec::with_capacity(len);
    let mut phones = Vec::with_capacity(len);
    let mut created = Vec::with_capacity(len);
    let mut opted_out = Bits::empty(len);
    for (i, row) in rows.into_iter().enumerate() {
        let mut parts = row.split(',');
        let mut next = || parts.next().ok_or(Unreadable);
        at.insert(id(next()?)?, i as u32);
        phones.push(text(next()?)?.into_boxed_str());
        // LIKE ignores the case of ASCII letters: compare lower-cased.
        names.push(text(next()?)?.to_ascii_lowercase().into_boxed_str());
        created.push(next()?.parse().map_err(|_| Unreadable)?);
        if next()? == "1" {
            opted_out.insert(i);
        }
    }

    let mut tags: HashMap<TagId, Bits> = HashMap::with_capacity(tagged.len());
    for (tag, contacts) in tagged {
        let mut bits = Bits::empty(len);
        if !contacts.len().is_multiple_of(32) {
            return Err(Unreadable);
        }
        for i in (0..contacts.len()).step_by(32) {
            // A row whose contact is not there matches nothing in SQL
            // either (the filters join to `contacts`).
            if let Some(&p) = at.get(&id(contacts.get(i..i + 32).ok_or(Unreadable)?)?) {
                bits.insert(p as usize);
            }
        }
        tags.insert(TagId::from_uuid(Uuid::from_bytes(id(tag)?)), bits);
    }

    let mut fields: HashMap<FieldId, Vec<FieldValue>> = HashMap::new();
    for row in values.split(';').filter(|r| !r.is_empty()) {
        let mut parts = row.split(',');
        let mut next = || parts.next().ok_or(Unreadable);
        let field = FieldId::from_uuid(Uuid::from_bytes(id(next()?)?));
        let contact = id(next()?)?;
        let value = text(next()?)?;
        let num = match next()? {
            "NULL" => None,
            n => Some(n.parse::<f64>().map_err(|_| Unreadable)?),
        };
        if let Some(&p) = at.get(&contact) {
            fields.entry(field).or_default().push(FieldValue {
                at: p,
                value: value.into_boxed_str(),
                num,
            });
        }
    }
    Ok(ContactIndex {
        generation,
        len,
        names,
        phones,
        created,
        opted_out,
        tags,
        fields,
    })
}

fn hex(s: &str) -> Result<Vec<u8>, Unreadable> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(Unreadable),
    };
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) {
        return Err(Unreadable);
    }
    s.chunks_exact(2)
        .map(|pair| Ok((digit(pair[0])? << 4) | digit(pair[1])?))
        .collect()
}

fn id(s: &str) -> Result<[u8; 16], Unreadable> {
    hex(s)?.try_into().map_err(|_| Unreadable)
}

fn text(s: &str) -> Result<String, Unreadable> {
    String::from_utf8(hex(s)?).map_err(|_| Unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_back_from_their_hex() {
        let a = "00112233445566778899AABBCCDDEEFF";
        let b = "0102030405060708090A0B0C0D0E0F10";
        let contacts = format!("{a},2B3535,{},5,1;{b},2B,,7,0", "4A6F2C3B");
        let tagged = vec![(
            b.to_string(),
            format!("{b}{a}FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"),
        )];
        let values = format!("{a},{b},3130302E35,100.5;{a},{a},78,NULL");
        let index = parse(9, &contacts, &tagged, &values).unwrap();
        assert_eq!(index.len, 2);
        // Separators inside text survive: they travel as hex.
        assert_eq!(&*index.names[0], "jo,;");
        assert_eq!(&*index.phones[0], "+55");
        assert_eq!(index.created, vec![5, 7]);
        assert_eq!(index.opted_out.ones().collect::<Vec<_>>(), vec![0]);
        let tag = TagId::from_uuid(Uuid::from_bytes(id(b).unwrap()));
        // The unknown contact (FF…) is left out, as a join would.
        assert_eq!(index.tags[&tag].ones().collect::<Vec<_>>(), vec![0, 1]);
        let field = FieldId::from_uuid(Uuid::from_bytes(id(a).unwrap()));
        let values = &index.fields[&field];
        assert_eq!(
            (values[0].at, &*values[0].value, values[0].num),
            (1, "100.5", Some(100.5))
        );
        assert_eq!(
            (values[1].at, &*values[1].value, values[1].num),
            (0, "x", None)
        );
        assert!(parse(1, "zz,,,1,0", &[], "").is_err());
    }
}
