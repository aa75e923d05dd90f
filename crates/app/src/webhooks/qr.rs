//! A number's QR codes for `number.qr` events. The store never holds a QR
//! (it rotates every few seconds while the number waits to be scanned); the
//! fleet's events carry it. The fleet's sink notes each one here without
//! blocking; the sender writes one event per new code, in order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use zapdesk_core::{AccountId, InstanceId};
use zapdesk_whatsapp::fleet::FleetEvent;
use zapdesk_whatsapp::status::Status;

/// A QR to queue: (account, number, image as a `data:` URL, text).
pub(crate) type Qr = (AccountId, InstanceId, String, String);

/// Notes QR codes from the fleet's events; cheap to clone.
#[derive(Clone)]
pub(crate) struct QrNotes {
    tx: mpsc::UnboundedSender<Qr>,
    /// The last code noted per number: the same code reported again (a
    /// status repeated) is not another event.
    last: Arc<Mutex<HashMap<InstanceId, String>>>,
}

impl QrNotes {
    pub(crate) fn new() -> (QrNotes, mpsc::UnboundedReceiver<Qr>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            QrNotes {
                tx,
                last: Arc::default(),
            },
            rx,
        )
    }

    pub(crate) fn note(&self, event: &FleetEvent) {
        let FleetEvent::Number {
            account,
            instance,
            status,
        } = event
        else {
            return;
        };
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        match status {
            Status::AwaitingQr { qr, code } => {
                if last.get(instance) != Some(code) {
                    last.insert(*instance, code.clone());
                    // Closed only when the sender is gone: nobody is left to tell.
                    let _ = self
                        .tx
                        .send((*account, *instance, qr.clone(), code.clone()));
                }
            }
            _ => {
                last.remove(instance);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_new_code_once_and_again_after_another_status() {
        let (notes, mut rx) = QrNotes::new();
        let (account, number) = (AccountId::new(), InstanceId::new());
        let qr = |code: &str| FleetEvent::Number {
            account,
            instance: number,
            status: Status::AwaitingQr {
                qr: format!("data:{code}"),
                code: code.into(),
            },
        };
        notes.note(&qr("a"));
        notes.note(&qr("a"));
        notes.note(&qr("b"));
        notes.note(&FleetEvent::Number {
            account,
            instance: number,
            status: Status::Starting,
        });
        notes.note(&qr("b"));
        let mut codes = Vec::new();
        while let Ok((_, _, _, code)) = rx.try_recv() {
            codes.push(code);
        }
        assert_eq!(codes, ["a", "b", "b"]);
    }
}
