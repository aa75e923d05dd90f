//! The API's JSON, as the OpenAPI document describes it: each type mirrors
//! one of the core's (fields of the core's own types, with the schema they
//! serialise to), so the document is generated from the code and a change
//! of the core shows up as a change of the committed `docs/openapi.json`.

pub mod accounts;
pub mod campaigns;
pub mod chats;
pub mod contacts;
pub mod send;

use utoipa::openapi::ObjectBuilder;
use utoipa::openapi::schema::{Object, SchemaType, Type};

/// A string schema with these values only (a core enum as it serialises).
pub(crate) fn one_of(values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(values.iter().copied()))
        .build()
}

/// [`one_of`], or null.
pub(crate) fn one_of_or_null(values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values.iter().copied().map(Some).chain([None])))
        .build()
}

macro_rules! enum_schema {
    ($name:ident, $or_null:ident, [$($v:literal),+ $(,)?]) => {
        #[allow(dead_code)]
        pub(crate) fn $name() -> utoipa::openapi::schema::Object {
            crate::schema::one_of(&[$($v),+])
        }
        #[allow(dead_code)]
        pub(crate) fn $or_null() -> utoipa::openapi::schema::Object {
            crate::schema::one_of_or_null(&[$($v),+])
        }
    };
}
pub(crate) use enum_schema;
