//! Fetching one package into a directory, as go-getter (Terraform's
//! downloader) does for the getters Strata has: `git` (the `git` command,
//! as Terraform uses it, `ref` and `depth` honoured) and `http(s)`
//! (`.tar.gz`/`.tgz`/`.tar` archives unpacked; other URLs asked for an
//! `X-Terraform-Get` redirect).

use crate::http::{resolve_url, Http};
use std::path::Path;
use std::process::Command;
use strata_config::{parse_module_source, ModuleSource, RemoteSource};

/// Redirects (`X-Terraform-Get`) followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// Fetches the package at `address` (a getter address: `git::…`, an
/// `https://` URL, `github.com/…`) into `dest`, which must not exist yet.
/// Returns the subdirectory the address names within the package.
pub fn fetch_package(http: &Http, address: &str, dest: &Path) -> Result<String, String> {
    fetch(http, address, dest, 0)
}

fn fetch(http: &Http, address: &str, dest: &Path, redirects: usize) -> Result<String, String> {
    let remote = match parse_module_source(address, false) {
        Ok(ModuleSource::Remote(r)) => r,
        _ => return Err(format!("{address:?} is not an address Strata can download from")),
    };
    match remote.getter.as_str() {
        "git" => git_clone(&remote, dest)?,
        "http" => {
            if let Some(kind) = archive_kind(&remote) {
                download_archive(http, &remote, kind, dest)?;
            } else {
                if redirects >= MAX_REDIRECTS {
                    return Err(format!("too many X-Terraform-Get redirects at {}", remote.url));
                }
                let sep = if remote.url.contains('?') { '&' } else { '?' };
                let url = format!("{}{sep}terraform-get=1", remote.url);
                let resp = http.get(&url, None)?;
                if !(200..300).contains(&resp.status) {
                    return Err(format!("bad response code: {} from {}", resp.status, remote.url));
                }
                let next = resp
                    .terraform_get
                    .or_else(|| meta_terraform_get(&String::from_utf8_lossy(&resp.body)))
                    .ok_or_else(|| format!("no source URL was returned from {}", remote.url))?;
                let inner = fetch(http, &resolve_url(&remote.url, &next), dest, redirects + 1)?;
                return Ok(join_subdir(&inner, &remote.subdir));
            }
        }
        other => {
            return Err(format!(
                "Strata cannot download {other:?} sources; use a git, http(s) or module registry source"
            ))
        }
    }
    Ok(remote.subdir.clone())
}

fn join_subdir(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// `<meta name="terraform-get" content="…">` in an HTML page.
fn meta_terraform_get(html: &str) -> Option<String> {
    let at = html.find("name=\"terraform-get\"")?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let c = tag.find("content=\"")? + "content=\"".len();
    Some(tag[c..].split('"').next()?.replace("&amp;", "&"))
}

#[derive(Clone, Copy)]
enum Archive {
    TarGz,
    Tar,
}

fn archive_kind(remote: &RemoteSource) -> Option<Result<Archive, String>> {
    let (base, query) = remote.query();
    let ext = query.iter().find(|(k, _)| k == "archive").map(|(_, v)| v.clone()).or_else(|| {
        let name = base.rsplit('/').next().unwrap_or("");
        [".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar", ".zip", ".gz", ".bz2", ".xz"]
            .iter()
            .find(|e| name.ends_with(*e))
            .map(|e| e.trim_start_matches('.').to_string())
    })?;
    Some(match ext.as_str() {
        "tar.gz" | "tgz" => Ok(Archive::TarGz),
        "tar" => Ok(Archive::Tar),
        other => Err(format!("Strata cannot unpack .{other} module archives; publish the module as .tar.gz")),
    })
}

fn download_archive(
    http: &Http,
    remote: &RemoteSource,
    kind: Result<Archive, String>,
    dest: &Path,
) -> Result<(), String> {
    let kind = kind?;
    // The `archive` argument is go-getter's, not the server's.
    let (base, query) = remote.query();
    let rest: Vec<String> = query.iter().filter(|(k, _)| k != "archive").map(|(k, v)| format!("{k}={v}")).collect();
    let url = if rest.is_empty() { base } else { format!("{base}?{}", rest.join("&")) };
    let resp = http.get(&url, None)?;
    if resp.status != 200 {
        return Err(format!("bad response code: {} from {url}", resp.status));
    }
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let unpacked = match kind {
        Archive::TarGz => tar::Archive::new(flate2::read::GzDecoder::new(&resp.body[..])).unpack(dest),
        Archive::Tar => tar::Archive::new(&resp.body[..]).unpack(dest),
    };
    unpacked.map_err(|e| format!("unpacking {url}: {e}"))
}

fn git_clone(remote: &RemoteSource, dest: &Path) -> Result<(), String> {
    let (base, query) = remote.query();
    let mut reference = None;
    let mut depth = None;
    for (k, v) in &query {
        match k.as_str() {
            "ref" => reference = Some(v.clone()),
            "depth" => depth = Some(v.parse::<u32>().map_err(|_| format!("invalid depth {v:?}"))?),
            "sshkey" => {
                return Err("Strata does not support the sshkey argument of git sources; use an SSH agent".into())
            }
            other => return Err(format!("unsupported git source argument {other:?}")),
        }
    }
    let mut clone = git();
    clone.arg("clone").arg("--quiet");
    if let Some(d) = depth {
        clone.arg(format!("--depth={d}"));
        if let Some(r) = &reference {
            clone.arg("--branch").arg(r);
        }
    }
    clone.arg("--").arg(&base).arg(dest);
    run_git(clone)?;
    if let (Some(r), None) = (&reference, depth) {
        let mut checkout = git();
        checkout.arg("-C").arg(dest).arg("checkout").arg("--quiet").arg(r);
        run_git(checkout)?;
    }
    if dest.join(".gitmodules").exists() {
        let mut sub = git();
        sub.arg("-C").arg(dest).args(["submodule", "update", "--init", "--recursive", "--quiet"]);
        run_git(sub)?;
    }
    Ok(())
}

fn git() -> Command {
    let mut c = Command::new("git");
    // Never wait for a password on a terminal nobody watches.
    c.env("GIT_TERMINAL_PROMPT", "0");
    c
}

fn run_git(mut c: Command) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("running git: {e} (is git installed?)"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "git exited with {}: {}",
        out.status.code().map_or("a signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}

#[cfg(test)]
mod tests {
    use super::meta_terraform_get;

    #[test]
    fn reads_the_meta_tag() {
        let html = r#"<html><head><meta name="terraform-get" content="git::https://h/r.git?ref=v1&amp;depth=1"></head></html>"#;
        assert_eq!(meta_terraform_get(html).as_deref(), Some("git::https://h/r.git?ref=v1&depth=1"));
    }
}
