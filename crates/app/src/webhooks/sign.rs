//! `X-ZapDesk-Signature`: `v1=` and the hex HMAC-SHA256, keyed with the
//! webhook's secret (its 64 hex digits as text), of `<timestamp>.<body>`,
//! where the timestamp is `X-ZapDesk-Timestamp` (Unix seconds of the
//! attempt). Signing the time lets a receiver refuse a replayed request
//! (docs/webhooks.md shows the check in Node and Python).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's value for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes a key of any length: this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value Python's `hmac.new(b"s3cr3t", b'1767268800.{"a":1}',
    /// hashlib.sha256).hexdigest()` gives: what a receiver computes.
    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        assert_eq!(
            signature("s3cr3t", 1_767_268_800, br#"{"a":1}"#),
            "v1=e558c25bb430eb28a845ce6a95c6f7449a1f22f843ce07bc550c31464af39ce3"
        );
        assert_ne!(
            signature("s3cr3t", 1_767_268_801, br#"{"a":1}"#),
            signature("s3cr3t", 1_767_268_800, br#"{"a":1}"#)
        );
        assert_ne!(
            signature("other", 1_767_268_800, br#"{"a":1}"#),
            signature("s3cr3t", 1_767_268_800, br#"{"a":1}"#)
        );
    }
}
