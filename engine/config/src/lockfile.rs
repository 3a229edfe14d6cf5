//! `.terraform.lock.hcl`, the dependency lock file: which version of each
//! provider the working directory uses, read and written in Terraform's
//! layout so a repository shared with Terraform users does not churn.

use hcl_edit::structure::Body;
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata_diag::{Diagnostic, SourceFile, Span};

pub const LOCK_FILE_NAME: &str = ".terraform.lock.hcl";

const HEADER: &str =
    "# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n";

#[derive(Debug, Clone)]
pub struct LockedProvider {
    /// `registry.terraform.io/hashicorp/aws`.
    pub address: String,
    pub version: String,
    /// The configuration's constraints when it was locked, as Terraform
    /// prints them; empty when there were none.
    pub constraints: String,
    /// Package checksums (`h1:`, `zh:`), kept as they are.
    pub hashes: Vec<String>,
    /// The `provider` block, for diagnostics.
    pub span: Option<Span>,
}

impl PartialEq for LockedProvider {
    fn eq(&self, other: &Self) -> bool {
        (&self.address, &self.version, &self.constraints, &self.hashes)
            == (&other.address, &other.version, &other.constraints, &other.hashes)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LockFile {
    pub providers: BTreeMap<String, LockedProvider>,
}

impl LockFile {
    pub fn path(root: &Path) -> PathBuf {
        root.join(LOCK_FILE_NAME)
    }

    /// The lock file of the root module in `root`; `Ok(None)` when there is none.
    pub fn read(root: &Path) -> Result<Option<LockFile>, Diagnostic> {
        let path = Self::path(root);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Diagnostic::error("Failed to read the dependency lock file")
                    .with_detail(format!("{}: {e}.", path.display())))
            }
        };
        Self::parse(&SourceFile::new(LOCK_FILE_NAME, text)).map(Some)
    }

    pub fn parse(file: &Arc<SourceFile>) -> Result<LockFile, Diagnostic> {
        let body: Body = strata_lang::syntax::parse_body(file)?;
        let span = |r: Option<std::ops::Range<usize>>| Span::new(file, r.unwrap_or(0..0));
        let mut providers = BTreeMap::new();
        if let Some(attr) = body.attributes().next() {
            return Err(Diagnostic::error("Unsupported argument in dependency lock file")
                .with_detail("The dependency lock file has only provider blocks.")
                .with_span(span(attr.key.span())));
        }
        for block in body.blocks() {
            let header = span(block.ident.span());
            if block.ident.as_str() != "provider" {
                // Terraform reserves `module` blocks for a future version.
                continue;
            }
            let [label] = block.labels.as_slice() else {
                return Err(Diagnostic::error("Invalid provider block in dependency lock file")
                    .with_detail("A provider block takes one label: the provider's address.")
                    .with_span(header));
            };
            let address = label.as_str().to_string();
            let string = |name: &str| -> Result<Option<String>, Diagnostic> {
                match block.body.get_attribute(name) {
                    None => Ok(None),
                    Some(a) => crate::load::literal_string(&a.value).map(Some).ok_or_else(|| {
                        Diagnostic::error("Invalid dependency lock file")
                            .with_detail(format!("The argument {name:?} must be a string."))
                            .with_span(span(a.value.span()))
                    }),
                }
            };
            let version = string("version")?.ok_or_else(|| {
                Diagnostic::error("Invalid provider block in dependency lock file")
                    .with_detail(format!("The provider {address} has no \"version\" argument."))
                    .with_span(header.clone())
            })?;
            let constraints = string("constraints")?.unwrap_or_default();
            let mut hashes = Vec::new();
            if let Some(a) = block.body.get_attribute("hashes") {
                let hcl_edit::expr::Expression::Array(items) = &a.value else {
                    return Err(Diagnostic::error("Invalid dependency lock file")
                        .with_detail("The argument \"hashes\" must be a list of strings.")
                        .with_span(span(a.value.span())));
                };
                for item in items.iter() {
                    hashes.push(crate::load::literal_string(item).ok_or_else(|| {
                        Diagnostic::error("Invalid dependency lock file")
                            .with_detail("The argument \"hashes\" must be a list of strings.")
                            .with_span(span(item.span()))
                    })?);
                }
            }
            if providers.contains_key(&address) {
                return Err(Diagnostic::error("Duplicate provider lock")
                    .with_detail(format!("This lock file already declared a lock for provider {address}."))
                    .with_span(header));
            }
            providers
                .insert(address.clone(), LockedProvider { address, version, constraints, hashes, span: Some(header) });
        }
        Ok(LockFile { providers })
    }

    /// The file as `terraform init` writes it.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        for p in self.providers.values() {
            out.push_str(&format!("\nprovider {:?} {{\n", p.address));
            if p.constraints.is_empty() {
                out.push_str(&format!("  version = {:?}\n", p.version));
            } else {
                out.push_str(&format!("  version     = {:?}\n  constraints = {:?}\n", p.version, p.constraints));
            }
            if !p.hashes.is_empty() {
                out.push_str("  hashes = [\n");
                for h in &p.hashes {
                    out.push_str(&format!("    {h:?},\n"));
                }
                out.push_str("  ]\n");
            }
            out.push_str("}\n");
        }
        out
    }

    /// Writes the file atomically (temporary file, rename).
    pub fn write(&self, root: &Path) -> Result<(), String> {
        let path = Self::path(root);
        let tmp = root.join(format!("{LOCK_FILE_NAME}.tmp"));
        std::fs::write(&tmp, self.render()).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERRAFORMS: &str = r#"# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "6.28.0"
  constraints = ">= 6.28.0"
  hashes = [
    "h1:abc=",
    "zh:0123",
  ]
}

provider "registry.terraform.io/hashicorp/random" {
  version = "3.7.2"
  hashes = [
    "h1:def=",
  ]
}
"#;

    #[test]
    fn reads_and_writes_terraforms_layout() {
        let lock = LockFile::parse(&SourceFile::new(LOCK_FILE_NAME, TERRAFORMS)).unwrap();
        assert_eq!(lock.providers["registry.terraform.io/hashicorp/aws"].version, "6.28.0");
        assert_eq!(lock.providers["registry.terraform.io/hashicorp/random"].constraints, "");
        assert_eq!(lock.render(), TERRAFORMS);
    }

    #[test]
    fn bad_files_are_located() {
        let e = LockFile::parse(&SourceFile::new(LOCK_FILE_NAME, "provider \"x\" {\n  version = 1\n}\n")).unwrap_err();
        assert!(format!("{e:?}").contains("must be a string"));
    }
}
