//! The `prometheus` provider against a real Prometheus (Debian's package)
//! on loopback: rule groups written, reloaded, verified, drifted, imported
//! and destroyed; bad rules refused before anything is written; rule tests
//! run by promtool; an alert proven to fire on scraped samples.

use crate::prom_support::*;
use crate::support::*;
use std::time::Duration;

#[test]
fn the_test_servers_start_on_loopback_and_reload() {
    if !installed("prometheus") || !installed("prometheus-alertmanager") {
        return;
    }
    let d = TempDir::with_files("prom-servers", &[]);
    let prom = prometheus(d.path(), &d.path().join("rules"), "1s", None, None);
    assert_eq!(http_post(&format!("{}/-/reload", prom.url), "text/plain", "").map(|r| r.0), Some(200));
    std::fs::write(d.path().join("am.yml"), "route:\n  receiver: none\nreceivers:\n  - name: none\n").unwrap();
    let am = alertmanager(d.path(), &d.path().join("am.yml"));
    let status = eventually(Duration::from_secs(5), || http_get(&format!("{}/api/v2/status", am.url)));
    assert!(status.is_some_and(|(code, body)| code == 200 && body.contains("receiver: none")));
}
