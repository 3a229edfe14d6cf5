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

/// Every provider the whole configuration requires, with the constraints
/// of all its modules together (what the lock file records); the built-in
/// `terraform.io/builtin/*` providers are never locked.
pub fn locked_requirements(reqs: &ModuleRequirements) -> BTreeMap<String, String> {
    fn gather(r: &ModuleRequirements, out: &mut BTreeMap<String, Vec<String>>) {
        for (addr, c) in &r.providers {
            let e = out.entry(addr.clone()).or_default();
            if !c.is_empty() {
                e.push(c.clone());
            }
        }
        for child in r.children.values() {
            gather(child, out);
        }
    }
    let mut all = BTreeMap::new();
    gather(reqs, &mut all);
    all.into_iter()
        .filter(|(a, _)| !a.starts_with("terraform.io/builtin/"))
        .map(|(a, c)| (a, constraints_string(&c)))
        .collect()
}

/// The linked provider an address names (`registry.terraform.io/hashicorp/aws`).
fn linked<'r>(
    registry: &'r strata_provider::Registry,
    address: &str,
) -> Option<&'r std::sync::Arc<dyn strata_provider::ProviderFactory>> {
    registry.get(address.strip_prefix("registry.terraform.io/").unwrap_or(address))
}

/// The lock file after `init`: an entry for every required provider Strata
/// links, at the linked version. An entry already at that version is kept
/// with its checksums (Terraform's, so the file does not churn), its
/// constraints brought up to date; entries of providers Strata does not
/// link are kept as they are. An entry locking another version is an error
/// unless `upgrade`. Returns the lines `init` prints.
pub fn update_lock_file(
    old: Option<&strata_config::LockFile>,
    required: &BTreeMap<String, String>,
    registry: &strata_provider::Registry,
    upgrade: bool,
) -> Result<(strata_config::LockFile, Vec<String>), strata_diag::Diagnostics> {
    let mut lock = strata_config::LockFile::default();
    let mut log = Vec::new();
    let mut diags = strata_diag::Diagnostics::new();
    for (address, constraints) in required {
        let short = address.strip_prefix("registry.terraform.io/").unwrap_or(address);
        let previous = old.and_then(|o| o.providers.get(address));
        let Some(factory) = linked(registry, address) else {
            if let Some(p) = previous {
                lock.providers.insert(address.clone(), p.clone());
            }
            continue;
        };
        let version = factory.version().to_string();
        let hashes = match previous {
            Some(p) if p.version == version => {
                log.push(format!("- Reusing previous version of {short} from the dependency lock file"));
                p.hashes.clone()
            }
            Some(p) if !upgrade => {
                diags.push(
                    strata_diag::Diagnostic::error("Failed to query available provider packages")
                        .with_detail(format!(
                            "Could not retrieve the list of available versions for provider {short}: locked provider {address} {} is not the version Strata has built in ({version}); run \"strata init -upgrade\" to lock {version}.",
                            p.version
                        ))
                        .with_span_opt(p.span.clone()),
                );
                continue;
            }
            _ => Vec::new(),
        };
        log.push(format!("- Using {short} v{version}, built into Strata"));
        lock.providers.insert(
            address.clone(),
            strata_config::LockedProvider {
                address: address.clone(),
                version,
                constraints: constraints.clone(),
                hashes,
                span: None,
            },
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((lock, log))
}

/// Before a plan or apply: the lock file, where there is one, must select
/// the linked version of every required provider (Terraform's
/// "Inconsistent dependency lock file").
pub fn check_lock_file(
    lock: &strata_config::LockFile,
    required: &BTreeMap<String, String>,
    registry: &strata_provider::Registry,
) -> Option<strata_diag::Diagnostic> {
    let mut problems = Vec::new();
    let mut upgrade = false;
    for address in required.keys() {
        let Some(factory) = linked(registry, address) else { continue };
        match lock.providers.get(address) {
            None => problems
                .push(format!("  - provider {address}: required by this configuration but no version is selected")),
            Some(p) if p.version != factory.version() => {
                upgrade = true;
                problems.push(format!(
                    "  - provider {address}: locked version selection {} is not the version Strata has built in ({})",
                    p.version,
                    factory.version()
                ));
            }
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        return None;
    }
    let how = if upgrade {
        "To update the locked dependency selections to match the built-in providers, run:\n  strata init -upgrade"
    } else {
        "To make the initial dependency selections that will initialize the dependency lock file, run:\n  strata init"
    };
    Some(strata_diag::Diagnostic::error("Inconsistent dependency lock file").with_detail(format!(
        "The following dependency selections recorded in the lock file are inconsistent with the current configuration:\n{}\n\n{how}",
        problems.join("\n")
    )))
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
