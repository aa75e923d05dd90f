//! Contacts from a spreadsheet: [`read`] turns the bytes of a CSV file into a
//! [`read::Sheet`] (encoding and delimiter detected), [`mapping`] says what each
//! column holds, and [`run`] writes the contacts.
//!
//! The rules a person relies on:
//! - one contact per phone: a phone already in the account is updated, a phone
//!   repeated in the file is merged into one contact (later cells win);
//! - re-importing the same file changes nothing (nothing is written when the
//!   stored values already match, so `updated_at` does not move);
//! - a bad row is reported with its line and reason and never stops the good
//!   ones; every row is checked whole before anything of it is written, so no
//!   contact is left half-written;
//! - rows are written in batches, each one transaction: a crash loses at most
//!   the batch in flight, and importing again finishes the job.

pub mod mapping;
pub mod read;
mod write;

use std::collections::HashMap;

use serde::Serialize;

use crate::contacts::{self, ContactError, ContactInput};
use crate::error::{ErrorCode, UserError, database_failed};
use crate::fields::{self, Canonical, CustomField, FieldError};
use crate::ids::FieldId;
use crate::text::fold;
use crate::{AccountId, Lang, Store, tags};

pub use mapping::Column;
use read::{ReadError, Sheet};

/// Rows written per transaction.
const BATCH: usize = 2_000;
/// Most rejected rows a report lists one by one (it always counts all).
pub const PROBLEMS_MAX: usize = 1_000;

/// What the Contacts screen shows before importing.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ImportPreview {
    pub encoding: read::TextEncoding,
    pub delimiter: String,
    pub headers: Vec<String>,
    /// The first rows, to check the mapping by eye.
    pub sample: Vec<read::SheetRow>,
    /// Data rows in the file (without the header).
    pub rows: u32,
    /// What each column seems to hold; the person can change it.
    pub columns: Vec<Column>,
}

/// Pushed to the UI after each batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

/// A row that was not imported, and why (in the person's language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RejectedRow {
    pub line: u32,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct ImportReport {
    /// Data rows read from the file.
    pub rows: u32,
    pub created: u32,
    pub updated: u32,
    /// Contacts already exactly as the file says.
    pub unchanged: u32,
    /// Rows whose phone appeared earlier in the file, merged into that contact.
    pub merged: u32,
    /// Tags named in the file that did not exist and were created.
    pub tags_created: u32,
    pub rejected: u32,
    /// The first [`PROBLEMS_MAX`] rejected rows.
    pub problems: Vec<RejectedRow>,
}

/// Why a whole import was refused (a bad row is not this: it is reported).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("could not open the file: {0}")]
    Open(#[from] std::io::Error),
    #[error("no column holds the phone")]
    NoPhoneColumn,
    #[error("more than one column holds {0}")]
    ColumnTwice(&'static str),
    #[error(transparent)]
    Contact(#[from] ContactError),
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for ImportError {
    fn code(&self) -> ErrorCode {
        match self {
            ImportError::Read(e) => e.code(),
            ImportError::Open(_) => ErrorCode::ImportFileUnreadable,
            ImportError::NoPhoneColumn | ImportError::ColumnTwice(_) => {
                ErrorCode::ImportMappingInvalid
            }
            ImportError::Contact(e) => e.code(),
            ImportError::Field(e) => e.code(),
            ImportError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ImportError::Read(e), _) => e.message(lang),
            (ImportError::Open(e), Lang::PtBr) => {
                format!("Não foi possível abrir o arquivo ({e}). Confira se ele existe e não está aberto em outro programa.")
            }
            (ImportError::Open(e), Lang::En) => {
                format!("The file could not be opened ({e}). Check that it exists and is not open in another program.")
            }
            (ImportError::NoPhoneColumn, _) => lang
                .pick(
                    "Diga qual coluna tem o telefone: sem ela não há como identificar os contatos.",
                    "Say which column holds the phone: without it the contacts cannot be identified.",
                )
                .to_owned(),
            (ImportError::ColumnTwice(what), Lang::PtBr) => {
                let what = match *what {
                    "phone" => "o telefone",
                    "name" => "o nome",
                    _ => "o mesmo campo",
                };
                format!("Mais de uma coluna está marcada como {what}. Escolha só uma.")
            }
            (ImportError::ColumnTwice(what), Lang::En) => {
                let what = match *what {
                    "phone" => "the phone",
                    "name" => "the name",
                    _ => "the same field",
                };
                format!("More than one column is marked as {what}. Choose only one.")
            }
            (ImportError::Contact(e), _) => e.message(lang),
            (ImportError::Field(e), _) => e.message(lang),
            (ImportError::Database(_), _) => database_failed(lang),
        }
    }
}

/// Reads a file from disk as a sheet (the whole file is refused if unreadable).
pub fn open(path: &std::path::Path) -> Result<Sheet, ImportError> {
    let len = std::fs::metadata(path)?.len();
    if len > read::FILE_MAX_BYTES as u64 {
        return Err(ReadError::TooLarge.into());
    }
    Ok(read::read(&std::fs::read(path)?)?)
}

/// The preview of a sheet with the mapping this account's fields suggest.
pub async fn preview(
    store: &Store,
    account: AccountId,
    sheet: &Sheet,
) -> Result<ImportPreview, ImportError> {
    let fields = fields::list(store, account).await?;
    Ok(ImportPreview {
        encoding: sheet.encoding,
        delimiter: sheet.delimiter.clone(),
        headers: sheet.headers.clone(),
        sample: sheet.rows.iter().take(10).cloned().collect(),
        rows: u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX),
        columns: mapping::suggest(sheet, &fields),
    })
}

/// One contact as the file says it, checked.
pub(crate) struct Record {
    pub phone: String,
    pub name: Option<String>,
    pub tags: Vec<String>,
    pub fields: Vec<(FieldId, Canonical)>,
}

/// Imports the sheet's rows with the given mapping. `progress(done, total)` is
/// called after each batch.
pub async fn run(
    store: &Store,
    account: AccountId,
    sheet: &Sheet,
    columns: &[Column],
    lang: Lang,
    progress: &mut (dyn FnMut(u32, u32) + Send),
) -> Result<ImportReport, ImportError> {
    let plan = mapping::Plan::new(columns)?;
    let fields = fields::list(store, account).await?;
    let mut report = ImportReport {
        rows: u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX),
        ..ImportReport::default()
    };
    let mut records: Vec<Record> = Vec::new();
    let mut by_phone: HashMap<String, usize> = HashMap::new();
    for row in &sheet.rows {
        match check(row, &plan, &fields) {
            Ok(record) => match by_phone.get(&record.phone) {
                Some(&i) => {
                    merge(&mut records[i], record);
                    report.merged += 1;
                }
                None => {
                    by_phone.insert(record.phone.clone(), records.len());
                    records.push(record);
                }
            },
            Err(problem) => {
                report.rejected += 1;
                if report.problems.len() < PROBLEMS_MAX {
                    report.problems.push(RejectedRow {
                        line: row.line,
                        reason: problem.message(lang),
                    });
                }
            }
        }
    }
    drop(by_phone);

    let mut writer = write::Writer::load(store, account).await?;
    let total = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let mut done = 0u32;
    progress(0, total);
    for batch in records.chunks(BATCH) {
        writer.batch(store, batch, &mut report).await?;
        done += u32::try_from(batch.len()).unwrap_or(u32::MAX);
        progress(done, total);
    }
    Ok(report)
}

/// Why one row is not imported.
enum RowProblem {
    Contact(ContactError),
    Field(FieldError),
    TagTooLong(String),
}

impl RowProblem {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RowProblem::Contact(e), _) => e.message(lang),
            (RowProblem::Field(e), _) => e.message(lang),
            (RowProblem::TagTooLong(t), Lang::PtBr) => format!(
                "A etiqueta \"{t}\" tem mais de {} caracteres.",
                tags::NAME_MAX
            ),
            (RowProblem::TagTooLong(t), Lang::En) => {
                format!(
                    "The tag \"{t}\" is longer than {} characters.",
                    tags::NAME_MAX
                )
            }
        }
    }
}

fn check(
    row: &read::SheetRow,
    plan: &mapping::Plan,
    fields: &[CustomField],
) -> Result<Record, RowProblem> {
    let cell = |i: usize| row.cells.get(i).map(String::as_str).unwrap_or("");
    let valid = contacts::validate(&ContactInput {
        phone: cell(plan.phone).to_owned(),
        name: plan.name.map(|i| cell(i).to_owned()),
    })
    .map_err(RowProblem::Contact)?;
    let mut tag_names: Vec<String> = Vec::new();
    for &i in &plan.tags {
        for raw in cell(i).split([',', ';', '|']) {
            if raw.trim().is_empty() {
                continue;
            }
            let name =
                tags::clean(raw).ok_or_else(|| RowProblem::TagTooLong(raw.trim().to_owned()))?;
            if !tag_names.iter().any(|t| fold(t) == fold(&name)) {
                tag_names.push(name);
            }
        }
    }
    let mut values = Vec::new();
    for &(i, field_id) in &plan.fields {
        let field = fields
            .iter()
            .find(|f| f.id == field_id)
            .ok_or(RowProblem::Field(FieldError::Unknown))?;
        if let Some(value) = field.canonical(cell(i)).map_err(RowProblem::Field)? {
            values.push((field_id, value));
        }
    }
    Ok(Record {
        phone: valid.phone,
        name: valid.name,
        tags: tag_names,
        fields: values,
    })
}

/// A later row with the same phone: its non-empty cells win, tags add up.
fn merge(into: &mut Record, later: Record) {
    if later.name.is_some() {
        into.name = later.name;
    }
    for tag in later.tags {
        if !into.tags.iter().any(|t| fold(t) == fold(&tag)) {
            into.tags.push(tag);
        }
    }
    for (field, value) in later.fields {
        match into.fields.iter_mut().find(|(f, _)| *f == field) {
            Some(slot) => slot.1 = value,
            None => into.fields.push((field, value)),
        }
    }
}
