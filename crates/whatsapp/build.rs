//! Embeds @wppconnect/wa-js into the binary: copies its browser bundle from
//! `bridge/node_modules` (installed by `npm ci` in `crates/whatsapp/bridge`,
//! which the setup scripts run) into OUT_DIR and records its version.

use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let package = Path::new(&manifest).join("bridge/node_modules/@wppconnect/wa-js");
    let bundle = package.join("dist/wppconnect-wa.js");
    println!("cargo:rerun-if-changed={}", bundle.display());
    println!("cargo:rerun-if-changed=bridge/package-lock.json");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("wppconnect-wa.js");
    if let Err(e) = std::fs::copy(&bundle, &out) {
        panic!(
            "@wppconnect/wa-js is not installed ({}: {e}).\n\
             Run `npm ci` in crates/whatsapp/bridge (scripts/test-all.sh and scripts/run-app.sh do).",
            bundle.display()
        );
    }
    let version = std::fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.trim_start().starts_with("\"version\""))
                .and_then(|l| l.split('"').nth(3).map(str::to_owned))
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=ZAPDESK_WA_JS_VERSION={version}");
}
