//! axum's extractors with their refusals in the API's shape: a body that is
//! not JSON or misses a field, a body over the limit, an id that is not a
//! UUID, a query that does not parse; and, in all of them, a string with a
//! control character (a NUL, an escape: only tabs and line breaks, in a
//! body's texts).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, Refusal};

/// A JSON body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Read as JSON first, so every string is checked for control
        // characters before anything is stored, then as the handler's type.
        let value = match axum::Json::<Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => value,
            Err(e) => return Err(json_refused(e)),
        };
        no_control_in_json(&value, "")?;
        serde_json::from_value(value).map(Body).map_err(|e| {
            Refusal::BadRequest(format!(
                "Failed to deserialize the JSON body into the target type: {e}"
            ))
            .into()
        })
    }
}

/// Whether `c` is a control character a text may hold: a tab or a line break.
fn layout(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
}

/// Refuses a string with a control character (NUL, escape, …): SQLite's
/// checks of a text's length stop at a NUL, and no name, tag or id has any
/// use for one. `layout` allows tabs and line breaks (messages, values).
pub fn no_control(text: &str, field: &str, layout_ok: bool) -> Result<(), ApiError> {
    if text
        .chars()
        .any(|c| c.is_control() && !(layout_ok && layout(c)))
    {
        return Err(Refusal::ControlCharacter(field.to_owned()).into());
    }
    Ok(())
}

/// [`no_control`] on every string of a JSON body, keys included; a key
/// never takes a line break.
fn no_control_in_json(value: &Value, at: &str) -> Result<(), ApiError> {
    let name = |at: &str| {
        if at.is_empty() {
            "body".to_owned()
        } else {
            at.to_owned()
        }
    };
    match value {
        Value::String(text) => no_control(text, &name(at), true),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| no_control_in_json(item, &format!("{}[{i}]", name(at)))),
        Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            no_control(key, &path, false)?;
            no_control_in_json(item, &path)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
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
        // A name in the path (Evolution's `{instance}`, a tag's) is checked
        // like a body's strings.
        if let Ok(axum::extract::Path(all)) =
            axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state).await
        {
            for (name, value) in &all {
                no_control(value, name, false)?;
            }
        }
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
        if let Ok(axum::extract::Query(all)) =
            axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state).await
        {
            for (name, value) in &all {
                no_control(name, name, false)?;
                no_control(value, name, false)?;
            }
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(e) => Err(query_refused(e)),
        }
    }
}

fn query_refused(e: QueryRejection) -> ApiError {
    Refusal::BadRequest(e.body_text()).into()
}
