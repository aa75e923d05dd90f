//! The outside calls of `http` and `ai` nodes as the engine sees them: the
//! request it hands the runner (variables filled, each value escaped for
//! where it lands) and what it takes from the answer. An HTTP node's
//! variables are the fields' canonical values (`1234.5`, `2024-12-31`,
//! `true`: what an API reads), not the forms a message shows a person.

use std::collections::HashMap;

use super::CallRequest;
use super::render::{fill, header_escape, json_escape, url_escape};
use crate::automation::flow::{Header, Method};
use crate::campaigns::template::MESSAGE_MAX;
use crate::fields::FieldKind;

/// An `http` node's request: URL values percent-encoded, header values on
/// one line, body values escaped inside JSON strings. An empty body is none.
pub(super) fn http_request(
    node: &str,
    method: Method,
    url: &str,
    headers: &[Header],
    body: Option<&str>,
    timeout_ms: u32,
    values: &HashMap<String, String>,
) -> CallRequest {
    CallRequest::Http {
        node: node.to_owned(),
        method,
        url: fill(url.trim(), values, url_escape),
        headers: headers
            .iter()
            .filter(|h| !h.name.trim().is_empty())
            .map(|h| {
                (
                    h.name.trim().to_owned(),
                    fill(h.value.trim(), values, header_escape),
                )
            })
            .collect(),
        body: body
            .filter(|b| !b.trim().is_empty())
            .map(|b| fill(b, values, json_escape)),
        timeout_ms,
    }
}

/// A mapping's place in the response: a JSON pointer (`/data/status`) as
/// written, or the dotted path people also write (`data.status`,
/// `itens.0.nome`) turned into one.
pub(super) fn pointer_of(path: &str) -> String {
    let path = path.trim();
    if path.is_empty() || path.starts_with('/') {
        return path.to_owned();
    }
    path.split('.')
        .map(|token| format!("/{}", token.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The value at `pointer` as a field of `kind` reads it; `None` for nothing
/// there, null, an empty text, an object or a list.
pub(super) fn value_at(
    json: &serde_json::Value,
    pointer: &str,
    kind: Option<FieldKind>,
) -> Option<String> {
    let text = match json.pointer(&pointer_of(pointer))? {
        serde_json::Value::String(s) => s.trim().to_owned(),
        // A number field reads `1.234` as thousands (the Brazilian way):
        // JSON's decimal point goes in as a comma so 1234.567 stays itself.
        serde_json::Value::Number(n) if kind == Some(FieldKind::Number) => {
            n.to_string().replace('.', ",")
        }
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => if *b { "sim" } else { "não" }.to_owned(),
        serde_json::Value::Null | serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
            return None;
        }
    };
    (!text.is_empty()).then_some(text)
}

/// An AI answer as sent: cut to the node's cap (and WhatsApp's) at a word's
/// end; `None` when nothing is left.
pub(super) fn ai_text(answer: &str, max_chars: u32) -> Option<String> {
    let cap = usize::try_from(max_chars)
        .unwrap_or(MESSAGE_MAX)
        .min(MESSAGE_MAX);
    let text = super::render::cut(answer, cap);
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mappings_read_pointers_and_dotted_paths() {
        let body = json!({"data": {"status": "Enviado", "total": 1234.567, "pago": true,
            "itens": [{"nome": "Pizza"}], "nada": null, "vazio": " "}});
        let at = |p: &str, kind| value_at(&body, p, kind);
        assert_eq!(at("/data/status", None).as_deref(), Some("Enviado"));
        assert_eq!(at("data.status", None).as_deref(), Some("Enviado"));
        assert_eq!(at("data.itens.0.nome", None).as_deref(), Some("Pizza"));
        assert_eq!(
            at("/data/total", Some(FieldKind::Number)).as_deref(),
            Some("1234,567")
        );
        assert_eq!(
            at("/data/total", Some(FieldKind::Text)).as_deref(),
            Some("1234.567")
        );
        assert_eq!(at("/data/pago", None).as_deref(), Some("sim"));
        for missing in [
            "/data/nada",
            "/data/vazio",
            "/data/itens",
            "/data",
            "/x/y",
            "x",
        ] {
            assert_eq!(at(missing, None), None, "{missing}");
        }
        assert_eq!(pointer_of("a~b.c/d"), "/a~0b/c~1d");
    }

    #[test]
    fn a_request_has_its_values_escaped() {
        let values: HashMap<String, String> = [
            ("nome".to_owned(), "Ana \"Bia\"".to_owned()),
            ("telefone".to_owned(), "+5511987654321".to_owned()),
        ]
        .into();
        let request = http_request(
            "n",
            Method::Post,
            " https://api.exemplo.com/c?tel={{telefone}} ",
            &[
                Header {
                    name: "Authorization".into(),
                    value: "Bearer abc".into(),
                },
                Header {
                    name: " ".into(),
                    value: "x".into(),
                },
            ],
            Some(r#"{"nome": "{{nome}}"}"#),
            5000,
            &values,
        );
        assert_eq!(
            request,
            CallRequest::Http {
                node: "n".into(),
                method: Method::Post,
                url: "https://api.exemplo.com/c?tel=%2B5511987654321".into(),
                headers: vec![("Authorization".into(), "Bearer abc".into())],
                body: Some(r#"{"nome": "Ana \"Bia\""}"#.into()),
                timeout_ms: 5000,
            }
        );
    }

    #[test]
    fn ai_answers_are_capped() {
        assert_eq!(ai_text("  ", 100), None);
        assert_eq!(
            ai_text("Olá! Posso ajudar", 10).as_deref(),
            Some("Olá! Posso")
        );
        assert_eq!(ai_text(&"a".repeat(5000), 0), None);
        assert_eq!(
            ai_text(&"a".repeat(5000), 9000).map(|t| t.len()),
            Some(MESSAGE_MAX)
        );
    }
}
