//! Voice messages recorded in the inbox. WhatsApp plays a voice note ("PTT")
//! only as Opus in an Ogg file; Chromium's and WebKit's MediaRecorder record
//! Opus in WebM instead, so the recording is remuxed here: the Opus packets
//! are copied unchanged from the WebM blocks into Ogg pages (no decoding, no
//! re-encoding, nothing lost). A recording in another format (AAC in MP4,
//! what some WebKit builds record) goes as a plain audio file.
//!
//! The WebM side is read by the small reader below, not a demuxer crate:
//! MediaRecorder writes a live WebM whose Segment and Clusters have an
//! "unknown" size, which the Rust Matroska demuxers looked at refuse or cut
//! short (Symphonia's mkv reader stops at the first unknown-size Cluster), and
//! only the audio subset (one Opus track, SimpleBlocks) is needed. The Ogg
//! side (pages, lacing, CRC) is the `ogg` crate's.

use base64::Engine;

use super::attachments::{Attachment, AttachmentError, decode};

/// The type a voice note is stored and sent with: the one WhatsApp gives its
/// own voice notes. The bridge sends a message with this type as a voice
/// note (`isPtt`); any other audio goes as an audio file.
pub const VOICE_MIME: &str = "audio/ogg; codecs=opus";

/// Whether an outbound message's media is a voice note (see [`VOICE_MIME`]).
pub fn is_voice(mime: Option<&str>) -> bool {
    mime == Some(VOICE_MIME)
}

/// A recording from the composer (its type as MediaRecorder said it, the
/// bytes in base64) made ready to queue: Ogg/Opus as a voice note, other
/// audio WhatsApp takes as a plain audio file. Refused: not audio, an empty
/// or unreadable recording, over the file limit.
pub fn decode_recording(mime: &str, data: &str) -> Result<Attachment, AttachmentError> {
    // The same checks as a file (size, base64) before anything else.
    let base = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut file = decode("audio.bin", "audio/ogg", data)?;
    if file.bytes.is_empty() {
        return Err(AttachmentError::BadRecording);
    }
    let bytes = std::mem::take(&mut file.bytes);
    // An Ogg file whose first packet is an OpusHead (a one-segment first
    // page: 27 bytes of header, 1 of lacing): Firefox's recording, kept as is.
    let (name, mime, bytes) =
        if bytes.starts_with(b"OggS") && bytes.get(28..36) == Some(&b"OpusHead"[..]) {
            ("voice.ogg", VOICE_MIME.to_owned(), bytes)
        } else if bytes.starts_with(&EBML_MAGIC) {
            let ogg = webm_opus_to_ogg(&bytes).map_err(|_| AttachmentError::BadRecording)?;
            ("voice.ogg", VOICE_MIME.to_owned(), ogg)
        } else {
            // Not Opus: sent as the audio file it is, when WhatsApp takes the type.
            match base.as_str() {
                "audio/mp4" | "audio/aac" | "audio/mpeg" => {
                    let name = if base == "audio/mpeg" {
                        "audio.mp3"
                    } else {
                        "audio.m4a"
                    };
                    (name, base.clone(), bytes)
                }
                _ => return Err(AttachmentError::BadRecording),
            }
        };
    Ok(Attachment {
        name: name.to_owned(),
        mime,
        bytes,
        kind: crate::domain::MessageKind::Audio,
    })
}

/// [`decode_recording`] for bytes already decoded (tests, the API).
pub fn recording_from_bytes(mime: &str, bytes: &[u8]) -> Result<Attachment, AttachmentError> {
    decode_recording(
        mime,
        &base64::engine::general_purpose::STANDARD.encode(bytes),
    )
}

const EBML_MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];

// The Matroska elements read; every other one is skipped by its size.
const SEGMENT: u32 = 0x1853_8067;
const CLUSTER: u32 = 0x1F43_B675;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_NUMBER: u32 = 0xD7;
const CODEC_ID: u32 = 0x86;
const CODEC_PRIVATE: u32 = 0x63A2;
const CODEC_DELAY: u32 = 0x56AA;
const AUDIO: u32 = 0xE1;
const CHANNELS: u32 = 0x9F;
const SIMPLE_BLOCK: u32 = 0xA3;
const BLOCK_GROUP: u32 = 0xA0;
const BLOCK: u32 = 0xA1;

/// Why a WebM recording could not be remuxed.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RemuxError {
    #[error("the recording is cut or malformed")]
    Malformed,
    #[error("the recording has no Opus track")]
    NoOpus,
    #[error("the recording has no sound")]
    Empty,
    #[error("laced blocks are not supported")]
    Laced,
}

/// An EBML variable-length integer at `at`: its value (marker bit removed
/// when `strip`) and length; `None` value for the reserved "unknown" size.
fn vint(data: &[u8], at: usize, strip: bool) -> Result<(Option<u64>, usize), RemuxError> {
    let first = *data.get(at).ok_or(RemuxError::Malformed)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || at + len > data.len() {
        return Err(RemuxError::Malformed);
    }
    let mut value = if strip {
        u64::from(first) & ((1u64 << (8 - len)) - 1)
    } else {
        u64::from(first)
    };
    for byte in &data[at + 1..at + len] {
        value = (value << 8) | u64::from(*byte);
    }
    // All value bits set: "size unknown" (a live recording's Segment and Clusters).
    let unknown = strip && value == (1u64 << (7 * len)) - 1;
    Ok((if unknown { None } else { Some(value) }, len))
}

fn uint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |v, b| (v << 8) | u64::from(*b))
}

#[derive(Default)]
struct Track {
    number: u64,
    codec: String,
    private: Vec<u8>,
    delay_ns: u64,
    channels: u8,
}

/// The Opus packets of a WebM's first Opus track, in order, and its OpusHead.
fn read_webm(data: &[u8]) -> Result<(Vec<u8>, Vec<&[u8]>), RemuxError> {
    let mut tracks: Vec<Track> = Vec::new();
    // Blocks by track number; the Opus track may be described before or
    // after its first blocks (never after in MediaRecorder's files).
    let mut blocks: Vec<(u64, &[u8])> = Vec::new();
    let mut at = 0;
    while at < data.len() {
        // A header cut by the end of the file: what came before is kept.
        let Ok((Some(id), id_len)) = vint(data, at, false) else {
            break;
        };
        let id = id as u32;
        let Ok((size, size_len)) = vint(data, at + id_len, true) else {
            break;
        };
        let body = at + id_len + size_len;
        match id {
            // Containers: read their children in place, whatever their size
            // says (it may be unknown).
            SEGMENT | CLUSTER | TRACKS | AUDIO | BLOCK_GROUP => {
                at = body;
                continue;
            }
            TRACK_ENTRY => {
                tracks.push(Track::default());
                at = body;
                continue;
            }
            _ => {}
        }
        // A leaf: its size must be known and inside the file. A recording
        // stopped mid-write ends with a cut block: what came before is kept.
        let size = size.ok_or(RemuxError::Malformed)? as usize;
        let Some(value) = data.get(body..body.saturating_add(size)) else {
            break;
        };
        match (id, tracks.last_mut()) {
            (TRACK_NUMBER, Some(t)) => t.number = uint(value),
            (CODEC_ID, Some(t)) => t.codec = String::from_utf8_lossy(value).into_owned(),
            (CODEC_PRIVATE, Some(t)) => t.private = value.to_vec(),
            (CODEC_DELAY, Some(t)) => t.delay_ns = uint(value),
            (CHANNELS, Some(t)) => t.channels = u8::try_from(uint(value)).unwrap_or(2),
            (SIMPLE_BLOCK | BLOCK, _) => {
                let (track, track_len) = vint(value, 0, true)?;
                // Track number, a 16-bit time, flags; then the frame.
                let flags = *value.get(track_len + 2).ok_or(RemuxError::Malformed)?;
                if flags & 0x06 != 0 {
                    return Err(RemuxError::Laced);
                }
                let frame = &value[track_len + 3..];
                blocks.push((track.ok_or(RemuxError::Malformed)?, frame));
            }
            _ => {}
        }
        at = body + size;
    }
    let track = tracks
        .iter()
        .find(|t| t.codec == "A_OPUS")
        .ok_or(RemuxError::NoOpus)?;
    let head = if track.private.starts_with(b"OpusHead") && track.private.len() >= 19 {
        track.private.clone()
    } else {
        opus_head(track.channels.max(1), track.delay_ns)
    };
    let packets: Vec<&[u8]> = blocks
        .into_iter()
        .filter(|(n, frame)| *n == track.number && !frame.is_empty())
        .map(|(_, frame)| frame)
        .collect();
    if packets.is_empty() {
        return Err(RemuxError::Empty);
    }
    Ok((head, packets))
}

/// An OpusHead (RFC 7845 §5.1) for a track that carries none.
fn opus_head(channels: u8, delay_ns: u64) -> Vec<u8> {
    // Saturating: a crafted CodecDelay must not overflow (a panic in debug).
    let pre_skip = u16::try_from(delay_ns.saturating_mul(48_000) / 1_000_000_000).unwrap_or(0);
    let mut head = b"OpusHead".to_vec();
    head.push(1);
    head.push(channels);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&48_000u32.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    head
}

/// How many 48 kHz samples an Opus packet decodes to, from its TOC byte
/// (RFC 6716 §3.1): the granule positions of the Ogg pages count them.
pub(crate) fn opus_samples(packet: &[u8]) -> Result<u64, RemuxError> {
    let toc = *packet.first().ok_or(RemuxError::Malformed)?;
    let config = toc >> 3;
    // Frame length in units of 2.5 ms (120 samples at 48 kHz).
    let units: u64 = match config {
        0..=11 => [4, 8, 16, 24][usize::from(config % 4)],
        12..=15 => [4, 8][usize::from(config % 2)],
        _ => [1, 2, 4, 8][usize::from(config % 4)],
    };
    let frames: u64 = match toc & 0x03 {
        0 => 1,
        1 | 2 => 2,
        _ => u64::from(*packet.get(1).ok_or(RemuxError::Malformed)? & 0x3F),
    };
    Ok(units * 120 * frames)
}

/// Pages end at about this many packets (a second of 20 ms packets), as
/// RFC 7845 advises, so a player can seek.
const PACKETS_PER_PAGE: usize = 50;

/// Remuxes MediaRecorder's WebM/Opus into the Ogg/Opus file WhatsApp plays
/// as a voice note (RFC 7845): OpusHead, OpusTags, then the same packets.
pub fn webm_opus_to_ogg(webm: &[u8]) -> Result<Vec<u8>, RemuxError> {
    use ogg::writing::{PacketWriteEndInfo, PacketWriter};
    let (head, packets) = read_webm(webm)?;
    let mut tags = b"OpusTags".to_vec();
    let vendor = b"ZapDesk";
    tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    tags.extend_from_slice(vendor);
    tags.extend_from_slice(&0u32.to_le_bytes());
    // Any serial works for a file of one stream; a fixed one keeps the
    // output the same for the same recording.
    const SERIAL: u32 = 0x5A44_564E;
    let mut out = PacketWriter::new(Vec::with_capacity(webm.len() + 4096));
    let io = |_| RemuxError::Malformed;
    out.write_packet(head, SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(io)?;
    out.write_packet(tags, SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(io)?;
    let mut granule = 0u64;
    let last = packets.len() - 1;
    for (i, packet) in packets.into_iter().enumerate() {
        granule += opus_samples(packet)?;
        let end = if i == last {
            PacketWriteEndInfo::EndStream
        } else if (i + 1) % PACKETS_PER_PAGE == 0 {
            PacketWriteEndInfo::EndPage
        } else {
            PacketWriteEndInfo::NormalPacket
        };
        out.write_packet(packet.to_vec(), SERIAL, end, granule)
            .map_err(io)?;
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opus_packet_lengths_follow_the_toc() {
        // CELT 20 ms, one frame (what Chromium's encoder sends).
        assert_eq!(opus_samples(&[0b1111_1000]).unwrap(), 960);
        // SILK 60 ms, two frames.
        assert_eq!(opus_samples(&[(3 << 3) | 1]).unwrap(), 2 * 2880);
        // Hybrid 10 ms, code 3 with 3 frames.
        assert_eq!(opus_samples(&[(12 << 3) | 3, 3]).unwrap(), 3 * 480);
        assert_eq!(opus_samples(&[]), Err(RemuxError::Malformed));
    }

    #[test]
    fn sizes_read_with_the_unknown_marker() {
        assert_eq!(vint(&[0x81], 0, true).unwrap(), (Some(1), 1));
        assert_eq!(vint(&[0xFF], 0, true).unwrap(), (None, 1));
        assert_eq!(
            vint(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], 0, true).unwrap(),
            (None, 8)
        );
        assert_eq!(vint(&[0x40, 0x02], 0, true).unwrap(), (Some(2), 2));
        assert_eq!(vint(&[0x00], 0, true), Err(RemuxError::Malformed));
    }

    #[test]
    fn a_recording_that_is_not_audio_is_refused() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(b"not audio at all");
        assert!(matches!(
            decode_recording("audio/webm", &b64),
            Err(AttachmentError::BadRecording)
        ));
        assert!(matches!(
            decode_recording("audio/webm", ""),
            Err(AttachmentError::BadRecording)
        ));
        // AAC in MP4 (a WebKit recording) goes as an audio file, not a voice note.
        let mp4 = base64::engine::general_purpose::STANDARD.encode(b"\0\0\0\x18ftypM4A ");
        let file = decode_recording("audio/mp4;codecs=mp4a.40.2", &mp4).unwrap();
        assert_eq!(file.mime, "audio/mp4");
        assert!(!is_voice(Some(&file.mime)));
    }
}

#[cfg(test)]
mod remux_tests {
    use super::*;

    /// 1.5 s recorded by Debian's Chromium MediaRecorder from its fake
    /// microphone (`audio/webm;codecs=opus`, Segment and Clusters of unknown
    /// size, as every live recording).
    const RECORDED: &[u8] =
        include_bytes!("../../tests/fixtures/voice/chromium-mediarecorder.webm");

    fn packets_of(ogg: &[u8]) -> Vec<ogg::Packet> {
        let mut reader = ogg::PacketReader::new(std::io::Cursor::new(ogg));
        let mut out = Vec::new();
        while let Some(p) = reader.read_packet().unwrap() {
            out.push(p);
        }
        out
    }

    #[test]
    fn a_chromium_recording_becomes_ogg_opus_with_every_packet() {
        let (head, webm_packets) = read_webm(RECORDED).unwrap();
        assert!(head.starts_with(b"OpusHead"));
        // Chromium packs three 20 ms frames a packet: 1.5 s is ~25 packets.
        assert!(webm_packets.len() >= 20, "{}", webm_packets.len());
        let ogg = webm_opus_to_ogg(RECORDED).unwrap();
        assert!(ogg.starts_with(b"OggS"));
        let packets = packets_of(&ogg);
        assert_eq!(&packets[0].data[..], &head[..]);
        assert!(packets[1].data.starts_with(b"OpusTags"));
        // The same packets, byte for byte and in order: nothing re-encoded.
        assert_eq!(packets.len(), webm_packets.len() + 2);
        for (ogg_packet, webm_packet) in packets[2..].iter().zip(&webm_packets) {
            assert_eq!(&ogg_packet.data[..], *webm_packet);
        }
        // The last page's granule is the recording's length in 48 kHz samples.
        let samples: u64 = webm_packets.iter().map(|p| opus_samples(p).unwrap()).sum();
        let last = packets.last().unwrap();
        assert!(last.last_in_stream());
        assert_eq!(last.absgp_page(), samples);
        // 1.5 s recorded, give or take the recorder's start and stop.
        assert!(
            (48_000 * 12 / 10..=48_000 * 18 / 10).contains(&samples),
            "{samples}"
        );
    }

    #[test]
    fn a_recording_is_queued_as_a_voice_note() {
        let file = recording_from_bytes("audio/webm;codecs=opus", RECORDED).unwrap();
        assert_eq!(file.mime, VOICE_MIME);
        assert!(is_voice(Some(&file.mime)));
        assert_eq!(file.kind, crate::domain::MessageKind::Audio);
        assert!(file.name.ends_with(".ogg"));
        assert!(file.bytes.starts_with(b"OggS"));
        // Already Ogg (Firefox records it): kept as it came.
        let again = recording_from_bytes("audio/ogg", &file.bytes).unwrap();
        assert_eq!(again.bytes, file.bytes);
        // Ogg that is not Opus (Vorbis) is no voice note.
        let mut vorbis = file.bytes[..28].to_vec();
        vorbis.extend_from_slice(b"\x01vorbis\0\0\0\0");
        assert!(matches!(
            recording_from_bytes("audio/ogg", &vorbis),
            Err(AttachmentError::BadRecording)
        ));
        // A recording cut mid-block keeps what came before the cut.
        let cut = recording_from_bytes("audio/webm", &RECORDED[..RECORDED.len() - 5]).unwrap();
        assert!(packets_of(&cut.bytes).len() < packets_of(&file.bytes).len());
        // Only the header: no sound to send.
        assert!(matches!(
            recording_from_bytes("audio/webm", &RECORDED[..0x90]),
            Err(AttachmentError::BadRecording)
        ));
    }
}
