//! The language of a request's texts: English when `Accept-Language`
//! prefers it over Portuguese, Portuguese (Brazil) otherwise.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use zapdesk_core::Lang;

/// The language `headers` ask for, among the two ZapDesk speaks.
pub fn of(headers: &HeaderMap) -> Lang {
    let Some(value) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Lang::PtBr;
    };
    // The highest `q` among the tags we know; ties go to the first listed.
    let mut best: Option<(f32, Lang)> = None;
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = if tag == "en" || tag.starts_with("en-") {
            Lang::En
        } else if tag == "pt" || tag.starts_with("pt-") {
            Lang::PtBr
        } else {
            continue;
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::PtBr, |(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(value: &str) -> Lang {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, value.parse().unwrap());
        of(&headers)
    }

    #[test]
    fn english_only_when_preferred() {
        assert_eq!(of(&HeaderMap::new()), Lang::PtBr);
        assert_eq!(lang("en"), Lang::En);
        assert_eq!(lang("en-US,en;q=0.9"), Lang::En);
        assert_eq!(lang("pt-BR,pt;q=0.9,en;q=0.8"), Lang::PtBr);
        assert_eq!(lang("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(lang("de"), Lang::PtBr);
        assert_eq!(lang("en;q=0.2, pt;q=0.8"), Lang::PtBr);
        assert_eq!(lang("en;q=0"), Lang::PtBr);
    }
}
