//! Module source addresses, parsed and normalized as Terraform does
//! (`addrs.ParseModuleSource`): local paths, module registry addresses
//! (`[host/]namespace/name/system[//subdir]`) and remote packages for the
//! getters (`git::`, `http(s)://` archives, `github.com/…` shorthand).
//! The normalized form is what `.terraform/modules/modules.json` records
//! and what "Module source has changed" compares.

/// The module registry Terraform uses when an address names no host.
pub const DEFAULT_REGISTRY_HOST: &str = "registry.terraform.io";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSource {
    /// `./x`, `../x`: a directory of the calling module's package.
    Local(String),
    Registry(RegistryAddress),
    Remote(RemoteSource),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryAddress {
    pub host: String,
    pub namespace: String,
    pub name: String,
    pub system: String,
    pub subdir: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSource {
    /// `git`, `http` (archives and `X-Terraform-Get` redirects), or a getter
    /// Strata does not have (`s3`, `gcs`, `hg`): refused at install.
    pub getter: String,
    /// The package URL without the getter prefix and without the subdir,
    /// query kept (`file:///r.git?ref=v1`).
    pub url: String,
    pub subdir: String,
}

/// Why an address is not one Terraform accepts: summary and detail, as
/// Terraform words them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub summary: String,
    pub detail: String,
}

impl RegistryAddress {
    /// `host/namespace/name/system`, the package that is downloaded.
    pub fn package(&self) -> String {
        format!("{}/{}/{}/{}", self.host, self.namespace, self.name, self.system)
    }
}

impl RemoteSource {
    /// The package address with its getter (`git::file:///r.git?ref=v1`).
    pub fn package(&self) -> String {
        if self.getter == "http" {
            self.url.clone()
        } else {
            format!("{}::{}", self.getter, self.url)
        }
    }

    /// `(url without query, query pairs)`.
    pub fn query(&self) -> (String, Vec<(String, String)>) {
        let (base, q) = self.url.split_once('?').unwrap_or((&self.url, ""));
        let pairs = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        (base.to_string(), pairs)
    }
}

impl ModuleSource {
    /// The normalized address (Terraform's `String()`), as modules.json
    /// records it.
    pub fn normalized(&self) -> String {
        match self {
            ModuleSource::Local(p) => p.clone(),
            ModuleSource::Registry(r) => with_subdir(&r.package(), &r.subdir),
            ModuleSource::Remote(r) => with_subdir(&r.package(), &r.subdir),
        }
    }

    pub fn subdir(&self) -> &str {
        match self {
            ModuleSource::Local(_) => "",
            ModuleSource::Registry(r) => &r.subdir,
            ModuleSource::Remote(r) => &r.subdir,
        }
    }
}

fn with_subdir(base: &str, subdir: &str) -> String {
    if subdir.is_empty() {
        return base.to_string();
    }
    match base.split_once('?') {
        Some((b, q)) => format!("{b}//{subdir}?{q}"),
        None => format!("{base}//{subdir}"),
    }
}

pub fn is_local_source(s: &str) -> bool {
    s.starts_with("./") || s.starts_with("../") || s == "." || s == ".."
}

/// Parses a module block's `source`; `has_version`: the block also sets
/// `version`, which only registry addresses take.
pub fn parse_module_source(raw: &str, has_version: bool) -> Result<ModuleSource, SourceError> {
    if is_local_source(raw) {
        if has_version {
            return Err(registry_error(&format!("can't use local directory {raw:?} as a module registry address")));
        }
        return Ok(ModuleSource::Local(raw.to_string()));
    }
    match parse_registry(raw) {
        Ok(r) => return Ok(ModuleSource::Registry(r)),
        Err(e) if has_version => return Err(registry_error(&e)),
        Err(_) => {}
    }
    parse_remote(raw).ok_or_else(|| SourceError {
        summary: "Invalid module source address".into(),
        detail: format!(
            "Strata failed to determine your intended installation method for remote module package {raw:?}.\n\nIf you intended this as a path relative to the current module, use \"./{raw}\" instead. The \"./\" prefix indicates that the address is a relative filesystem path."
        ),
    })
}

fn registry_error(why: &str) -> SourceError {
    SourceError {
        summary: "Invalid registry module source address".into(),
        detail: format!("Failed to parse module registry address: {why}.\n\nStrata assumed that you intended a module registry source address because you also set the argument \"version\", which applies only to registry modules."),
    }
}

/// `pkg//subdir?query` → (`pkg?query`, `subdir`); a `//` that is part of
/// `scheme://` does not count.
fn split_subdir(s: &str) -> (String, String) {
    let scheme_end = s.find("://").map_or(0, |i| i + 3);
    let (path, query) = match s[scheme_end..].find('?') {
        Some(i) => (&s[..scheme_end + i], &s[scheme_end + i..]),
        None => (s, ""),
    };
    match path[scheme_end..].find("//") {
        Some(i) => {
            let at = scheme_end + i;
            (format!("{}{query}", &path[..at]), path[at + 2..].trim_end_matches('/').to_string())
        }
        None => (s.to_string(), String::new()),
    }
}

fn parse_registry(raw: &str) -> Result<RegistryAddress, String> {
    let (pkg, subdir) = split_subdir(raw);
    if pkg.contains("::") || pkg.contains("://") || pkg.contains('?') {
        return Err("a module registry source address must have either three or four slash-separated components".into());
    }
    let parts: Vec<&str> = pkg.split('/').collect();
    let (host, rest) = match parts.len() {
        3 => (DEFAULT_REGISTRY_HOST.to_string(), &parts[..]),
        4 => {
            let host = parts[0];
            if !host.contains('.') && !host.starts_with("localhost") {
                return Err("invalid module registry hostname: must contain at least one dot".into());
            }
            if ["github.com", "bitbucket.org"].contains(&host.to_ascii_lowercase().as_str()) {
                return Err(format!("can't use {host:?} as a module registry host, because it's reserved for installing directly from version control repositories"));
            }
            (host.to_ascii_lowercase(), &parts[1..])
        }
        _ => {
            return Err(
                "a module registry source address must have either three or four slash-separated components".into()
            )
        }
    };
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
    };
    if !name_ok(rest[0]) {
        return Err(format!("invalid namespace {:?}: must be between one and 64 characters, including ASCII letters, digits, dashes, and underscores, where dashes and underscores may not be the prefix or suffix", rest[0]));
    }
    if !name_ok(rest[1]) {
        return Err(format!(
            "invalid module name {:?}: must contain only letters, digits, dashes, and underscores",
            rest[1]
        ));
    }
    if rest[2].is_empty() || !rest[2].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Err(format!("invalid target system {:?}: must be between one and 64 ASCII letters or digits", rest[2]));
    }
    Ok(RegistryAddress {
        host,
        namespace: rest[0].to_string(),
        name: rest[1].to_string(),
        system: rest[2].to_string(),
        subdir,
    })
}

fn parse_remote(raw: &str) -> Option<ModuleSource> {
    let (pkg, subdir) = split_subdir(raw);
    let remote = |getter: &str, url: String| {
        Some(ModuleSource::Remote(RemoteSource { getter: getter.into(), url, subdir: subdir.clone() }))
    };
    if let Some((getter, url)) = pkg.split_once("::") {
        if getter.chars().all(|c| c.is_ascii_alphanumeric()) && !getter.is_empty() {
            return remote(getter, url.to_string());
        }
    }
    // go-getter's detectors: version-control shorthands first.
    if let Some(rest) = pkg.strip_prefix("github.com/") {
        let (path, query) = rest.split_once('?').map_or((rest, ""), |(p, q)| (p, q));
        let segments: Vec<&str> = path.split('/').collect();
        if segments.len() < 2 || segments[0].is_empty() || segments[1].is_empty() {
            return None;
        }
        let repo = segments[1].trim_end_matches(".git");
        let query = if query.is_empty() { String::new() } else { format!("?{query}") };
        // `github.com/o/r/sub` is `github.com/o/r//sub`.
        let subdir = if segments.len() > 2 { segments[2..].join("/") } else { subdir.clone() };
        return Some(ModuleSource::Remote(RemoteSource {
            getter: "git".into(),
            url: format!("https://github.com/{}/{repo}.git{query}", segments[0]),
            subdir,
        }));
    }
    if let Some(rest) = pkg.strip_prefix("git@") {
        let (host, path) = rest.split_once(':')?;
        return remote("git", format!("ssh://git@{host}/{path}"));
    }
    if pkg.starts_with("bitbucket.org/") {
        return remote("bitbucket", pkg.clone());
    }
    if pkg.starts_with("https://") || pkg.starts_with("http://") {
        let (base, _) = pkg.split_once('?').unwrap_or((&pkg, ""));
        if base.ends_with(".git") {
            return remote("git", pkg.clone());
        }
        return remote("http", pkg.clone());
    }
    if pkg.contains(".s3.amazonaws.com/") || pkg.contains(".s3-") {
        return remote("s3", pkg.clone());
    }
    if pkg.starts_with("www.googleapis.com/storage/") {
        return remote("gcs", pkg.clone());
    }
    None
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str, v: bool) -> String {
        parse_module_source(s, v).map(|m| m.normalized()).unwrap_or_else(|e| format!("ERR {}", e.summary))
    }

    #[test]
    fn normalizes_as_terraform() {
        assert_eq!(norm("./a", false), "./a");
        assert_eq!(norm("./a", true), "ERR Invalid registry module source address");
        assert_eq!(norm("terraform-aws-modules/vpc/aws", true), "registry.terraform.io/terraform-aws-modules/vpc/aws");
        assert_eq!(
            norm("terraform-aws-modules/vpc/aws//sub", true),
            "registry.terraform.io/terraform-aws-modules/vpc/aws//sub"
        );
        assert_eq!(norm("registry.example.test/acme/net/aws", false), "registry.example.test/acme/net/aws");
        assert_eq!(norm("registry.example.test/acme/missing", false), "ERR Invalid module source address");
        assert_eq!(norm("git::file:///tmp/r.git?ref=v1", false), "git::file:///tmp/r.git?ref=v1");
        assert_eq!(norm("git::file:///tmp/r.git//sub?ref=v1", false), "git::file:///tmp/r.git//sub?ref=v1");
        assert_eq!(norm("git::file:///tmp/r.git?ref=v1", true), "ERR Invalid registry module source address");
        assert_eq!(norm("github.com/hashicorp/example", false), "git::https://github.com/hashicorp/example.git");
        assert_eq!(
            norm("github.com/acme/x//mods/a?ref=v2", false),
            "git::https://github.com/acme/x.git//mods/a?ref=v2"
        );
        assert_eq!(norm("git@github.com:acme/x.git", false), "git::ssh://git@github.com/acme/x.git");
        assert_eq!(norm("https://example.com/m.tar.gz", false), "https://example.com/m.tar.gz");
        assert_eq!(norm("https://example.com/m.zip//sub", false), "https://example.com/m.zip//sub");
    }

    #[test]
    fn query_pairs() {
        let ModuleSource::Remote(r) = parse_module_source("git::https://h/r.git?ref=v%201&depth=1", false).unwrap()
        else {
            panic!()
        };
        assert_eq!(r.query().1, vec![("ref".into(), "v 1".into()), ("depth".into(), "1".into())]);
    }
}
