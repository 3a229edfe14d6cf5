//! The `local` provider (source `hashicorp/local`), as hashicorp/local 2.x:
//! resources `local_file` and `local_sensitive_file` (write the file on
//! create, remove it on destroy; every argument forces replacement; a file
//! deleted or changed outside is gone, so it is planned again) and data
//! sources `local_file` and `local_sensitive_file`. Relative file names are
//! relative to the working directory, as in Terraform.

use crate::util::{attr, base64_std, decode_base64_std, hex, str_attr, with_attr};
use sha2::Digest;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use strata_lang::{Type, Value};
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "hashicorp/local"
    }
    fn version(&self) -> &str {
        "2.5.3"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(LocalProvider)
    }
}

struct LocalProvider;

const CHECKSUMS: [&str; 6] =
    ["content_md5", "content_sha1", "content_sha256", "content_base64sha256", "content_sha512", "content_base64sha512"];

fn block(attrs: Vec<(&str, Attribute)>) -> Block {
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn with_checksums(mut attrs: Vec<(&'static str, Attribute)>) -> Block {
    attrs.push(("id", Attribute::computed(Type::String)));
    for c in CHECKSUMS {
        attrs.push((c, Attribute::computed(Type::String)));
    }
    block(attrs)
}

fn file_resource(sensitive: bool) -> Block {
    let arg = |s: bool| {
        let a = Attribute::optional(Type::String).force_new();
        if s {
            a.sensitive()
        } else {
            a
        }
    };
    let mut attrs = vec![
        ("filename", Attribute::required(Type::String).force_new()),
        ("content", arg(sensitive)),
        ("content_base64", arg(sensitive)),
        ("source", arg(false)),
        ("file_permission", Attribute::optional_computed(Type::String).force_new()),
        ("directory_permission", Attribute::optional_computed(Type::String).force_new()),
    ];
    if !sensitive {
        attrs.push(("sensitive_content", arg(true).describe("Deprecated: use the `local_sensitive_file` resource.")));
    }
    with_checksums(attrs)
}

fn file_data_source(sensitive: bool) -> Block {
    let content = || {
        let a = Attribute::computed(Type::String);
        if sensitive {
            a.sensitive()
        } else {
            a
        }
    };
    with_checksums(vec![
        ("filename", Attribute::required(Type::String)),
        ("content", content()),
        ("content_base64", content()),
    ])
}

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let rs = |block: Block| ResourceSchema { version: 0, block, ..Default::default() };
            Arc::new(ProviderSchema {
                provider: Block::default(),
                resources: BTreeMap::from([
                    ("local_file".to_string(), rs(file_resource(false))),
                    ("local_sensitive_file".to_string(), rs(file_resource(true))),
                ]),
                data_sources: BTreeMap::from([
                    ("local_file".to_string(), rs(file_data_source(false))),
                    ("local_sensitive_file".to_string(), rs(file_data_source(true))),
                ]),
            })
        })
        .clone()
}

fn path(name: &str) -> AttributePath {
    vec![PathStep::Attr(name.to_string())]
}

fn default_permission(type_name: &str) -> &'static str {
    if type_name == "local_sensitive_file" {
        "0700"
    } else {
        "0777"
    }
}

fn content_args(type_name: &str) -> &'static [&'static str] {
    if type_name == "local_sensitive_file" {
        &["content", "content_base64", "source"]
    } else {
        &["content", "sensitive_content", "content_base64", "source"]
    }
}

fn validate(type_name: &str, config: &Value) -> Diagnostics {
    let mut diags = Vec::new();
    let args = content_args(type_name);
    let set: Vec<&str> = args.iter().copied().filter(|a| !attr(config, a).is_null()).collect();
    if set.len() != 1 {
        let listed = format!("[{}]", args.join(","));
        let detail = if set.is_empty() {
            format!("No attribute specified when one (and only one) of {listed} is required")
        } else {
            format!("{} attributes specified when one (and only one) of {listed} is required", set.len())
        };
        let d = ProviderDiagnostic::error("Invalid Attribute Combination", detail);
        diags.push(match set.first() {
            Some(a) => d.at(path(a)),
            None => d,
        });
    }
    for name in ["file_permission", "directory_permission"] {
        let Some(fp) = attr(config, name).as_str().map(String::from) else { continue };
        let detail = if fp.len() < 3 || fp.len() > 4 {
            Some(format!("bad mode permission: string length should be 3 or 4 digits: {fp}"))
        } else if u32::from_str_radix(&fp, 8).map_or(true, |m| m > 0o777) {
            Some(format!("bad mode permission: string must be expressed in octal numeric notation: {fp}"))
        } else {
            None
        };
        if let Some(detail) = detail {
            diags.push(ProviderDiagnostic::error("Invalid File Permission String Value", detail).at(path(name)));
        }
    }
    diags
}

/// The checksums Terraform records for `data`, with `id` (the SHA-1).
fn checksums(data: &[u8]) -> Vec<(&'static str, String)> {
    let sha1 = hex(&sha1::Sha1::digest(data));
    let sha256 = sha2::Sha256::digest(data);
    let sha512 = sha2::Sha512::digest(data);
    vec![
        ("id", sha1.clone()),
        ("content_md5", hex(&md5::Md5::digest(data))),
        ("content_sha1", sha1),
        ("content_sha256", hex(&sha256)),
        ("content_base64sha256", base64_std(&sha256)),
        ("content_sha512", hex(&sha512)),
        ("content_base64sha512", base64_std(&sha512)),
    ]
}

fn file_error(summary: &str, what: &str, e: impl std::fmt::Display) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, format!("An unexpected error occurred while {what}\n\nOriginal Error: {e}"))
}

/// The bytes to write: `sensitive_content`, else decoded `content_base64`,
/// else the `source` file's, else `content`.
fn content_of(planned: &Value) -> Result<Vec<u8>, ProviderDiagnostic> {
    let err = |e: String| file_error("Create local file error", "parsing local file content", e);
    if let Some(s) = str_attr(planned, "sensitive_content") {
        return Ok(s.into_bytes());
    }
    if let Some(s) = str_attr(planned, "content_base64") {
        return decode_base64_std(&s).map_err(err);
    }
    if let Some(s) = str_attr(planned, "source") {
        return std::fs::read(&s).map_err(|e| err(e.to_string()));
    }
    Ok(str_attr(planned, "content").unwrap_or_default().into_bytes())
}

fn parse_mode(s: &str) -> u32 {
    u32::from_str_radix(s, 8).unwrap_or(0)
}

#[cfg(unix)]
fn create_dirs(dir: &std::path::Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(mode).create(dir)
}

#[cfg(not(unix))]
fn create_dirs(dir: &std::path::Path, _mode: u32) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Writes like Go's `os.WriteFile`: the mode (less the umask) applies only
/// when the file is created.
fn write_file(file: &std::path::Path, data: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    opts.open(file)?.write_all(data)
}

fn create_file(planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let content = content_of(planned)?;
    let filename = str_attr(planned, "filename").unwrap_or_default();
    let file = std::path::Path::new(&filename);
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    if std::fs::metadata(dir).is_err() {
        let mode = parse_mode(&str_attr(planned, "directory_permission").unwrap_or_default());
        create_dirs(dir, mode).map_err(|e| file_error("Create local file error", "creating file directory", e))?;
    }
    let mode = parse_mode(&str_attr(planned, "file_permission").unwrap_or_default());
    write_file(file, &content, mode).map_err(|e| file_error("Create local file error", "writing the file", e))?;
    let mut state = planned.clone();
    for (k, v) in checksums(&content) {
        state = with_attr(&state, k, Value::string(v));
    }
    Ok(state)
}

impl Provider for LocalProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        validate(req.type_name, req.config)
    }

    /// Gone when the file no longer exists or its content's SHA-1 is not the id.
    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let mut resp = ReadResourceResponse {
            new_state: Some(req.current.clone()),
            private: req.private.to_vec(),
            diagnostics: Vec::new(),
        };
        if req.current.is_null() {
            return resp;
        }
        let filename = str_attr(req.current, "filename").unwrap_or_default();
        match std::fs::read(&filename) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => resp.new_state = None,
            Err(e) => resp.diagnostics.push(file_error("Read local file error", "reading the file", e)),
            Ok(data) => {
                if str_attr(req.current, "id").as_deref() != Some(hex(&sha1::Sha1::digest(&data)).as_str()) {
                    resp.new_state = None;
                }
            }
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
        resp.diagnostics = validate(req.type_name, req.config);
        if has_errors(&resp.diagnostics) {
            return resp;
        }
        let mut planned = req.proposed.clone();
        for name in ["file_permission", "directory_permission"] {
            if attr(req.config, name).is_null() {
                planned = with_attr(&planned, name, Value::string(default_permission(req.type_name)));
            }
        }
        let computed: Vec<&str> = std::iter::once("id").chain(CHECKSUMS).collect();
        if req.prior.is_null() {
            for name in &computed {
                planned = with_attr(&planned, name, Value::unknown(Type::String));
            }
        } else {
            let names: Vec<String> = planned.as_entries().map(|m| m.keys().cloned().collect()).unwrap_or_default();
            for name in names.iter().filter(|n| !computed.contains(&n.as_str())) {
                if !attr(&planned, name).unmark_deep().0.raw_equal(&attr(req.prior, name).unmark_deep().0) {
                    resp.requires_replace.push(path(name));
                }
            }
        }
        resp.planned = planned;
        resp
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let mut resp = ApplyResponse { new_state: req.planned.clone(), private: Vec::new(), diagnostics: Vec::new() };
        if req.planned.is_null() {
            // Destroy: remove the file; a file already gone is fine.
            if let Some(f) = str_attr(req.prior, "filename") {
                let _ = std::fs::remove_file(f);
            }
            return resp;
        }
        if !req.prior.is_null() {
            return resp;
        }
        match create_file(req.planned) {
            Ok(v) => resp.new_state = v,
            Err(d) => {
                resp.new_state = Value::null(req.planned.ty());
                resp.diagnostics.push(d);
            }
        }
        resp
    }

    /// A file is named by its path: the create made it when the file there
    /// holds the planned content.
    fn find_created(&self, req: FindCreatedRequest) -> FindCreatedResponse {
        let nothing = FindCreatedResponse { found: FoundCreated::Nothing, diagnostics: Vec::new() };
        let (Some(filename), Ok(wanted)) = (str_attr(req.planned, "filename"), content_of(req.planned)) else {
            return nothing;
        };
        match std::fs::read(&filename) {
            Ok(data) if data == wanted => {
                let mut state = req.planned.clone();
                for (k, v) in checksums(&data) {
                    state = with_attr(&state, k, Value::string(v));
                }
                FindCreatedResponse {
                    found: FoundCreated::Object { state, private: Vec::new() },
                    diagnostics: Vec::new(),
                }
            }
            _ => nothing,
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        let schema = schema();
        let Some(ds) = schema.data_sources.get(req.type_name) else {
            return ReadDataResponse {
                state: Value::dynamic_null(),
                diagnostics: vec![ProviderDiagnostic::error(
                    "Unknown data source",
                    format!("The provider hashicorp/local has no data source {:?}.", req.type_name),
                )],
            };
        };
        let filename = attr(req.config, "filename");
        let mut out = strata_lang::Fields::new();
        out.insert("filename".into(), filename.clone());
        let Some(name) = filename.as_str() else {
            // Not known yet: everything else is known after the read.
            for (k, a) in &ds.block.attributes {
                out.entry(k.clone()).or_insert_with(|| Value::unknown(a.ty.clone()));
            }
            return ReadDataResponse { state: Value::object(out), diagnostics: Vec::new() };
        };
        let data = match std::fs::read(name) {
            Ok(d) => d,
            Err(e) => {
                return ReadDataResponse {
                    state: Value::dynamic_null(),
                    diagnostics: vec![ProviderDiagnostic::error(
                        "Read local file data source error",
                        format!("The file at given path cannot be read.\n\nOriginal Error: {e}"),
                    )
                    .at(path("filename"))],
                }
            }
        };
        let sensitive = req.type_name == "local_sensitive_file";
        let mark = |v: Value| if sensitive { v.mark_sensitive() } else { v };
        out.insert("content".into(), mark(Value::string(String::from_utf8_lossy(&data).into_owned())));
        out.insert("content_base64".into(), mark(Value::string(base64_std(&data))));
        for (k, v) in checksums(&data) {
            out.insert(k.into(), Value::string(v));
        }
        ReadDataResponse { state: Value::object(out), diagnostics: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let p = std::env::temp_dir().join(format!("strata-local-{name}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Scratch(p)
        }
        fn file(&self, rel: &str) -> String {
            self.0.join(rel).to_string_lossy().into_owned()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn config(type_name: &str, pairs: &[(&str, Value)]) -> Value {
        let schema = schema();
        let block = &schema.resources[type_name].block;
        let mut m: BTreeMap<&str, Value> = pairs.iter().cloned().collect();
        Value::object(
            block
                .attributes
                .iter()
                .map(|(k, a)| {
                    let v = m.remove(k.as_str()).unwrap_or_else(|| Value::null(a.ty.clone()));
                    (k.clone(), if a.sensitive && !v.is_null() { v.mark_sensitive() } else { v })
                })
                .collect(),
        )
    }

    fn proposed(type_name: &str, prior: &Value, config: &Value) -> Value {
        let schema = schema();
        let block = &schema.resources[type_name].block;
        Value::object(
            block
                .attributes
                .iter()
                .map(|(name, a)| {
                    let c = attr(config, name);
                    let v = if !c.is_null() || !a.computed {
                        c
                    } else if prior.is_null() {
                        Value::unknown(a.ty.clone())
                    } else {
                        attr(prior, name)
                    };
                    (name.clone(), v)
                })
                .collect(),
        )
    }

    fn plan(type_name: &str, prior: &Value, config: &Value) -> PlanResponse {
        let p = proposed(type_name, prior, config);
        LocalProvider.plan_resource(PlanRequest { type_name, prior, proposed: &p, config, prior_private: &[] })
    }

    fn create(type_name: &str, config: &Value) -> Value {
        let null = Value::null(schema().resources[type_name].block.implied_type());
        let p = plan(type_name, &null, config);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert!(attr(&p.planned, "id").is_unknown());
        let a = LocalProvider.apply_resource(ApplyRequest {
            type_name,
            prior: &null,
            planned: &p.planned,
            config,
            planned_private: &[],
            create_token: None,
        });
        assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
        assert!(a.new_state.is_wholly_known());
        a.new_state
    }

    fn read(type_name: &str, st: &Value) -> Option<Value> {
        LocalProvider.read_resource(ReadResourceRequest { type_name, current: st, private: &[] }).new_state
    }

    #[test]
    fn checksums_match_known_digests() {
        let c: BTreeMap<_, _> = checksums(b"hello").into_iter().collect();
        assert_eq!(c["id"], "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(c["content_md5"], "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(c["content_sha256"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assert_eq!(c["content_base64sha256"], "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
        assert!(c["content_sha512"].starts_with("9b71d224bd62f378"));
    }

    #[test]
    fn file_lifecycle() {
        let d = Scratch::new("life");
        let f = d.file("sub/dir/out.txt");
        let cfg = config("local_file", &[("filename", Value::string(f.clone())), ("content", Value::string("hi\n"))]);
        let st = create("local_file", &cfg);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "hi\n");
        assert_eq!(str_attr(&st, "file_permission").as_deref(), Some("0777"));
        assert_eq!(str_attr(&st, "id"), Some(hex(&sha1::Sha1::digest(b"hi\n"))));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode & !0o777, 0);
            assert_eq!(mode & 0o700, 0o700, "{mode:o}");
        }

        // Unchanged: no-op and still there.
        let same = plan("local_file", &st, &cfg);
        assert!(same.requires_replace.is_empty());
        assert!(same.planned.raw_equal(&st));
        assert!(read("local_file", &st).is_some());

        // A change of content replaces.
        let cfg2 = config("local_file", &[("filename", Value::string(f.clone())), ("content", Value::string("ho"))]);
        assert_eq!(plan("local_file", &st, &cfg2).requires_replace, vec![path("content")]);

        // Changed outside: gone.
        std::fs::write(&f, "other").unwrap();
        assert!(read("local_file", &st).is_none());
        std::fs::remove_file(&f).unwrap();
        assert!(read("local_file", &st).is_none());

        // Destroy removes the file (and does not mind if it is gone).
        let st = create("local_file", &cfg);
        let null = Value::null(st.ty());
        let gone = LocalProvider.apply_resource(ApplyRequest {
            type_name: "local_file",
            prior: &st,
            planned: &null,
            config: &null,
            planned_private: &[],
            create_token: None,
        });
        assert!(gone.diagnostics.is_empty() && gone.new_state.is_null());
        assert!(!std::path::Path::new(&f).exists());
    }

    #[test]
    fn base64_source_and_sensitive() {
        let d = Scratch::new("b64");
        let f = d.file("a.bin");
        let st = create(
            "local_file",
            &config(
                "local_file",
                &[("filename", Value::string(f.clone())), ("content_base64", Value::string("AAEC/w=="))],
            ),
        );
        assert_eq!(std::fs::read(&f).unwrap(), vec![0, 1, 2, 255]);
        let g = d.file("copy.bin");
        create(
            "local_file",
            &config("local_file", &[("filename", Value::string(g.clone())), ("source", Value::string(f))]),
        );
        assert_eq!(std::fs::read(&g).unwrap(), vec![0, 1, 2, 255]);
        assert!(attr(&st, "content").is_null());

        let s = d.file("secret.txt");
        let st = create(
            "local_sensitive_file",
            &config(
                "local_sensitive_file",
                &[("filename", Value::string(s.clone())), ("content", Value::string("pw"))],
            ),
        );
        assert_eq!(str_attr(&st, "file_permission").as_deref(), Some("0700"));
        assert_eq!(str_attr(&st, "directory_permission").as_deref(), Some("0700"));
        assert!(attr(&st, "content").is_sensitive());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&s).unwrap().permissions().mode() & 0o777, 0o700);
        }
        let block = &schema().resources["local_sensitive_file"].block;
        assert!(block.attributes["content"].sensitive && block.attributes["content_base64"].sensitive);
        assert!(!block.attributes.contains_key("sensitive_content"));
    }

    #[test]
    fn validation() {
        let null = Value::null(schema().resources["local_file"].block.implied_type());
        let none = plan("local_file", &null, &config("local_file", &[("filename", Value::string("x"))]));
        assert_eq!(none.diagnostics[0].summary, "Invalid Attribute Combination");
        let two = plan(
            "local_file",
            &null,
            &config(
                "local_file",
                &[("filename", Value::string("x")), ("content", Value::string("a")), ("source", Value::string("b"))],
            ),
        );
        assert!(two.diagnostics[0].detail.starts_with("2 attributes specified"), "{:?}", two.diagnostics);
        for bad in ["77", "0999", "12345", "-777", "1777"] {
            let p = plan(
                "local_file",
                &null,
                &config(
                    "local_file",
                    &[
                        ("filename", Value::string("x")),
                        ("content", Value::string("a")),
                        ("file_permission", Value::string(bad)),
                    ],
                ),
            );
            assert_eq!(p.diagnostics.len(), 1, "{bad}");
            assert_eq!(p.diagnostics[0].summary, "Invalid File Permission String Value");
        }
        let ok = plan(
            "local_file",
            &null,
            &config(
                "local_file",
                &[
                    ("filename", Value::string("x")),
                    ("content", Value::string("a")),
                    ("file_permission", Value::string("644")),
                ],
            ),
        );
        assert!(ok.diagnostics.is_empty());
    }

    #[test]
    fn data_source_reads_file() {
        let d = Scratch::new("data");
        let f = d.file("in.txt");
        std::fs::write(&f, b"hello").unwrap();
        let cfg = Value::object(strata_lang::Fields::from([("filename".to_string(), Value::string(f.clone()))]));
        let r = LocalProvider.read_data_source(ReadDataRequest { type_name: "local_file", config: &cfg });
        assert!(r.diagnostics.is_empty());
        assert_eq!(str_attr(&r.state, "content").as_deref(), Some("hello"));
        assert_eq!(str_attr(&r.state, "content_base64").as_deref(), Some("aGVsbG8="));
        assert_eq!(str_attr(&r.state, "id").as_deref(), Some("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"));
        let r = LocalProvider.read_data_source(ReadDataRequest { type_name: "local_sensitive_file", config: &cfg });
        assert!(attr(&r.state, "content").is_sensitive());
        let ds = &schema().data_sources["local_file"].block;
        assert!(r.state.ty() == ds.implied_type() || r.state.as_entries().unwrap().len() == ds.attributes.len());
        let missing =
            Value::object(strata_lang::Fields::from([("filename".to_string(), Value::string(d.file("nope")))]));
        let r = LocalProvider.read_data_source(ReadDataRequest { type_name: "local_file", config: &missing });
        assert_eq!(r.diagnostics[0].summary, "Read local file data source error");
    }
}
