//! Contacts from a spreadsheet: [`read`] turns the bytes of a CSV file into a
//! [`read::Sheet`] (encoding and delimiter detected), [`mapping`] says what each
//! column holds, and [`run`] writes the contacts.
//!
//! The rules a person relies on:
//! - one contact per phone: a phone already in the account is updated, a phone
//!   repeated in the file is merged into one contact (later cells win);
//! - re-importing the same file changes nothing (nothing is written when the
//!   stored values already match, so `updated_at` does not move);
//! - a row is rejected only for what identifies the contact (its phone, its
//!   name); a bad optional cell (a 31/02 date, an unknown choice, `abc` for a
//!   number, a tag too long) is left empty, the row imported without it, and
//!   the cell listed as a warning (issue 13 item 20);
//! - a rejected row is reported with its line and reason and never stops the
//!   good ones, and [`rejected_csv`] gives all rejected rows back as a file to
//!   fix and import again; every row is checked whole before anything of it
//!   is written, so no contact is left half-written;
//! - a cell we neutralised on export (`'=…`, [`crate::csv_safe`]) reads back
//!   as it was;
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
use crate::{AccountId, Lang, Store, csv_safe, tags};

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

/// A cell that was left empty: its row was imported without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ImportWarning {
    pub line: u32,
    /// The column's header in the file.
    pub column: String,
    /// The cell as the file has it (its first 60 characters).
    pub value: String,
    /// Why it did not fit, in the person's language.
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
    /// Cells left empty in imported rows (all counted).
    pub warned: u32,
    /// The first [`PROBLEMS_MAX`] of them.
    pub warnings: Vec<ImportWarning>,
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
    Save(#[from] crate::export::SaveError),
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
            ImportError::Save(e) => e.code(),
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
            (ImportError::Save(e), _) => e.message(lang),
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
            Ok((record, cells)) => {
                for cell in cells {
                    report.warned += 1;
                    if report.warnings.len() < PROBLEMS_MAX {
                        report.warnings.push(ImportWarning {
                            line: row.line,
                            column: sheet.headers.get(cell.column).cloned().unwrap_or_default(),
                            value: cell.value.chars().take(60).collect(),
                            reason: cell.problem.message(lang),
                        });
                    }
                }
                match by_phone.get(&record.phone) {
                    Some(&i) => {
                        merge(&mut records[i], record);
                        report.merged += 1;
                    }
                    None => {
                        by_phone.insert(record.phone.clone(), records.len());
                        records.push(record);
                    }
                }
            }
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
    // The whole file against the plan's contacts before the first batch: an
    // import that would pass the limit writes nothing, and says how many fit.
    writer.plan_allows(store, &records).await?;
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

/// A cell of an imported row that was left empty, and why.
struct CellProblem {
    column: usize,
    value: String,
    problem: RowProblem,
}

/// Checks one row: the contact it names, or why the row is rejected; with
/// the optional cells that did not fit and were left out.
fn check(
    row: &read::SheetRow,
    plan: &mapping::Plan,
    fields: &[CustomField],
) -> Result<(Record, Vec<CellProblem>), RowProblem> {
    let cell = |i: usize| csv_safe::restore(row.cells.get(i).map(String::as_str).unwrap_or(""));
    let valid = contacts::validate(&ContactInput {
        phone: cell(plan.phone).to_owned(),
        name: plan.name.map(|i| cell(i).to_owned()),
    })
    .map_err(RowProblem::Contact)?;
    let mut skipped = Vec::new();
    let mut tag_names: Vec<String> = Vec::new();
    for &i in &plan.tags {
        for raw in cell(i).split([',', ';', '|']) {
            if raw.trim().is_empty() {
                continue;
            }
            let Some(name) = tags::clean(raw) else {
                skipped.push(CellProblem {
                    column: i,
                    value: raw.trim().to_owned(),
                    problem: RowProblem::TagTooLong(raw.trim().chars().take(60).collect()),
                });
                continue;
            };
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
        match field.canonical(cell(i)) {
            Ok(Some(value)) => values.push((field_id, value)),
            Ok(None) => {}
            Err(e) => skipped.push(CellProblem {
                column: i,
                value: cell(i).trim().to_owned(),
                problem: RowProblem::Field(e),
            }),
        }
    }
    Ok((
        Record {
            phone: valid.phone,
            name: valid.name,
            tags: tag_names,
            fields: values,
        },
        skipped,
    ))
}

/// The rows [`run`] rejects, as a CSV file to fix and import again: the
/// file's own columns and delimiter (UTF-8 with a BOM, for Excel), plus a last
/// column with the reason. A file that already ends with that column (a
/// rejected file imported again) gets it replaced, not a second one. The
/// check is the same as [`run`]'s and depends only on the file and the
/// account's fields, so it lists exactly the rows the report counted.
pub async fn rejected_csv(
    store: &Store,
    account: AccountId,
    sheet: &Sheet,
    columns: &[Column],
    lang: Lang,
) -> Result<Vec<u8>, ImportError> {
    let plan = mapping::Plan::new(columns)?;
    let fields = fields::list(store, account).await?;
    let reason_header = lang.pick("motivo", "reason");
    let mut headers = sheet.headers.clone();
    if headers
        .last()
        .is_some_and(|h| ["motivo", "reason"].contains(&fold(h).as_str()))
    {
        headers.pop();
    }
    let width = headers.len();
    headers.push(reason_header.to_owned());
    let delimiter = sheet.delimiter.bytes().next().unwrap_or(b';');
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing into memory fails only if the csv crate breaks its contract.
    let fail = |e: csv::Error| ImportError::Open(std::io::Error::other(e));
    out.write_record(csv_safe::record(headers.iter().map(String::as_str)))
        .map_err(fail)?;
    for row in &sheet.rows {
        let Err(problem) = check(row, &plan, &fields) else {
            continue;
        };
        // The cells as the person wrote them (a neutralised one read back
        // first, so it is neutralised once, not twice), padded to the header.
        let mut cells: Vec<String> = (0..width)
            .map(|i| {
                row.cells
                    .get(i)
                    .map(|c| csv_safe::restore(c).to_owned())
                    .unwrap_or_default()
            })
            .collect();
        cells.push(problem.message(lang));
        out.write_record(csv_safe::record(cells.iter().map(String::as_str)))
            .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| ImportError::Open(std::io::Error::other(e.into_error())))
}

/// [`rejected_csv`] of the file at `source`, saved whole at `target` (the
/// shell asks the person where): the "Baixar linhas rejeitadas" button.
pub async fn save_rejected(
    store: &Store,
    account: AccountId,
    source: &std::path::Path,
    columns: &[Column],
    lang: Lang,
    target: &std::path::Path,
) -> Result<(), ImportError> {
    let sheet = open(source)?;
    let bytes = rejected_csv(store, account, &sheet, columns, lang).await?;
    crate::export::save(target, &bytes)?;
    Ok(())
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
