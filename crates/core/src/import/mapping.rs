//! What each column of a sheet holds: suggested from the headers (and, for the
//! phone, from the cells), then confirmed or changed by the person.

use serde::{Deserialize, Serialize};

use super::ImportError;
use super::read::Sheet;
use crate::fields::CustomField;
use crate::ids::FieldId;
use crate::phone;
use crate::text::fold;

/// The role of one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Column {
    Ignore,
    Phone,
    Name,
    /// Tag names separated by `,`, `;` or `|`.
    Tags,
    Field {
        field: FieldId,
    },
}

/// Header words that name a column's role, already folded (lower case, no accents).
const PHONE_WORDS: &[&str] = &[
    "telefone", "celular", "whatsapp", "whats", "fone", "phone", "mobile", "tel", "numero",
    "contato",
];
const NAME_WORDS: &[&str] = &["nome", "name", "cliente", "contact name"];
const TAG_WORDS: &[&str] = &[
    "etiqueta",
    "etiquetas",
    "tag",
    "tags",
    "marcador",
    "marcadores",
];

/// The mapping a person most likely wants. Each role is given to one column at
/// most; a column no rule recognises is ignored.
pub fn suggest(sheet: &Sheet, fields: &[CustomField]) -> Vec<Column> {
    let mut columns = vec![Column::Ignore; sheet.headers.len()];
    let folded: Vec<String> = sheet.headers.iter().map(|h| fold(h.trim())).collect();
    let words = |h: &str| -> Vec<String> {
        h.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let take = |role: Column, matches: &dyn Fn(&str) -> bool, columns: &mut Vec<Column>| {
        if columns.contains(&role) {
            return;
        }
        if let Some(i) =
            (0..folded.len()).find(|&i| columns[i] == Column::Ignore && matches(&folded[i]))
        {
            columns[i] = role;
        }
    };
    for field in fields {
        let label = fold(&field.label);
        let key = field.key.clone();
        take(
            Column::Field { field: field.id },
            &|h| h == label || h == key || h.replace(' ', "_") == key,
            &mut columns,
        );
    }
    take(
        Column::Phone,
        &|h| words(h).iter().any(|w| PHONE_WORDS.contains(&w.as_str())),
        &mut columns,
    );
    take(
        Column::Name,
        &|h| NAME_WORDS.contains(&h) || words(h).iter().any(|w| NAME_WORDS.contains(&w.as_str())),
        &mut columns,
    );
    take(
        Column::Tags,
        &|h| words(h).iter().any(|w| TAG_WORDS.contains(&w.as_str())),
        &mut columns,
    );
    if !columns.contains(&Column::Phone) {
        // No header says "phone": take the column whose cells mostly are phones.
        let sample: Vec<_> = sheet.rows.iter().take(50).collect();
        let best = (0..columns.len())
            .filter(|&i| columns[i] == Column::Ignore)
            .map(|i| {
                let ok = sample
                    .iter()
                    .filter(|r| r.cells.get(i).is_some_and(|c| phone::normalize(c).is_ok()))
                    .count();
                (ok, i)
            })
            .filter(|&(ok, _)| ok * 2 > sample.len())
            .max_by_key(|&(ok, i)| (ok, std::cmp::Reverse(i)));
        if let Some((_, i)) = best {
            columns[i] = Column::Phone;
        }
    }
    columns
}

/// A mapping checked for use: column indexes by role.
pub(crate) struct Plan {
    pub phone: usize,
    pub name: Option<usize>,
    pub tags: Vec<usize>,
    pub fields: Vec<(usize, FieldId)>,
}

impl Plan {
    pub(crate) fn new(columns: &[Column]) -> Result<Plan, ImportError> {
        let mut phone = None;
        let mut name = None;
        let mut tags = Vec::new();
        let mut fields: Vec<(usize, FieldId)> = Vec::new();
        for (i, column) in columns.iter().enumerate() {
            match column {
                Column::Ignore => {}
                Column::Phone if phone.is_some() => return Err(ImportError::ColumnTwice("phone")),
                Column::Phone => phone = Some(i),
                Column::Name if name.is_some() => return Err(ImportError::ColumnTwice("name")),
                Column::Name => name = Some(i),
                Column::Tags => tags.push(i),
                Column::Field { field } if fields.iter().any(|(_, f)| f == field) => {
                    return Err(ImportError::ColumnTwice("field"));
                }
                Column::Field { field } => fields.push((i, *field)),
            }
        }
        Ok(Plan {
            phone: phone.ok_or(ImportError::NoPhoneColumn)?,
            name,
            tags,
            fields,
        })
    }
}
