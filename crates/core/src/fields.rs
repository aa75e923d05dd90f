//! Custom fields: typed columns an account adds to its contacts ("Plano",
//! "Aniversário", "Cliente VIP"). Values are checked against the field's type
//! and stored in one canonical text form, so that filters, segments, CSV files
//! and message variables all read the same thing.

use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};

use crate::error::{ErrorCode, UserError, database_failed};
use crate::filter::FieldOp;
use crate::ids::FieldId;
use crate::ids::natural_or_fresh;
use crate::text::{NameProblem, clean_name, fold};
use crate::time::now_ms;
use crate::{AccountId, ContactId, Lang, Store};

/// Longest field label, in characters.
pub const LABEL_MAX: usize = 40;
/// Longest value, in characters.
pub const VALUE_MAX: usize = 500;
/// Most options of a choice field.
pub const CHOICES_MAX: usize = 50;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, specta::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    Date,
    YesNo,
    Choice,
}

impl FieldKind {
    /// The operators a condition on a field of this kind may use, in the
    /// order a menu offers them (the UI gets this list in `AppInfo`).
    pub fn operators(self) -> &'static [FieldOp] {
        use FieldOp::{Contains, Greater, Is, IsEmpty, IsNot, IsSet, Less};
        match self {
            FieldKind::Text => &[Is, IsNot, Contains, IsSet, IsEmpty],
            FieldKind::Number | FieldKind::Date => &[Is, Greater, Less, IsSet, IsEmpty],
            FieldKind::YesNo | FieldKind::Choice => &[Is, IsNot, IsSet, IsEmpty],
        }
    }
}

/// [`FieldKind::operators`] of every kind, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FieldOperators {
    pub text: Vec<FieldOp>,
    pub number: Vec<FieldOp>,
    pub date: Vec<FieldOp>,
    pub yes_no: Vec<FieldOp>,
    pub choice: Vec<FieldOp>,
}

pub fn field_operators() -> FieldOperators {
    FieldOperators {
        text: FieldKind::Text.operators().to_vec(),
        number: FieldKind::Number.operators().to_vec(),
        date: FieldKind::Date.operators().to_vec(),
        yes_no: FieldKind::YesNo.operators().to_vec(),
        choice: FieldKind::Choice.operators().to_vec(),
    }
}

/// A custom field as stored.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct CustomField {
    pub id: FieldId,
    pub account_id: AccountId,
    /// The name in message variables (`{{plano}}`) and CSV headers, made from the label.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    /// The options of a choice field, in order; empty for other kinds.
    pub choices: Vec<String>,
    pub created_at: i64,
}

/// What a person fills in for a field. The kind cannot change after creation
/// (stored values would stop fitting it); the label and choices can.
#[derive(Debug, Clone, Deserialize, Serialize, specta::Type)]
pub struct FieldInput {
    pub label: String,
    pub kind: FieldKind,
    pub choices: Vec<String>,
}

/// One contact's value of one field, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, specta::Type)]
pub struct FieldValue {
    pub field_id: FieldId,
    /// Text as typed; number `1234.5`; date `2024-12-31`; yes/no `true`/`false`; a choice's option.
    pub value: String,
}

/// Why a field or a value was refused.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    #[error("field label is empty")]
    LabelEmpty,
    #[error("field label is too long")]
    LabelTooLong,
    #[error("field label has no letter or digit")]
    LabelNoKey,
    #[error("choice field without options")]
    NoChoices,
    #[error("bad choices")]
    ChoicesInvalid,
    #[error("field {0} exists")]
    Duplicate(String),
    #[error("no such field")]
    Unknown,
    #[error("no such contact")]
    ContactUnknown,
    #[error("field kind cannot change")]
    KindChanged,
    #[error("operator {op:?} does not apply to field {label}")]
    Operator { label: String, op: FieldOp },
    #[error("value {value:?} does not fit field {label}")]
    Value {
        label: String,
        kind: FieldKind,
        value: String,
        choices: Vec<String>,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl UserError for FieldError {
    fn code(&self) -> ErrorCode {
        match self {
            FieldError::LabelEmpty => ErrorCode::NameEmpty,
            FieldError::LabelTooLong => ErrorCode::NameTooLong,
            FieldError::LabelNoKey
            | FieldError::NoChoices
            | FieldError::ChoicesInvalid
            | FieldError::KindChanged => ErrorCode::FieldInvalid,
            FieldError::Duplicate(_) => ErrorCode::FieldDuplicate,
            FieldError::Unknown => ErrorCode::FieldUnknown,
            FieldError::ContactUnknown => ErrorCode::ContactUnknown,
            FieldError::Value { .. } | FieldError::Operator { .. } => ErrorCode::FieldValueInvalid,
            FieldError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FieldError::LabelEmpty, _) => lang
                .pick("Dê um nome ao campo.", "Give the field a name.")
                .to_owned(),
            (FieldError::LabelTooLong, Lang::PtBr) => {
                format!("O nome do campo pode ter no máximo {LABEL_MAX} caracteres.")
            }
            (FieldError::LabelTooLong, Lang::En) => {
                format!("A field name can have at most {LABEL_MAX} characters.")
            }
            (FieldError::LabelNoKey, _) => lang
                .pick(
                    "O nome do campo precisa ter ao menos uma letra ou número.",
                    "The field name needs at least one letter or digit.",
                )
                .to_owned(),
            (FieldError::NoChoices, _) => lang
                .pick(
                    "Um campo de escolha precisa de pelo menos uma opção.",
                    "A choice field needs at least one option.",
                )
                .to_owned(),
            (FieldError::ChoicesInvalid, Lang::PtBr) => format!(
                "As opções devem ser diferentes entre si, com até {VALUE_MAX} caracteres, e no máximo {CHOICES_MAX}."
            ),
            (FieldError::ChoicesInvalid, Lang::En) => format!(
                "Options must differ from each other, have at most {VALUE_MAX} characters, and be at most {CHOICES_MAX}."
            ),
            (FieldError::Duplicate(label), Lang::PtBr) => {
                format!("Já existe um campo \"{label}\" nesta conta.")
            }
            (FieldError::Duplicate(label), Lang::En) => {
                format!("This account already has a field \"{label}\".")
            }
            (FieldError::Unknown, _) => lang
                .pick(
                    "Este campo não existe mais. Atualize a tela.",
                    "This field no longer exists. Reload the screen.",
                )
                .to_owned(),
            (FieldError::ContactUnknown, _) => lang
                .pick(
                    "Este contato não existe mais nesta conta.",
                    "This contact no longer exists in this account.",
                )
                .to_owned(),
            (FieldError::Operator { label, .. }, Lang::PtBr) => {
                format!("Essa comparação não se aplica ao campo \"{label}\". Escolha outra.")
            }
            (FieldError::Operator { label, .. }, Lang::En) => {
                format!("That comparison does not apply to the field \"{label}\". Pick another.")
            }
            (FieldError::KindChanged, _) => lang
                .pick(
                    "O tipo de um campo não pode mudar depois de criado. Crie outro campo.",
                    "A field's type cannot change once created. Create another field.",
                )
                .to_owned(),
            (
                FieldError::Value {
                    label,
                    kind,
                    value,
                    choices,
                },
                _,
            ) => value_message(label, *kind, value, choices, lang),
            (FieldError::Database(_), _) => database_failed(lang),
        }
    }
}

fn value_message(
    label: &str,
    kind: FieldKind,
    value: &str,
    choices: &[String],
    lang: Lang,
) -> String {
    let expected = match (kind, lang) {
        (FieldKind::Text, Lang::PtBr) => format!("um texto de até {VALUE_MAX} caracteres"),
        (FieldKind::Text, Lang::En) => format!("a text of at most {VALUE_MAX} characters"),
        (FieldKind::Number, Lang::PtBr) => "um número, como 1.234,56".to_owned(),
        (FieldKind::Number, Lang::En) => "a number, such as 1234.56".to_owned(),
        (FieldKind::Date, Lang::PtBr) => "uma data como 31/12/2024".to_owned(),
        (FieldKind::Date, Lang::En) => "a date such as 31/12/2024 or 2024-12-31".to_owned(),
        (FieldKind::YesNo, Lang::PtBr) => "sim ou não".to_owned(),
        (FieldKind::YesNo, Lang::En) => "yes or no".to_owned(),
        (FieldKind::Choice, Lang::PtBr) => format!("uma das opções: {}", choices.join(", ")),
        (FieldKind::Choice, Lang::En) => format!("one of: {}", choices.join(", ")),
    };
    match lang {
        Lang::PtBr => format!("\"{value}\" não serve para o campo {label}: use {expected}."),
        Lang::En => format!("\"{value}\" does not fit the field {label}: use {expected}."),
    }
}

/// The key for a label: lower-case ASCII letters, digits and `_`, accents
/// dropped ("Data de nascimento" → `data_de_nascimento`).
pub fn key_of(label: &str) -> String {
    let mut key = String::new();
    for c in fold(label).chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    while key.ends_with('_') {
        key.pop();
    }
    key
}

/// A value in canonical form, plus its number for numeric comparisons.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Canonical {
    pub value: String,
    pub num: Option<f64>,
}

impl CustomField {
    /// Reads what a person typed (or a spreadsheet held) for this field.
    /// Empty means "no value" (`Ok(None)`).
    pub fn parse(&self, raw: &str) -> Result<Option<String>, FieldError> {
        Ok(self.canonical(raw)?.map(|c| c.value))
    }

    pub(crate) fn canonical(&self, raw: &str) -> Result<Option<Canonical>, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let bad = || FieldError::Value {
            label: self.label.clone(),
            kind: self.kind,
            value: trimmed.chars().take(60).collect(),
            choices: self.choices.clone(),
        };
        let canonical = match self.kind {
            FieldKind::Text => {
                if trimmed.chars().count() > VALUE_MAX {
                    return Err(bad());
                }
                Canonical {
                    value: trimmed.to_owned(),
                    num: None,
                }
            }
            FieldKind::Number => {
                let n = parse_number(trimmed).ok_or_else(bad)?;
                Canonical {
                    value: format_number(n),
                    num: Some(n),
                }
            }
            FieldKind::Date => {
                let (y, m, d) = parse_date(trimmed).ok_or_else(bad)?;
                Canonical {
                    value: format!("{y:04}-{m:02}-{d:02}"),
                    num: None,
                }
            }
            FieldKind::YesNo => {
                let yes = parse_yes_no(trimmed).ok_or_else(bad)?;
                Canonical {
                    value: if yes { "true" } else { "false" }.to_owned(),
                    num: None,
                }
            }
            FieldKind::Choice => {
                let folded = fold(trimmed);
                let choice = self
                    .choices
                    .iter()
                    .find(|c| fold(c) == folded)
                    .ok_or_else(bad)?;
                Canonical {
                    value: choice.clone(),
                    num: None,
                }
            }
        };
        Ok(Some(canonical))
    }
}

/// Numbers as Brazilians and spreadsheets write them: `1.234,56`, `1234,5`,
/// `1,234.56`, `R$ 10`, `-3`. A lone dot followed by exactly three digits is a
/// thousands separator (`1.500` is one thousand five hundred in Brazil).
fn parse_number(raw: &str) -> Option<f64> {
    let s: String = raw
        .trim_start_matches("R$")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || ".,-+".contains(c)) {
        return None;
    }
    let last_dot = s.rfind('.');
    let last_comma = s.rfind(',');
    let plain = match (last_dot, last_comma) {
        (Some(d), Some(c)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        (None, Some(_)) if s.matches(',').count() > 1 => s.replace(',', ""),
        (None, Some(_)) => s.replace(',', "."),
        (Some(d), None) if s.matches('.').count() > 1 || s.len() - d - 1 == 3 => s.replace('.', ""),
        _ => s,
    };
    plain.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The canonical text of a number: a dot for decimals, no grouping. Exactly
/// three decimals would read back as thousands (`1.234` is 1234 here), so
/// they get a fourth digit (`1.2340`), and reading our own output is exact.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{n:.0}");
    }
    let mut text = format!("{n}");
    if text
        .split_once('.')
        .is_some_and(|(_, decimals)| decimals.len() == 3)
    {
        text.push('0');
    }
    text
}

/// `31/12/2024`, `31-12-2024`, `31.12.2024` (day first, as in Brazil) or `2024-12-31`.
fn parse_date(raw: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = raw.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (y, m, d) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 {
        (num(c)?, num(b)?, num(a)?)
    } else {
        return None;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1000..=9999).contains(&y) && (1..=days).contains(&d)).then_some((y, m, d))
}

fn parse_yes_no(raw: &str) -> Option<bool> {
    match fold(raw).as_str() {
        "sim" | "s" | "yes" | "y" | "true" | "verdadeiro" | "1" | "x" => Some(true),
        "nao" | "n" | "no" | "false" | "falso" | "0" => Some(false),
        _ => None,
    }
}

struct Valid {
    label: String,
    key: String,
    choices: Vec<String>,
}

fn validate(input: &FieldInput) -> Result<Valid, FieldError> {
    let label = clean_name(&input.label, LABEL_MAX).map_err(|p| match p {
        NameProblem::Empty => FieldError::LabelEmpty,
        NameProblem::TooLong => FieldError::LabelTooLong,
    })?;
    let key = key_of(&label);
    if key.is_empty() {
        return Err(FieldError::LabelNoKey);
    }
    let mut choices: Vec<String> = Vec::new();
    if input.kind == FieldKind::Choice {
        for raw in &input.choices {
            let choice = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            if choice.is_empty() {
                continue;
            }
            if choice.chars().count() > VALUE_MAX
                || choices.iter().any(|c| fold(c) == fold(&choice))
            {
                return Err(FieldError::ChoicesInvalid);
            }
            choices.push(choice);
        }
        if choices.is_empty() {
            return Err(FieldError::NoChoices);
        }
        if choices.len() > CHOICES_MAX {
            return Err(FieldError::ChoicesInvalid);
        }
    }
    Ok(Valid {
        label,
        key,
        choices,
    })
}

#[derive(sqlx::FromRow)]
struct FieldRow {
    id: FieldId,
    account_id: AccountId,
    key: String,
    label: String,
    kind: FieldKind,
    choices: String,
    created_at: i64,
}

impl From<FieldRow> for CustomField {
    fn from(row: FieldRow) -> Self {
        CustomField {
            id: row.id,
            account_id: row.account_id,
            key: row.key,
            label: row.label,
            kind: row.kind,
            choices: serde_json::from_str(&row.choices).unwrap_or_default(),
            created_at: row.created_at,
        }
    }
}

const COLUMNS: &str = "id, account_id, key, label, kind, choices, created_at";

fn on_write_error(e: sqlx::Error, label: &str) -> FieldError {
    match e.as_database_error() {
        Some(db) if db.is_unique_violation() => FieldError::Duplicate(label.to_owned()),
        Some(db) if db.is_foreign_key_violation() => FieldError::Unknown,
        _ => FieldError::Database(e),
    }
}

/// The account's fields, oldest first (the order a person created them in).
pub async fn list(store: &Store, account: AccountId) -> Result<Vec<CustomField>, FieldError> {
    let rows: Vec<FieldRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM custom_fields WHERE account_id = ? ORDER BY created_at, rowid"
    ))
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(CustomField::from).collect())
}

pub async fn create(
    store: &Store,
    account: AccountId,
    input: &FieldInput,
) -> Result<CustomField, FieldError> {
    let valid = validate(input)?;
    let id = natural_or_fresh(store.pool(), "custom_fields", account, "field", &valid.key).await?;
    let row: FieldRow = sqlx::query_as(&format!(
        "INSERT INTO custom_fields (id, account_id, key, label, kind, choices, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(account)
    .bind(&valid.key)
    .bind(&valid.label)
    .bind(input.kind)
    .bind(serde_json::to_string(&valid.choices).unwrap_or_else(|_| "[]".into()))
    .bind(now_ms())
    .fetch_one(store.pool())
    .await
    .map_err(|e| on_write_error(e, &valid.label))?;
    Ok(row.into())
}

/// Renames a field or changes its options. Values that stop fitting the new
/// options are removed in the same transaction, so no contact keeps a value
/// the field no longer allows.
pub async fn update(
    store: &Store,
    account: AccountId,
    id: FieldId,
    input: &FieldInput,
) -> Result<CustomField, FieldError> {
    let valid = validate(input)?;
    let mut tx = store.write().await?;
    let current = get_in(&mut tx, account, id).await?;
    if current.kind != input.kind {
        return Err(FieldError::KindChanged);
    }
    let row: FieldRow = sqlx::query_as(&format!(
        "UPDATE custom_fields SET key = ?, label = ?, choices = ?
         WHERE account_id = ? AND id = ? RETURNING {COLUMNS}"
    ))
    .bind(&valid.key)
    .bind(&valid.label)
    .bind(serde_json::to_string(&valid.choices).unwrap_or_else(|_| "[]".into()))
    .bind(account)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| on_write_error(e, &valid.label))?;
    if input.kind == FieldKind::Choice {
        let mut query =
            sqlx::QueryBuilder::<Sqlite>::new("DELETE FROM contact_fields WHERE account_id = ");
        query
            .push_bind(account)
            .push(" AND field_id = ")
            .push_bind(id);
        query.push(" AND value NOT IN (");
        let mut list = query.separated(", ");
        for choice in &valid.choices {
            list.push_bind(choice);
        }
        query.push(")");
        query.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(row.into())
}

/// Deletes a field and every contact's value of it.
pub async fn delete(store: &Store, account: AccountId, id: FieldId) -> Result<(), FieldError> {
    let done = sqlx::query("DELETE FROM custom_fields WHERE account_id = ? AND id = ?")
        .bind(account)
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 0 {
        return Err(FieldError::Unknown);
    }
    Ok(())
}

async fn get_in(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    id: FieldId,
) -> Result<CustomField, FieldError> {
    let row: Option<FieldRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM custom_fields WHERE account_id = ? AND id = ?"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(CustomField::from).ok_or(FieldError::Unknown)
}

/// One contact's values, in the order of the fields.
pub async fn values_of(
    store: &Store,
    account: AccountId,
    contact: ContactId,
) -> Result<Vec<FieldValue>, FieldError> {
    Ok(sqlx::query_as(
        "SELECT cf.field_id, cf.value FROM contact_fields cf
         JOIN custom_fields f ON f.account_id = cf.account_id AND f.id = cf.field_id
         WHERE cf.account_id = ? AND cf.contact_id = ? ORDER BY f.created_at, f.rowid",
    )
    .bind(account)
    .bind(contact)
    .fetch_all(store.pool())
    .await?)
}

/// Sets some of a contact's values (an empty value clears the field). Every
/// value is checked first; if one does not fit, nothing is written.
pub async fn set_values(
    store: &Store,
    account: AccountId,
    contact: ContactId,
    values: &[FieldValue],
) -> Result<Vec<FieldValue>, FieldError> {
    let fields = list(store, account).await?;
    let mut checked = Vec::with_capacity(values.len());
    for v in values {
        let field = fields
            .iter()
            .find(|f| f.id == v.field_id)
            .ok_or(FieldError::Unknown)?;
        checked.push((field.id, field.canonical(&v.value)?));
    }
    let mut tx = store.write().await?;
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM contacts WHERE account_id = ? AND id = ?)",
    )
    .bind(account)
    .bind(contact)
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(FieldError::ContactUnknown);
    }
    let mut changed = false;
    for (field, value) in &checked {
        changed |= write_value(&mut tx, account, contact, *field, value.as_ref()).await?;
    }
    if changed {
        sqlx::query("UPDATE contacts SET updated_at = ? WHERE account_id = ? AND id = ?")
            .bind(now_ms())
            .bind(account)
            .bind(contact)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    values_of(store, account, contact).await
}

/// Writes or clears one value; true when the stored value changed.
pub(crate) async fn write_value(
    tx: &mut Transaction<'_, Sqlite>,
    account: AccountId,
    contact: ContactId,
    field: FieldId,
    value: Option<&Canonical>,
) -> Result<bool, sqlx::Error> {
    let done = match value {
        Some(c) => {
            sqlx::query(
                "INSERT INTO contact_fields (account_id, contact_id, field_id, value, num)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (account_id, contact_id, field_id)
                 DO UPDATE SET value = excluded.value, num = excluded.num
                 WHERE value IS NOT excluded.value",
            )
            .bind(account)
            .bind(contact)
            .bind(field)
            .bind(&c.value)
            .bind(c.num)
            .execute(&mut **tx)
            .await?
        }
        None => sqlx::query(
            "DELETE FROM contact_fields WHERE account_id = ? AND contact_id = ? AND field_id = ?",
        )
        .bind(account)
        .bind(contact)
        .bind(field)
        .execute(&mut **tx)
        .await?,
    };
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_can_contain_numbers_and_dates_compare_choices_only_match() {
        let ops = field_operators();
        assert!(ops.text.contains(&FieldOp::Contains));
        assert_eq!(
            ops.number,
            [
                FieldOp::Is,
                FieldOp::Greater,
                FieldOp::Less,
                FieldOp::IsSet,
                FieldOp::IsEmpty
            ]
        );
        assert_eq!(ops.date, ops.number);
        assert!(!ops.choice.contains(&FieldOp::Greater));
        assert!(!ops.yes_no.contains(&FieldOp::Contains));
        // "has a value" and "has none" make sense for every kind.
        for list in [ops.text, ops.number, ops.date, ops.yes_no, ops.choice] {
            assert!(list.contains(&FieldOp::IsSet) && list.contains(&FieldOp::IsEmpty));
        }
    }

    #[test]
    fn numbers_read_the_brazilian_way() {
        for (raw, want) in [
            ("1.234,56", Some(1234.56)),
            ("1234,5", Some(1234.5)),
            ("1,234.56", Some(1234.56)),
            ("1.500", Some(1500.0)),
            ("1.5", Some(1.5)),
            ("R$ 10", Some(10.0)),
            ("-3", Some(-3.0)),
            ("1.000.000", Some(1_000_000.0)),
            ("dez", None),
            ("", None),
        ] {
            assert_eq!(parse_number(raw), want, "{raw}");
        }
        assert_eq!(format_number(1500.0), "1500");
        assert_eq!(format_number(1234.56), "1234.56");
        assert_eq!(format_number(1.234), "1.2340");
        for n in [1.234, -0.125, 1234.5, 0.1, 1500.0] {
            assert_eq!(parse_number(&format_number(n)), Some(n), "{n}");
        }
    }

    #[test]
    fn dates_are_day_first_or_iso() {
        assert_eq!(parse_date("31/12/2024"), Some((2024, 12, 31)));
        assert_eq!(parse_date("1-2-2024"), Some((2024, 2, 1)));
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("29/02/2023"), None);
        assert_eq!(parse_date("31/04/2024"), None);
        assert_eq!(parse_date("12/31/2024"), None);
        assert_eq!(parse_date("31/12/24"), None);
    }

    #[test]
    fn keys_come_from_labels() {
        assert_eq!(key_of("Data de nascimento"), "data_de_nascimento");
        assert_eq!(key_of("  Preço (R$) "), "preco_r");
        assert_eq!(key_of("¿?"), "");
    }
}
