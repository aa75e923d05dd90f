//! One log line per request: method, route (its pattern, so no id, phone
//! or search text lands in the log), status and time. Never a header (the
//! token) or a body (messages, phones).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

pub async fn requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        target: "zapdesk_api",
        "{method} {route} {} {} µs",
        response.status().as_u16(),
        started.elapsed().as_micros()
    );
    response
}
