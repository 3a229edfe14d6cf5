//! Alertmanager configurations: what `amtool check-config` checks.

use crate::Problem;

/// The problems `amtool check-config` would report for `yaml` (an
/// `alertmanager.yml`), each at its line.
pub fn check_config(yaml: &str) -> Vec<Problem> {
    match crate::yaml::parse(yaml) {
        Ok(_) => Vec::new(),
        Err(p) => vec![p],
    }
}
