//! The `archive` provider (source `hashicorp/archive`), as hashicorp/archive
//! 2.x: data `archive_file` (and the deprecated resource of that name,
//! every argument replacing), type `zip`, from one file (`source_file`), a
//! directory (`source_dir`, less `excludes` glob patterns), one text
//! (`source_content` + `source_content_filename`) or several (`source`
//! blocks). The archive is written while planning, as Terraform's data
//! source does, and its checksums are the data source's result.
//!
//! Archives are reproducible: entries in a fixed order (directory walks
//! sorted lexically, `source` blocks by file name), every file's time the
//! zero time the provider sets (MS-DOS date 0x8A21 for files, 0 for
//! content), a file's mode from disk or `output_file_mode`. The entries
//! are Deflate-compressed with miniz_oxide (through flate2), not Go's
//! `compress/flate`, so the bytes (and hashes) are Strata's own: stable
//! across runs and machines, but not those the Go provider writes.

use crate::util::{attr, base64_std, hex, str_attr, with_attr};
use sha2::Digest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use strata_lang::{Type, Value};
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "hashicorp/archive"
    }
    fn version(&self) -> &str {
        "2.7.1"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(ArchiveProvider)
    }
}

struct ArchiveProvider;

/// The computed checksum attributes, as the data source names them.
const CHECKSUMS: [&str; 6] =
    ["output_md5", "output_sha", "output_sha256", "output_base64sha256", "output_sha512", "output_base64sha512"];

/// The arguments that name what goes into the archive.
const SOURCES: [&str; 4] = ["source", "source_content_filename", "source_file", "source_dir"];

fn schema_block() -> Block {
    let mut attributes: BTreeMap<String, Attribute> = [
        ("id", Attribute::computed(Type::String)),
        ("type", Attribute::required(Type::String)),
        ("source_content", Attribute::optional(Type::String)),
        ("source_content_filename", Attribute::optional(Type::String)),
        ("source_file", Attribute::optional(Type::String)),
        ("source_dir", Attribute::optional(Type::String)),
        ("excludes", Attribute::optional(Type::set(Type::String))),
        ("exclude_symlink_directories", Attribute::optional(Type::Bool)),
        ("output_path", Attribute::required(Type::String)),
        ("output_size", Attribute::computed(Type::Number)),
        ("output_file_mode", Attribute::optional(Type::String)),
    ]
    .into_iter()
    .map(|(k, a)| (k.to_string(), a))
    .collect();
    for c in CHECKSUMS {
        attributes.insert(c.to_string(), Attribute::computed(Type::String));
    }
    let source = Block {
        attributes: [
            ("content".to_string(), Attribute::required(Type::String)),
            ("filename".to_string(), Attribute::required(Type::String)),
        ]
        .into_iter()
        .collect(),
        blocks: BTreeMap::new(),
    };
    Block {
        attributes,
        blocks: BTreeMap::from([(
            "source".to_string(),
            NestedBlock { nesting: Nesting::Set, block: source, min_items: 0, max_items: 0 },
        )]),
    }
}

/// The deprecated `archive_file` resource: the data source's schema, every
/// argument replacing.
fn resource_block() -> Block {
    let mut b = schema_block();
    for a in b.attributes.values_mut().filter(|a| !a.computed) {
        a.force_new = true;
    }
    for nested in b.blocks.values_mut() {
        for a in nested.block.attributes.values_mut() {
            a.force_new = true;
        }
    }
    b
}

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(ProviderSchema {
                provider: Block::default(),
                resources: BTreeMap::from([(
                    "archive_file".to_string(),
                    ResourceSchema { version: 0, block: resource_block(), ..Default::default() },
                )]),
                data_sources: BTreeMap::from([(
                    "archive_file".to_string(),
                    ResourceSchema { version: 0, block: schema_block(), ..Default::default() },
                )]),
            })
        })
        .clone()
}

fn path(name: &str) -> AttributePath {
    vec![PathStep::Attr(name.to_string())]
}

/// Whether the configuration sets `name` (a `source` block set counts when
/// it has items; unknown counts, as it may be set).
fn is_given(config: &Value, name: &str) -> bool {
    let v = attr(config, name);
    if !v.is_known() {
        return true;
    }
    match v.as_seq() {
        Some(items) => !items.is_empty(),
        None => !v.is_null(),
    }
}

/// The provider's checks: a source, at most one kind of source, a known
/// type, `source_content` with its filename, a valid octal mode.
fn validate(config: &Value) -> Diagnostics {
    let mut diags = Vec::new();
    let given: Vec<&str> = SOURCES.iter().copied().filter(|s| is_given(config, s)).collect();
    if given.is_empty() {
        diags.push(ProviderDiagnostic::error(
            "Missing Attribute Configuration",
            "At least one attribute out of [source,source_content_filename,source_file,source_dir] must be specified",
        ));
    }
    // source_content goes with source_content_filename: both are one source.
    let conflicts: [(&str, &[&str]); 4] = [
        ("source", &["source_file", "source_dir", "source_content", "source_content_filename"]),
        ("source_file", &["source_dir", "source_content", "source_content_filename"]),
        ("source_dir", &["source_content", "source_content_filename"]),
        ("excludes", &["source_file", "source_content", "source_content_filename"]),
    ];
    for (name, others) in conflicts {
        if !is_given(config, name) {
            continue;
        }
        for other in others.iter().filter(|o| is_given(config, o)) {
            diags.push(
                ProviderDiagnostic::error(
                    "Invalid Attribute Combination",
                    format!("Attribute \"{other}\" cannot be specified when \"{name}\" is specified"),
                )
                .at(path(name)),
            );
        }
    }
    if is_given(config, "source_content") != is_given(config, "source_content_filename") {
        let (set, missing) = if is_given(config, "source_content") {
            ("source_content", "source_content_filename")
        } else {
            ("source_content_filename", "source_content")
        };
        diags.push(
            ProviderDiagnostic::error(
                "Invalid Attribute Combination",
                format!("Attribute \"{missing}\" must be specified when \"{set}\" is specified"),
            )
            .at(path(set)),
        );
    }
    if let Some(t) = str_attr(config, "type") {
        if t != "zip" {
            let detail = if t == "tar.gz" {
                "archive type not supported: tar.gz (Strata builds zip archives only)".to_string()
            } else {
                format!("archive type not supported: {t}")
            };
            diags.push(ProviderDiagnostic::error("Archive creation error", detail).at(path("type")));
        }
    }
    if let Some(mode) = str_attr(config, "output_file_mode") {
        if parse_mode(&mode).is_none() {
            diags.push(
                ProviderDiagnostic::error(
                    "Archive creation error",
                    format!("error parsing output_file_mode value: {mode}"),
                )
                .at(path("output_file_mode")),
            );
        }
    }
    diags
}

/// Go's `strconv.ParseUint(s, 0, 32)`: a leading 0 means octal, 0x hex.
fn parse_mode(s: &str) -> Option<u32> {
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(o) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (o, 8)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() || digits.contains('+') || digits.contains('-') {
        return None;
    }
    u32::from_str_radix(&digits.replace('_', ""), radix).ok()
}

/// One entry of the archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
    /// The Unix permission bits, for entries made from files (`None`: an
    /// entry made from content, with no mode, as Go's `zip.Writer.Create`).
    pub mode: Option<u32>,
}

/// MS-DOS date of Go's zero `time.Time` (year 1 wraps around): what the
/// provider's `SetModTime(time.Time{})` stores for file entries.
const ZERO_TIME_DOS_DATE: u16 = 0x8A21;

fn crc32(data: &[u8]) -> u32 {
    static TABLE: OnceLock<[u32; 256]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
            }
            *slot = c;
        }
        t
    });
    !data.iter().fold(!0u32, |c, b| table[((c ^ u32::from(*b)) & 0xff) as usize] ^ (c >> 8))
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// The zip file holding `entries` in their order, laid out as Go's
/// `archive/zip` writes it: Deflate, a data descriptor after each entry's
/// data, no extra fields, one central directory. Sizes past 4 GiB are
/// refused (no ZIP64).
pub fn zip(entries: &[Entry]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    let too_big = |what: &str| format!("{what} is too large for a zip archive without ZIP64");
    if entries.len() > usize::from(u16::MAX) {
        return Err(too_big("the number of entries"));
    }
    for e in entries {
        let compressed = deflate(&e.data);
        let crc = crc32(&e.data);
        let size = u32::try_from(e.data.len()).map_err(|_| too_big(&e.name))?;
        let csize = u32::try_from(compressed.len()).map_err(|_| too_big(&e.name))?;
        let name_len = u16::try_from(e.name.len()).map_err(|_| too_big("an entry name"))?;
        let offset = u32::try_from(out.len()).map_err(|_| too_big("the archive"))?;
        // Bit 3: sizes in the data descriptor; bit 11: a UTF-8 name.
        let flags: u16 = 0x0008 | if e.name.is_ascii() { 0 } else { 0x0800 };
        let (date, creator, external) = match e.mode {
            Some(mode) => {
                let perm = mode & 0o7777;
                let read_only = if perm & 0o200 == 0 { 1 } else { 0 };
                (ZERO_TIME_DOS_DATE, 0x0314u16, ((0o100000 | perm) << 16) | read_only)
            }
            None => (0, 20u16, 0),
        };
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20);
        u16le(&mut out, flags);
        u16le(&mut out, 8);
        u16le(&mut out, 0); // time
        u16le(&mut out, date);
        u32le(&mut out, 0);
        u32le(&mut out, 0);
        u32le(&mut out, 0);
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&compressed);
        u32le(&mut out, 0x0807_4b50);
        u32le(&mut out, crc);
        u32le(&mut out, csize);
        u32le(&mut out, size);

        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, creator);
        u16le(&mut central, 20);
        u16le(&mut central, flags);
        u16le(&mut central, 8);
        u16le(&mut central, 0);
        u16le(&mut central, date);
        u32le(&mut central, crc);
        u32le(&mut central, csize);
        u32le(&mut central, size);
        u16le(&mut central, name_len);
        u16le(&mut central, 0); // extra
        u16le(&mut central, 0); // comment
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, external);
        u32le(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).map_err(|_| too_big("the archive"))?;
    let cd_size = u32::try_from(central.len()).map_err(|_| too_big("the central directory"))?;
    out.extend_from_slice(&central);
    let count = entries.len() as u16;
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    Ok(out)
}

/// A doublestar glob match of `pattern` against the slash-separated
/// relative `name`: `*` and `?` stay within one path segment, `**` spans
/// any number of segments, `[...]` is a class. A pattern matching a
/// directory excludes everything under it (the walk skips it).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn segments(s: &str) -> Vec<&str> {
        s.split('/').filter(|p| !p.is_empty()).collect()
    }
    fn match_segments(p: &[&str], n: &[&str]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some(&"**") => (0..=n.len()).any(|skip| match_segments(&p[1..], &n[skip..])),
            Some(seg) => {
                !n.is_empty() && match_segment(seg.as_bytes(), n[0].as_bytes()) && match_segments(&p[1..], &n[1..])
            }
        }
    }
    fn match_segment(p: &[u8], n: &[u8]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some(b'*') => (0..=n.len()).any(|skip| match_segment(&p[1..], &n[skip..])),
            Some(b'?') => !n.is_empty() && match_segment(&p[1..], &n[1..]),
            Some(b'[') => {
                let Some(end) = p.iter().skip(1).position(|c| *c == b']').map(|i| i + 1) else {
                    return !n.is_empty() && n[0] == b'[' && match_segment(&p[1..], &n[1..]);
                };
                let Some(&c) = n.first() else { return false };
                let (negate, class) = match p[1..end].split_first() {
                    Some((b'!' | b'^', rest)) => (true, rest),
                    _ => (false, &p[1..end]),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == b'-' {
                        hit |= class[i] <= c && c <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == c;
                        i += 1;
                    }
                }
                hit != negate && match_segment(&p[end + 1..], &n[1..])
            }
            Some(b'\\') if p.len() > 1 => !n.is_empty() && n[0] == p[1] && match_segment(&p[2..], &n[1..]),
            Some(&c) => !n.is_empty() && n[0] == c && match_segment(&p[1..], &n[1..]),
        }
    }
    let pattern = pattern.trim_start_matches("./");
    match_segments(&segments(pattern), &segments(name))
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o666
    }
}

/// The files under `root` as entries, sorted by relative name, less what
/// `excludes` matches; symbolic links are followed (a linked directory is
/// left out when `skip_linked_dirs`). A directory cycle is cut.
fn walk(root: &Path, excludes: &[String], skip_linked_dirs: bool) -> Result<Vec<Entry>, String> {
    fn visit(
        dir: &Path,
        rel: &str,
        excludes: &[String],
        skip_linked_dirs: bool,
        seen: &mut Vec<PathBuf>,
        out: &mut Vec<Entry>,
    ) -> Result<(), String> {
        let canonical =
            std::fs::canonicalize(dir).map_err(|e| format!("error reading directory {}: {e}", dir.display()))?;
        if seen.contains(&canonical) {
            return Ok(());
        }
        seen.push(canonical);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| format!("error reading directory {}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let rel_name = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            if excludes.iter().any(|p| glob_match(p, &rel_name)) {
                continue;
            }
            let link = std::fs::symlink_metadata(&path).map(|m| m.file_type().is_symlink()).unwrap_or(false);
            let meta = std::fs::metadata(&path)
                .map_err(|e| format!("error encountered during file walk: {}: {e}", path.display()))?;
            if meta.is_dir() {
                if !(link && skip_linked_dirs) {
                    visit(&path, &rel_name, excludes, skip_linked_dirs, seen, out)?;
                }
                continue;
            }
            let data = std::fs::read(&path)
                .map_err(|e| format!("error reading file for archival: {}: {e}", path.display()))?;
            out.push(Entry { name: rel_name, data, mode: Some(mode_of(&meta)) });
        }
        seen.pop();
        Ok(())
    }
    let meta =
        std::fs::metadata(root).map_err(|e| format!("could not archive missing directory: {}: {e}", root.display()))?;
    if !meta.is_dir() {
        return Err(format!("error archiving directory: {} is not a directory", root.display()));
    }
    let mut out = Vec::new();
    visit(root, "", excludes, skip_linked_dirs, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// What the configuration puts into the archive, in archive order.
fn entries_of(config: &Value) -> Result<Vec<Entry>, String> {
    let file_mode = str_attr(config, "output_file_mode").and_then(|m| parse_mode(&m));
    let with_mode = |mut entries: Vec<Entry>| {
        if let Some(m) = file_mode {
            for e in &mut entries {
                e.mode = Some(m);
            }
        }
        entries
    };
    if let Some(dir) = str_attr(config, "source_dir") {
        let excludes: Vec<String> = attr(config, "excludes")
            .as_seq()
            .map(|s| s.iter().filter_map(|x| x.as_str().map(String::from)).collect())
            .unwrap_or_default();
        let skip = attr(config, "exclude_symlink_directories").as_bool().unwrap_or(false);
        let entries = walk(Path::new(&dir), &excludes, skip).map_err(|e| format!("error archiving directory: {e}"))?;
        return Ok(with_mode(entries));
    }
    if let Some(file) = str_attr(config, "source_file") {
        let p = Path::new(&file);
        let meta = std::fs::metadata(p)
            .map_err(|e| format!("error archiving file: could not archive missing file: {file}: {e}"))?;
        if meta.is_dir() {
            return Err(format!("error archiving file: could not archive directory as file: {file}"));
        }
        let data = std::fs::read(p).map_err(|e| format!("error archiving file: {file}: {e}"))?;
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(file.clone());
        return Ok(with_mode(vec![Entry { name, data, mode: Some(mode_of(&meta)) }]));
    }
    if let Some(name) = str_attr(config, "source_content_filename") {
        let content = str_attr(config, "source_content").unwrap_or_default();
        return Ok(vec![Entry { name: name.replace('\\', "/"), data: content.into_bytes(), mode: file_mode }]);
    }
    // `source` blocks, one entry per file name (the last wins), sorted.
    let mut by_name = BTreeMap::new();
    for item in attr(config, "source").as_seq().unwrap_or(&[]) {
        let (Some(name), content) = (str_attr(item, "filename"), str_attr(item, "content")) else { continue };
        by_name.insert(name.replace('\\', "/"), content.unwrap_or_default().into_bytes());
    }
    Ok(by_name.into_iter().map(|(name, data)| Entry { name, data, mode: file_mode }).collect())
}

fn checksums(data: &[u8]) -> Vec<(&'static str, String)> {
    let sha1 = hex(&sha1::Sha1::digest(data));
    let sha256 = sha2::Sha256::digest(data);
    let sha512 = sha2::Sha512::digest(data);
    vec![
        ("id", sha1.clone()),
        ("output_md5", hex(&md5::Md5::digest(data))),
        ("output_sha", sha1),
        ("output_sha256", hex(&sha256)),
        ("output_base64sha256", base64_std(&sha256)),
        ("output_sha512", hex(&sha512)),
        ("output_base64sha512", base64_std(&sha512)),
    ]
}

/// The archive the configuration describes, in memory.
fn build(config: &Value) -> Result<Vec<u8>, ProviderDiagnostic> {
    let fail = |e: String| ProviderDiagnostic::error("Archive creation error", format!("error creating archive: {e}"));
    zip(&entries_of(config).map_err(fail)?).map_err(fail)
}

/// `config` with the archive's size and checksums.
fn with_checksums(config: &Value, bytes: &[u8]) -> Value {
    let mut state = with_attr(config, "output_size", Value::int(bytes.len() as i64));
    for (k, v) in checksums(bytes) {
        state = with_attr(&state, k, Value::string(v));
    }
    state
}

/// Builds the archive the configuration describes, writes it to
/// `output_path` (making its directory) and returns the data source's
/// state.
fn read(config: &Value) -> Result<Value, ProviderDiagnostic> {
    let fail = |summary: &str, detail: String| ProviderDiagnostic::error(summary, detail);
    let bytes = build(config)?;
    let output = str_attr(config, "output_path").unwrap_or_default();
    let out_path = Path::new(&output);
    if let Some(dir) = out_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| fail("Output path error", format!("error creating output path: {e}")))?;
    }
    // The same bytes are not written again, so a plan leaves the file's time alone.
    if std::fs::read(out_path).ok().as_deref() != Some(bytes.as_slice()) {
        std::fs::write(out_path, &bytes)
            .map_err(|e| fail("Archive creation error", format!("error creating archive: {e}")))?;
    }
    Ok(with_checksums(config, &bytes))
}

/// The computed attributes of the resource.
const COMPUTED: [&str; 8] = [
    "id",
    "output_size",
    "output_md5",
    "output_sha",
    "output_sha256",
    "output_base64sha256",
    "output_sha512",
    "output_base64sha512",
];

impl Provider for ArchiveProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        validate(req.config)
    }

    /// The deprecated resource is gone when its output file is, or when
    /// the archive its sources make now differs from the one recorded, so
    /// a changed source file is archived again (the Go provider misses
    /// that: hashicorp/terraform-provider-archive#161).
    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let mut resp = ReadResourceResponse {
            new_state: Some(req.current.clone()),
            private: req.private.to_vec(),
            diagnostics: Vec::new(),
        };
        if req.current.is_null() {
            return resp;
        }
        let recorded = str_attr(req.current, "id");
        let on_disk = str_attr(req.current, "output_path").and_then(|p| std::fs::read(p).ok());
        let fresh = build(req.current).ok();
        let sha = |b: &[u8]| hex(&sha1::Sha1::digest(b));
        let same = |b: &Option<Vec<u8>>| b.as_deref().map(sha) == recorded;
        if !same(&on_disk) || !same(&fresh) {
            resp.new_state = None;
        }
        resp
    }

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        let mut resp = PlanResponse {
            planned: req.proposed.clone(),
            requires_replace: Vec::new(),
            private: Vec::new(),
            diagnostics: Vec::new(),
        };
        if req.proposed.is_null() || req.config.is_null() {
            return resp;
        }
        if req.prior.is_null() {
            for name in COMPUTED {
                let ty = if name == "output_size" { Type::Number } else { Type::String };
                resp.planned = with_attr(&resp.planned, name, Value::unknown(ty));
            }
        } else {
            let names: Vec<String> = req.proposed.as_entries().map(|m| m.keys().cloned().collect()).unwrap_or_default();
            for name in names.iter().filter(|n| !COMPUTED.contains(&n.as_str())) {
                if !attr(req.proposed, name).unmark_deep().0.raw_equal(&attr(req.prior, name).unmark_deep().0) {
                    resp.requires_replace.push(path(name));
                }
            }
        }
        resp
    }

    /// Create writes the archive; destroy leaves the file, as the Go
    /// provider does.
    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let mut resp = ApplyResponse { new_state: req.planned.clone(), private: Vec::new(), diagnostics: Vec::new() };
        if req.planned.is_null() || !req.prior.is_null() {
            return resp;
        }
        match read(req.planned) {
            Ok(state) => resp.new_state = state,
            Err(d) => {
                resp.new_state = Value::null(req.planned.ty());
                resp.diagnostics.push(d);
            }
        }
        resp
    }

    /// The archive is named by its path: the create made it when the file
    /// there holds the archive the configuration makes.
    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        let nothing = FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() };
        let (Some(output), Ok(bytes)) = (str_attr(req.planned, "output_path"), build(req.planned)) else {
            return nothing;
        };
        match std::fs::read(output) {
            Ok(on_disk) if on_disk == bytes => FindCreatedResponse {
                found: FoundCreated::Object { state: with_checksums(req.planned, &bytes), private: Vec::new() },
                diagnostics: Vec::new(),
            },
            _ => nothing,
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        if req.type_name != "archive_file" {
            return ReadDataResponse {
                state: Value::dynamic_null(),
                diagnostics: vec![ProviderDiagnostic::error(
                    "Unknown data source",
                    format!("The provider hashicorp/archive has no data source {:?}.", req.type_name),
                )],
            };
        }
        let diagnostics = validate(req.config);
        if has_errors(&diagnostics) {
            return ReadDataResponse { state: Value::dynamic_null(), diagnostics };
        }
        if !req.config.is_wholly_known() {
            // Read at apply, once what goes in is known.
            let mut state = req.config.clone();
            for name in std::iter::once("id").chain(CHECKSUMS) {
                state = with_attr(&state, name, Value::unknown(Type::String));
            }
            state = with_attr(&state, "output_size", Value::unknown(Type::Number));
            return ReadDataResponse { state, diagnostics };
        }
        match read(req.config) {
            Ok(state) => ReadDataResponse { state, diagnostics },
            Err(d) => ReadDataResponse { state: Value::dynamic_null(), diagnostics: vec![d] },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, data: &[u8], mode: Option<u32>) -> Entry {
        Entry { name: name.into(), data: data.to_vec(), mode }
    }

    /// The entries a zip holds, read back from its central directory.
    fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>, u32)> {
        let u16at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
        let u32at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let eocd = bytes.len() - 22;
        assert_eq!(u32at(eocd), 0x0605_4b50);
        let (count, mut at) = (u16at(eocd + 10), u32at(eocd + 16) as usize);
        let mut out = Vec::new();
        for _ in 0..count {
            assert_eq!(u32at(at), 0x0201_4b50);
            let (crc, csize, size) = (u32at(at + 16), u32at(at + 20) as usize, u32at(at + 24) as usize);
            let name_len = u16at(at + 28);
            let external = u32at(at + 38);
            let local = u32at(at + 42) as usize;
            let name = String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap();
            let data_at = local + 30 + u16at(local + 26) + u16at(local + 28);
            let data = miniz_inflate(&bytes[data_at..data_at + csize]);
            assert_eq!(data.len(), size);
            assert_eq!(crc32(&data), crc);
            out.push((name, data, external));
            at += 46 + name_len;
        }
        out
    }

    fn miniz_inflate(data: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(data).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_zip_reads_back_with_names_contents_and_modes() {
        let entries = vec![
            entry("a.txt", b"hello hello hello hello", Some(0o644)),
            entry("dir/b.py", b"", Some(0o755)),
            entry("c\u{e9}.txt", b"x", None),
        ];
        let bytes = zip(&entries).unwrap();
        let read = unzip(&bytes);
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].0, "a.txt");
        assert_eq!(read[0].1, b"hello hello hello hello");
        assert_eq!(read[0].2, (0o100644 << 16));
        assert_eq!(read[1].2, (0o100755 << 16));
        assert_eq!(read[2].0, "c\u{e9}.txt");
        assert_eq!(read[2].2, 0);
        // The same entries give the same bytes.
        assert_eq!(zip(&entries).unwrap(), bytes);
        // A read-only file gets the MS-DOS read-only bit, as Go sets it.
        let ro = unzip(&zip(&[entry("r", b"r", Some(0o444))]).unwrap());
        assert_eq!(ro[0].2, (0o100444 << 16) | 1);
        assert_eq!(zip(&[]).unwrap().len(), 22);
    }

    #[test]
    fn globs_match_as_doublestar_does() {
        for (pattern, name, hit) in [
            ("*.pyc", "a.pyc", true),
            ("*.pyc", "sub/a.pyc", false),
            ("**/*.pyc", "sub/deep/a.pyc", true),
            ("**/*.pyc", "a.pyc", true),
            ("tests", "tests", true),
            ("tests/**", "tests/x/y", true),
            ("te?t", "test", true),
            ("[a-c].txt", "b.txt", true),
            ("[!a-c].txt", "b.txt", false),
            ("./build", "build", true),
            ("build", "builds", false),
        ] {
            assert_eq!(glob_match(pattern, name), hit, "{pattern} vs {name}");
        }
    }

    #[test]
    fn modes_parse_as_go_parses_them() {
        assert_eq!(parse_mode("0644"), Some(0o644));
        assert_eq!(parse_mode("0o755"), Some(0o755));
        assert_eq!(parse_mode("420"), Some(420));
        assert_eq!(parse_mode("0x1A4"), Some(0x1a4));
        assert_eq!(parse_mode("0999"), None);
        assert_eq!(parse_mode("rw"), None);
        assert_eq!(parse_mode(""), None);
    }

    fn config(pairs: Vec<(&str, Value)>) -> Value {
        let block = schema_block();
        let mut given: BTreeMap<&str, Value> = pairs.into_iter().collect();
        let mut m: strata_lang::Fields = block
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), given.remove(k.as_str()).unwrap_or_else(|| Value::null(a.ty.clone()))))
            .collect();
        let source_ty = block.blocks["source"].block.implied_type();
        m.insert("source".into(), given.remove("source").unwrap_or_else(|| Value::set(source_ty, Vec::new())));
        Value::object(m)
    }

    #[test]
    fn validation_names_the_conflicting_arguments() {
        let none = validate(&config(vec![("type", Value::string("zip")), ("output_path", Value::string("o.zip"))]));
        assert_eq!(none.len(), 1);
        assert!(none[0].detail.starts_with("At least one attribute out of"));
        let two = validate(&config(vec![
            ("type", Value::string("zip")),
            ("source_file", Value::string("a")),
            ("source_dir", Value::string("b")),
        ]));
        assert_eq!(two.len(), 1, "{two:?}");
        assert!(two[0].detail.contains("\"source_dir\" cannot be specified when \"source_file\""));
        let half = validate(&config(vec![("type", Value::string("zip")), ("source_content", Value::string("x"))]));
        assert!(half.iter().any(|d| d.detail.contains("\"source_content_filename\" must be specified")), "{half:?}");
        let kind = validate(&config(vec![("type", Value::string("rar")), ("source_file", Value::string("a"))]));
        assert_eq!(kind[0].detail, "archive type not supported: rar");
        let mode = validate(&config(vec![
            ("type", Value::string("zip")),
            ("source_file", Value::string("a")),
            ("output_file_mode", Value::string("0999")),
        ]));
        assert_eq!(mode[0].detail, "error parsing output_file_mode value: 0999");
    }

    #[test]
    fn the_deprecated_resource_is_planned_again_when_its_sources_change() {
        let dir = std::env::temp_dir().join(format!("strata-archive-res-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("in.txt"), "one").unwrap();
        let cfg = config(vec![
            ("type", Value::string("zip")),
            ("source_file", Value::string(dir.join("in.txt").to_string_lossy())),
            ("output_path", Value::string(dir.join("out.zip").to_string_lossy())),
        ]);
        let null = Value::null(resource_block().implied_type());
        let plan = |prior: &Value, proposed: &Value, config: &Value| {
            ArchiveProvider.plan_resource(PlanRequest {
                type_name: "archive_file",
                prior,
                proposed,
                config,
                prior_private: &[],
            })
        };
        let planned = plan(&null, &cfg, &cfg).planned;
        assert!(attr(&planned, "output_sha").is_unknown());
        let made = ArchiveProvider.apply_resource(ApplyRequest {
            type_name: "archive_file",
            prior: &null,
            planned: &planned,
            config: &cfg,
            planned_private: &[],
            create_token: None,
        });
        assert!(made.diagnostics.is_empty(), "{:?}", made.diagnostics);
        let read = |st: &Value| {
            ArchiveProvider
                .read_resource(ReadResourceRequest { type_name: "archive_file", current: st, private: &[] })
                .new_state
        };
        assert!(read(&made.new_state).is_some());
        std::fs::write(dir.join("in.txt"), "two").unwrap();
        assert!(read(&made.new_state).is_none(), "a changed source is archived again");
        let other = with_attr(&cfg, "output_file_mode", Value::string("0600"));
        let replan = plan(&made.new_state, &with_checksums(&other, b""), &other);
        assert_eq!(replan.requires_replace, vec![path("output_file_mode")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_directory_is_archived_sorted_with_excludes() {
        let dir = std::env::temp_dir().join(format!("strata-archive-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src/sub")).unwrap();
        std::fs::create_dir_all(dir.join("src/tests")).unwrap();
        std::fs::write(dir.join("src/b.py"), "b").unwrap();
        std::fs::write(dir.join("src/a.py"), "a").unwrap();
        std::fs::write(dir.join("src/a.pyc"), "compiled").unwrap();
        std::fs::write(dir.join("src/sub/c.py"), "c").unwrap();
        std::fs::write(dir.join("src/tests/t.py"), "t").unwrap();
        let out = dir.join("out/lambda.zip");
        let cfg = config(vec![
            ("type", Value::string("zip")),
            ("source_dir", Value::string(dir.join("src").to_string_lossy())),
            ("excludes", Value::set(Type::String, vec![Value::string("**/*.pyc"), Value::string("tests")])),
            ("output_path", Value::string(out.to_string_lossy())),
            ("output_file_mode", Value::string("0644")),
        ]);
        let state = read(&cfg).unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let names: Vec<String> = unzip(&bytes).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(names, vec!["a.py", "b.py", "sub/c.py"]);
        assert_eq!(str_attr(&state, "output_sha").unwrap(), hex(&sha1::Sha1::digest(&bytes)));
        assert_eq!(str_attr(&state, "id"), str_attr(&state, "output_sha"));
        assert!(attr(&state, "output_size").raw_equal(&Value::int(bytes.len() as i64)));
        // Reading again gives the same archive.
        let again = read(&cfg).unwrap();
        assert_eq!(str_attr(&again, "output_base64sha256"), str_attr(&state, "output_base64sha256"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
