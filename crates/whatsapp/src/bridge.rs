//! The script injected into WhatsApp Web. For a real number it is
//! @wppconnect/wa-js (Apache-2.0, version pinned in `bridge/package.json`,
//! read at build time by `build.rs`) followed by `assets/bridge.js`; for a
//! Sandbox number only the bridge, because the fake page brings its own `WPP`.

const BRIDGE: &str = include_str!("../assets/bridge.js");
const WA_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/wppconnect-wa.js"));

/// The init script for a number.
pub fn init_script(sandbox: bool, media_limit: u64) -> String {
    let config = format!("window.__zapdeskConfig = {{ mediaLimit: {media_limit} }};\n");
    if sandbox {
        format!("{config}{BRIDGE}")
    } else {
        format!("{config}{WA_JS}\n;\n{BRIDGE}")
    }
}

/// The version of wa-js embedded in this build.
pub fn wa_js_version() -> &'static str {
    env!("ZAPDESK_WA_JS_VERSION")
}
