//! `sqlx::migrate!` embeds migrations/postgres at compile time, but cargo does
//! not know the folder is an input: without this, an incremental build keeps
//! the old list and a new migration is silently missing from the binary.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations/postgres");
}
