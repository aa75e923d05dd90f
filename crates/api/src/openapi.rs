//! The OpenAPI 3.1 document, generated from the handlers' annotations and
//! the schema types. `docs/openapi.json` is this document, committed; a test
//! (`tests/openapi.rs`) fails when they differ.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::ErrorBody;
use crate::routes::{accounts, campaigns, chats, contacts, flows, instances, send};
use crate::{evolution, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ZapDesk API",
        description = "A API local do ZapDesk: contas, números, contatos, campanhas, envios, conversas, fluxos e webhooks. Autenticação: `Authorization: Bearer <token>` (Configurações → API). Erros: `{code, message}`, a mensagem no idioma de `Accept-Language` (pt-BR por padrão). Guia: docs/api.md.\n\nZapDesk's local API. Auth: `Authorization: Bearer <token>` (Settings → API). Errors: `{code, message}`, the message in the language of `Accept-Language` (pt-BR by default).",
        version = "1"
    ),
    paths(
        instances::list, instances::status, instances::qr, instances::start, instances::stop,
        accounts::list, accounts::get, accounts::operators,
        contacts::list, contacts::upsert, contacts::get, contacts::tag, contacts::untag,
        contacts::fields, contacts::list_tags, contacts::create_tag, contacts::list_fields,
        campaigns::list, campaigns::create,
        send::send,
        chats::list, chats::messages, chats::assign, chats::resolve,
        flows::list, flows::start,
        webhooks::list, webhooks::create, webhooks::delete,
        evolution::fetch_instances, evolution::connection_state, evolution::connect,
        evolution::send_text, evolution::send_media,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Security, &Errors),
    tags(
        (name = "instances", description = "Números de WhatsApp / WhatsApp numbers"),
        (name = "accounts", description = "Contas / Accounts"),
        (name = "contacts", description = "Contatos, etiquetas e campos / Contacts, tags and fields"),
        (name = "campaigns", description = "Campanhas / Campaigns"),
        (name = "messages", description = "Envio / Sending"),
        (name = "chats", description = "Conversas / Chats"),
        (name = "flows", description = "Fluxos / Flows"),
        (name = "webhooks", description = "Webhooks (REST hooks: Zapier, Make, n8n)"),
        (name = "evolution", description = "Dialeto Evolution API v2 (subconjunto) / Evolution API v2 dialect (subset)"),
    )
)]
struct ApiDoc;

/// Bearer tokens everywhere; `apikey` too under `/evolution`.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("zdk_<id>_<secret>")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "apikey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("apikey"))),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let evolution = path.starts_with("/evolution/");
            for op in operations(item) {
                let mut requirement = vec![utoipa::openapi::security::SecurityRequirement::new(
                    "bearer",
                    Vec::<String>::new(),
                )];
                if evolution {
                    requirement.push(utoipa::openapi::security::SecurityRequirement::new(
                        "apikey",
                        Vec::<String>::new(),
                    ));
                }
                op.security = Some(requirement);
            }
        }
    }
}

/// Every operation answers errors in the same shape; each status it can
/// answer with is listed (an undocumented status fails the fuzzing's
/// schema check).
struct Errors;

/// The error statuses every operation may answer with (docs/api.md says when).
const STATUSES: &[&str] = &[
    "400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503",
];

impl Modify for Errors {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.responses.insert(
            "Error".into(),
            ResponseBuilder::new()
                .description("`{code, message}`")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
                .into(),
        );
        for item in doc.paths.paths.values_mut() {
            for op in operations(item) {
                for status in STATUSES {
                    if op.responses.responses.contains_key(*status) {
                        continue;
                    }
                    op.responses.responses.insert(
                        (*status).into(),
                        Ref::new("#/components/responses/Error").into(),
                    );
                }
            }
        }
    }
}

fn operations(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// The document.
pub fn document() -> Document {
    ApiDoc::openapi()
}

/// The document as committed in `docs/openapi.json`: pretty JSON, a final newline.
pub fn document_json() -> String {
    let mut text = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
