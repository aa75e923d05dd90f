//! The updater against a local update server (issue 19, item 4): the
//! window's own check and install (`zapdesk_desktop::updates`) with the real
//! tauri-plugin-updater, on tauri's mock runtime, served over 127.0.0.1.
//!
//! The fixtures in `tests/updater/` were signed by the Tauri CLI pinned in
//! ui/package.json (`make-fixtures.sh`), as a release is signed, with a
//! throwaway TEST key. What this proves: the endpoint's `{{target}}`,
//! `{{arch}}` and `{{current_version}}` are filled; a newer version is found
//! with its notes, downloaded, its minisign signature (and the version it was
//! signed for) verified against the configured public key, and installed the
//! way an AppImage is — the file at the AppImage's path replaced by the new
//! one; a file signed by another key, a changed file, and a manifest that
//! announces another version than the one signed are refused with words and
//! leave the installed file alone; the same or an older version is "up to
//! date". What it does not: run the new build, or install a `.deb` (the
//! plugin runs `pkexec dpkg -i`, which needs an administrator), and the
//! AppImage's path is given to the plugin instead of read from `$APPIMAGE`
//! (setting the process environment is `unsafe`, which the workspace forbids).

#![allow(clippy::unwrap_used)] // a failed setup step in a test should panic

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tauri::test::{MockRuntime, mock_builder, mock_context, noop_assets};
use zapdesk_app::update::{UpdateState, Updates};
use zapdesk_core::Lang;
use zapdesk_desktop::updates::{self, UpdateSlot};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/updater")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture_text(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap().trim().to_owned()
}

/// A file server on 127.0.0.1 that answers each path with the files
/// `files` makes for its port, and records the paths asked, until the test
/// ends.
struct Server {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

fn serve(files: impl FnOnce(u16) -> Vec<(String, Vec<u8>)>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let files = files(port);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request).into_owned();
            let path = request
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            log.lock().unwrap().push(path.clone());
            let (status, body) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body.clone()),
                None => ("404 Not Found", b"not here".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    Server { port, asked }
}

/// This system as the updater names it: `linux` and `x86_64`.
fn os_and_arch() -> (String, String) {
    let target = tauri_plugin_updater::target().expect("a system the updater knows");
    let (os, arch) = target.split_once('-').expect("os-arch");
    (os.to_owned(), arch.to_owned())
}

/// Where the endpoint below leads for version 0.1.0 (the mock app's).
fn manifest_path() -> String {
    let (os, arch) = os_and_arch();
    format!("/{os}/{arch}/0.1.0/latest.json")
}

/// An update server announcing `version` with `artifact` signed `signature`,
/// as a release publishes it (`latest.json`, platforms by `os-arch`).
fn update_server(version: &str, artifact: Vec<u8>, signature: &str) -> Server {
    let (os, arch) = os_and_arch();
    serve(|port| {
        let manifest = serde_json::json!({
            "version": version,
            "notes": "Correções e melhorias",
            "pub_date": "2026-12-01T12:00:00Z",
            "platforms": {
                format!("{os}-{arch}"): {
                    "url": format!("http://127.0.0.1:{port}/download/ZapDesk_{version}_amd64.AppImage"),
                    "signature": signature,
                }
            }
        });
        vec![
            (manifest_path(), manifest.to_string().into_bytes()),
            (
                format!("/download/ZapDesk_{version}_amd64.AppImage"),
                artifact,
            ),
        ]
    })
}

/// The installed ZapDesk: a mock app (version 0.1.0) with the updater
/// configured as the release config does, but on plain HTTP to 127.0.0.1,
/// and an "installed AppImage" in a temporary folder.
struct Installed {
    app: tauri::App<MockRuntime>,
    slot: UpdateSlot,
    appimage: PathBuf,
    heard: Arc<Mutex<Vec<UpdateState>>>,
    _dir: tempfile::TempDir,
}

const INSTALLED: &[u8] = b"\x7fELF\x02\x01\x01\x00 ZapDesk 0.1.0 installed (test)";

fn installed(server: &Server) -> Installed {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        serde_json::json!({
            "pubkey": fixture_text("TEST-ONLY-updater.key.pub"),
            "endpoints": [format!(
                "http://127.0.0.1:{}/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}/latest.json",
                server.port
            )],
            "requireSignedVersion": true,
            // Production endpoints are HTTPS (the plugin refuses others in a
            // release build); the local server speaks plain HTTP.
            "dangerousInsecureTransportProtocol": true,
        }),
    );
    let app = mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("mock app");
    let dir = tempfile::tempdir().unwrap();
    let appimage = dir.path().join("ZapDesk.AppImage");
    std::fs::write(&appimage, INSTALLED).unwrap();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&heard);
    let updates = Updates::new(
        Ok(()),
        Arc::new(move |s: &UpdateState| sink.lock().unwrap().push(s.clone())),
    );
    let slot = UpdateSlot::new(updates, Some(appimage.clone()));
    Installed {
        app,
        slot,
        appimage,
        heard,
        _dir: dir,
    }
}

fn refused_signature(lang: Lang) -> UpdateState {
    UpdateState::Failed {
        message: zapdesk_app::update::UpdateFailure::BadSignature.message(lang),
    }
}

#[tokio::test]
async fn a_signed_newer_build_is_found_downloaded_verified_and_installed() {
    let artifact = fixture("ZapDesk_0.2.0_amd64.AppImage");
    let server = update_server(
        "0.2.0",
        artifact.clone(),
        &fixture_text("ZapDesk_0.2.0_amd64.AppImage.sig"),
    );
    let it = installed(&server);
    let handle = it.app.handle();

    let found = updates::check(handle, &it.slot, Lang::PtBr).await;
    assert_eq!(
        found,
        UpdateState::Available {
            version: "0.2.0".into(),
            notes: Some("Correções e melhorias".into()),
            date: Some("2026-12-01T12:00:00Z".into()),
        }
    );
    let done = updates::install(handle, &it.slot, Lang::PtBr).await;
    assert_eq!(
        done,
        UpdateState::Ready {
            version: "0.2.0".into()
        }
    );
    assert_eq!(std::fs::read(&it.appimage).unwrap(), artifact);

    // The endpoint's variables were filled, and the artifact was fetched.
    let asked = server.asked.lock().unwrap().clone();
    assert_eq!(
        asked,
        vec![
            manifest_path(),
            "/download/ZapDesk_0.2.0_amd64.AppImage".to_owned()
        ]
    );
    // The window heard the download's progress up to 100 %.
    let heard = it.heard.lock().unwrap();
    let last_percent = heard.iter().rev().find_map(|s| match s {
        UpdateState::Downloading { percent, .. } => Some(*percent),
        _ => None,
    });
    assert_eq!(last_percent, Some(Some(100)));
}

#[tokio::test]
async fn a_build_signed_by_another_key_is_refused_and_nothing_changes() {
    let server = update_server(
        "0.2.0",
        fixture("ZapDesk_0.2.0_amd64.AppImage"),
        &fixture_text("ZapDesk_0.2.0_amd64.AppImage.other-key.sig"),
    );
    let it = installed(&server);
    let handle = it.app.handle();
    assert!(matches!(
        updates::check(handle, &it.slot, Lang::En).await,
        UpdateState::Available { .. }
    ));
    assert_eq!(
        updates::install(handle, &it.slot, Lang::En).await,
        refused_signature(Lang::En)
    );
    assert_eq!(std::fs::read(&it.appimage).unwrap(), INSTALLED);
}

#[tokio::test]
async fn a_changed_file_under_a_good_signature_is_refused() {
    let mut changed = fixture("ZapDesk_0.2.0_amd64.AppImage");
    let last = changed.len() - 1;
    changed[last] ^= 0x20;
    let server = update_server(
        "0.2.0",
        changed,
        &fixture_text("ZapDesk_0.2.0_amd64.AppImage.sig"),
    );
    let it = installed(&server);
    let handle = it.app.handle();
    updates::check(handle, &it.slot, Lang::PtBr).await;
    assert_eq!(
        updates::install(handle, &it.slot, Lang::PtBr).await,
        refused_signature(Lang::PtBr)
    );
    assert_eq!(std::fs::read(&it.appimage).unwrap(), INSTALLED);
}

#[tokio::test]
async fn a_manifest_announcing_another_version_than_signed_is_refused() {
    // The file signed for 0.2.0, announced as 0.3.0: a tampered manifest
    // pairing a new number with an older release.
    let server = update_server(
        "0.3.0",
        fixture("ZapDesk_0.2.0_amd64.AppImage"),
        &fixture_text("ZapDesk_0.2.0_amd64.AppImage.sig"),
    );
    let it = installed(&server);
    let handle = it.app.handle();
    updates::check(handle, &it.slot, Lang::En).await;
    assert_eq!(
        updates::install(handle, &it.slot, Lang::En).await,
        refused_signature(Lang::En)
    );
    assert_eq!(std::fs::read(&it.appimage).unwrap(), INSTALLED);
}

#[tokio::test]
async fn the_same_or_an_older_version_is_up_to_date() {
    for version in ["0.1.0", "0.0.9"] {
        let server = update_server(
            version,
            fixture("ZapDesk_0.2.0_amd64.AppImage"),
            &fixture_text("ZapDesk_0.2.0_amd64.AppImage.sig"),
        );
        let it = installed(&server);
        let handle = it.app.handle();
        assert_eq!(
            updates::check(handle, &it.slot, Lang::PtBr).await,
            UpdateState::UpToDate {
                version: "0.1.0".into()
            },
            "{version}"
        );
        // Nothing to install, and nothing was downloaded.
        assert_eq!(
            updates::install(handle, &it.slot, Lang::PtBr).await,
            UpdateState::UpToDate {
                version: "0.1.0".into()
            }
        );
        assert_eq!(*server.asked.lock().unwrap(), vec![manifest_path()]);
    }
}

#[tokio::test]
async fn an_unreachable_server_is_said_in_words() {
    // A port nothing listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server {
        port,
        asked: Arc::default(),
    };
    let it = installed(&server);
    assert_eq!(
        updates::check(it.app.handle(), &it.slot, Lang::PtBr).await,
        UpdateState::Failed {
            message: zapdesk_app::update::UpdateFailure::Network.message(Lang::PtBr)
        }
    );
}

#[test]
fn only_the_release_config_turns_the_updater_on_and_the_plugin_takes_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(root.join(name)).unwrap()).unwrap()
    };
    // The development config has no updater section: the window leaves the
    // plugin out and Sobre says updates are off.
    let dev = read("tauri.conf.json");
    assert!(dev.pointer("/plugins/updater").is_none(), "{dev}");

    let release = read("tauri.release.conf.json");
    assert_eq!(
        release.pointer("/bundle/createUpdaterArtifacts"),
        Some(&serde_json::json!(true))
    );
    let mut updater = release.pointer("/plugins/updater").unwrap().clone();
    assert_eq!(updater["requireSignedVersion"], serde_json::json!(true));
    let endpoints = updater["endpoints"].as_array().unwrap();
    assert!(!endpoints.is_empty());
    for endpoint in endpoints {
        let endpoint = endpoint.as_str().unwrap();
        assert!(endpoint.starts_with("https://"), "{endpoint}");
        assert!(endpoint.contains("{{current_version}}"), "{endpoint}");
    }
    assert!(updater.get("dangerousInsecureTransportProtocol").is_none());

    // The plugin accepts the section as written once a key is filled in
    // (an invalid section fails the app's start).
    updater["pubkey"] = fixture_text("TEST-ONLY-updater.key.pub").into();
    let mut context = mock_context(noop_assets());
    context
        .config_mut()
        .plugins
        .0
        .insert("updater".into(), updater.clone());
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("the updater plugin takes the release config");
    assert_eq!(
        zapdesk_app::update::availability(
            Some(&updater),
            false,
            zapdesk_app::update::Installed::Package
        ),
        Ok(())
    );
}
