//! Which Chromium-family browser a number runs on: `CHROMIUM_PATH` if set,
//! else the first Chromium, Chrome or Edge found where each system installs
//! them. Edge ships with every Windows and speaks the same DevTools protocol,
//! so a Windows desktop always has one.
//!
//! The search is a pure function of the platform, a few environment values
//! and a view of the file system, so each platform's layout is tested on a
//! fake one on any machine; [`find_here`] runs it on this machine.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// The systems ZapDesk runs on, each with its own install places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Linux,
    Macos,
    Windows,
}

impl Platform {
    /// The system this binary was built for.
    pub fn current() -> Platform {
        if cfg!(target_os = "windows") {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::Macos
        } else {
            Platform::Linux
        }
    }

    fn separator(self) -> char {
        match self {
            Platform::Windows => '\\',
            Platform::Linux | Platform::Macos => '/',
        }
    }
}

/// Which browser a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum BrowserKind {
    Chromium,
    Chrome,
    Edge,
    /// Named by `CHROMIUM_PATH`: whatever the person pointed at.
    Custom,
}

impl BrowserKind {
    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "Chromium",
            BrowserKind::Chrome => "Google Chrome",
            BrowserKind::Edge => "Microsoft Edge",
            BrowserKind::Custom => "Chromium (CHROMIUM_PATH)",
        }
    }
}

/// The environment values the search reads (all optional: a value that is
/// not set only removes the places under it).
#[derive(Debug, Clone, Default)]
pub struct SearchEnv {
    /// `CHROMIUM_PATH`.
    pub chromium_path: Option<PathBuf>,
    /// `HOME` (Linux, macOS): per-user Flatpak and `~/Applications`.
    pub home: Option<String>,
    /// `ProgramFiles`, `ProgramFiles(x86)`, `LOCALAPPDATA` (Windows).
    pub program_files: Option<String>,
    pub program_files_x86: Option<String>,
    pub local_app_data: Option<String>,
}

impl SearchEnv {
    /// Read from this process's environment.
    pub fn from_process() -> SearchEnv {
        let text = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        SearchEnv {
            chromium_path: std::env::var_os("CHROMIUM_PATH")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            home: text("HOME"),
            program_files: text("ProgramFiles"),
            program_files_x86: text("ProgramFiles(x86)"),
            local_app_data: text("LOCALAPPDATA"),
        }
    }
}

/// What the search may ask of the file system.
pub trait FileView {
    /// Whether `path` is a file (following links: `/usr/bin/chromium` often is one).
    fn is_file(&self, path: &Path) -> bool;
}

/// The real file system.
pub struct RealFiles;

impl FileView for RealFiles {
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// A browser found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FoundBrowser {
    pub path: PathBuf,
    pub kind: BrowserKind,
}

/// Why no browser was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotFound {
    /// `CHROMIUM_PATH` names a file that is not there; nothing else was tried
    /// (the person asked for that one).
    ChromiumPathMissing { path: PathBuf },
    /// None of the usual places holds a browser.
    NoneInstalled { searched: Vec<PathBuf> },
}

/// The places looked at, in order of preference: Chromium first (what
/// ZapDesk is tested with), then Chrome, then Edge; system-wide installs
/// before per-user ones, and Flatpak/Snap wrappers last.
pub fn candidates(platform: Platform, env: &SearchEnv) -> Vec<(PathBuf, BrowserKind)> {
    use BrowserKind::{Chrome, Chromium, Edge};
    let sep = platform.separator();
    // Joins with the platform's separator, whatever system runs the search.
    let join = |base: &str, rel: &str| -> PathBuf {
        let base = base.trim_end_matches(sep);
        PathBuf::from(format!("{base}{sep}{}", rel.replace('/', &sep.to_string())))
    };
    let mut list: Vec<(PathBuf, BrowserKind)> = Vec::new();
    match platform {
        Platform::Linux => {
            for (path, kind) in [
                ("/usr/bin/chromium", Chromium),
                ("/usr/bin/chromium-browser", Chromium),
                ("/usr/bin/google-chrome-stable", Chrome),
                ("/usr/bin/google-chrome", Chrome),
                ("/opt/google/chrome/chrome", Chrome),
                ("/usr/bin/microsoft-edge-stable", Edge),
                ("/usr/bin/microsoft-edge", Edge),
                ("/opt/microsoft/msedge/msedge", Edge),
                ("/snap/bin/chromium", Chromium),
                (
                    "/var/lib/flatpak/exports/bin/org.chromium.Chromium",
                    Chromium,
                ),
                ("/var/lib/flatpak/exports/bin/com.google.Chrome", Chrome),
                ("/var/lib/flatpak/exports/bin/com.microsoft.Edge", Edge),
            ] {
                list.push((PathBuf::from(path), kind));
            }
            if let Some(home) = &env.home {
                for (rel, kind) in [
                    (
                        ".local/share/flatpak/exports/bin/org.chromium.Chromium",
                        Chromium,
                    ),
                    (".local/share/flatpak/exports/bin/com.google.Chrome", Chrome),
                    (".local/share/flatpak/exports/bin/com.microsoft.Edge", Edge),
                ] {
                    list.push((join(home, rel), kind));
                }
            }
        }
        Platform::Macos => {
            let apps = [
                ("Chromium.app/Contents/MacOS/Chromium", Chromium),
                ("Google Chrome.app/Contents/MacOS/Google Chrome", Chrome),
                ("Microsoft Edge.app/Contents/MacOS/Microsoft Edge", Edge),
            ];
            for (rel, kind) in apps {
                list.push((join("/Applications", rel), kind));
            }
            if let Some(home) = &env.home {
                for (rel, kind) in apps {
                    list.push((
                        join(&join(home, "Applications").to_string_lossy(), rel),
                        kind,
                    ));
                }
            }
        }
        Platform::Windows => {
            let bases = [
                env.program_files.as_deref(),
                env.program_files_x86.as_deref(),
                env.local_app_data.as_deref(),
            ];
            for (rel, kind) in [
                ("Chromium/Application/chrome.exe", Chromium),
                ("Google/Chrome/Application/chrome.exe", Chrome),
                ("Microsoft/Edge/Application/msedge.exe", Edge),
            ] {
                for base in bases.iter().flatten() {
                    list.push((join(base, rel), kind));
                }
            }
        }
    }
    list
}

/// The browser numbers run on, or why there is none.
pub fn find(
    platform: Platform,
    env: &SearchEnv,
    files: &dyn FileView,
) -> Result<FoundBrowser, NotFound> {
    if let Some(path) = &env.chromium_path {
        return if files.is_file(path) {
            Ok(FoundBrowser {
                path: path.clone(),
                kind: BrowserKind::Custom,
            })
        } else {
            Err(NotFound::ChromiumPathMissing { path: path.clone() })
        };
    }
    let list = candidates(platform, env);
    list.iter()
        .find(|(path, _)| files.is_file(path))
        .map(|(path, kind)| FoundBrowser {
            path: path.clone(),
            kind: *kind,
        })
        .ok_or_else(|| NotFound::NoneInstalled {
            searched: list.into_iter().map(|(path, _)| path).collect(),
        })
}

/// [`find`] on this machine.
pub fn find_here() -> Result<FoundBrowser, NotFound> {
    find(Platform::current(), &SearchEnv::from_process(), &RealFiles)
}

/// The version in a browser's `--version` line ("Chromium 140.0.7339.185
/// built on Debian…", "Google Chrome 140.0.7339.127 ", "Microsoft Edge
/// 140.0.3485.54"): the first word made of digits and dots with at least one dot.
pub fn version_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
        .find(|w| {
            w.contains('.')
                && w.chars().all(|c| c.is_ascii_digit() || c == '.')
                && w.split('.').all(|part| !part.is_empty())
        })
        .map(str::to_owned)
}

/// The browser's version: on Windows from the version-named folder its
/// installer puts beside the program (`chrome.exe` and `msedge.exe` print
/// nothing for `--version` there and open a browser window instead, which
/// `output()` would wait on until the user closed it); elsewhere by asking
/// it (`--version`). Callers bound the wait: a wrapper script may hang.
pub fn version_of(path: &Path) -> Option<String> {
    if cfg!(windows) {
        return version_beside(path);
    }
    let output = std::process::Command::new(path)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    version_in(&String::from_utf8_lossy(&output.stdout))
}

/// The highest version-named folder next to `path` (`120.0.6099.110`).
fn version_beside(path: &Path) -> Option<String> {
    let entries = std::fs::read_dir(path.parent()?).ok()?;
    entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|name| version_in(name).as_deref() == Some(name.as_str()))
        .max_by_key(|name| {
            name.split('.')
                .map(|part| part.parse::<u64>().unwrap_or(0))
                .collect::<Vec<_>>()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A file system holding only the given files.
    struct Fake(HashSet<PathBuf>);

    impl Fake {
        fn with(files: &[&str]) -> Fake {
            Fake(files.iter().map(PathBuf::from).collect())
        }
    }

    impl FileView for Fake {
        fn is_file(&self, path: &Path) -> bool {
            self.0.contains(path)
        }
    }

    fn linux_env() -> SearchEnv {
        SearchEnv {
            home: Some("/home/ana".into()),
            ..SearchEnv::default()
        }
    }

    fn windows_env() -> SearchEnv {
        SearchEnv {
            program_files: Some(r"C:\Program Files".into()),
            program_files_x86: Some(r"C:\Program Files (x86)".into()),
            local_app_data: Some(r"C:\Users\Ana\AppData\Local".into()),
            ..SearchEnv::default()
        }
    }

    fn found(path: &str, kind: BrowserKind) -> Result<FoundBrowser, NotFound> {
        Ok(FoundBrowser {
            path: PathBuf::from(path),
            kind,
        })
    }

    #[test]
    fn linux_prefers_chromium_then_chrome_then_edge() {
        let env = linux_env();
        let all = Fake::with(&[
            "/usr/bin/microsoft-edge",
            "/usr/bin/google-chrome-stable",
            "/usr/bin/chromium-browser",
        ]);
        assert_eq!(
            find(Platform::Linux, &env, &all),
            found("/usr/bin/chromium-browser", BrowserKind::Chromium)
        );
        let chrome_and_edge = Fake::with(&["/usr/bin/microsoft-edge", "/usr/bin/google-chrome"]);
        assert_eq!(
            find(Platform::Linux, &env, &chrome_and_edge),
            found("/usr/bin/google-chrome", BrowserKind::Chrome)
        );
        let edge = Fake::with(&["/usr/bin/microsoft-edge-stable"]);
        assert_eq!(
            find(Platform::Linux, &env, &edge),
            found("/usr/bin/microsoft-edge-stable", BrowserKind::Edge)
        );
    }

    #[test]
    fn linux_finds_snap_and_flatpak_installs() {
        let env = linux_env();
        assert_eq!(
            find(Platform::Linux, &env, &Fake::with(&["/snap/bin/chromium"])),
            found("/snap/bin/chromium", BrowserKind::Chromium)
        );
        let user_flatpak = "/home/ana/.local/share/flatpak/exports/bin/com.google.Chrome";
        assert_eq!(
            find(Platform::Linux, &env, &Fake::with(&[user_flatpak])),
            found(user_flatpak, BrowserKind::Chrome)
        );
        let system_flatpak = "/var/lib/flatpak/exports/bin/org.chromium.Chromium";
        assert_eq!(
            find(Platform::Linux, &env, &Fake::with(&[system_flatpak])),
            found(system_flatpak, BrowserKind::Chromium)
        );
    }

    #[test]
    fn macos_looks_in_both_applications_folders() {
        let env = SearchEnv {
            home: Some("/Users/ana".into()),
            ..SearchEnv::default()
        };
        let system = Fake::with(&[
            "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        ]);
        assert_eq!(
            find(Platform::Macos, &env, &system),
            found(
                "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                BrowserKind::Chrome
            )
        );
        let per_user =
            Fake::with(&["/Users/ana/Applications/Chromium.app/Contents/MacOS/Chromium"]);
        assert_eq!(
            find(Platform::Macos, &env, &per_user),
            found(
                "/Users/ana/Applications/Chromium.app/Contents/MacOS/Chromium",
                BrowserKind::Chromium
            )
        );
    }

    #[test]
    fn windows_finds_edge_when_nothing_else_is_installed() {
        let env = windows_env();
        let edge_only =
            Fake::with(&[r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"]);
        assert_eq!(
            find(Platform::Windows, &env, &edge_only),
            found(
                r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
                BrowserKind::Edge
            )
        );
        // A per-user Chrome (installed without admin rights) wins over Edge.
        let user_chrome = Fake::with(&[
            r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
            r"C:\Users\Ana\AppData\Local\Google\Chrome\Application\chrome.exe",
        ]);
        assert_eq!(
            find(Platform::Windows, &env, &user_chrome),
            found(
                r"C:\Users\Ana\AppData\Local\Google\Chrome\Application\chrome.exe",
                BrowserKind::Chrome
            )
        );
        let chromium = Fake::with(&[
            r"C:\Program Files\Google\Chrome\Application\chrome.exe",
            r"C:\Users\Ana\AppData\Local\Chromium\Application\chrome.exe",
        ]);
        assert_eq!(
            find(Platform::Windows, &env, &chromium),
            found(
                r"C:\Users\Ana\AppData\Local\Chromium\Application\chrome.exe",
                BrowserKind::Chromium
            )
        );
    }

    #[test]
    fn nothing_installed_lists_what_was_searched() {
        let Err(NotFound::NoneInstalled { searched }) =
            find(Platform::Windows, &windows_env(), &Fake::with(&[]))
        else {
            panic!("found a browser on an empty disk");
        };
        assert_eq!(searched.len(), 9);
        assert!(searched.contains(&PathBuf::from(
            r"C:\Program Files\Microsoft\Edge\Application\msedge.exe"
        )));
        // Without the environment values, their places are not guessed.
        let Err(NotFound::NoneInstalled { searched }) =
            find(Platform::Windows, &SearchEnv::default(), &Fake::with(&[]))
        else {
            panic!("found a browser on an empty disk");
        };
        assert!(searched.is_empty());
    }

    #[test]
    fn chromium_path_wins_and_a_wrong_one_is_said() {
        let env = SearchEnv {
            chromium_path: Some("/opt/custom/chrome".into()),
            ..linux_env()
        };
        let both = Fake::with(&["/opt/custom/chrome", "/usr/bin/chromium"]);
        assert_eq!(
            find(Platform::Linux, &env, &both),
            found("/opt/custom/chrome", BrowserKind::Custom)
        );
        assert_eq!(
            find(Platform::Linux, &env, &Fake::with(&["/usr/bin/chromium"])),
            Err(NotFound::ChromiumPathMissing {
                path: "/opt/custom/chrome".into()
            })
        );
    }

    #[test]
    fn version_is_read_from_each_browsers_line() {
        assert_eq!(
            version_in("Chromium 140.0.7339.185 built on Debian GNU/Linux 13 (trixie)\n")
                .as_deref(),
            Some("140.0.7339.185")
        );
        assert_eq!(
            version_in("Google Chrome 140.0.7339.127 \n").as_deref(),
            Some("140.0.7339.127")
        );
        assert_eq!(
            version_in("Microsoft Edge 140.0.3485.54").as_deref(),
            Some("140.0.3485.54")
        );
        assert_eq!(version_in(""), None);
        assert_eq!(version_in("Chromium"), None);
    }

    #[test]
    fn the_real_chromium_reports_its_version() {
        // The machine's own browser (the team's tests run on /usr/bin/chromium).
        let path = std::env::var_os("CHROMIUM_PATH")
            .map(PathBuf::from)
            .unwrap_or_else(|| "/usr/bin/chromium".into());
        let version = version_of(&path).expect("a version from --version");
        assert!(version.split('.').count() >= 3, "{version}");
    }

    #[test]
    fn the_version_beside_a_windows_browser_is_its_highest_version_folder() {
        let dir = tempfile::tempdir().unwrap();
        for folder in [
            "99.0.1.2",
            "120.0.6099.110",
            "120.0.612.9",
            "SetupMetrics",
            "Locales",
        ] {
            std::fs::create_dir(dir.path().join(folder)).unwrap();
        }
        std::fs::write(dir.path().join("121.0.0.1"), b"a file, not a folder").unwrap();
        let exe = dir.path().join("chrome.exe");
        assert_eq!(version_beside(&exe).as_deref(), Some("120.0.6099.110"));
        assert_eq!(
            version_beside(&dir.path().join("none").join("msedge.exe")),
            None
        );
    }
}
