//! Which providers each module of the configuration requires, and with
//! which version constraints (`strata providers`, as `terraform providers`).

use std::collections::{BTreeMap, BTreeSet};
use strata_config::ModuleTree;

/// One module's provider requirements, and its children's.
#[derive(Debug, Default)]
pub struct ModuleRequirements {
    /// Provider address (`registry.terraform.io/hashicorp/aws`) → its
    /// version constraints, as Terraform prints them.
    pub providers: BTreeMap<String, String>,
    pub children: BTreeMap<String, ModuleRequirements>,
}

/// The requirements of every module in `tree`: `required_providers`
/// entries, and the providers its resources, data sources and provider
/// blocks imply.
pub fn provider_requirements(tree: &ModuleTree, root: &strata_config::Module) -> ModuleRequirements {
    let m = &tree.module;
    let mut constraints: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |source: String, version: Option<&str>| {
        let entry = constraints.entry(provider_address(&source)).or_default();
        entry.extend(version.map(String::from));
    };
    for t in &m.terraform {
        for rp in t.required_providers.values() {
            add(rp.source.clone(), rp.version.as_deref());
        }
    }
    for r in &m.resources {
        let key = crate::resources::provider_key(r);
        let local = key.split('.').next().unwrap_or(&key);
        add(crate::resources::provider_source(m, root, local), None);
    }
    for p in &m.providers {
        add(crate::resources::provider_source(m, root, &p.name), None);
    }
    ModuleRequirements {
        providers: constraints.into_iter().map(|(a, c)| (a, constraints_string(&c))).collect(),
        children: tree.children.iter().map(|(n, c)| (n.clone(), provider_requirements(c, root))).collect(),
    }
}

/// `hashicorp/aws` → `registry.terraform.io/hashicorp/aws`.
pub fn provider_address(source: &str) -> String {
    if source.split('/').count() >= 3 {
        source.to_string()
    } else {
        format!("registry.terraform.io/{source}")
    }
}

/// Constraints as Terraform prints them: every part, sorted by version,
/// versions written out to three parts (but `~>` as given), `=` left out.
fn constraints_string(all: &[String]) -> String {
    let mut parts: BTreeSet<(Vec<u64>, String)> = BTreeSet::new();
    for c in all {
        for raw in c.split(',') {
            let raw = raw.trim();
            let op_len = raw.find(|ch: char| ch.is_ascii_digit() || ch == 'v').unwrap_or(raw.len());
            let op = raw[..op_len].trim();
            let given: Vec<u64> =
                raw[op_len..].trim_start_matches('v').split('.').filter_map(|p| p.parse().ok()).collect();
            if given.is_empty() {
                continue;
            }
            let mut full = given.clone();
            full.resize(3, 0);
            let shown = if op == "~>" { &given } else { &full };
            let version = shown.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
            let text = match op {
                "" | "=" => version,
                op => format!("{op} {version}"),
            };
            parts.insert((full, text));
        }
    }
    parts.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_print_as_terraform_prints_them() {
        let s = |cs: &[&str]| constraints_string(&cs.iter().map(|c| c.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["~> 3.6, != 3.6.1"]), "~> 3.6, != 3.6.1");
        assert_eq!(s(&["3.6.0, > 3"]), "> 3.0.0, 3.6.0");
        assert_eq!(s(&[">= 6", ">= 6.0.0"]), ">= 6.0.0");
        assert_eq!(s(&[]), "");
        assert_eq!(provider_address("hashicorp/aws"), "registry.terraform.io/hashicorp/aws");
        assert_eq!(provider_address("terraform.io/builtin/terraform"), "terraform.io/builtin/terraform");
    }
}
