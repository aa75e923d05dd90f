//! The router: every route of the API, each a handler that is one call of
//! the app or one read of the core, under the error renderer and the log.

pub mod accounts;
pub mod campaigns;
pub mod chats;
pub mod contacts;
pub mod flows;
pub mod instances;
pub mod send;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};

use crate::config::{JSON_LIMIT, SEND_LIMIT};
use crate::error::{ApiError, Refusal};
use crate::state::Api;

/// The whole API, docs included, ready to serve.
pub fn router(api: Api) -> Router {
    let send = Router::new()
        .route("/api/accounts/{account}/send", post(send::send))
        .layer(DefaultBodyLimit::max(SEND_LIMIT));
    let evolution_media = crate::evolution::media_routes().layer(DefaultBodyLimit::max(SEND_LIMIT));
    let rest = Router::new()
        .route("/api/instances", get(instances::list))
        .route("/api/instances/{instance}/status", get(instances::status))
        .route("/api/instances/{instance}/qr", get(instances::qr))
        .route("/api/instances/{instance}/start", post(instances::start))
        .route("/api/instances/{instance}/stop", post(instances::stop))
        .route("/api/users", get(accounts::operators))
        .route("/api/accounts", get(accounts::list))
        .route("/api/accounts/{account}", get(accounts::get))
        .route(
            "/api/accounts/{account}/contacts",
            get(contacts::list).post(contacts::upsert),
        )
        .route(
            "/api/accounts/{account}/contacts/{contact}",
            get(contacts::get),
        )
        .route(
            "/api/accounts/{account}/contacts/{contact}/tags",
            post(contacts::tag),
        )
        .route(
            "/api/accounts/{account}/contacts/{contact}/tags/{tag}",
            delete(contacts::untag),
        )
        .route(
            "/api/accounts/{account}/contacts/{contact}/fields",
            put(contacts::fields),
        )
        .route(
            "/api/accounts/{account}/tags",
            get(contacts::list_tags).post(contacts::create_tag),
        )
        .route("/api/accounts/{account}/fields", get(contacts::list_fields))
        .route(
            "/api/accounts/{account}/campaigns",
            get(campaigns::list).post(campaigns::create),
        )
        .route("/api/accounts/{account}/chats", get(chats::list))
        .route(
            "/api/accounts/{account}/chats/{chat}/messages",
            get(chats::messages),
        )
        .route(
            "/api/accounts/{account}/chats/{chat}/assign",
            post(chats::assign),
        )
        .route(
            "/api/accounts/{account}/chats/{chat}/resolve",
            post(chats::resolve),
        )
        .route("/api/accounts/{account}/flows", get(flows::list))
        .route(
            "/api/accounts/{account}/flows/{flow}/start",
            post(flows::start),
        )
        .merge(crate::webhooks::routes())
        .merge(crate::evolution::routes())
        .layer(DefaultBodyLimit::max(JSON_LIMIT));
    Router::new()
        .merge(rest)
        .merge(send)
        .merge(evolution_media)
        .merge(crate::docs::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(api)
        .layer(axum::middleware::from_fn(crate::log::requests))
        .layer(axum::middleware::from_fn(crate::error::render))
}

async fn not_found() -> ApiError {
    Refusal::NotFound.into()
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
