//! A real Prometheus and Alertmanager (Debian's `prometheus` and
//! `prometheus-alertmanager` packages, which `.ci/run` installs) started on
//! 127.0.0.1 for one test, with `--web.enable-lifecycle`, their data in the
//! test's directory, stopped when the test ends (and by `timeout` after 30
//! minutes at the latest). Without the packages the tests are skipped,
//! unless `STRATA_REQUIRE_PROMETHEUS` is set (CI sets it).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub url: String,
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `binary` is installed; if not, the test says so and is skipped
/// (or fails, where CI requires the packages).
pub fn installed(binary: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(binary).is_file()));
    if !found {
        assert!(
            std::env::var_os("STRATA_REQUIRE_PROMETHEUS").is_none(),
            "{binary} is not installed (Debian: apt-get install prometheus prometheus-alertmanager)"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("note: {binary} is not installed; test skipped");
        }
    }
    found
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn log_file(name: &str) -> Stdio {
    match std::env::var_os("STRATA_TEST_LOG_DIR") {
        Some(dir) => std::fs::File::create(PathBuf::from(dir).join(format!("{name}.log")))
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null()),
        None => Stdio::null(),
    }
}

/// Polls `url` until it answers 200 (30 s at most).
fn wait_ready(url: &str, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited at start ({status}); see its log in STRATA_TEST_LOG_DIR");
        }
        if http_get(url).is_some_and(|(status, _)| status == 200) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not answer on {url} within 30 s");
}

/// A plain HTTP/1.0 GET on loopback: (status, body).
pub fn http_get(url: &str) -> Option<(u16, String)> {
    http("GET", url, None)
}

pub fn http_post(url: &str, content_type: &str, body: &str) -> Option<(u16, String)> {
    http("POST", url, Some((content_type, body)))
}

fn http(method: &str, url: &str, body: Option<(&str, &str)>) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut s = std::net::TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut req = format!("{method} {path} HTTP/1.0\r\nHost: {host}\r\n");
    if let Some((ct, b)) = body {
        req.push_str(&format!("Content-Type: {ct}\r\nContent-Length: {}\r\n\r\n{b}", b.len()));
    } else {
        req.push_str("\r\n");
    }
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

/// Prometheus loading every `*.yml` in `rules_dir`, evaluating every
/// `evaluation_interval`, scraping `scrape_target` (host:port) when given,
/// and sending alerts to `alertmanager` when given.
pub fn prometheus(
    work: &Path,
    rules_dir: &Path,
    evaluation_interval: &str,
    scrape_target: Option<&str>,
    alertmanager: Option<&str>,
) -> Server {
    let port = free_port();
    let data = work.join(format!("prometheus-data-{port}"));
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(rules_dir).unwrap();
    let mut config = format!(
        "global:\n  scrape_interval: {evaluation_interval}\n  evaluation_interval: {evaluation_interval}\nrule_files:\n  - {}/*.yml\n",
        rules_dir.display()
    );
    if let Some(target) = scrape_target {
        config.push_str(&format!(
            "scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [\"{target}\"]\n"
        ));
    }
    if let Some(am) = alertmanager {
        let am = am.trim_start_matches("http://");
        config
            .push_str(&format!("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"{am}\"]\n"));
    }
    let config_file = work.join(format!("prometheus-{port}.yml"));
    std::fs::write(&config_file, config).unwrap();
    let mut child = Command::new("timeout")
        .arg("1800")
        .arg("prometheus")
        .arg(format!("--config.file={}", config_file.display()))
        .arg(format!("--storage.tsdb.path={}", data.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--web.enable-lifecycle")
        .stdout(Stdio::null())
        .stderr(log_file(&format!("prometheus-{port}")))
        .spawn()
        .expect("prometheus starts");
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&format!("{url}/-/ready"), "prometheus", &mut child);
    Server { url, child }
}

/// Alertmanager reading `config_file` (which must exist), clustering off.
pub fn alertmanager(work: &Path, config_file: &Path) -> Server {
    let port = free_port();
    let data = work.join(format!("alertmanager-data-{port}"));
    std::fs::create_dir_all(&data).unwrap();
    let mut child = Command::new("timeout")
        .arg("1800")
        .arg("prometheus-alertmanager")
        .arg(format!("--config.file={}", config_file.display()))
        .arg(format!("--storage.path={}", data.display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .stdout(Stdio::null())
        .stderr(log_file(&format!("alertmanager-{port}")))
        .spawn()
        .expect("prometheus-alertmanager starts");
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&format!("{url}/-/ready"), "alertmanager", &mut child);
    Server { url, child }
}

/// Polls `check` every 200 ms until it returns `Some` or `limit` passes.
pub fn eventually<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A scrape target on loopback serving `metrics` (changeable while it
/// runs) as Prometheus's text format; stops when dropped.
pub struct MetricsTarget {
    pub addr: String,
    pub metrics: std::sync::Arc<std::sync::Mutex<String>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for MetricsTarget {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

pub fn metrics_target(initial: &str) -> MetricsTarget {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let metrics = Arc::new(Mutex::new(initial.to_string()));
    let stop = Arc::new(AtomicBool::new(false));
    let (m, s) = (metrics.clone(), stop.clone());
    std::thread::spawn(move || {
        // Bounded: 15 minutes at most, or until the test drops it.
        let deadline = Instant::now() + Duration::from_secs(900);
        while !s.load(Ordering::Relaxed) && Instant::now() < deadline {
            match listener.accept() {
                Ok((mut conn, _)) => {
                    let _ = conn.set_nonblocking(false);
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                    let mut buf = [0u8; 4096];
                    let _ = conn.read(&mut buf);
                    let body = m.lock().unwrap().clone();
                    let _ = conn.write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    );
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    });
    MetricsTarget { addr, metrics, stop }
}

/// Copies the repository's `modules/<name>` into `dir/modules/<name>`.
pub fn copy_module(dir: &Path, name: &str) {
    let from = crate::support::repo_root().join("modules").join(name);
    let to = dir.join("modules").join(name);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}
