//! Files operators send, and the media of stored messages read back for the UI.
//! A file over the limit or of a blocked type is refused before anything is
//! written.

use std::path::Path;

use base64::Engine;

use super::InboxError;
use crate::domain::MessageKind;
use crate::error::{ErrorCode, UserError};
use crate::limits::FILE_BYTES;
use crate::{AccountId, Lang, MessageId, Store};

/// Extensions refused: programs and scripts, which WhatsApp users are warned
/// against and which no client business should send its customers.
const BLOCKED: &[&str] = &[
    "exe", "bat", "cmd", "com", "msi", "scr", "js", "vbs", "ps1", "jar", "apk", "sh", "dll", "app",
];

/// A file as the UI read it: its name, type and bytes in base64.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, specta::Type)]
pub struct FileInput {
    pub name: String,
    pub mime: String,
    /// The bytes, base64.
    pub data: String,
}

/// A file ready to be queued.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
    /// How WhatsApp shows it: image, audio or document.
    pub kind: MessageKind,
}

/// Why a file was refused or cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("file is larger than {} MiB", FILE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("files of type .{0} are blocked")]
    Blocked(String),
    #[error("file data is not valid base64")]
    BadData,
    #[error("this message has no file")]
    NoMedia,
    /// A voice recording that is not audio WhatsApp takes (inbox/voice.rs).
    #[error("the recording is empty or not in a format WhatsApp takes")]
    BadRecording,
    #[error(transparent)]
    Inbox(#[from] InboxError),
}

impl From<sqlx::Error> for AttachmentError {
    fn from(e: sqlx::Error) -> Self {
        AttachmentError::Inbox(InboxError::Database(e))
    }
}

impl UserError for AttachmentError {
    fn code(&self) -> ErrorCode {
        match self {
            AttachmentError::TooLarge => ErrorCode::AttachmentTooLarge,
            AttachmentError::Blocked(_) | AttachmentError::BadData => ErrorCode::AttachmentBlocked,
            AttachmentError::NoMedia => ErrorCode::AttachmentBlocked,
            AttachmentError::BadRecording => ErrorCode::AttachmentBlocked,
            AttachmentError::Inbox(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AttachmentError::TooLarge, Lang::PtBr) => format!(
                "O arquivo passa de {} MB, o limite do WhatsApp.",
                FILE_BYTES / 1024 / 1024
            ),
            (AttachmentError::TooLarge, Lang::En) => format!(
                "The file is over {} MB, WhatsApp's limit.",
                FILE_BYTES / 1024 / 1024
            ),
            (AttachmentError::Blocked(ext), Lang::PtBr) => format!(
                "Arquivos .{ext} não podem ser enviados (programas e scripts são bloqueados)."
            ),
            (AttachmentError::Blocked(ext), Lang::En) => {
                format!("Files of type .{ext} cannot be sent (programs and scripts are blocked).")
            }
            (AttachmentError::BadData, _) => lang
                .pick(
                    "O arquivo não pôde ser lido.",
                    "The file could not be read.",
                )
                .to_owned(),
            (AttachmentError::NoMedia, _) => lang
                .pick(
                    "O arquivo desta mensagem não está neste computador.",
                    "This message's file is not on this computer.",
                )
                .to_owned(),
            (AttachmentError::BadRecording, _) => lang
                .pick(
                    "A gravação está vazia ou num formato que o WhatsApp não aceita. Grave de novo.",
                    "The recording is empty or in a format WhatsApp does not take. Record again.",
                )
                .to_owned(),
            (AttachmentError::Inbox(e), _) => e.message(lang),
        }
    }
}

/// Refuses a program or script by its name's extension or its type.
pub(crate) fn refuse_blocked(name: &str, mime: &str) -> Result<(), AttachmentError> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if BLOCKED.contains(&ext.as_str()) || mime == "application/x-msdownload" {
        return Err(AttachmentError::Blocked(if ext.is_empty() {
            mime.to_owned()
        } else {
            ext
        }));
    }
    Ok(())
}

/// Checks and decodes a file the UI read (bytes in base64).
pub fn decode(name: &str, mime: &str, data: &str) -> Result<Attachment, AttachmentError> {
    refuse_blocked(name, mime)?;
    // Refuse before decoding: base64 is 4/3 of the bytes.
    if data.len() / 4 * 3 > FILE_BYTES + 3 {
        return Err(AttachmentError::TooLarge);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| AttachmentError::BadData)?;
    if bytes.len() > FILE_BYTES {
        return Err(AttachmentError::TooLarge);
    }
    let kind = kind_of(mime);
    let name = plain_name(name);
    Ok(Attachment {
        name,
        mime: mime.to_owned(),
        bytes,
        kind,
    })
}

/// A file's name without any folder, at most 200 characters.
pub(crate) fn plain_name(name: &str) -> String {
    Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("arquivo")
        .chars()
        .take(200)
        .collect()
}

/// How WhatsApp shows a file of this type: only the image types it previews
/// inline are images; anything else that is not audio goes as a document.
pub(crate) fn kind_of(mime: &str) -> MessageKind {
    match mime.split('/').next() {
        Some("image") if ["image/jpeg", "image/png", "image/webp"].contains(&mime) => {
            MessageKind::Image
        }
        Some("audio") => MessageKind::Audio,
        _ => MessageKind::Document,
    }
}

/// The extension a stored file keeps: letters and digits only, so a name
/// cannot steer the path.
pub(crate) fn safe_ext(name: &str) -> String {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin");
    ext.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect()
}

/// Where a message's file may be read from: `media_path` comes from a synced
/// column any operator of the account can write, so it is taken only when it
/// names a plain file of that account's media folder, `media/<account>/<name>`
/// (the only places ZapDesk writes one: `out-…`, `campaign-…`, and files
/// named after WhatsApp's ids). An absolute path, `..`, another account's
/// folder, the database or a number's profile are refused.
pub fn sendable_path(
    data_dir: &Path,
    account: AccountId,
    media_path: &str,
) -> Result<std::path::PathBuf, PathRefused> {
    let folder = format!("media/{account}/");
    let name = media_path
        .strip_prefix(&folder)
        .ok_or_else(|| PathRefused(media_path.to_owned()))?;
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !plain {
        return Err(PathRefused(media_path.to_owned()));
    }
    Ok(data_dir.join("media").join(account.to_string()).join(name))
}

/// A message's file path that is not the message's own file.
#[derive(Debug, thiserror::Error)]
#[error("attachment path refused (not a file of this account's media folder): {0}")]
pub struct PathRefused(pub String);

/// Writes a file under the data folder, through a temporary name so a crash
/// never leaves half a file under the final one.
pub(crate) fn write_file(store: &Store, relative: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = store.data_dir().join(relative);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)
}

/// The media of a message as a `data:` URL.
pub async fn data_url(
    store: &Store,
    account: AccountId,
    message: MessageId,
) -> Result<String, AttachmentError> {
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT media_path, media_mime FROM messages WHERE account_id = ? AND id = ?",
    )
    .bind(account)
    .bind(message)
    .fetch_optional(store.pool())
    .await?;
    let (Some(path), mime) = row.ok_or(AttachmentError::NoMedia)? else {
        return Err(AttachmentError::NoMedia);
    };
    let path =
        sendable_path(store.data_dir(), account, &path).map_err(|_| AttachmentError::NoMedia)?;
    let bytes = std::fs::read(path).map_err(|_| AttachmentError::NoMedia)?;
    let mime = mime.unwrap_or_else(|| "application/octet-stream".into());
    Ok(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_file_of_the_accounts_media_folder_is_read() {
        let data = Path::new("/data");
        let account = AccountId::new();
        let other = AccountId::new();
        let ok = format!("media/{account}/out-0190a1b2.pdf");
        assert_eq!(
            sendable_path(data, account, &ok).unwrap(),
            data.join("media")
                .join(account.to_string())
                .join("out-0190a1b2.pdf")
        );
        for bad in [
            "/etc/passwd".to_owned(),
            "zapdesk.db".to_owned(),
            format!("media/{account}/../../zapdesk.db"),
            format!("media/{account}/.."),
            format!("media/{account}/"),
            format!("media/{account}/sub/file.pdf"),
            format!("media/{other}/out-1.pdf"),
            format!("profiles/{account}/Default/Cookies"),
            format!("media/{account}/a\\..\\b"),
        ] {
            assert!(sendable_path(data, account, &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn files_are_sorted_by_kind_and_bad_ones_refused() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(b"abc");
        assert_eq!(
            decode("foto.jpg", "image/jpeg", &b64).unwrap().kind,
            MessageKind::Image
        );
        assert_eq!(
            decode("voz.ogg", "audio/ogg", &b64).unwrap().kind,
            MessageKind::Audio
        );
        assert_eq!(
            decode("tabela.xlsx", "application/vnd.ms-excel", &b64)
                .unwrap()
                .kind,
            MessageKind::Document
        );
        assert_eq!(
            decode("anim.gif", "image/gif", &b64).unwrap().kind,
            MessageKind::Document
        );
        assert!(
            matches!(decode("setup.EXE", "application/octet-stream", &b64), Err(AttachmentError::Blocked(e)) if e == "exe")
        );
        assert!(matches!(
            decode("x.pdf", "application/pdf", "***"),
            Err(AttachmentError::BadData)
        ));
        let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; FILE_BYTES + 1]);
        assert!(matches!(
            decode("big.pdf", "application/pdf", &big),
            Err(AttachmentError::TooLarge)
        ));
        assert_eq!(
            decode("../../etc/passwd.pdf", "application/pdf", &b64)
                .unwrap()
                .name,
            "passwd.pdf"
        );
    }
}
