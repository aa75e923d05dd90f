//! Contacts, their tags and custom fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zapdesk_core::contacts::{ContactItem, ContactPage as CorePage};
use zapdesk_core::domain;
use zapdesk_core::fields::{CustomField, FieldKind};
use zapdesk_core::ids::{FieldId, TagId};
use zapdesk_core::{AccountId, ContactId};

use super::enum_schema;

enum_schema!(
    field_kind,
    field_kind_or_null,
    ["text", "number", "date", "yes_no", "choice"]
);

/// A contact of an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    #[schema(value_type = uuid::Uuid)]
    pub id: ContactId,
    #[schema(value_type = uuid::Uuid)]
    pub account_id: AccountId,
    /// E.164, e.g. `+5511987654321`.
    pub phone: String,
    pub name: Option<String>,
    /// When the contact asked not to receive messages; null while they accept them.
    pub opted_out_at: Option<i64>,
    /// The ids of their tags.
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub tags: Vec<TagId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Contact {
    pub fn of(c: zapdesk_core::contacts::Contact, tags: Vec<TagId>) -> Contact {
        Contact {
            id: c.id,
            account_id: c.account_id,
            phone: c.phone,
            name: c.name,
            opted_out_at: c.opted_out_at,
            tags,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

impl From<ContactItem> for Contact {
    fn from(item: ContactItem) -> Self {
        Contact::of(item.contact, item.tags)
    }
}

/// A page of contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    /// How many contacts match in all.
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
    pub items: Vec<Contact>,
}

impl ContactPage {
    pub fn of(page: CorePage, limit: u32) -> ContactPage {
        ContactPage {
            total: page.total,
            offset: page.offset,
            limit,
            items: page.items.into_iter().map(Contact::from).collect(),
        }
    }
}

/// Which contacts to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// At most this many (1–500; default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Skip this many (default 0).
    #[param(minimum = 0)]
    pub offset: Option<u32>,
    /// Part of the name (case and accents ignored) or digits of the phone.
    pub search: Option<String>,
    // `tag` may repeat, which this (serde_urlencoded) cannot read: the
    // handler gathers every `tag` of the query, and documents it.
}

/// Creates a contact, or updates the one with this phone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactUpsert {
    /// As a person writes it: without a country code it is read as Brazilian
    /// (the ninth digit is added to old mobile numbers).
    pub phone: String,
    /// Left as it is when absent; `""` clears it.
    pub name: Option<String>,
    /// Tags (ids or names) to add; a name the account does not have yet is created.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Custom field values by the field's key (`plano`) or id; `""` clears one.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// A tag of an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tag {
    #[schema(value_type = uuid::Uuid)]
    pub id: TagId,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub created_at: i64,
}

impl From<domain::Tag> for Tag {
    fn from(t: domain::Tag) -> Self {
        Tag {
            id: t.id,
            name: t.name,
            color: t.color,
            created_at: t.created_at,
        }
    }
}

/// A new tag.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    pub name: String,
    /// `#rrggbb`; a grey when absent.
    pub color: Option<String>,
}

/// Tags to add to a contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsInput {
    /// Ids or names; a name the account does not have yet is created.
    pub tags: Vec<String>,
}

/// A custom field of an account's contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Field {
    #[schema(value_type = uuid::Uuid)]
    pub id: FieldId,
    /// Its name in message variables (`{{plano}}`) and in `fields` here.
    pub key: String,
    pub label: String,
    #[schema(schema_with = field_kind)]
    pub kind: FieldKind,
    /// The options of a choice field.
    pub choices: Vec<String>,
}

impl From<CustomField> for Field {
    fn from(f: CustomField) -> Self {
        Field {
            id: f.id,
            key: f.key,
            label: f.label,
            kind: f.kind,
            choices: f.choices,
        }
    }
}

/// A contact with their tags and custom field values (by key).
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDetail {
    #[serde(flatten)]
    pub contact: Contact,
    /// Tag names, alphabetically.
    pub tag_names: Vec<String>,
    /// Values by field key; fields without a value are absent.
    pub fields: BTreeMap<String, String>,
}
