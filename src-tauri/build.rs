//! The Tauri config lives at the repository root (the layout the product card
//! asks for); tauri-build is told where, and the codegen macro in `lib.rs`
//! reads the same file, so paths in it (`ui/dist`, `icons/`) are root-relative.

fn main() {
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
