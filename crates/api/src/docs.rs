//! The document at `/openapi.json` and a page at `/docs` to read it and try
//! each operation, on the same port and without a token (they hold nothing
//! secret). The page is ZapDesk's own, embedded in the binary: the ready
//! viewers (Swagger UI, Scalar, RapiDoc, Redoc) load their script from a CDN
//! or download it at build time, and neither works on a computer without
//! internet access.

use std::sync::LazyLock;

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::Api;

static DOCUMENT: LazyLock<String> = LazyLock::new(crate::openapi::document_json);
const PAGE: &str = include_str!("../assets/docs.html");

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/openapi.json", get(document))
        .route("/docs", get(page))
}

async fn document() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "no-cache"),
        ],
        DOCUMENT.as_str(),
    )
}

async fn page() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
            // Its own script and style only; requests to this server only.
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
            ),
        ],
        PAGE,
    )
}
