//! A webhook's address: http or https with a host, read the way the
//! sender's HTTP client reads it, so an address that passes here is one it
//! can call. Plain `http://` to another computer is allowed (a receiver on
//! the office network); docs/webhooks.md warns that the body then crosses
//! the network unencrypted.

use super::WebhookError;

/// Longest address kept (the column's limit).
pub const URL_MAX: usize = 2048;

/// The address as it will be called (scheme and host in lower case, a bare
/// host given its `/`), or why not.
pub(crate) fn check(text: &str) -> Result<String, WebhookError> {
    let invalid = || WebhookError::UrlInvalid(text.chars().take(200).collect());
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > URL_MAX {
        return Err(invalid());
    }
    let url = url::Url::parse(trimmed).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid());
    }
    let out = url.to_string();
    if out.len() > URL_MAX {
        return Err(invalid());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_with_a_host_pass_and_nothing_else() {
        for (given, kept) in [
            (
                " https://hooks.zapier.com/hooks/catch/1/ab ",
                "https://hooks.zapier.com/hooks/catch/1/ab",
            ),
            (
                "HTTP://LOCALHOST:5678/webhook",
                "http://localhost:5678/webhook",
            ),
            ("http://192.168.0.10", "http://192.168.0.10/"),
            ("https://[::1]:8443/x?a=1", "https://[::1]:8443/x?a=1"),
        ] {
            assert_eq!(check(given).unwrap(), kept, "{given}");
        }
        for refused in [
            "",
            "   ",
            "hooks.zapier.com/abc",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://",
            "http://exa mple.com/",
            "mailto:a@b.c",
            &format!("https://example.com/{}", "a".repeat(URL_MAX)),
        ] {
            assert!(
                matches!(check(refused), Err(WebhookError::UrlInvalid(_))),
                "{refused}"
            );
        }
    }
}
