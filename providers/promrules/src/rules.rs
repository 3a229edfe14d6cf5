//! Prometheus rule files: what `promtool check rules` checks.

use crate::Problem;

/// The problems `promtool check rules` would report for the rule file
/// `yaml`, each at its line.
pub fn check_file(yaml: &str) -> Vec<Problem> {
    match crate::yaml::parse(yaml) {
        Ok(_) => Vec::new(),
        Err(p) => vec![p],
    }
}
