//! The Sandbox: a fake WhatsApp Web for numbers without a phone, and for every
//! test. Chromium asks for `https://web.whatsapp.com/…` as usual; the request
//! interception answers with `assets/fake_wa.html`, whose `WPP` object is the
//! surface the bridge uses. This module is that page's "server": it keeps the
//! fake account's state, the messages simulated contacts send, how far they
//! were delivered to the page (a message is new for the page once; a page
//! that loads later finds it in history, as with WhatsApp Web), and a log of
//! everything the page sent — in plain files, so they survive a killed
//! browser exactly as WhatsApp's servers would.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::protocol::WaKind;
use crate::sandbox_directory::{Directory, Listing};

const FAKE_PAGE: &str = include_str!("../assets/fake_wa.html");
const FAKE_SCRIPT: &str = include_str!("../assets/fake_wa.js");

/// The fake account's state, as the page reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SandboxState {
    pub paired: bool,
    /// The Sandbox number's own chat id.
    pub me: String,
    /// Acks (delivered, read) arrive by themselves, as with a real phone.
    /// Off in tests, which send acks explicitly.
    pub autopilot: bool,
    pub qr_rotate_ms: u64,
}

impl Default for SandboxState {
    fn default() -> Self {
        SandboxState {
            paired: false,
            me: "5511900000000@c.us".into(),
            autopilot: true,
            qr_rotate_ms: 20_000,
        }
    }
}

/// A message a simulated contact sends to the Sandbox number.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Incoming {
    /// The contact's phone, E.164.
    pub from: String,
    pub name: Option<String>,
    pub kind: Option<WaKind>,
    pub body: String,
    pub mime: Option<String>,
    pub filename: Option<String>,
    /// Media bytes, base64.
    pub media: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub vcard: Option<String>,
}

/// One message, as stored in the inbox log and served to the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct InboxRecord {
    seq: u64,
    id: String,
    chat: String,
    kind: WaKind,
    body: String,
    t: i64,
    name: Option<String>,
    mime: Option<String>,
    filename: Option<String>,
    size: Option<u64>,
    lat: Option<f64>,
    lng: Option<f64>,
    vcard: Option<String>,
}

/// A message the page sent, as WhatsApp would have received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    pub id: String,
    pub chat: String,
    pub kind: String,
    pub text: String,
    pub filename: Option<String>,
    /// Sent as a voice note (`isPtt`), not as an audio file.
    #[serde(default)]
    pub ptt: bool,
    /// The file's type as its data URL said (media only).
    #[serde(default)]
    pub mime: Option<String>,
    /// The file's first four bytes, as text (media only).
    #[serde(default)]
    pub head: Option<String>,
    pub at: i64,
}

/// How the "server" handed a contact's message to the page, for tests: as a
/// new message (`chat.new_message`) or in the history a page loads with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub history: bool,
}

/// An answer to an intercepted request.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The files behind one Sandbox number.
#[derive(Debug)]
pub struct SandboxServer {
    dir: PathBuf,
    // Serialises appends and the seq counter; held only for file I/O, never across `.await`.
    lock: Mutex<()>,
}

/// Why the Sandbox's files could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("sandbox files: {0}")]
    Io(#[from] std::io::Error),
    #[error("sandbox record: {0}")]
    Json(#[from] serde_json::Error),
    #[error("sandbox: {0} is not a valid phone")]
    BadPhone(String),
    #[error("sandbox media is not base64")]
    BadMedia,
}

impl SandboxServer {
    /// Opens (creating) the Sandbox folder of one number.
    pub fn open(dir: &Path) -> Result<SandboxServer, SandboxError> {
        fs::create_dir_all(dir.join("media"))?;
        Ok(SandboxServer {
            dir: dir.to_path_buf(),
            lock: Mutex::new(()),
        })
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn state(&self) -> Result<SandboxState, SandboxError> {
        match fs::read(self.dir.join("state.json")) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SandboxState::default()),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the state (atomically: a crash leaves the old or the new file).
    pub fn set_state(&self, state: &SandboxState) -> Result<(), SandboxError> {
        let _g = self.guard();
        write_atomic(&self.dir.join("state.json"), &serde_json::to_vec(state)?)
    }

    /// A simulated contact writes to the number. Returns WhatsApp's message id.
    pub fn push_incoming(&self, msg: &Incoming) -> Result<String, SandboxError> {
        let phone = msg.from.trim();
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 8 {
            return Err(SandboxError::BadPhone(msg.from.clone()));
        }
        let _g = self.guard();
        // The chat WhatsApp delivers it in: an old 8-digit id or a LID for some.
        let chat = Directory::load(&self.dir)?.chat_of(phone);
        let seq = read_lines::<InboxRecord>(&self.dir.join("inbox.jsonl"))?.len() as u64 + 1;
        let id = format!(
            "false_{chat}_3A{}",
            uuid::Uuid::now_v7().simple().to_string().to_uppercase()
        );
        let mut size = None;
        if let Some(b64) = &msg.media {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| SandboxError::BadMedia)?;
            size = Some(bytes.len() as u64);
            write_atomic(&self.media_path(&id), &bytes)?;
        }
        let record = InboxRecord {
            seq,
            id: id.clone(),
            chat,
            kind: msg.kind.unwrap_or(WaKind::Text),
            body: msg.body.clone(),
            t: now_secs(),
            name: msg.name.clone(),
            mime: msg.mime.clone(),
            filename: msg.filename.clone(),
            size,
            lat: msg.lat,
            lng: msg.lng,
            vcard: msg.vcard.clone(),
        };
        append_line(&self.dir.join("inbox.jsonl"), &record)?;
        Ok(id)
    }

    /// Says how WhatsApp addresses a phone (sandbox_directory.rs).
    pub fn list(&self, listing: Listing) -> Result<(), SandboxError> {
        let _g = self.guard();
        let mut directory = Directory::load(&self.dir)?;
        directory.list(listing);
        write_atomic(&self.dir.join("directory.json"), &directory.to_bytes()?)
    }

    /// Hands the page the contacts' messages it was not given yet, and
    /// remembers that it was (WhatsApp's servers deliver a message to a
    /// linked device once; a page that loads later finds it in history).
    /// `history`: the page is loading, and gets every message, the new ones
    /// as history.
    fn deliver(&self, history: bool) -> Result<Vec<InboxRecord>, SandboxError> {
        let _g = self.guard();
        let all: Vec<InboxRecord> = read_lines(&self.dir.join("inbox.jsonl"))?;
        let cursor_path = self.dir.join("delivered.json");
        let delivered: u64 = match fs::read(&cursor_path) {
            Ok(bytes) => serde_json::from_slice(&bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e.into()),
        };
        let newest = all.iter().map(|m| m.seq).max().unwrap_or(0);
        for m in all.iter().filter(|m| m.seq > delivered) {
            append_line(
                &self.dir.join("deliveries.jsonl"),
                &Delivery {
                    id: m.id.clone(),
                    history,
                },
            )?;
        }
        if newest > delivered {
            write_atomic(&cursor_path, &serde_json::to_vec(&newest)?)?;
        }
        Ok(if history {
            all
        } else {
            all.into_iter().filter(|m| m.seq > delivered).collect()
        })
    }

    /// How each contact's message reached the page, in order.
    pub fn deliveries(&self) -> Result<Vec<Delivery>, SandboxError> {
        read_lines(&self.dir.join("deliveries.jsonl"))
    }

    /// Every message the page sent, in order, duplicates included.
    pub fn sent(&self) -> Result<Vec<Sent>, SandboxError> {
        read_lines(&self.dir.join("sent.jsonl"))
    }

    fn media_path(&self, id: &str) -> PathBuf {
        let safe: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        self.dir.join("media").join(safe)
    }

    /// Answers one request of the fake page.
    pub fn handle(&self, method: &str, url: &str, body: &[u8]) -> Response {
        match self.route(method, url, body) {
            Ok(response) => response,
            Err(e) => Response {
                status: 500,
                content_type: "text/plain",
                body: e.to_string().into_bytes(),
            },
        }
    }

    fn route(&self, method: &str, url: &str, body: &[u8]) -> Result<Response, SandboxError> {
        let path_and_query = url.strip_prefix("https://web.whatsapp.com").unwrap_or(url);
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let param = |name: &str| query_param(query, name);
        let json = |value: &dyn erased::Json| -> Result<Response, SandboxError> {
            Ok(Response {
                status: 200,
                content_type: "application/json",
                body: value.to_json()?,
            })
        };
        match (method, path) {
            ("GET", "/") => Ok(text(200, "text/html; charset=utf-8", FAKE_PAGE)),
            ("GET", "/__fake/fake_wa.js") => Ok(text(200, "text/javascript", FAKE_SCRIPT)),
            ("GET", "/__fake/state") => json(&self.state()?),
            ("POST", "/__fake/state") => {
                #[derive(Deserialize)]
                struct Change {
                    paired: bool,
                }
                let change: Change = serde_json::from_slice(body)?;
                let state = SandboxState {
                    paired: change.paired,
                    ..self.state()?
                };
                self.set_state(&state)?;
                json(&state)
            }
            ("POST", "/__fake/sent") => {
                let sent: Sent = serde_json::from_slice(body)?;
                let _g = self.guard();
                append_line(&self.dir.join("sent.jsonl"), &sent)?;
                json(&sent)
            }
            ("GET", "/__fake/sent") => {
                let id = param("id").unwrap_or_default();
                match self.sent()?.into_iter().find(|s| s.id == id) {
                    Some(found) => json(&found),
                    None => Ok(text(404, "text/plain", "not found")),
                }
            }
            ("POST", "/__fake/deliver") => json(&self.deliver(false)?),
            ("POST", "/__fake/history") => json(&self.deliver(true)?),
            ("GET", "/__fake/exists") => {
                let id = param("id").unwrap_or_default();
                match Directory::load(&self.dir)?.exists(&id) {
                    Some(found) => json(&found),
                    None => Ok(text(404, "text/plain", "not found")),
                }
            }
            ("GET", "/__fake/pnlid") => {
                let id = param("id").unwrap_or_default();
                match Directory::load(&self.dir)?.pn_of_lid(&id) {
                    Some(found) => json(&found),
                    None => Ok(text(404, "text/plain", "not found")),
                }
            }
            ("GET", "/__fake/media") => {
                let id = param("id").unwrap_or_default();
                match fs::read(self.media_path(&id)) {
                    Ok(bytes) => Ok(Response {
                        status: 200,
                        content_type: "application/octet-stream",
                        body: bytes,
                    }),
                    Err(_) => Ok(text(404, "text/plain", "not found")),
                }
            }
            _ => Ok(text(404, "text/plain", "not found")),
        }
    }
}

/// `serde_json::to_vec` behind a trait object, so `route` can answer any type.
mod erased {
    pub trait Json {
        fn to_json(&self) -> Result<Vec<u8>, serde_json::Error>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
            serde_json::to_vec(self)
        }
    }
}

fn text(status: u16, content_type: &'static str, body: &str) -> Response {
    Response {
        status,
        content_type,
        body: body.as_bytes().to_vec(),
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| percent_decode(v))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_lines<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, SandboxError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        // A line cut short by a crash mid-append is not a record.
        if let Ok(record) = serde_json::from_str(&line) {
            out.push(record);
        }
    }
    Ok(out)
}

fn append_line<T: Serialize>(path: &Path, record: &T) -> Result<(), SandboxError> {
    let mut line = serde_json::to_vec(record)?;
    line.push(b'\n');
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(&line)?;
    file.sync_data()?;
    Ok(())
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    let tmp = path.with_extension("tmp");
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("true_5511%40c.us_3EB0"),
            "true_5511@c.us_3EB0"
        );
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn each_message_is_delivered_once_and_a_loading_page_gets_history() {
        let dir = tempfile::tempdir().unwrap();
        let server = SandboxServer::open(dir.path()).unwrap();
        let a = server
            .push_incoming(&Incoming {
                from: "+5511987654321".into(),
                body: "oi".into(),
                ..Default::default()
            })
            .unwrap();
        server
            .push_incoming(&Incoming {
                from: "+5511987654321".into(),
                body: "tudo bem?".into(),
                ..Default::default()
            })
            .unwrap();
        let deliver = |what: &str| -> Vec<serde_json::Value> {
            let r = server.handle(
                "POST",
                &format!("https://web.whatsapp.com/__fake/{what}"),
                b"{}",
            );
            serde_json::from_slice(&r.body).unwrap()
        };
        assert_eq!(deliver("deliver").len(), 2);
        assert!(deliver("deliver").is_empty());
        let c = server
            .push_incoming(&Incoming {
                from: "+5511987654321".into(),
                body: "alô?".into(),
                ..Default::default()
            })
            .unwrap();
        // A page loading now finds all three in history, and nothing new after.
        let history = deliver("history");
        assert_eq!(history.len(), 3);
        assert_eq!(history[2]["body"], "alô?");
        assert!(deliver("deliver").is_empty());
        let ways: Vec<(String, bool)> = server
            .deliveries()
            .unwrap()
            .into_iter()
            .map(|d| (d.id, d.history))
            .collect();
        assert_eq!(ways.len(), 3);
        assert_eq!(ways[0], (a.clone(), false));
        assert_eq!(ways[2], (c, true));
        assert!(a.starts_with("false_5511987654321@c.us_"));

        let r = server.handle(
            "POST",
            "https://web.whatsapp.com/__fake/state",
            br#"{"paired":true}"#,
        );
        assert_eq!(r.status, 200);
        assert!(server.state().unwrap().paired);
        assert!(
            server
                .push_incoming(&Incoming {
                    from: "12".into(),
                    ..Default::default()
                })
                .is_err()
        );
    }
}
