//! The parts of Terraform's CLI configuration file that module
//! installation reads: `host` blocks (service URLs that replace the
//! registry's discovery document, e.g. a private registry on plain HTTP)
//! and `credentials` tokens, plus `TF_TOKEN_<host>` variables. The file is
//! `TF_CLI_CONFIG_FILE`, else `~/.terraformrc`, as for Terraform.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Body;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct CliConfig {
    /// host → service id (`modules.v1`) → URL.
    pub hosts: BTreeMap<String, BTreeMap<String, String>>,
    /// host → API token.
    credentials: BTreeMap<String, String>,
}

impl CliConfig {
    /// Reads the CLI configuration the environment names; a file that is
    /// missing counts as empty, one that does not parse is an error.
    pub fn from_env() -> Result<CliConfig, String> {
        let path = match std::env::var_os("TF_CLI_CONFIG_FILE").or_else(|| std::env::var_os("TERRAFORM_CONFIG")) {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".terraformrc")),
        };
        let mut config = match path {
            Some(p) => match std::fs::read_to_string(&p) {
                Ok(text) => CliConfig::parse(&text).map_err(|e| format!("{}: {e}", p.display()))?,
                Err(_) => CliConfig::default(),
            },
            None => CliConfig::default(),
        };
        for (k, v) in std::env::vars() {
            if let Some(host) = k.strip_prefix("TF_TOKEN_") {
                // Terraform: `.` as `_`, and `-` as `__`.
                let host = host.replace("__", "\u{0}").replace('_', ".").replace('\u{0}', "-").to_ascii_lowercase();
                config.credentials.insert(host, v);
            }
        }
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<CliConfig, String> {
        let body: Body = text.parse().map_err(|e: hcl_edit::parser::Error| e.to_string())?;
        let mut config = CliConfig::default();
        for block in body.blocks() {
            let label = block.labels.first().map(|l| l.as_str().to_ascii_lowercase());
            match (block.ident.as_str(), label) {
                ("host", Some(host)) => {
                    let services = config.hosts.entry(host).or_default();
                    if let Some(Expression::Object(o)) = block.body.get_attribute("services").map(|a| &a.value) {
                        for (k, v) in o.iter() {
                            let key = match k {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(e) => string(e).unwrap_or_default(),
                            };
                            if let Some(url) = string(v.expr()) {
                                services.insert(key, url);
                            }
                        }
                    }
                }
                ("credentials", Some(host)) => {
                    if let Some(token) = block.body.get_attribute("token").and_then(|a| string(&a.value)) {
                        config.credentials.insert(host, token);
                    }
                }
                _ => {}
            }
        }
        Ok(config)
    }

    /// The token for `host`, never shown to the user.
    pub fn token(&self, host: &str) -> Option<&str> {
        self.credentials.get(&host.to_ascii_lowercase()).map(String::as_str)
    }
}

fn string(e: &Expression) -> Option<String> {
    strata_config::literal_string(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hosts_and_credentials() {
        let c = CliConfig::parse(
            r#"
host "registry.example.test" {
  services = {
    "modules.v1" = "http://127.0.0.1:1/v1/modules/"
  }
}
credentials "Registry.Example.Test" {
  token = "secret"
}
"#,
        )
        .unwrap();
        assert_eq!(c.hosts["registry.example.test"]["modules.v1"], "http://127.0.0.1:1/v1/modules/");
        assert_eq!(c.token("registry.example.test"), Some("secret"));
    }
}
