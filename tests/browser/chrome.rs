//! Headless Chromium, driven over the DevTools protocol by `headless_chrome`.
//!
//! `Chrome::launch()` starts Debian's `/usr/bin/chromium` (or `$CHROME`) with a fresh profile and
//! fails with an install hint when it is missing. `Page` wraps one tab with the few verbs the
//! tests need: open a URL, set the viewport and colour scheme, evaluate JS as JSON, wait for a
//! condition (bounded poll), click, and save a screenshot.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::{Browser, Emulation, Page as Cdp, Runtime};
use headless_chrome::{LaunchOptions, Tab};
use serde::de::DeserializeOwned;

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// Runs before the page's own scripts: collects uncaught errors, rejections, failed loads and
/// what a Content-Security-Policy blocked.
const ERROR_RECORDER: &str = "window.__carnetErrors = [];
addEventListener('error', (e) => window.__carnetErrors.push(e.message
  || 'failed to load ' + ((e.target && (e.target.src || e.target.href)) || '?')), true);
addEventListener('unhandledrejection', (e) => window.__carnetErrors.push('unhandled rejection: ' + e.reason));
addEventListener('securitypolicyviolation', (e) => window.__carnetErrors.push('Content-Security-Policy blocked '
  + (e.blockedURI || 'inline') + ' (' + e.violatedDirective + ')'), true);";

/// At most this many Chromium processes at once, whatever the number of test threads.
const MAX_BROWSERS: usize = 3;

static RUNNING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// A place among the `MAX_BROWSERS`, given back on drop.
struct Permit;

impl Permit {
    fn take() -> Permit {
        let (count, freed) = &RUNNING;
        let mut running = freed
            .wait_while(count.lock().unwrap_or_else(|e| e.into_inner()), |n| *n >= MAX_BROWSERS)
            .unwrap_or_else(|e| e.into_inner());
        *running += 1;
        Permit
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let (count, freed) = &RUNNING;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

pub struct Chrome {
    /// Taken on drop, so that Chromium is gone before its profile is removed.
    browser: Option<headless_chrome::Browser>,
    profile: Option<tempfile::TempDir>,
    _permit: Permit,
}

impl Drop for Chrome {
    /// Closes Chromium, ends the helper processes it leaves (they hold its profile on their
    /// command line), then removes the profile: removed at once, the folder was left behind in
    /// /tmp whenever a helper was still writing into it.
    fn drop(&mut self) {
        drop(self.browser.take());
        let Some(profile) = self.profile.take() else { return };
        let dir = profile.keep();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let left = processes_naming(&dir);
            if left.is_empty() || Instant::now() > deadline {
                break;
            }
            let _ = std::process::Command::new("kill").arg("-9").args(&left).status();
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The processes (pids) whose command line names `dir`.
fn processes_naming(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|line| String::from_utf8_lossy(&line).contains(&needle))
        })
        .collect()
}

impl Chrome {
    /// Starts headless Chromium; panics with an install hint when it is not there.
    pub fn launch() -> Chrome {
        let path = chromium_path();
        let permit = Permit::take();
        let profile =
            tempfile::Builder::new().prefix("carnet-chromium-").tempdir().expect("temp profile dir");
        let args: Vec<&OsStr> = [
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
        ]
        .iter()
        .map(OsStr::new)
        .collect();
        // Chromium's own temporary files (its singleton socket folder, left behind when the
        // browser is stopped) go inside the profile folder, which is removed with it, not /tmp.
        let temp = profile.path().join("tmp");
        std::fs::create_dir(&temp).expect("Chromium's temporary folder");
        let envs = HashMap::from([("TMPDIR".to_string(), temp.to_string_lossy().into_owned())]);
        let options = LaunchOptions::default_builder()
            .path(Some(path.clone()))
            .headless(true)
            .sandbox(false)
            .args(args)
            .user_data_dir(Some(profile.path().to_path_buf()))
            .process_envs(Some(envs))
            .window_size(Some((1280, 800)))
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .expect("valid Chromium launch options");
        let browser = headless_chrome::Browser::new(options)
            .unwrap_or_else(|e| panic!("cannot start Chromium at {}: {e:#}", path.display()));
        Chrome { browser: Some(browser), profile: Some(profile), _permit: permit }
    }

    /// A new tab, recording uncaught JS errors and failed resource loads of every page it opens.
    pub fn page(&self) -> Page {
        let tab = self.browser.as_ref().expect("Chromium is running").new_tab().expect("open a Chromium tab");
        tab.set_default_timeout(TIMEOUT);
        tab.call_method(Cdp::AddScriptToEvaluateOnNewDocument {
            source: ERROR_RECORDER.to_string(),
            world_name: None,
            include_command_line_api: None,
            run_immediately: None,
        })
        .expect("Page.addScriptToEvaluateOnNewDocument");
        Page { tab }
    }
}

/// Prints to the real stderr, which `cargo test` does not capture (unlike `println!` and
/// `eprintln!`), so a passing run still says where its screenshots are.
pub fn tell(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// `$CHROME`, else Debian's Chromium; a missing browser is a failure, never a skip.
fn chromium_path() -> PathBuf {
    let path = std::env::var_os("CHROME").map_or_else(|| PathBuf::from(DEFAULT_CHROMIUM), PathBuf::from);
    if !path.is_file() {
        let message = format!(
            "Chromium not found at {}: the browser tests need it and are never skipped.\n\
             Install Debian's `chromium` package (`sudo apt-get install chromium`, as .ci/run does),\n\
             or set CHROME to the path of a Chromium/Chrome binary.",
            path.display()
        );
        eprintln!("{message}");
        panic!("{message}");
    }
    path
}

pub struct Page {
    pub tab: Arc<Tab>,
}

impl Page {
    /// Loads `url` as a new document and waits until it has loaded (not for the network to idle).
    pub fn open(&self, url: &str) -> &Self {
        let document = |u: &str| u.split('#').next().unwrap_or("").to_string();
        if document(&self.url()) == document(url) && url.contains('#') {
            // Only the fragment would change: that is a scroll, not a load.
            self.open("about:blank");
        }
        self.leave();
        self.tab.navigate_to(url).unwrap_or_else(|e| panic!("cannot load {url}: {e:#}"));
        self.wait_loaded(url)
    }

    /// Reloads the page and waits until it has loaded again.
    pub fn reload(&self) -> &Self {
        let url = self.url();
        self.leave();
        self.tab.reload(false, None).unwrap_or_else(|e| panic!("cannot reload {url}: {e:#}"));
        self.wait_loaded(&url)
    }

    /// Marks the current document, so that `wait_loaded` knows when it is gone.
    fn leave(&self) {
        let _ = self.tab.evaluate("window.__carnetLeaving = true", false);
    }

    fn wait_loaded(&self, url: &str) -> &Self {
        self.wait_until(
            "!window.__carnetLeaving && document.readyState === 'complete'",
            &format!("{url} to load"),
        );
        self
    }

    pub fn url(&self) -> String {
        self.eval("location.href")
    }

    /// Sets the viewport, in CSS pixels at scale 1 (a desktop window when `mobile` is false).
    pub fn viewport(&self, width: u32, height: u32, mobile: bool) -> &Self {
        self.tab
            .call_method(Emulation::SetDeviceMetricsOverride {
                width,
                height,
                device_scale_factor: 1.0,
                mobile,
                scale: None,
                screen_width: None,
                screen_height: None,
                position_x: None,
                position_y: None,
                dont_set_visible_size: None,
                screen_orientation: None,
                viewport: None,
                display_feature: None,
                device_posture: None,
            })
            .expect("Emulation.setDeviceMetricsOverride");
        self
    }

    /// Emulates the system colour scheme (`prefers-color-scheme`).
    pub fn color_scheme(&self, scheme: &str) -> &Self {
        self.emulate_media(None, scheme)
    }

    /// Emulates a CSS media type (`print`) or none, with a colour scheme.
    pub fn emulate_media(&self, media: Option<&str>, scheme: &str) -> &Self {
        self.tab
            .call_method(Emulation::SetEmulatedMedia {
                media: media.map(str::to_string),
                features: Some(vec![Emulation::MediaFeature {
                    name: "prefers-color-scheme".into(),
                    value: scheme.into(),
                }]),
            })
            .expect("Emulation.setEmulatedMedia");
        self
    }

    /// Evaluates a JS expression (a promise is awaited) and decodes its value from JSON.
    pub fn eval<T: DeserializeOwned>(&self, expression: &str) -> T {
        self.try_eval(expression).unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_eval<T: DeserializeOwned>(&self, expression: &str) -> Result<T, String> {
        let wrapped = format!("(async () => JSON.stringify(await ({expression})))()");
        let result =
            self.tab.evaluate(&wrapped, true).map_err(|e| format!("evaluate `{expression}`: {e:#}"))?;
        if result.subtype == Some(Runtime::RemoteObjectSubtype::Error) {
            return Err(format!("JS error in `{expression}`: {}", result.description.unwrap_or_default()));
        }
        let json = match result.value {
            Some(serde_json::Value::String(json)) => json,
            // JSON.stringify(undefined) is undefined.
            _ => "null".to_string(),
        };
        serde_json::from_str(&json).map_err(|e| format!("`{expression}` gave {json}: {e}"))
    }

    /// Runs JS statements for their effect.
    pub fn run(&self, script: &str) {
        let _: serde_json::Value = self.eval(&format!("(() => {{ {script} }})()"));
    }

    /// Polls a JS condition until it is true; fails after `TIMEOUT`, saying what was awaited.
    /// Errors while polling (a document being replaced) count as "not yet".
    pub fn wait_until(&self, condition: &str, what: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let last = self.try_eval::<bool>(&format!("!!({condition})"));
            if last == Ok(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {TIMEOUT:?} waiting for {what} (`{condition}`, last: {last:?})"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Saves downloads of this page into `dir` (without asking).
    pub fn download_into(&self, dir: &Path) -> &Self {
        self.tab
            .call_method(Browser::SetDownloadBehavior {
                behavior: Browser::SetDownloadBehaviorBehaviorOption::Allow,
                browser_context_id: None,
                download_path: Some(dir.display().to_string()),
                events_enabled: None,
            })
            .expect("Browser.setDownloadBehavior");
        self
    }

    /// Lets the page at `origin` read and write the (headless, in-memory) clipboard.
    pub fn allow_clipboard(&self, origin: &str) -> &Self {
        self.tab
            .call_method(Browser::GrantPermissions {
                permissions: vec![
                    Browser::PermissionType::ClipboardReadWrite,
                    Browser::PermissionType::ClipboardSanitizedWrite,
                ],
                origin: Some(origin.trim_end_matches('/').to_string()),
                browser_context_id: None,
            })
            .expect("Browser.grantPermissions");
        self
    }

    /// Uncaught JS errors and failed resource loads of the current page.
    pub fn errors(&self) -> Vec<String> {
        self.eval("window.__carnetErrors || ['the error recorder did not run']")
    }

    /// Presses a key (a real key event, sent to the focused element).
    pub fn press(&self, key: &str) {
        self.tab.press_key(key).unwrap_or_else(|e| panic!("cannot press {key}: {e:#}"));
    }

    /// Clicks the first element matching `selector` with a real mouse click (scrolled into view).
    pub fn click(&self, selector: &str) {
        self.tab
            .wait_for_element(selector)
            .and_then(|e| e.click().map(|_| ()))
            .unwrap_or_else(|e| panic!("cannot click {selector}: {e:#}"));
    }

    /// Saves a PNG of the whole page (not only the viewport) to `path`.
    pub fn screenshot(&self, path: &Path) {
        let (width, height): (f64, f64) =
            self.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
        let clip = Cdp::Viewport { x: 0.0, y: 0.0, width, height, scale: 1.0 };
        let data = self
            .tab
            .call_method(Cdp::CaptureScreenshot {
                format: Some(Cdp::CaptureScreenshotFormatOption::Png),
                quality: None,
                clip: Some(clip),
                from_surface: Some(true),
                capture_beyond_viewport: Some(true),
                optimize_for_speed: None,
            })
            .unwrap_or_else(|e| panic!("screenshot {}: {e:#}", path.display()))
            .data;
        let png = base64_decode(&data);
        std::fs::write(path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// Decodes standard base64 (the DevTools protocol's encoding of binary data).
fn base64_decode(text: &str) -> Vec<u8> {
    let sextet = |byte: u8| -> u32 {
        u32::from(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("invalid base64 byte {byte} from Chromium"),
        })
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0);
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace() && *b != b'=') {
        bits = (bits << 6) | sextet(byte);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
