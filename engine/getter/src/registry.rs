//! The module registry protocol: service discovery
//! (`/.well-known/terraform.json`, or a CLI configuration `host` block),
//! `…/versions` and `…/<version>/download`.

use crate::cliconfig::CliConfig;
use crate::http::{resolve_url, Http};
use serde_json::Value as Json;
use std::collections::HashMap;
use strata_config::{RegistryAddress, VersionConstraint};

pub struct Registry<'a> {
    http: &'a Http,
    cli: &'a CliConfig,
    /// host → the `modules.v1` base URL, discovered once per host.
    bases: HashMap<String, String>,
}

/// Why a registry step failed: summary and detail as Terraform gives them.
pub struct RegistryError {
    pub summary: &'static str,
    pub detail: String,
}

impl<'a> Registry<'a> {
    pub fn new(http: &'a Http, cli: &'a CliConfig) -> Registry<'a> {
        Registry { http, cli, bases: HashMap::new() }
    }

    fn base(&mut self, host: &str) -> Result<String, String> {
        if let Some(b) = self.bases.get(host) {
            return Ok(b.clone());
        }
        let base = match self.cli.hosts.get(host) {
            Some(services) => services
                .get("modules.v1")
                .cloned()
                .ok_or_else(|| format!("host {host} does not provide a module registry"))?,
            None => {
                let url = format!("https://{host}/.well-known/terraform.json");
                let resp =
                    self.http.get(&url, None).map_err(|e| format!("failed to request discovery document: {e}"))?;
                if resp.status != 200 {
                    return Err(format!("failed to request discovery document: {url} answered {}", resp.status));
                }
                let doc: Json = serde_json::from_slice(&resp.body)
                    .map_err(|e| format!("failed to decode discovery document: {e}"))?;
                let rel = doc
                    .get("modules.v1")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| format!("host {host} does not provide a module registry"))?;
                resolve_url(&url, rel)
            }
        };
        let base = if base.ends_with('/') { base } else { format!("{base}/") };
        self.bases.insert(host.to_string(), base.clone());
        Ok(base)
    }

    /// The newest version of `addr` that `constraint` allows.
    pub fn select_version(
        &mut self,
        addr: &RegistryAddress,
        constraint: Option<&str>,
        call: &str,
        at: &str,
    ) -> Result<String, RegistryError> {
        let access = |e: String| RegistryError {
            summary: "Error accessing remote module registry",
            detail: format!("Failed to retrieve available versions for module {call} from {}: {e}.", addr.host),
        };
        let base = self.base(&addr.host).map_err(access)?;
        let url = format!("{base}{}/{}/{}/versions", addr.namespace, addr.name, addr.system);
        let resp = self.http.get(&url, self.cli.token(&addr.host)).map_err(access)?;
        if resp.status == 404 {
            return Err(RegistryError {
                summary: "Module not found",
                detail: format!("Module {call} could not be found in the module registry at {}.", addr.host),
            });
        }
        if resp.status != 200 {
            return Err(access(format!("{url} answered {}", resp.status)));
        }
        let doc: Json = serde_json::from_slice(&resp.body).map_err(|e| access(format!("invalid response: {e}")))?;
        let versions: Vec<&str> = doc
            .pointer("/modules/0/versions")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.get("version").and_then(|s| s.as_str())).collect())
            .unwrap_or_default();
        let constraint = constraint
            .map(VersionConstraint::parse)
            .transpose()
            .map_err(|e| RegistryError { summary: "Invalid version constraint", detail: e })?;
        let exact_pre = |v: &str| constraint.as_ref().is_some_and(|c| c.pins(v));
        let best = versions
            .iter()
            .filter_map(|v| SemVer::parse(v).map(|s| (s, *v)))
            .filter(|(s, v)| (s.pre.is_empty() || exact_pre(v)) && constraint.as_ref().is_none_or(|c| c.allows(v)))
            .max_by(|a, b| a.0.cmp(&b.0));
        match best {
            Some((_, v)) => Ok(v.to_string()),
            None => {
                let newest = versions
                    .iter()
                    .filter_map(|v| SemVer::parse(v).filter(|s| s.pre.is_empty()).map(|s| (s, *v)))
                    .max_by(|a, b| a.0.cmp(&b.0))
                    .map(|(_, v)| format!(" The newest available version is {v}."))
                    .unwrap_or_default();
                Err(RegistryError {
                    summary: "Unresolvable module version constraint",
                    detail: format!(
                        "There is no available version of module {:?} ({at}) which matches the given version constraint.{newest}",
                        addr.package()
                    ),
                })
            }
        }
    }

    /// Where the package of `addr` at `version` is downloaded from (a
    /// getter address, resolved against the download URL).
    pub fn download_location(
        &mut self,
        addr: &RegistryAddress,
        version: &str,
        call: &str,
    ) -> Result<String, RegistryError> {
        let fail = |e: String| RegistryError {
            summary: "Error accessing remote module registry",
            detail: format!("Failed to retrieve a download URL for {} {version} ({call}): {e}.", addr.package()),
        };
        let base = self.base(&addr.host).map_err(fail)?;
        let url = format!("{base}{}/{}/{}/{version}/download", addr.namespace, addr.name, addr.system);
        let resp = self.http.get(&url, self.cli.token(&addr.host)).map_err(fail)?;
        let location = match resp.status {
            204 => resp.terraform_get,
            // The newer form of the protocol: the location in a JSON body.
            200 => resp.terraform_get.or_else(|| {
                serde_json::from_slice::<Json>(&resp.body)
                    .ok()
                    .and_then(|d| d.get("location").and_then(|l| l.as_str()).map(str::to_string))
            }),
            s => return Err(fail(format!("{url} answered {s}"))),
        };
        let location = location.ok_or_else(|| fail("the registry gave no download location".into()))?;
        Ok(resolve_url(&url, &location))
    }
}

/// A semantic version, ordered as semver orders them (a prerelease before
/// its release).
#[derive(Debug, PartialEq, Eq)]
struct SemVer {
    core: [u64; 3],
    pre: String,
}

impl SemVer {
    fn parse(s: &str) -> Option<SemVer> {
        let s = s.trim().trim_start_matches('v');
        let s = s.split('+').next()?;
        let (core, pre) = s.split_once('-').unwrap_or((s, ""));
        let nums: Vec<u64> = core.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
        if nums.is_empty() || nums.len() > 3 {
            return None;
        }
        let mut c = [0; 3];
        c[..nums.len()].copy_from_slice(&nums);
        Some(SemVer { core: c, pre: pre.to_string() })
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.core.cmp(&other.core).then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (false, false) => self.pre.cmp(&other.pre),
        })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::SemVer;

    #[test]
    fn orders_prereleases_first() {
        let v = |s| SemVer::parse(s).unwrap();
        assert!(v("1.0.0-beta") < v("1.0.0"));
        assert!(v("1.10.0") > v("1.9.3"));
        assert!(SemVer::parse("x").is_none());
    }
}
