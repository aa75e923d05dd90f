//! Contacts to a CSV file a spreadsheet opens as is: UTF-8 with a BOM (so
//! Excel reads the accents) and, in Portuguese, `;` between cells (what Excel
//! in Brazil expects, since `,` is the decimal mark there). The importer reads
//! it back unchanged. Cells that a spreadsheet would run as formulas are
//! neutralised ([`crate::csv_safe`]; phones stay as they are).

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};

use crate::contacts::{self, ContactError};
use crate::csv_safe;
use crate::fields::{self, FieldKind};
use crate::filter::{self, ContactSelection, IDS_PER_STATEMENT};
use crate::ids::FieldId;
use crate::time::iso_date;
use crate::{AccountId, ContactId, Lang, Store};

/// The selection's contacts as CSV bytes, with their tags and custom fields,
/// in the order they were created.
pub async fn csv(
    store: &Store,
    account: AccountId,
    selection: &ContactSelection,
    lang: Lang,
) -> Result<Vec<u8>, ContactError> {
    let ids = contacts::resolve(store, account, selection).await?;
    let all_fields = fields::list(store, account).await?;
    let delimiter = match lang {
        Lang::PtBr => b';',
        Lang::En => b',',
    };
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut header: Vec<String> = match lang {
        Lang::PtBr => [
            "telefone",
            "nome",
            "etiquetas",
            "descadastrado_em",
            "criado_em",
        ],
        Lang::En => ["phone", "name", "tags", "opted_out_at", "created_at"],
    }
    .into_iter()
    .map(str::to_owned)
    .collect();
    header.extend(all_fields.iter().map(|f| f.label.clone()));
    out.write_record(csv_safe::record(header.iter().map(String::as_str)))
        .map_err(in_memory)?;
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let tags = tags_of(store, account, chunk).await?;
        let values = values_of(store, account, chunk).await?;
        let mut sql = QueryBuilder::<Sqlite>::new(
            "SELECT c.id, c.phone, c.name, c.opted_out_at, c.created_at FROM contacts c WHERE c.account_id = ",
        );
        sql.push_bind(account);
        filter::push_id_list(&mut sql, chunk);
        sql.push(" ORDER BY c.rowid");
        let rows: Vec<ExportRow> = sql.build_query_as().fetch_all(store.pool()).await?;
        for (id, phone, name, opted_out_at, created_at) in rows {
            let mut record = vec![
                phone,
                name.unwrap_or_default(),
                tags.get(&id).map(|t| t.join(", ")).unwrap_or_default(),
                opted_out_at.map(iso_date).unwrap_or_default(),
                iso_date(created_at),
            ];
            for field in &all_fields {
                let value = values.get(&(id, field.id)).cloned().unwrap_or_default();
                // Excel in Brazil reads `1.5` as fifteen: numbers get a decimal comma there.
                let localized = if field.kind == FieldKind::Number && lang == Lang::PtBr {
                    value.replace('.', ",")
                } else {
                    value
                };
                record.push(localized);
            }
            // Names, tags and values come from strangers (csv_safe).
            out.write_record(csv_safe::record(record.iter().map(String::as_str)))
                .map_err(in_memory)?;
        }
    }
    out.into_inner().map_err(|e| in_memory(e.into_error()))
}

/// id, phone, name, opted_out_at, created_at.
type ExportRow = (ContactId, String, Option<String>, Option<i64>, i64);

async fn tags_of(
    store: &Store,
    account: AccountId,
    ids: &[ContactId],
) -> Result<HashMap<ContactId, Vec<String>>, sqlx::Error> {
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT c.id, t.name FROM contacts c
         JOIN contact_tags ct ON ct.account_id = c.account_id AND ct.contact_id = c.id
         JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id WHERE c.account_id = ",
    );
    sql.push_bind(account);
    filter::push_id_list(&mut sql, ids);
    sql.push(" ORDER BY t.name COLLATE NOCASE");
    let mut out: HashMap<ContactId, Vec<String>> = HashMap::new();
    for (id, name) in sql
        .build_query_as::<(ContactId, String)>()
        .fetch_all(store.pool())
        .await?
    {
        out.entry(id).or_default().push(name);
    }
    Ok(out)
}

async fn values_of(
    store: &Store,
    account: AccountId,
    ids: &[ContactId],
) -> Result<HashMap<(ContactId, FieldId), String>, sqlx::Error> {
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT c.id, cf.field_id, cf.value FROM contacts c
         JOIN contact_fields cf ON cf.account_id = c.account_id AND cf.contact_id = c.id WHERE c.account_id = ",
    );
    sql.push_bind(account);
    filter::push_id_list(&mut sql, ids);
    Ok(sql
        .build_query_as::<(ContactId, FieldId, String)>()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|(c, f, v)| ((c, f), v))
        .collect())
}

/// Writing CSV into memory fails only if the csv crate breaks its contract.
fn in_memory(e: impl std::fmt::Display) -> ContactError {
    ContactError::Database(sqlx::Error::Protocol(format!("CSV writer: {e}")))
}

/// Why a file could not be saved.
#[derive(Debug, thiserror::Error)]
#[error("could not write {path}: {source}")]
pub struct SaveError {
    pub path: std::path::PathBuf,
    pub source: std::io::Error,
}

impl crate::UserError for SaveError {
    fn code(&self) -> crate::ErrorCode {
        crate::ErrorCode::FileWriteFailed
    }

    fn message(&self, lang: Lang) -> String {
        let path = self.path.display();
        let e = &self.source;
        match lang {
            Lang::PtBr => {
                format!("Não foi possível salvar o arquivo em {path} ({e}). Escolha outra pasta.")
            }
            Lang::En => {
                format!("The file could not be saved to {path} ({e}). Choose another folder.")
            }
        }
    }
}

/// Writes a file whole or not at all: into a temporary file beside it, then
/// renamed over the target, so a crash never leaves half a file behind.
pub fn save(path: &std::path::Path, bytes: &[u8]) -> Result<(), SaveError> {
    let fail = |source| SaveError {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile_in(dir).map_err(fail)?;
    std::io::Write::write_all(&mut tmp.1, bytes).map_err(fail)?;
    tmp.1.sync_all().map_err(fail)?;
    drop(tmp.1);
    std::fs::rename(&tmp.0, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp.0);
        fail(e)
    })
}

fn tempfile_in(dir: &std::path::Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let path = dir.join(format!(".zapdesk-{}.tmp", uuid::Uuid::now_v7()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}
