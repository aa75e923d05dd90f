//! axum's extractors with their refusals in the API's shape: a body that is
//! not JSON or misses a field, a body over the limit, an id that is not a
//! UUID, a query that does not parse.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Refusal};

/// A JSON body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(e) => Err(json_refused(e)),
        }
    }
}

fn json_refused(e: JsonRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Refusal::BodyTooLarge.into();
    }
    Refusal::BadRequest(e.body_text()).into()
}

/// The ids of a path.
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Ids(value)),
            Err(e) => Err(path_refused(e)),
        }
    }
}

/// Every path parameter that can fail to parse is an id.
fn path_refused(e: PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    match e {
        PathRejection::FailedToDeserializePathParams(e) => match e.into_kind() {
            ErrorKind::ParseErrorAtKey { value, .. }
            | ErrorKind::ParseErrorAtIndex { value, .. }
            | ErrorKind::ParseError { value, .. }
            | ErrorKind::DeserializeError { value, .. } => Refusal::IdInvalid(value).into(),
            _ => Refusal::IdInvalid(String::new()).into(),
        },
        other => Refusal::BadRequest(other.body_text()).into(),
    }
}

/// A query string.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(e) => Err(query_refused(e)),
        }
    }
}

fn query_refused(e: QueryRejection) -> ApiError {
    Refusal::BadRequest(e.body_text()).into()
}
