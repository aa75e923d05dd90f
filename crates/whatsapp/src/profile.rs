//! Chromium profiles: one folder per number, kept between runs (that is where
//! WhatsApp Web keeps its login), and the clean-up after a crash: a stale
//! `SingletonLock` is removed only when the process that held it is dead, and
//! Chromium processes left running by an earlier crash of ZapDesk are killed.

use std::fs;
use std::io;
use std::path::Path;

/// Creates the profile folder (private to this user) and removes a stale lock.
pub fn prepare(profile: &Path) -> io::Result<()> {
    fs::create_dir_all(profile)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(profile, fs::Permissions::from_mode(0o700))?;
    }
    remove_stale_lock(profile)
}

/// Chromium's `SingletonLock` is a symlink to `<host>-<pid>`. A crash leaves
/// it behind and the next launch refuses the profile; a live owner means
/// another Chromium really uses it, and then the lock must stay.
fn remove_stale_lock(profile: &Path) -> io::Result<()> {
    let lock = profile.join("SingletonLock");
    let Ok(target) = fs::read_link(&lock) else {
        return Ok(());
    };
    let pid = target
        .to_string_lossy()
        .rsplit('-')
        .next()
        .and_then(|p| p.parse::<u32>().ok());
    if pid.is_some_and(process_alive) {
        return Ok(());
    }
    for name in ["SingletonLock", "SingletonCookie", "SingletonSocket"] {
        match fs::remove_file(profile.join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Deletes a profile: logging out must leave nothing of the session behind.
/// Chromium's helper processes can outlive the browser process by a moment
/// and write into the folder while it is being removed; a few more passes
/// then finish the job.
pub fn remove(profile: &Path) -> io::Result<()> {
    let mut attempt = 0;
    loop {
        match fs::remove_dir_all(profile) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) if attempt < 20 && e.kind() == io::ErrorKind::DirectoryNotEmpty => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Waits (up to `limit`) until no process runs on `profile` any more: the
/// browser's helpers (renderers, GPU, utility) exit a little after it.
/// Linux only; elsewhere it returns at once.
pub async fn wait_released(profile: &Path, limit: std::time::Duration) {
    #[cfg(target_os = "linux")]
    {
        // Any argument naming the profile: the browser and its helpers
        // (`--user-data-dir=…`), and the crash reporter (`--database=…/Crash
        // Reports`), which outlives the browser a moment and would write the
        // folder back after it was removed. Profiles are `profiles/<uuid>`:
        // no other number's path contains this one.
        let needle = profile.display().to_string();
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline && processes_using(&needle) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (profile, limit);
    }
}

#[cfg(target_os = "linux")]
fn processes_using(needle: &str) -> bool {
    let Ok(entries) = fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
            && fs::read(entry.path().join("cmdline")).is_ok_and(|c| {
                String::from_utf8_lossy(&c)
                    .split('\0')
                    .any(|a| a.contains(needle))
            })
    })
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(pid: u32) -> bool {
    // `kill -0` asks whether the process exists without signalling it.
    std::process::Command::new("kill")
        .args(["-0", &pid.to_string()])
        .status()
        .map(|s| s.success())
        .unwrap_or(true)
}

/// Kills Chromium processes whose profile lies under `profiles_root`: at start-up
/// no number runs yet, so any such process was orphaned by an earlier crash.
/// Returns how many were killed. Linux only; elsewhere the OS ends the
/// browser with its parent or the stale-lock clean-up covers the profile.
pub fn kill_orphans(profiles_root: &Path) -> usize {
    #[cfg(target_os = "linux")]
    {
        let needle = format!("--user-data-dir={}", profiles_root.display());
        let Ok(entries) = fs::read_dir("/proc") else {
            return 0;
        };
        let mut killed = 0;
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let args = String::from_utf8_lossy(&cmdline);
            if args.split('\0').any(|a| a.starts_with(&needle)) && pid != std::process::id() {
                let ok = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
                if ok.is_ok_and(|s| s.success()) {
                    killed += 1;
                }
            }
        }
        killed
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = profiles_root;
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_lock_of_a_dead_process_is_removed_a_live_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let profile = dir.path().join("p");
        fs::create_dir_all(&profile).unwrap();
        // pid 2^22+1 is above Linux's pid_max: never alive.
        std::os::unix::fs::symlink("host-4194305", profile.join("SingletonLock")).unwrap();
        prepare(&profile).unwrap();
        assert!(fs::symlink_metadata(profile.join("SingletonLock")).is_err());

        let me = format!("host-{}", std::process::id());
        std::os::unix::fs::symlink(&me, profile.join("SingletonLock")).unwrap();
        prepare(&profile).unwrap();
        assert!(fs::symlink_metadata(profile.join("SingletonLock")).is_ok());
    }
}
