//! A Tauri window and nothing else: what ZapDesk's idle memory is compared
//! against (bench/installers.sh).

fn main() {
    if let Err(error) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("minimal-window: {error}");
        std::process::exit(1);
    }
}
