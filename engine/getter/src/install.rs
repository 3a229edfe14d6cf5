//! `init`'s module installation: every module call of the configuration,
//! depth first, resolved (registry versions), fetched into
//! `.terraform/modules/<key>` and recorded in `modules.json` as Terraform
//! records it. A call already installed from the same source (and, for the
//! registry, at a version its constraint still allows) is kept unless
//! `-upgrade` asks for the newest again.

use crate::cliconfig::CliConfig;
use crate::fetch::fetch_package;
use crate::http::Http;
use crate::registry::Registry;
use std::path::{Path, PathBuf};
use strata_config::{
    join_display, parse_module_source, ManifestEntry, Module, ModuleCall, ModuleManifest, ModuleSource,
    VersionConstraint,
};
use strata_diag::{Diagnostic, Diagnostics};

/// Nesting beyond this is left for the loader to report.
const MAX_DEPTH: usize = 64;

pub struct InstallOptions {
    /// Re-resolve every remote module (newest allowed version, fresh fetch).
    pub upgrade: bool,
}

/// Installs the module calls of `root_module` (the module in `root`) and,
/// recursively, of the modules they bring. `log` gets Terraform's progress
/// lines. The manifest is written even when some calls fail, so what was
/// installed is kept.
pub fn install_modules(
    root: &Path,
    root_module: &Module,
    opts: &InstallOptions,
    log: &mut dyn FnMut(String),
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let cli = match CliConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            diags.push(Diagnostic::error("Invalid CLI configuration").with_detail(e));
            return diags;
        }
    };
    let old = match ModuleManifest::read(root) {
        Ok(m) => m.unwrap_or_default(),
        Err(e) => {
            log(format!("The module manifest could not be read ({e}); installing every module again."));
            ModuleManifest::default()
        }
    };
    let http = Http::new();
    let mut installer = Installer {
        root,
        upgrade: opts.upgrade,
        registry: Registry::new(&http, &cli),
        http: &http,
        old,
        new: ModuleManifest::default(),
        diags: &mut diags,
        log,
    };
    installer.new.insert(ManifestEntry { key: String::new(), source: String::new(), version: None, dir: ".".into() });
    installer.walk(root_module, "", "", 0);
    let manifest = installer.new;
    if let Err(e) = write_manifest(root, &manifest) {
        diags.push(Diagnostic::error("Failed to write the module manifest").with_detail(e));
    }
    diags
}

struct Installer<'a> {
    root: &'a Path,
    upgrade: bool,
    http: &'a Http,
    registry: Registry<'a>,
    old: ModuleManifest,
    new: ModuleManifest,
    diags: &'a mut Diagnostics,
    log: &'a mut dyn FnMut(String),
}

impl Installer<'_> {
    /// `dir`: the module's directory relative to the root ("" for the root).
    fn walk(&mut self, module: &Module, key: &str, dir: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut calls: Vec<&ModuleCall> = module.module_calls.iter().collect();
        calls.sort_by(|a, b| a.name.cmp(&b.name));
        for call in calls {
            let child_key = if key.is_empty() { call.name.clone() } else { format!("{key}.{}", call.name) };
            let Some(child_dir) = self.install_call(call, &child_key, dir) else { continue };
            (self.log)(format!("- {child_key} in {child_dir}"));
            let display = if child_dir == "." { "" } else { child_dir.as_str() };
            // Only to find the calls it makes; its errors are reported when
            // the whole configuration is loaded after installation.
            if let (Some(child), _) = strata_config::load_module(&self.root.join(display), display) {
                self.walk(&child, &child_key, display, depth + 1);
            }
        }
    }

    /// Installs one call; its directory relative to the root, or `None`
    /// when it failed (diagnosed).
    fn install_call(&mut self, call: &ModuleCall, key: &str, parent_dir: &str) -> Option<String> {
        let source = match parse_module_source(&call.source, call.version.is_some()) {
            Ok(s) => s,
            Err(e) => {
                self.diags.push(Diagnostic::error(e.summary).with_detail(e.detail).with_span(call.source_span.clone()));
                return None;
            }
        };
        let normalized = source.normalized();
        let dir = match &source {
            ModuleSource::Local(p) => {
                let d = join_display(parent_dir, p);
                let d = if d.is_empty() { ".".to_string() } else { d };
                self.new.insert(ManifestEntry { key: key.into(), source: p.clone(), version: None, dir: d.clone() });
                return Some(d);
            }
            _ if self.reusable(call, key, &normalized) => {
                let entry = self.old.get(key).cloned()?;
                self.new.insert(entry.clone());
                return Some(entry.dir);
            }
            ModuleSource::Registry(addr) => {
                let described = describe(call, key);
                let at = location(call);
                let fetched =
                    self.registry.select_version(addr, call.version.as_deref(), &described, &at).and_then(|v| {
                        let location = self.registry.download_location(addr, &v, &described)?;
                        Ok((v, location))
                    });
                let (version, location) = match fetched {
                    Ok(x) => x,
                    Err(e) => {
                        self.diags
                            .push(Diagnostic::error(e.summary).with_detail(e.detail).with_span(call.span.clone()));
                        return None;
                    }
                };
                (self.log)(format!("Downloading {} {version} for {key}...", addr.package()));
                let dir = self.fetch(call, key, &location, &addr.subdir, &normalized)?;
                self.new.insert(ManifestEntry {
                    key: key.into(),
                    source: normalized,
                    version: Some(version),
                    dir: dir.clone(),
                });
                dir
            }
            ModuleSource::Remote(remote) => {
                (self.log)(format!("Downloading {} for {key}...", remote.package()));
                let dir = self.fetch(call, key, &remote.package(), &remote.subdir, &normalized)?;
                self.new.insert(ManifestEntry { key: key.into(), source: normalized, version: None, dir: dir.clone() });
                dir
            }
        };
        Some(dir)
    }

    /// Whether the call's installed copy still serves it.
    fn reusable(&self, call: &ModuleCall, key: &str, normalized: &str) -> bool {
        if self.upgrade {
            return false;
        }
        let Some(entry) = self.old.get(key) else { return false };
        if entry.source != normalized || !self.root.join(&entry.dir).is_dir() {
            return false;
        }
        match (&call.version, &entry.version) {
            (Some(c), Some(v)) => VersionConstraint::parse(c).is_ok_and(|c| c.allows(v)),
            (Some(_), None) => false,
            (None, _) => true,
        }
    }

    /// Fetches `address` into the call's package directory; the module's
    /// directory (the package's subdirectory joined with `subdir`).
    fn fetch(&mut self, call: &ModuleCall, key: &str, address: &str, subdir: &str, shown: &str) -> Option<String> {
        let package_rel = format!(".terraform/modules/{key}");
        let package = self.root.join(&package_rel);
        let fail = |e: String| {
            Diagnostic::error("Failed to download module")
                .with_detail(format!(
                    "Could not download module {} source code from {shown:?}: {e}",
                    describe(call, key)
                ))
                .with_span(call.span.clone())
        };
        if package.exists() {
            if let Err(e) = std::fs::remove_dir_all(&package) {
                self.diags.push(fail(format!("removing the previous copy at {package_rel}: {e}")));
                return None;
            }
        }
        if let Some(parent) = package.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let inner = match fetch_package(self.http, address, &package) {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&package);
                self.diags.push(fail(e));
                return None;
            }
        };
        let sub = [inner.as_str(), subdir].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("/");
        let resolved = match expand_subdir(&package, &sub) {
            Ok(s) => s,
            Err(e) => {
                self.diags.push(fail(e));
                return None;
            }
        };
        Some(if resolved.is_empty() { package_rel } else { format!("{package_rel}/{resolved}") })
    }
}

/// `"name" (file:line)`, as Terraform names a module call in messages.
fn describe(call: &ModuleCall, key: &str) -> String {
    let _ = key;
    format!("{:?} ({})", call.name, location(call))
}

/// `file:line` of a module block.
fn location(call: &ModuleCall) -> String {
    format!("{}:{}", call.span.file.name, call.span.start_position().line)
}

/// A package subdirectory with go-getter's `*` globs resolved (each must
/// match exactly one directory) and checked to exist.
fn expand_subdir(package: &Path, sub: &str) -> Result<String, String> {
    let mut at = PathBuf::from(package);
    let mut parts = Vec::new();
    for part in sub.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            return Err(format!("the subdirectory {sub:?} leaves the package"));
        }
        let name = if part.contains('*') {
            let matches: Vec<String> = std::fs::read_dir(&at)
                .map_err(|e| format!("{}: {e}", at.display()))?
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| glob_match(part, n))
                .collect();
            match matches.as_slice() {
                [one] => one.clone(),
                [] => return Err(format!("subdir {sub:?} not found")),
                _ => return Err(format!("subdir {sub:?} matches more than one directory")),
            }
        } else {
            part.to_string()
        };
        at.push(&name);
        parts.push(name);
    }
    if !at.is_dir() {
        return Err(format!("subdir {sub:?} not found"));
    }
    Ok(parts.join("/"))
}

fn glob_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, rest)) => {
            if !name.starts_with(pre) {
                return false;
            }
            let tail = &name[pre.len()..];
            (0..=tail.len()).filter(|i| tail.is_char_boundary(*i)).any(|i| glob_match(rest, &tail[i..]))
        }
    }
}

fn write_manifest(root: &Path, manifest: &ModuleManifest) -> Result<(), String> {
    let path = ModuleManifest::path(root);
    let dir = path.parent().expect("the manifest is inside .terraform/modules");
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, manifest.to_json()).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("*", "repo-1.0"));
        assert!(glob_match("repo-*", "repo-1.0"));
        assert!(!glob_match("x*", "repo"));
    }
}
