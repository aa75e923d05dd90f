//! Contacts: paged and filtered, created or updated by phone, one with its
//! tags and custom fields; the account's tags and fields.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use uuid::Uuid;
use zapdesk_core::api_tokens::Scope;
use zapdesk_core::changes::Table;
use zapdesk_core::contacts::{self, ContactInput, ContactQuery as CoreQuery};
use zapdesk_core::fields::{self, FieldValue};
use zapdesk_core::filter::ContactFilter;
use zapdesk_core::ids::TagId;
use zapdesk_core::tags::{self, TagError, TagInput as CoreTagInput};
use zapdesk_core::{AccountId, ContactId};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Body, Ids, Params};
use crate::kept;
use crate::schema::contacts::{
    Contact, ContactDetail, ContactPage, ContactQuery, ContactUpsert, Field, Tag, TagInput,
    TagsInput,
};
use crate::state::Api;

/// A page when none is asked for.
pub const DEFAULT_LIMIT: u32 = 50;
/// The colour of a tag created by name through the API.
const TAG_COLOR: &str = "#6b7280";

/// The account's contacts, named ones first by name, then by phone.
#[utoipa::path(get, path = "/api/accounts/{account}/contacts", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id"), ContactQuery,
           ("tag" = Option<Vec<String>>, Query, style = Form, explode,
            description = "Only contacts with this tag (its id or its name); repeat for several (`tag=VIP&tag=Atacado`: contacts with all of them)")),
    responses((status = 200, body = ContactPage)))]
pub async fn list(
    State(api): State<Api>,
    caller: Caller,
    uri: Uri,
    Ids(id): Ids<Uuid>,
    Params(query): Params<ContactQuery>,
    Params(pairs): Params<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    let page = page(&api, account, query, pairs);
    kept::json_page(&api, &caller, &uri, page).await
}

/// The page [`list`] answers, worked out.
async fn page(
    api: &Api,
    account: AccountId,
    query: ContactQuery,
    pairs: Vec<(String, String)>,
) -> Result<ContactPage, ApiError> {
    let limit = query
        .limit
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, contacts::PAGE_MAX);
    let mut filter = ContactFilter {
        search: query.search,
        ..ContactFilter::default()
    };
    let wanted = pairs
        .into_iter()
        .filter(|(k, _)| k == "tag")
        .map(|(_, v)| v);
    for tag in wanted {
        match find_tag(api, account, &tag).await? {
            Some(tag) => filter.tags_all.push(tag),
            // No such tag: no contact has it.
            None => {
                return Ok(ContactPage {
                    total: 0,
                    offset: query.offset.unwrap_or(0),
                    limit,
                    items: Vec::new(),
                });
            }
        }
    }
    let core = CoreQuery {
        filter,
        offset: query.offset.unwrap_or(0),
        limit,
    };
    let page = contacts::list(api.store(), account, &core).await?;
    Ok(ContactPage::of(page, limit))
}

/// Creates a contact, or updates the one with this phone (the app's phone
/// rules: `(11) 8765-4321` is `+5511987654321`). 201 when created, 200 when
/// updated; tags and field values are added in the same call.
#[utoipa::path(post, path = "/api/accounts/{account}/contacts", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id")),
    request_body = ContactUpsert,
    responses(
        (status = 201, body = ContactDetail, description = "Created"),
        (status = 200, body = ContactDetail, description = "Updated")
    ))]
pub async fn upsert(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
    Body(input): Body<ContactUpsert>,
) -> Result<(StatusCode, Json<ContactDetail>), ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let app = api.app();
    let name = input.name.as_deref();
    let (mut contact, created) = app
        .contact_for_phone(account, &input.phone, name.filter(|n| !n.trim().is_empty()))
        .await?;
    if !created && let Some(name) = name {
        let update = ContactInput {
            phone: contact.phone.clone(),
            name: Some(name.to_owned()),
        };
        let updated = contacts::update(api.store(), account, contact.id, &update);
        contact = app
            .wrote(Some(account), &[Table::Contacts], updated)
            .await?;
    }
    add_tags(&api, account, contact.id, &input.tags).await?;
    set_fields(&api, account, contact.id, &input.fields).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(detail(&api, account, contact.id).await?)))
}

/// One contact, with their tags and custom field values.
#[utoipa::path(get, path = "/api/accounts/{account}/contacts/{contact}", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("contact" = Uuid, Path, description = "The contact's id")),
    responses((status = 200, body = ContactDetail)))]
pub async fn get(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, contact)): Ids<(Uuid, Uuid)>,
) -> Result<Json<ContactDetail>, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    Ok(Json(
        detail(&api, account, ContactId::from_uuid(contact)).await?,
    ))
}

/// Adds tags to a contact (ids or names; a new name creates the tag).
#[utoipa::path(post, path = "/api/accounts/{account}/contacts/{contact}/tags", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("contact" = Uuid, Path, description = "The contact's id")),
    request_body = TagsInput,
    responses((status = 200, body = ContactDetail)))]
pub async fn tag(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, contact)): Ids<(Uuid, Uuid)>,
    Body(input): Body<TagsInput>,
) -> Result<Json<ContactDetail>, ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let contact = ContactId::from_uuid(contact);
    contacts::get(api.store(), account, contact).await?;
    add_tags(&api, account, contact, &input.tags).await?;
    Ok(Json(detail(&api, account, contact).await?))
}

/// Takes a tag off a contact (its id or name); nothing to take off is not an error.
#[utoipa::path(delete, path = "/api/accounts/{account}/contacts/{contact}/tags/{tag}", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("contact" = Uuid, Path, description = "The contact's id"),
           ("tag" = String, Path, description = "The tag's id or name")),
    responses((status = 200, body = ContactDetail)))]
pub async fn untag(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, contact, tag)): Ids<(Uuid, Uuid, String)>,
) -> Result<Json<ContactDetail>, ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let contact = ContactId::from_uuid(contact);
    contacts::get(api.store(), account, contact).await?;
    let tag = find_tag(&api, account, &tag)
        .await?
        .ok_or(TagError::Unknown)?;
    let one = [contact];
    let off = tags::apply(api.store(), account, tag, &one, false);
    api.app()
        .wrote(Some(account), &[Table::ContactTags], off)
        .await?;
    Ok(Json(detail(&api, account, contact).await?))
}

/// Sets custom field values of a contact, by the field's key or id (`""`
/// clears one); nothing is written when one does not fit its field.
#[utoipa::path(put, path = "/api/accounts/{account}/contacts/{contact}/fields", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id"),
           ("contact" = Uuid, Path, description = "The contact's id")),
    request_body(content = BTreeMap<String, String>, description = "Values by field key (`plano`) or id", example = json!({"plano": "ouro"})),
    responses((status = 200, body = ContactDetail)))]
pub async fn fields(
    State(api): State<Api>,
    caller: Caller,
    Ids((id, contact)): Ids<(Uuid, Uuid)>,
    Body(values): Body<BTreeMap<String, String>>,
) -> Result<Json<ContactDetail>, ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let contact = ContactId::from_uuid(contact);
    contacts::get(api.store(), account, contact).await?;
    set_fields(&api, account, contact, &values).await?;
    Ok(Json(detail(&api, account, contact).await?))
}

/// The account's tags, by name.
#[utoipa::path(get, path = "/api/accounts/{account}/tags", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id")),
    responses((status = 200, body = Vec<Tag>)))]
pub async fn list_tags(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Vec<Tag>>, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    let all = tags::list(api.store(), account).await?;
    Ok(Json(all.into_iter().map(Tag::from).collect()))
}

/// Creates a tag.
#[utoipa::path(post, path = "/api/accounts/{account}/tags", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id")),
    request_body = TagInput,
    responses((status = 201, body = Tag)))]
pub async fn create_tag(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
    Body(input): Body<TagInput>,
) -> Result<(StatusCode, Json<Tag>), ApiError> {
    caller.need(Scope::Manage)?;
    let account = caller.account(&api, id).await?;
    let input = CoreTagInput {
        name: input.name,
        color: input.color.unwrap_or_else(|| TAG_COLOR.to_owned()),
    };
    let made = tags::create(api.store(), account, &input);
    let tag = api.app().wrote(Some(account), &[Table::Tags], made).await?;
    Ok((StatusCode::CREATED, Json(tag.into())))
}

/// The account's custom fields.
#[utoipa::path(get, path = "/api/accounts/{account}/fields", tag = "contacts",
    params(("account" = Uuid, Path, description = "The account's id")),
    responses((status = 200, body = Vec<Field>)))]
pub async fn list_fields(
    State(api): State<Api>,
    caller: Caller,
    Ids(id): Ids<Uuid>,
) -> Result<Json<Vec<Field>>, ApiError> {
    caller.need(Scope::Read)?;
    let account = caller.account(&api, id).await?;
    let all = fields::list(api.store(), account).await?;
    Ok(Json(all.into_iter().map(Field::from).collect()))
}

/// A tag of the account by its id or its name (case ignored).
async fn find_tag(api: &Api, account: AccountId, tag: &str) -> Result<Option<TagId>, ApiError> {
    let all = tags::list(api.store(), account).await?;
    let by_id = tag.parse::<TagId>().ok();
    Ok(all
        .iter()
        .find(|t| Some(t.id) == by_id || t.name.to_lowercase() == tag.trim().to_lowercase())
        .map(|t| t.id))
}

/// Adds tags by id or name, creating the names the account lacks.
async fn add_tags(
    api: &Api,
    account: AccountId,
    contact: ContactId,
    wanted: &[String],
) -> Result<(), ApiError> {
    for tag in wanted {
        let id = match find_tag(api, account, tag).await? {
            Some(id) => id,
            None if tag.parse::<TagId>().is_ok() => return Err(TagError::Unknown.into()),
            None => {
                let input = CoreTagInput {
                    name: tag.clone(),
                    color: TAG_COLOR.to_owned(),
                };
                let made = tags::create(api.store(), account, &input);
                api.app()
                    .wrote(Some(account), &[Table::Tags], made)
                    .await?
                    .id
            }
        };
        let one = [contact];
        let on = tags::apply(api.store(), account, id, &one, true);
        api.app()
            .wrote(Some(account), &[Table::ContactTags], on)
            .await?;
    }
    Ok(())
}

/// Sets field values given by key or id.
async fn set_fields(
    api: &Api,
    account: AccountId,
    contact: ContactId,
    values: &BTreeMap<String, String>,
) -> Result<(), ApiError> {
    if values.is_empty() {
        return Ok(());
    }
    let all = fields::list(api.store(), account).await?;
    let mut out = Vec::with_capacity(values.len());
    for (key, value) in values {
        let field = all
            .iter()
            .find(|f| f.key == *key || f.id.to_string() == *key)
            .ok_or(fields::FieldError::Unknown)?;
        out.push(FieldValue {
            field_id: field.id,
            value: value.clone(),
        });
    }
    let set = fields::set_values(api.store(), account, contact, &out);
    api.app()
        .wrote(Some(account), &[Table::ContactFields], set)
        .await?;
    Ok(())
}

/// A contact with their tags and field values.
pub async fn detail(
    api: &Api,
    account: AccountId,
    contact: ContactId,
) -> Result<ContactDetail, ApiError> {
    let store = api.store();
    let found = contacts::get(store, account, contact).await?;
    let their_tags = tags::of_contact(store, account, contact).await?;
    let all_fields = fields::list(store, account).await?;
    let values = fields::values_of(store, account, contact).await?;
    let fields = values
        .into_iter()
        .filter_map(|v| {
            all_fields
                .iter()
                .find(|f| f.id == v.field_id)
                .map(|f| (f.key.clone(), v.value))
        })
        .collect();
    Ok(ContactDetail {
        contact: Contact::of(found, their_tags.iter().map(|t| t.id).collect()),
        tag_names: their_tags.into_iter().map(|t| t.name).collect(),
        fields,
    })
}
