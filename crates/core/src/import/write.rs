//! Writes checked import records in batches. What the account already holds
//! (contacts by phone, their tags and field values) is loaded once, so a
//! record that changes nothing costs no statement at all, and what does change
//! is written with multi-row statements: a 100 000-row file is a few hundred
//! statements, not half a million.

use std::collections::{HashMap, HashSet};

use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::{ImportReport, Record};
use crate::contacts;
use crate::fields::Canonical;
use crate::ids::{FieldId, TagId};
use crate::text::fold;
use crate::time::now_ms;
use crate::{AccountId, ContactId, Store, tags};

/// Rows per multi-row statement (7 values each at most, far below SQLite's 32 766).
const ROWS_PER_STATEMENT: usize = 500;

pub(super) struct Writer {
    account: AccountId,
    contacts: HashMap<String, (ContactId, Option<String>)>,
    tagged: HashSet<(ContactId, TagId)>,
    values: HashMap<(ContactId, FieldId), String>,
    tag_ids: HashMap<String, TagId>,
}

impl Writer {
    pub(super) async fn load(store: &Store, account: AccountId) -> Result<Writer, sqlx::Error> {
        let contacts = sqlx::query_as::<_, (String, ContactId, Option<String>)>(
            "SELECT phone, id, name FROM contacts WHERE account_id = ?",
        )
        .bind(account)
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|(phone, id, name)| (phone, (id, name)))
        .collect();
        let tagged = sqlx::query_as::<_, (ContactId, TagId)>(
            "SELECT contact_id, tag_id FROM contact_tags WHERE account_id = ?",
        )
        .bind(account)
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .collect();
        let values = sqlx::query_as::<_, (ContactId, FieldId, String)>(
            "SELECT contact_id, field_id, value FROM contact_fields WHERE account_id = ?",
        )
        .bind(account)
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|(c, f, v)| ((c, f), v))
        .collect();
        Ok(Writer {
            account,
            contacts,
            tagged,
            values,
            tag_ids: HashMap::new(),
        })
    }

    /// Refuses the import when its new phones would take the account past
    /// its plan's contacts, before anything is written.
    pub(super) async fn plan_allows(
        &self,
        store: &Store,
        records: &[Record],
    ) -> Result<(), super::ImportError> {
        let new = records
            .iter()
            .filter(|r| !self.contacts.contains_key(&r.phone))
            .count();
        let mut conn = store.pool().acquire().await?;
        crate::plans::check(
            &mut conn,
            self.account,
            crate::plans::Limit::Contacts,
            u32::try_from(new).unwrap_or(u32::MAX),
        )
        .await
        .map_err(contacts::ContactError::from)?;
        Ok(())
    }

    /// Writes one batch in one transaction and counts what happened.
    pub(super) async fn batch(
        &mut self,
        store: &Store,
        batch: &[Record],
        report: &mut ImportReport,
    ) -> Result<(), super::ImportError> {
        let account = self.account;
        let mut tx = store.write().await?;
        contacts::writable(&mut tx, account).await?;
        let now = now_ms();
        let mut created: Vec<(ContactId, &Record)> = Vec::new();
        let mut renamed: Vec<(ContactId, &Record)> = Vec::new();
        let mut new_tags: Vec<(ContactId, TagId)> = Vec::new();
        let mut new_values: Vec<(ContactId, FieldId, &Canonical)> = Vec::new();
        let mut touched: HashSet<ContactId> = HashSet::new();
        for record in batch {
            let id = match self.contacts.get(&record.phone) {
                Some((id, name)) => {
                    if record.name.is_some() && record.name != *name {
                        renamed.push((*id, record));
                        touched.insert(*id);
                    }
                    *id
                }
                None => {
                    // Time-ordered, not a natural id (`ids::natural`): 100 000
                    // random ids spread every batch over the whole of the
                    // contacts, tags and fields indexes and made this import
                    // 2.3 times slower (docs/benchmarks.md). A phone imported
                    // on two desktops is merged when pushed (crates/sync merge.rs).
                    let id = ContactId::new();
                    created.push((id, record));
                    id
                }
            };
            for name in &record.tags {
                let tag = self.tag(&mut tx, name, report).await?;
                if !self.tagged.contains(&(id, tag)) {
                    new_tags.push((id, tag));
                    touched.insert(id);
                }
            }
            for (field, value) in &record.fields {
                if self.values.get(&(id, *field)) != Some(&value.value) {
                    new_values.push((id, *field, value));
                    touched.insert(id);
                }
            }
        }

        // Again in each batch's transaction: contacts made meanwhile (a
        // message from someone new, another window) count too.
        crate::plans::check(
            &mut tx,
            account,
            crate::plans::Limit::Contacts,
            u32::try_from(created.len()).unwrap_or(u32::MAX),
        )
        .await
        .map_err(contacts::ContactError::from)?;
        for chunk in created.chunks(ROWS_PER_STATEMENT) {
            let mut sql = QueryBuilder::<Sqlite>::new(
                "INSERT INTO contacts (id, account_id, phone, name, name_folded, created_at, updated_at) ",
            );
            sql.push_values(chunk, |mut row, (id, record)| {
                row.push_bind(*id)
                    .push_bind(account)
                    .push_bind(&record.phone)
                    .push_bind(&record.name)
                    .push_bind(record.name.as_deref().map(fold).unwrap_or_default())
                    .push_bind(now)
                    .push_bind(now);
            });
            sql.build().execute(&mut *tx).await?;
        }
        for (id, record) in &renamed {
            sqlx::query(
                "UPDATE contacts SET name = ?, name_folded = ? WHERE account_id = ? AND id = ?",
            )
            .bind(&record.name)
            .bind(record.name.as_deref().map(fold).unwrap_or_default())
            .bind(account)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for chunk in new_tags.chunks(ROWS_PER_STATEMENT) {
            let mut sql = QueryBuilder::<Sqlite>::new(
                "INSERT INTO contact_tags (account_id, contact_id, tag_id, created_at) ",
            );
            sql.push_values(chunk, |mut row, (contact, tag)| {
                row.push_bind(account)
                    .push_bind(*contact)
                    .push_bind(*tag)
                    .push_bind(now);
            });
            sql.push(" ON CONFLICT DO NOTHING");
            sql.build().execute(&mut *tx).await?;
        }
        for chunk in new_values.chunks(ROWS_PER_STATEMENT) {
            let mut sql = QueryBuilder::<Sqlite>::new(
                "INSERT INTO contact_fields (account_id, contact_id, field_id, value, num) ",
            );
            sql.push_values(chunk, |mut row, (contact, field, value)| {
                row.push_bind(account)
                    .push_bind(*contact)
                    .push_bind(*field)
                    .push_bind(&value.value)
                    .push_bind(value.num);
            });
            sql.push(
                " ON CONFLICT (account_id, contact_id, field_id)
                  DO UPDATE SET value = excluded.value, num = excluded.num",
            );
            sql.build().execute(&mut *tx).await?;
        }
        let created_ids: HashSet<ContactId> = created.iter().map(|(id, _)| *id).collect();
        let updated: Vec<ContactId> = touched
            .iter()
            .filter(|id| !created_ids.contains(id))
            .copied()
            .collect();
        for chunk in updated.chunks(ROWS_PER_STATEMENT) {
            // `now` is an integer the code made, safe to write into the SQL.
            let mut sql = QueryBuilder::<Sqlite>::new(format!(
                "UPDATE contacts SET updated_at = {now} WHERE account_id = "
            ));
            sql.push_bind(account).push(" AND id IN (");
            let mut list = sql.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            sql.push(")");
            sql.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;

        // Only after the commit does the in-memory picture follow the file.
        report.created += u32::try_from(created.len()).unwrap_or(u32::MAX);
        report.updated += u32::try_from(updated.len()).unwrap_or(u32::MAX);
        report.unchanged +=
            u32::try_from(batch.len() - created.len() - updated.len()).unwrap_or(u32::MAX);
        for (id, record) in created {
            self.contacts
                .insert(record.phone.clone(), (id, record.name.clone()));
        }
        self.tagged.extend(new_tags);
        for (contact, field, value) in new_values {
            self.values.insert((contact, field), value.value.clone());
        }
        Ok(())
    }

    /// The id of the tag a cell names, creating it once per import if needed.
    async fn tag(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        name: &str,
        report: &mut ImportReport,
    ) -> Result<TagId, sqlx::Error> {
        let key = fold(name);
        if let Some(tag) = self.tag_ids.get(&key) {
            return Ok(*tag);
        }
        let (tag, created) = tags::ensure_in(tx, self.account, name).await?;
        report.tags_created += u32::from(created);
        self.tag_ids.insert(key, tag);
        Ok(tag)
    }
}
