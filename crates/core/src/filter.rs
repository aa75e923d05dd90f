//! Which contacts: the one filter model behind the Contacts screen's search,
//! saved segments, bulk actions, exports and (later) campaign audiences. It
//! becomes one SQL `WHERE` over `contacts c`, always scoped by the account.

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};

use crate::fields::{CustomField, FieldError, FieldKind};
use crate::ids::{FieldId, TagId};
use crate::text::fold;
use crate::{AccountId, ContactId, phone};

/// Conditions on an account's contacts; all of them must hold. Empty lists
/// and `None` mean "no condition".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct ContactFilter {
    /// Matches the name (ignoring case and accents) or the digits of the phone.
    pub search: Option<String>,
    /// Has every one of these tags.
    pub tags_all: Vec<TagId>,
    /// Has at least one of these tags.
    pub tags_any: Vec<TagId>,
    /// Has none of these tags.
    pub tags_none: Vec<TagId>,
    pub fields: Vec<FieldCondition>,
    /// Unix milliseconds; `after` is inclusive, `before` exclusive.
    pub created_after: Option<i64>,
    pub created_before: Option<i64>,
    /// The contact's most recent message (either direction, any number).
    pub last_message_after: Option<i64>,
    pub last_message_before: Option<i64>,
    /// `Some(true)`: only opted-out contacts; `Some(false)`: only those who accept messages.
    pub opted_out: Option<bool>,
}

impl ContactFilter {
    /// Whether the filter has no condition: it matches every contact of
    /// the account (a blank search is no condition, as in the query).
    pub fn is_everyone(&self) -> bool {
        let ContactFilter {
            search,
            tags_all,
            tags_any,
            tags_none,
            fields,
            created_after,
            created_before,
            last_message_after,
            last_message_before,
            opted_out,
        } = self;
        search.as_deref().is_none_or(|s| s.trim().is_empty())
            && tags_all.is_empty()
            && tags_any.is_empty()
            && tags_none.is_empty()
            && fields.is_empty()
            && created_after.is_none()
            && created_before.is_none()
            && last_message_after.is_none()
            && last_message_before.is_none()
            && opted_out.is_none()
    }
}

/// A condition on one custom field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FieldCondition {
    pub field: FieldId,
    pub op: FieldOp,
    /// What to compare with, as a person would type it; unused by `is_set`/`is_empty`.
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FieldOp {
    /// Equal (text ignores case).
    Is,
    /// Not equal, or no value.
    IsNot,
    /// Text contains (ignoring case).
    Contains,
    /// Number or date greater than / after.
    Greater,
    /// Number or date less than / before.
    Less,
    IsSet,
    IsEmpty,
}

/// Some contacts picked by hand, or every contact a filter matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ContactSelection {
    Ids { ids: Vec<ContactId> },
    Filter { filter: ContactFilter },
}

/// How many ids one statement binds; SQLite allows 32766 variables.
pub(crate) const IDS_PER_STATEMENT: usize = 500;

/// Appends ` FROM … WHERE …` selecting the account's contacts (as `c`) that
/// match the filter. Field conditions are read with their field's type, so
/// `sim` matches a yes/no `true` and `31/12/2024` a date; a condition on a
/// field the account does not have is an error rather than silently ignored
/// (it would widen an audience).
///
/// Counts mostly do not come here any more: `crate::contact_index` answers
/// them from memory, and this SQL is its reference (and what lists pages,
/// resolves selections and counts while the index is rebuilt).
///
/// Speed (docs/benchmarks.md): ids are random 16-byte blobs, so every lookup
/// is a b-tree search. A filter that requires a tag starts from that tag's
/// index entries (a third of the contacts, often far fewer) instead of all
/// contacts; the other tag and field conditions are `IN (…)` lists built once
/// from their indexes (measured faster than correlated `EXISTS` probes).
pub(crate) fn push_from_where(
    query: &mut QueryBuilder<'_, Sqlite>,
    account: AccountId,
    filter: &ContactFilter,
    fields: &[CustomField],
) -> Result<(), FieldError> {
    let mut required = filter.tags_all.iter();
    match required.next() {
        Some(first) => {
            query
                .push(
                    " FROM contact_tags t0 JOIN contacts c ON c.account_id = t0.account_id AND c.id = t0.contact_id
                      WHERE t0.account_id = ",
                )
                .push_bind(account)
                .push(" AND t0.tag_id = ")
                .push_bind(*first);
        }
        None => {
            query
                .push(" FROM contacts c WHERE c.account_id = ")
                .push_bind(account);
        }
    }
    let search = filter.search.as_deref().map(str::trim).unwrap_or("");
    if !search.is_empty() {
        query
            .push(" AND (c.name_folded LIKE ")
            .push_bind(like_pattern(&fold(search)))
            .push(" ESCAPE '\\'");
        let digits = phone::digits(search);
        if !digits.is_empty() {
            query
                .push(" OR c.phone LIKE ")
                .push_bind(like_pattern(&digits))
                .push(" ESCAPE '\\'");
        }
        // A phone typed as the app accepts it but stored otherwise (trunk 0,
        // without the ninth digit, 0xx carrier code) is found by its E.164 form.
        if let Ok(e164) = phone::normalize(search) {
            query.push(" OR c.phone = ").push_bind(e164);
        }
        query.push(")");
    }
    for tag in required {
        push_tagged(query, account, false, std::slice::from_ref(tag));
    }
    if !filter.tags_any.is_empty() {
        push_tagged(query, account, false, &filter.tags_any);
    }
    if !filter.tags_none.is_empty() {
        push_tagged(query, account, true, &filter.tags_none);
    }
    for test in field_tests(filter, fields)? {
        push_field(query, account, &test);
    }
    let mut time = |column: &str, op: &str, at: Option<i64>| {
        if let Some(at) = at {
            query.push(format!(" AND {column} {op} ")).push_bind(at);
        }
    };
    time("c.created_at", ">=", filter.created_after);
    time("c.created_at", "<", filter.created_before);
    const LAST: &str = "(SELECT max(cv.last_message_at) FROM conversations cv
                          WHERE cv.account_id = c.account_id AND cv.contact_id = c.id)";
    time(LAST, ">=", filter.last_message_after);
    time(LAST, "<", filter.last_message_before);
    match filter.opted_out {
        Some(true) => query.push(" AND c.opted_out_at IS NOT NULL"),
        Some(false) => query.push(" AND c.opted_out_at IS NULL"),
        None => query,
    };
    Ok(())
}

/// Appends ` AND c.id IN (…)` to a query over `contacts c` already scoped by
/// account (ids chunked by the caller).
pub(crate) fn push_id_list(query: &mut QueryBuilder<'_, Sqlite>, ids: &[ContactId]) {
    query.push(" AND c.id IN (");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    if ids.is_empty() {
        list.push("NULL");
    }
    query.push(")");
}

/// ` AND c.id [NOT] IN (contacts with a tag of these)`: one list built from
/// the tag index, then one probe per contact.
fn push_tagged(
    query: &mut QueryBuilder<'_, Sqlite>,
    account: AccountId,
    negate: bool,
    tags: &[TagId],
) {
    query
        .push(if negate {
            " AND c.id NOT IN ("
        } else {
            " AND c.id IN ("
        })
        .push("SELECT ct.contact_id FROM contact_tags ct WHERE ct.account_id = ")
        .push_bind(account)
        .push(" AND ct.tag_id IN (");
    let mut list = query.separated(", ");
    for tag in tags {
        list.push_bind(*tag);
    }
    query.push("))");
}

/// A field condition read with its field's type: what both the SQL here
/// and the in-memory count index (`crate::contact_index`) test, so the two
/// cannot disagree on what a typed value means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldTest {
    pub field: FieldId,
    /// The contacts *without* a value that passes (`is not`, `is empty`).
    pub negate: bool,
    /// `None`: any value of the field passes.
    pub test: Option<ValueTest>,
}

/// How a stored value (`contact_fields.value`, `.num`) is tested.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueTest {
    /// `value = ? COLLATE NOCASE` (SQLite folds ASCII letters only).
    EqualNoCase(String),
    /// `value = ?`, byte for byte.
    Equal(String),
    /// `value LIKE '%…%'` with the wildcards escaped (ASCII letters folded).
    Contains(String),
    /// `num > ?` / `num < ?`: no number on either side passes neither.
    NumGreater(Option<f64>),
    NumLess(Option<f64>),
    /// `value > ?` / `value < ?` by bytes (dates as `YYYY-MM-DD`).
    TextGreater(String),
    TextLess(String),
}

/// The filter's field conditions as tests, in order; a condition on a field
/// the account does not have is an error rather than silently ignored (it
/// would widen an audience).
pub(crate) fn field_tests(
    filter: &ContactFilter,
    fields: &[CustomField],
) -> Result<Vec<FieldTest>, FieldError> {
    filter
        .fields
        .iter()
        .map(|condition| {
            let field = fields
                .iter()
                .find(|f| f.id == condition.field)
                .ok_or(FieldError::Unknown)?;
            field_test(field, condition)
        })
        .collect()
}

fn field_test(field: &CustomField, condition: &FieldCondition) -> Result<FieldTest, FieldError> {
    // "contains" on a number or "after" on a yes/no has no meaning: refused,
    // not run as a string comparison that matches by accident.
    if !field.kind.operators().contains(&condition.op) {
        return Err(FieldError::Operator {
            label: field.label.clone(),
            op: condition.op,
        });
    }
    let (negate, test) = match condition.op {
        FieldOp::IsSet => (false, None),
        FieldOp::IsEmpty => (true, None),
        op => {
            let Some(value) = field.canonical(&condition.value)? else {
                // "is" an empty value reads as "has no value".
                return field_test(
                    field,
                    &FieldCondition {
                        op: if op == FieldOp::IsNot {
                            FieldOp::IsSet
                        } else {
                            FieldOp::IsEmpty
                        },
                        ..condition.clone()
                    },
                );
            };
            let numeric = field.kind == FieldKind::Number;
            let test = match op {
                FieldOp::Is | FieldOp::IsNot if field.kind == FieldKind::Text => {
                    ValueTest::EqualNoCase(value.value)
                }
                FieldOp::Is | FieldOp::IsNot => ValueTest::Equal(value.value),
                FieldOp::Contains => ValueTest::Contains(value.value),
                FieldOp::Greater if numeric => ValueTest::NumGreater(value.num),
                FieldOp::Less if numeric => ValueTest::NumLess(value.num),
                FieldOp::Greater => ValueTest::TextGreater(value.value),
                FieldOp::Less => ValueTest::TextLess(value.value),
                FieldOp::IsSet | FieldOp::IsEmpty => unreachable!("matched above"),
            };
            (op == FieldOp::IsNot, Some(test))
        }
    };
    Ok(FieldTest {
        field: field.id,
        negate,
        test,
    })
}

fn push_field(query: &mut QueryBuilder<'_, Sqlite>, account: AccountId, test: &FieldTest) {
    query
        .push(if test.negate {
            " AND c.id NOT IN ("
        } else {
            " AND c.id IN ("
        })
        .push("SELECT cf.contact_id FROM contact_fields cf WHERE cf.account_id = ")
        .push_bind(account)
        .push(" AND cf.field_id = ")
        .push_bind(test.field);
    match test.test.clone() {
        None => {}
        Some(ValueTest::EqualNoCase(value)) => {
            query
                .push(" AND cf.value = ")
                .push_bind(value)
                .push(" COLLATE NOCASE");
        }
        Some(ValueTest::Equal(value)) => {
            query.push(" AND cf.value = ").push_bind(value);
        }
        Some(ValueTest::Contains(value)) => {
            query
                .push(" AND cf.value LIKE ")
                .push_bind(like_pattern(&value))
                .push(" ESCAPE '\\'");
        }
        Some(ValueTest::NumGreater(num)) => {
            query.push(" AND cf.num > ").push_bind(num);
        }
        Some(ValueTest::NumLess(num)) => {
            query.push(" AND cf.num < ").push_bind(num);
        }
        Some(ValueTest::TextGreater(value)) => {
            query.push(" AND cf.value > ").push_bind(value);
        }
        Some(ValueTest::TextLess(value)) => {
            query.push(" AND cf.value < ").push_bind(value);
        }
    }
    query.push(")");
}

/// `%text%` with LIKE's wildcards in the text escaped.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
