//! The `random` provider (source `hashicorp/random`), as hashicorp/random
//! 3.x: `random_id`, `random_string`, `random_password`, `random_integer`,
//! `random_pet` and `random_uuid`. Values are generated once, at create;
//! every argument forces replacement (`keepers` only when a non-null value
//! changes, `override_special` except for `""` → null); reads keep state.

use crate::util::{attr, base64_raw_url, base64_std, fill_random, hex, random_below, str_attr, with_attr};
use crate::words;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use strata_lang::{Type, Value};
use strata_provider::*;

pub struct Factory;

impl ProviderFactory for Factory {
    fn source(&self) -> &str {
        "hashicorp/random"
    }
    fn version(&self) -> &str {
        "3.7.2"
    }
    fn new_instance(&self) -> Arc<dyn Provider> {
        Arc::new(RandomProvider)
    }
}

struct RandomProvider;

const RETRY_MSG: &str = "Retry the Terraform operation. If the error still occurs or happens regularly, please \
                         contact the provider developer with hardware and operating system information.\n\n";

fn keepers() -> Attribute {
    // Not `force_new`: replacement only when a non-null value changes (decided in plan).
    Attribute::optional(Type::map(Type::String))
        .describe("Arbitrary map of values that, when changed, will trigger recreation of resource.")
}

fn block(attrs: Vec<(&str, Attribute)>) -> Block {
    Block { attributes: attrs.into_iter().map(|(k, a)| (k.to_string(), a)).collect(), blocks: BTreeMap::new() }
}

fn string_block(password: bool) -> Block {
    let computed = |sensitive: bool| {
        let a = Attribute::computed(Type::String);
        if sensitive {
            a.sensitive()
        } else {
            a
        }
    };
    let mut attrs = vec![
        ("keepers", keepers()),
        ("length", Attribute::required(Type::Number).force_new()),
        ("special", Attribute::optional_computed(Type::Bool).force_new()),
        ("upper", Attribute::optional_computed(Type::Bool).force_new()),
        ("lower", Attribute::optional_computed(Type::Bool).force_new()),
        ("number", Attribute::optional_computed(Type::Bool).force_new().describe("Deprecated: use `numeric`.")),
        ("numeric", Attribute::optional_computed(Type::Bool).force_new()),
        ("min_numeric", Attribute::optional_computed(Type::Number).force_new()),
        ("min_upper", Attribute::optional_computed(Type::Number).force_new()),
        ("min_lower", Attribute::optional_computed(Type::Number).force_new()),
        ("min_special", Attribute::optional_computed(Type::Number).force_new()),
        // Not `force_new`: "" → null is no change (decided in plan).
        ("override_special", Attribute::optional(Type::String)),
        ("result", computed(password)),
        ("id", computed(false)),
    ];
    if password {
        attrs.push(("bcrypt_hash", computed(true)));
    }
    block(attrs)
}

fn schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let s = || Attribute::computed(Type::String);
            let id = block(vec![
                ("keepers", keepers()),
                ("byte_length", Attribute::required(Type::Number).force_new()),
                ("prefix", Attribute::optional(Type::String).force_new()),
                ("id", s()),
                ("b64_url", s()),
                ("b64_std", s()),
                ("hex", s()),
                ("dec", s()),
            ]);
            let integer = block(vec![
                ("keepers", keepers()),
                ("min", Attribute::required(Type::Number).force_new()),
                ("max", Attribute::required(Type::Number).force_new()),
                ("seed", Attribute::optional(Type::String).force_new()),
                ("result", Attribute::computed(Type::Number)),
                ("id", s()),
            ]);
            let pet = block(vec![
                ("keepers", keepers()),
                ("length", Attribute::optional_computed(Type::Number).force_new()),
                ("prefix", Attribute::optional(Type::String).force_new()),
                ("separator", Attribute::optional_computed(Type::String).force_new()),
                ("id", s()),
            ]);
            let uuid = block(vec![("keepers", keepers()), ("result", s()), ("id", s())]);
            let rs =
                |version: u64, block: Block| ResourceSchema { version, block, local_only: true, ..Default::default() };
            Arc::new(ProviderSchema {
                provider: Block::default(),
                resources: BTreeMap::from([
                    ("random_id".to_string(), rs(0, id)),
                    ("random_integer".to_string(), rs(0, integer)),
                    ("random_password".to_string(), rs(3, string_block(true))),
                    ("random_pet".to_string(), rs(0, pet)),
                    ("random_string".to_string(), rs(2, string_block(false))),
                    ("random_uuid".to_string(), rs(0, uuid)),
                ]),
                data_sources: BTreeMap::new(),
            })
        })
        .clone()
}

/// Defaults of optional+computed arguments, applied when the configuration leaves them null.
fn defaults(type_name: &str) -> Vec<(&'static str, Value)> {
    match type_name {
        "random_string" | "random_password" => vec![
            ("special", Value::bool(true)),
            ("upper", Value::bool(true)),
            ("lower", Value::bool(true)),
            ("min_numeric", Value::int(0)),
            ("min_upper", Value::int(0)),
            ("min_lower", Value::int(0)),
            ("min_special", Value::int(0)),
        ],
        "random_pet" => vec![("length", Value::int(2)), ("separator", Value::string("-"))],
        _ => Vec::new(),
    }
}

/// Attributes only the provider sets (unknown until created).
fn computed_only(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "random_id" => &["id", "b64_url", "b64_std", "hex", "dec"],
        "random_integer" => &["result", "id"],
        "random_password" => &["result", "id", "bcrypt_hash"],
        "random_pet" => &["id"],
        "random_string" | "random_uuid" => &["result", "id"],
        _ => &[],
    }
}

fn path(name: &str) -> AttributePath {
    vec![PathStep::Attr(name.to_string())]
}

/// A known whole-number attribute; `Err` when it is known but not an int64.
fn int_of(v: &Value, name: &str) -> Result<Option<i64>, ProviderDiagnostic> {
    let x = attr(v, name);
    if !x.is_known() || x.is_null() {
        return Ok(None);
    }
    match x.as_number().and_then(|n| n.to_i64()) {
        Some(i) => Ok(Some(i)),
        None => Err(ProviderDiagnostic::error(
            "Value Conversion Error",
            format!("Attribute {name} must be a whole number that fits in 64 bits."),
        )
        .at(path(name))),
    }
}

fn bool_of(v: &Value, name: &str) -> Option<bool> {
    attr(v, name).as_bool()
}

/// `keepers` forces replacement when a value changes, but not when the
/// difference is only keys with null values.
fn keepers_require_replace(prior: &Value, config: &Value) -> bool {
    if config.raw_equal(prior) {
        return false;
    }
    let empty = strata_lang::Fields::new();
    let c = config.as_entries().unwrap_or(&empty);
    if prior.is_null() {
        return !c.values().all(Value::is_null);
    }
    let p = prior.as_entries().unwrap_or(&empty);
    for (k, cv) in c {
        match p.get(k) {
            None if cv.is_null() => {}
            Some(pv) if cv.raw_equal(pv) => {}
            _ => return true,
        }
    }
    p.keys().any(|k| !c.contains_key(k))
}

/// `override_special` forces replacement unless it goes from `""` to null
/// (or is not yet known). Called only when it changed.
fn override_special_requires_replace(prior: &Value, config: &Value) -> bool {
    if !config.is_known() {
        return false;
    }
    if !config.is_null() || prior.is_null() {
        return true;
    }
    prior.as_str() != Some("")
}

fn validate(type_name: &str, config: &Value) -> Diagnostics {
    let mut diags = Vec::new();
    // Every whole-number argument must be an int64.
    let ints: &[&str] = match type_name {
        "random_id" => &["byte_length"],
        "random_integer" => &["min", "max"],
        "random_pet" => &["length"],
        "random_string" | "random_password" => &["length", "min_numeric", "min_upper", "min_lower", "min_special"],
        _ => &[],
    };
    for name in ints {
        if let Err(d) = int_of(config, name) {
            diags.push(d);
        }
    }
    if !diags.is_empty() {
        return diags;
    }
    match type_name {
        "random_id" => {
            if let Ok(Some(n)) = int_of(config, "byte_length") {
                if n < 0 {
                    diags.push(
                        ProviderDiagnostic::error(
                            "Invalid Attribute Value",
                            format!("Attribute byte_length value must be at least 0, got: {n}"),
                        )
                        .at(path("byte_length")),
                    );
                }
            }
        }
        "random_string" | "random_password" => {
            if let Ok(Some(len)) = int_of(config, "length") {
                if len < 1 {
                    diags.push(
                        ProviderDiagnostic::error(
                            "Invalid Attribute Value",
                            format!("Attribute length value must be at least 1, got: {len}"),
                        )
                        .at(path("length")),
                    );
                }
                let mins = ["min_upper", "min_lower", "min_numeric", "min_special"];
                let all_known = mins.iter().all(|m| attr(config, m).is_known());
                let sum: i128 = mins.iter().map(|m| int_of(config, m).ok().flatten().unwrap_or(0) as i128).sum();
                if all_known && (len as i128) < sum {
                    diags.push(
                        ProviderDiagnostic::error(
                            "Invalid Attribute Value",
                            format!(
                                "Attribute length value must be at least sum of min_upper + min_lower + \
                                 min_numeric + min_special, got: {len}"
                            ),
                        )
                        .at(path("length")),
                    );
                }
            }
            for name in ["min_numeric", "min_upper", "min_lower", "min_special"] {
                if let Ok(Some(n)) = int_of(config, name) {
                    if n < 0 {
                        diags.push(
                            ProviderDiagnostic::error(
                                "Invalid Attribute Value",
                                format!("Attribute {name} value must be at least 0, got: {n}"),
                            )
                            .at(path(name)),
                        );
                    }
                }
            }
            // At least one of special, upper, lower, numeric (number) must be true
            // when number/numeric is configured false and the others all are too.
            for name in ["number", "numeric"] {
                if bool_of(config, name) != Some(false) {
                    continue;
                }
                let others_false = ["special", "upper", "lower"].iter().all(|o| bool_of(config, o) == Some(false));
                if others_false {
                    diags.push(
                        ProviderDiagnostic::error(
                            "Invalid Attribute Combination",
                            format!(
                                "At least one attribute out of [special,upper,lower,{name}] must be specified as true"
                            ),
                        )
                        .at(path(name)),
                    );
                }
            }
        }
        _ => {}
    }
    diags
}

impl RandomProvider {
    fn plan(&self, req: &PlanRequest) -> PlanResponse {
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
        let mut planned = req.proposed.clone();
        for (name, default) in defaults(req.type_name) {
            if attr(req.config, name).is_null() {
                planned = with_attr(&planned, name, default);
            }
        }
        if matches!(req.type_name, "random_string" | "random_password") {
            // `number` (deprecated) and `numeric` mirror each other; both default to true.
            let (number, numeric) = (attr(req.config, "number"), attr(req.config, "numeric"));
            if let (Some(a), Some(b)) = (number.as_bool(), numeric.as_bool()) {
                if a != b {
                    resp.diagnostics.push(
                        ProviderDiagnostic::error(
                            "Number and numeric are both configured with different values",
                            "Number is deprecated, use numeric instead",
                        )
                        .at(path("number")),
                    );
                }
            }
            let v = if !numeric.is_null() {
                numeric
            } else if !number.is_null() {
                number
            } else {
                Value::bool(true)
            };
            planned = with_attr(&planned, "number", v.clone());
            planned = with_attr(&planned, "numeric", v);
        }
        if has_errors(&resp.diagnostics) {
            return resp;
        }
        let computed = computed_only(req.type_name);
        if req.prior.is_null() {
            for name in computed {
                let ty =
                    if req.type_name == "random_integer" && *name == "result" { Type::Number } else { Type::String };
                let unknown = Value::unknown(ty);
                // Sensitive attributes stay marked while unknown, so plans say "(sensitive value)".
                let sensitive = req.type_name == "random_password" && matches!(*name, "result" | "bcrypt_hash");
                planned = with_attr(&planned, name, if sensitive { unknown.mark_sensitive() } else { unknown });
            }
        } else {
            let names: Vec<String> = planned.as_entries().map(|m| m.keys().cloned().collect()).unwrap_or_default();
            for name in names.iter().filter(|n| !computed.contains(&n.as_str())) {
                let (before, after) = (attr(req.prior, name), attr(&planned, name));
                if after.unmark_deep().0.raw_equal(&before.unmark_deep().0) {
                    continue;
                }
                let replace = match name.as_str() {
                    "keepers" => keepers_require_replace(&before, &attr(req.config, "keepers")),
                    "override_special" => override_special_requires_replace(&before, &attr(req.config, name)),
                    _ => true,
                };
                if replace {
                    resp.requires_replace.push(path(name));
                }
            }
        }
        resp.planned = planned;
        resp
    }

    fn create(&self, type_name: &str, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        let read_error = |e: String| {
            ProviderDiagnostic::error(
                "Random Read Error",
                format!(
                    "While attempting to generate a random value for this resource, a read error was generated.\n\n\
                     {RETRY_MSG}Original Error: {e}"
                ),
            )
        };
        let mut state = planned.clone();
        let set = |state: &mut Value, name: &str, v: Value| *state = with_attr(state, name, v);
        match type_name {
            "random_id" => {
                let n = int_of(planned, "byte_length")?.unwrap_or(0).max(0) as usize;
                let mut bytes = vec![0u8; n];
                fill_random(&mut bytes).map_err(read_error)?;
                let prefix = str_attr(planned, "prefix").unwrap_or_default();
                for (k, v) in id_values(&bytes, &prefix) {
                    set(&mut state, k, Value::string(v));
                }
            }
            "random_string" | "random_password" => {
                let p = StringParams::from_value(planned)?;
                let result = create_string(&p).map_err(read_error)?;
                if type_name == "random_password" {
                    let hash = bcrypt_hash(&result)?;
                    set(&mut state, "result", Value::string(result).mark_sensitive());
                    set(&mut state, "bcrypt_hash", Value::string(hash).mark_sensitive());
                    set(&mut state, "id", Value::string("none"));
                } else {
                    set(&mut state, "result", Value::string(result.clone()));
                    set(&mut state, "id", Value::string(result));
                }
            }
            "random_integer" => {
                let min = int_of(planned, "min")?.unwrap_or(0);
                let max = int_of(planned, "max")?.unwrap_or(0);
                if max < min {
                    return Err(ProviderDiagnostic::error(
                        "Create Random Integer Error",
                        "The minimum (minVal) value needs to be smaller than or equal to maximum (maxVal) value.",
                    ));
                }
                let seed = str_attr(planned, "seed").unwrap_or_default();
                let n = random_integer(min, max, &seed).map_err(read_error)?;
                set(&mut state, "result", Value::int(n));
                set(&mut state, "id", Value::string(n.to_string()));
                if seed.is_empty() {
                    set(&mut state, "seed", Value::null(Type::String));
                }
            }
            "random_pet" => {
                let length = int_of(planned, "length")?.unwrap_or(2);
                let separator = str_attr(planned, "separator").unwrap_or_else(|| "-".to_string());
                let prefix = str_attr(planned, "prefix").unwrap_or_default();
                let mut pet = petname(length, &separator).map_err(read_error)?.to_lowercase();
                if prefix.is_empty() {
                    set(&mut state, "prefix", Value::null(Type::String));
                } else {
                    pet = format!("{prefix}{separator}{pet}");
                }
                set(&mut state, "id", Value::string(pet));
            }
            "random_uuid" => {
                let mut b = [0u8; 16];
                fill_random(&mut b).map_err(|e| {
                    ProviderDiagnostic::error(
                        "Create Random UUID error",
                        format!("There was an error during generation of a UUID.\n\n{RETRY_MSG}Original Error: {e}"),
                    )
                })?;
                let u = format_uuid(&b);
                set(&mut state, "result", Value::string(u.clone()));
                set(&mut state, "id", Value::string(u));
            }
            other => return Err(ProviderDiagnostic::error("Unknown resource type", other.to_string())),
        }
        Ok(state)
    }

    fn import(&self, type_name: &str, id: &str) -> Result<Value, ProviderDiagnostic> {
        let import_error = |summary: &str, detail: String| ProviderDiagnostic::error(summary, detail);
        let s = |x: &str| Value::string(x.to_string());
        let mut m: BTreeMap<&str, Value> = BTreeMap::new();
        match type_name {
            "random_id" => {
                let (prefix, raw) = match id.rfind(',') {
                    Some(i) => (&id[..i], &id[i + 1..]),
                    None => ("", id),
                };
                let bytes = crate::util::decode_base64_raw_url(raw).map_err(|e| {
                    import_error(
                        "Import Random ID Error",
                        format!(
                            "While attempting to import a random id there was a decoding error.\n\n{RETRY_MSG}\
                             Original Error: {e}"
                        ),
                    )
                })?;
                for (k, v) in id_values(&bytes, prefix) {
                    m.insert(k, Value::string(v));
                }
                m.insert("id", s(raw));
                m.insert("byte_length", Value::int(bytes.len() as i64));
                if !prefix.is_empty() {
                    m.insert("prefix", s(prefix));
                }
            }
            "random_string" | "random_password" => {
                for k in ["special", "upper", "lower", "number", "numeric"] {
                    m.insert(k, Value::bool(true));
                }
                for k in ["min_special", "min_upper", "min_lower", "min_numeric"] {
                    m.insert(k, Value::int(0));
                }
                m.insert("length", Value::int(id.chars().count() as i64));
                if type_name == "random_password" {
                    m.insert("result", s(id).mark_sensitive());
                    m.insert("id", s("none"));
                    m.insert("bcrypt_hash", Value::string(bcrypt_hash(id)?).mark_sensitive());
                } else {
                    m.insert("result", s(id));
                    m.insert("id", s(id));
                }
            }
            "random_integer" => {
                let parts: Vec<&str> = id.split(',').collect();
                if parts.len() != 3 && parts.len() != 4 {
                    return Err(import_error(
                        "Import Random Integer Error",
                        "Invalid import usage: expecting {result},{min},{max} or {result},{min},{max},{seed}".into(),
                    ));
                }
                let parse = |x: &str, what: &str| {
                    x.parse::<i64>().map_err(|e| {
                        import_error(
                            "Import Random Integer Error",
                            format!("The {what} supplied could not be parsed as an integer.\n\nOriginal Error: {e}"),
                        )
                    })
                };
                m.insert("result", Value::int(parse(parts[0], "value")?));
                m.insert("min", Value::int(parse(parts[1], "min value")?));
                m.insert("max", Value::int(parse(parts[2], "max value")?));
                m.insert("id", s(parts[0]));
                if let Some(seed) = parts.get(3) {
                    m.insert("seed", s(seed));
                }
            }
            "random_uuid" => {
                let u = parse_uuid(id).map_err(|e| {
                    import_error(
                        "Import Random UUID Error",
                        format!("There was an error during the parsing of the UUID.\n\n{RETRY_MSG}Original Error: {e}"),
                    )
                })?;
                m.insert("result", s(&u));
                m.insert("id", s(&u));
            }
            other => {
                return Err(ProviderDiagnostic::error(
                    "Resource Import Not Implemented",
                    format!("This resource does not support import: {other}."),
                ))
            }
        }
        Ok(full_object(type_name, m))
    }
}

/// An object of `type_name`'s shape: the given attributes, the rest null.
fn full_object(type_name: &str, mut m: BTreeMap<&str, Value>) -> Value {
    let schema = schema();
    let block = &schema.resources[type_name].block;
    Value::object(
        block
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), m.remove(k.as_str()).unwrap_or_else(|| Value::null(a.ty.clone()))))
            .collect(),
    )
}

/// `random_id`'s computed attributes for `bytes` (all but `id` prefixed).
fn id_values(bytes: &[u8], prefix: &str) -> Vec<(&'static str, String)> {
    let id = base64_raw_url(bytes);
    vec![
        ("b64_url", format!("{prefix}{id}")),
        ("b64_std", format!("{prefix}{}", base64_std(bytes))),
        ("hex", format!("{prefix}{}", hex(bytes))),
        ("dec", format!("{prefix}{}", big_endian_decimal(bytes))),
        ("id", id),
    ]
}

/// The unsigned big-endian integer `bytes` as decimal ("0" for none).
fn big_endian_decimal(bytes: &[u8]) -> String {
    let mut n: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut digits = Vec::new();
    while !n.is_empty() {
        let mut rem = 0u32;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        let zeros = n.iter().take_while(|b| **b == 0).count();
        n.drain(..zeros);
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.reverse();
    String::from_utf8(digits).expect("ascii digits")
}

struct StringParams {
    length: i64,
    upper: bool,
    min_upper: i64,
    lower: bool,
    min_lower: i64,
    numeric: bool,
    min_numeric: i64,
    special: bool,
    min_special: i64,
    override_special: String,
}

impl StringParams {
    fn from_value(v: &Value) -> Result<StringParams, ProviderDiagnostic> {
        let b = |n: &str| bool_of(v, n).unwrap_or(true);
        Ok(StringParams {
            length: int_of(v, "length")?.unwrap_or(0),
            upper: b("upper"),
            min_upper: int_of(v, "min_upper")?.unwrap_or(0),
            lower: b("lower"),
            min_lower: int_of(v, "min_lower")?.unwrap_or(0),
            numeric: b("numeric"),
            min_numeric: int_of(v, "min_numeric")?.unwrap_or(0),
            special: b("special"),
            min_special: int_of(v, "min_special")?.unwrap_or(0),
            override_special: str_attr(v, "override_special").unwrap_or_default(),
        })
    }
}

const NUM_CHARS: &str = "0123456789";
const LOWER_CHARS: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SPECIAL_CHARS: &str = "!@#$%&*()-_=+[]{}<>:?";

fn pick(set: &[char], count: i64, out: &mut Vec<char>) -> Result<(), String> {
    if count <= 0 {
        return Ok(());
    }
    if set.is_empty() {
        return Err("charSet is empty".into());
    }
    for _ in 0..count {
        out.push(set[random_below(set.len() as u64)? as usize]);
    }
    Ok(())
}

/// The minimums first (each from its own class, whether or not the class
/// is enabled), then the rest from every enabled class, shuffled.
fn create_string(p: &StringParams) -> Result<String, String> {
    let special: &str = if p.override_special.is_empty() { SPECIAL_CHARS } else { &p.override_special };
    let mut chars = String::new();
    for (on, set) in [(p.upper, UPPER_CHARS), (p.lower, LOWER_CHARS), (p.numeric, NUM_CHARS), (p.special, special)] {
        if on {
            chars.push_str(set);
        }
    }
    if chars.is_empty() {
        return Err("the character set specified is empty".into());
    }
    let set = |s: &str| s.chars().collect::<Vec<char>>();
    let mut result = Vec::with_capacity(p.length.max(0) as usize);
    pick(&set(NUM_CHARS), p.min_numeric, &mut result)?;
    pick(&set(LOWER_CHARS), p.min_lower, &mut result)?;
    pick(&set(UPPER_CHARS), p.min_upper, &mut result)?;
    pick(&set(special), p.min_special, &mut result)?;
    let rest = p.length - result.len() as i64;
    pick(&set(&chars), rest, &mut result)?;
    // Fisher–Yates, so the minimums land anywhere.
    for i in (1..result.len()).rev() {
        let j = random_below(i as u64 + 1)? as usize;
        result.swap(i, j);
    }
    Ok(result.into_iter().collect())
}

/// bcrypt at Go's default cost (10), `$2a$` like golang.org/x/crypto, of
/// the first 72 bytes.
fn bcrypt_hash(s: &str) -> Result<String, ProviderDiagnostic> {
    let bytes = s.as_bytes();
    let bytes = &bytes[..bytes.len().min(72)];
    bcrypt::hash_with_result(bytes, 10).map(|h| h.format_for_version(bcrypt::Version::TwoA)).map_err(|e| {
        ProviderDiagnostic::error(
            "Hash Generation Error",
            format!(
                "While attempting to generate a hash from the password an error occurred.\n\n\
                 Verify that the state contains a populated 'result' field, using 'terraform state show', and \
                 retry the operation\n\nOriginal Error: {e}"
            ),
        )
    })
}

/// CRC-64 with the ISO polynomial, as Go's `hash/crc64` with `crc64.ISO`.
fn crc64_iso(data: &[u8]) -> u64 {
    const POLY: u64 = 0xD800_0000_0000_0000;
    let mut crc = !0u64;
    for &b in data {
        crc ^= u64::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ POLY } else { crc >> 1 };
        }
    }
    !crc
}

/// A number in `min..=max`: from the seed (deterministically) when one is
/// given, otherwise from the system's entropy.
fn random_integer(min: i64, max: i64, seed: &str) -> Result<i64, String> {
    let span = (max as i128 - min as i128 + 1) as u128;
    let offset = if seed.is_empty() {
        if span > u64::MAX as u128 {
            let mut b = [0u8; 8];
            fill_random(&mut b)?;
            u64::from_le_bytes(b) as u128
        } else {
            random_below(span as u64)? as u128
        }
    } else {
        // splitmix64 seeded with the seed's CRC-64, with rejection sampling.
        let mut state = crc64_iso(seed.as_bytes());
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        if span > u64::MAX as u128 {
            next() as u128
        } else {
            let n = span as u64;
            let zone = u64::MAX - (u64::MAX % n);
            loop {
                let x = next();
                if x < zone {
                    break (x % n) as u128;
                }
            }
        }
    };
    Ok((min as i128 + offset as i128) as i64)
}

/// A pet name as golang-petname makes them: one word is a name, two an
/// adjective and a name, more add adverbs in front.
fn petname(words: i64, separator: &str) -> Result<String, String> {
    let pick =
        |list: &[&str]| -> Result<String, String> { Ok(list[random_below(list.len() as u64)? as usize].to_string()) };
    if words == 1 {
        return pick(words::NAMES);
    }
    let mut parts = Vec::new();
    for _ in 0..(words - 2).max(0) {
        parts.push(pick(words::ADVERBS)?);
    }
    parts.push(pick(words::ADJECTIVES)?);
    parts.push(pick(words::NAMES)?);
    Ok(parts.join(separator))
}

fn format_uuid(b: &[u8; 16]) -> String {
    let h = hex(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// hashicorp/go-uuid's parse: 36 characters, dashes at 8, 13, 18 and 23, hex elsewhere.
fn parse_uuid(s: &str) -> Result<String, String> {
    if s.len() != 36 {
        return Err(format!("uuid string is wrong length: {} (expected 36)", s.len()));
    }
    let b = s.as_bytes();
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return Err("uuid is improperly formatted".into());
    }
    let hexpart: String = s.chars().filter(|c| *c != '-').collect();
    if hexpart.len() != 32 || !hexpart.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("uuid is improperly formatted".into());
    }
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hexpart[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(format_uuid(&bytes))
}

impl Provider for RandomProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        schema()
    }

    fn validate_resource(&self, req: ValidateResourceRequest) -> Diagnostics {
        validate(req.type_name, req.config)
    }

    fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        ReadResourceResponse {
            new_state: Some(req.current.clone()),
            private: req.private.to_vec(),
            diagnostics: Vec::new(),
        }
    }

    fn plan_resource(&self, req: PlanRequest) -> PlanResponse {
        self.plan(&req)
    }

    fn apply_resource(&self, req: ApplyRequest) -> ApplyResponse {
        let mut resp = ApplyResponse { new_state: req.planned.clone(), private: Vec::new(), diagnostics: Vec::new() };
        if req.planned.is_null() || !req.prior.is_null() {
            // Delete forgets; update stores the plan (only keepers can change in place).
            return resp;
        }
        match self.create(req.type_name, req.planned) {
            Ok(v) => resp.new_state = v,
            Err(d) => {
                resp.new_state = Value::null(req.planned.ty());
                resp.diagnostics.push(d);
            }
        }
        resp
    }

    fn import_resource(&self, req: ImportRequest) -> ImportResponse {
        match self.import(req.type_name, req.id) {
            Ok(state) => ImportResponse {
                imported: vec![ImportedObject { type_name: req.type_name.to_string(), state, private: Vec::new() }],
                diagnostics: Vec::new(),
            },
            Err(d) => ImportResponse { imported: Vec::new(), diagnostics: vec![d] },
        }
    }

    fn read_data_source(&self, req: ReadDataRequest) -> ReadDataResponse {
        ReadDataResponse {
            state: Value::dynamic_null(),
            diagnostics: vec![ProviderDiagnostic::error(
                "Unknown data source",
                format!("The provider hashicorp/random has no data source {:?}.", req.type_name),
            )],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration object of `type_name` with the given attributes set.
    fn config(type_name: &str, pairs: &[(&str, Value)]) -> Value {
        let m: BTreeMap<&str, Value> = pairs.iter().cloned().collect();
        full_object(type_name, m)
    }

    fn proposed(type_name: &str, prior: &Value, config: &Value) -> Value {
        // As the engine: config where set; computed attributes from prior (unknown on create).
        let schema = schema();
        let block = &schema.resources[type_name].block;
        let mut out = strata_lang::Fields::new();
        for (name, a) in &block.attributes {
            let c = attr(config, name);
            let v = if !c.is_null() || !a.computed {
                c
            } else if prior.is_null() {
                Value::unknown(a.ty.clone())
            } else {
                attr(prior, name)
            };
            out.insert(name.clone(), v);
        }
        Value::object(out)
    }

    fn plan(type_name: &str, prior: &Value, config: &Value) -> PlanResponse {
        let p = proposed(type_name, prior, config);
        RandomProvider.plan_resource(PlanRequest { type_name, prior, proposed: &p, config, prior_private: &[] })
    }

    fn create(type_name: &str, config: &Value) -> Value {
        let null = Value::null(schema().resources[type_name].block.implied_type());
        let planned = plan(type_name, &null, config);
        assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
        let applied = RandomProvider.apply_resource(ApplyRequest {
            type_name,
            prior: &null,
            planned: &planned.planned,
            config,
            planned_private: &[],
            create_token: None,
        });
        assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
        assert!(applied.new_state.is_wholly_known());
        applied.new_state
    }

    fn s(v: &Value, name: &str) -> String {
        str_attr(v, name).unwrap()
    }

    #[test]
    fn random_id_encodings_agree() {
        let st = create(
            "random_id",
            &config("random_id", &[("byte_length", Value::int(8)), ("prefix", Value::string("p-"))]),
        );
        let id = s(&st, "id");
        let bytes = crate::util::decode_base64_raw_url(&id).unwrap();
        assert_eq!(bytes.len(), 8);
        assert_eq!(s(&st, "b64_url"), format!("p-{id}"));
        assert_eq!(s(&st, "hex"), format!("p-{}", hex(&bytes)));
        assert_eq!(s(&st, "b64_std"), format!("p-{}", base64_std(&bytes)));
        let dec: u64 = s(&st, "dec")[2..].parse().unwrap();
        assert_eq!(dec, u64::from_be_bytes(bytes.try_into().unwrap()));
    }

    #[test]
    fn decimal_of_bytes() {
        assert_eq!(big_endian_decimal(&[]), "0");
        assert_eq!(big_endian_decimal(&[0, 0]), "0");
        assert_eq!(big_endian_decimal(&[1, 0]), "256");
        assert_eq!(big_endian_decimal(&[0xff; 16]), u128::MAX.to_string());
    }

    #[test]
    fn random_id_import() {
        let st = RandomProvider.import("random_id", "pre,AQID").unwrap();
        assert_eq!(s(&st, "id"), "AQID");
        assert_eq!(s(&st, "hex"), "pre010203");
        assert_eq!(s(&st, "dec"), "pre66051");
        assert_eq!(s(&st, "prefix"), "pre");
        assert_eq!(attr(&st, "byte_length").as_number().unwrap().to_i64(), Some(3));
        assert!(attr(&st, "keepers").is_null());
        assert!(RandomProvider.import("random_id", "!!").is_err());
    }

    #[test]
    fn string_defaults_and_classes() {
        let cfg = config(
            "random_string",
            &[("length", Value::int(40)), ("special", Value::bool(false)), ("min_upper", Value::int(5))],
        );
        let st = create("random_string", &cfg);
        let r = s(&st, "result");
        assert_eq!(r.chars().count(), 40);
        assert_eq!(s(&st, "id"), r);
        assert!(r.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(r.chars().filter(|c| c.is_ascii_uppercase()).count() >= 5);
        assert_eq!(attr(&st, "upper").as_bool(), Some(true));
        assert_eq!(attr(&st, "number").as_bool(), Some(true));
        assert_eq!(attr(&st, "numeric").as_bool(), Some(true));
        assert_eq!(attr(&st, "min_lower").as_number().unwrap().to_i64(), Some(0));
        assert!(attr(&st, "override_special").is_null());
    }

    #[test]
    fn string_override_special_and_minimums() {
        let p = StringParams {
            length: 30,
            upper: false,
            min_upper: 0,
            lower: false,
            min_lower: 3,
            numeric: false,
            min_numeric: 0,
            special: true,
            min_special: 0,
            override_special: "_%".into(),
        };
        let r = create_string(&p).unwrap();
        assert_eq!(r.len(), 30);
        assert!(r.chars().all(|c| c == '_' || c == '%' || c.is_ascii_lowercase()));
        assert_eq!(r.chars().filter(|c| c.is_ascii_lowercase()).count(), 3);
        let empty = StringParams { special: false, ..p };
        assert_eq!(create_string(&empty).unwrap_err(), "the character set specified is empty");
    }

    #[test]
    fn string_validation() {
        let null = Value::null(schema().resources["random_string"].block.implied_type());
        let bad = plan("random_string", &null, &config("random_string", &[("length", Value::int(0))]));
        assert!(has_errors(&bad.diagnostics));
        let sum = plan(
            "random_string",
            &null,
            &config(
                "random_string",
                &[("length", Value::int(3)), ("min_upper", Value::int(2)), ("min_lower", Value::int(2))],
            ),
        );
        assert!(sum.diagnostics[0].detail.contains("at least sum of"), "{:?}", sum.diagnostics);
        let conflict = plan(
            "random_string",
            &null,
            &config(
                "random_string",
                &[("length", Value::int(3)), ("number", Value::bool(true)), ("numeric", Value::bool(false))],
            ),
        );
        assert_eq!(conflict.diagnostics[0].summary, "Number and numeric are both configured with different values");
        let none_true = plan(
            "random_string",
            &null,
            &config(
                "random_string",
                &[
                    ("length", Value::int(3)),
                    ("numeric", Value::bool(false)),
                    ("special", Value::bool(false)),
                    ("upper", Value::bool(false)),
                    ("lower", Value::bool(false)),
                ],
            ),
        );
        assert_eq!(none_true.diagnostics[0].summary, "Invalid Attribute Combination");
        // number alone mirrors into numeric
        let number = plan(
            "random_string",
            &null,
            &config("random_string", &[("length", Value::int(3)), ("number", Value::bool(false))]),
        );
        assert_eq!(attr(&number.planned, "numeric").as_bool(), Some(false));
    }

    #[test]
    fn changes_force_replacement_but_stable_plans_do_not() {
        let cfg = config("random_string", &[("length", Value::int(12))]);
        let st = create("random_string", &cfg);
        let same = plan("random_string", &st, &cfg);
        assert!(same.requires_replace.is_empty());
        assert!(same.planned.raw_equal(&st), "no-op plan equals state");

        let longer = plan("random_string", &st, &config("random_string", &[("length", Value::int(13))]));
        assert_eq!(longer.requires_replace, vec![path("length")]);

        // Explicitly setting a default is no change.
        let explicit = plan(
            "random_string",
            &st,
            &config("random_string", &[("length", Value::int(12)), ("special", Value::bool(true))]),
        );
        assert!(explicit.requires_replace.is_empty());
        let off = plan(
            "random_string",
            &st,
            &config("random_string", &[("length", Value::int(12)), ("special", Value::bool(false))]),
        );
        assert_eq!(off.requires_replace, vec![path("special")]);
    }

    #[test]
    fn keepers_rules() {
        let m = |pairs: &[(&str, Option<&str>)]| {
            Value::map(
                Type::String,
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.map_or_else(|| Value::null(Type::String), Value::string)))
                    .collect(),
            )
        };
        let null = Value::null(Type::map(Type::String));
        assert!(!keepers_require_replace(&null, &null));
        assert!(!keepers_require_replace(&null, &m(&[("a", None)])));
        assert!(keepers_require_replace(&null, &m(&[("a", Some("1"))])));
        assert!(keepers_require_replace(&m(&[("a", Some("1"))]), &m(&[("a", Some("2"))])));
        assert!(keepers_require_replace(&m(&[("a", Some("1"))]), &null));
        assert!(!keepers_require_replace(&m(&[("a", Some("1"))]), &m(&[("a", Some("1")), ("b", None)])));
        assert!(keepers_require_replace(&m(&[("a", Some("1"))]), &Value::unknown(Type::map(Type::String))));

        let cfg = |k: Value| config("random_uuid", &[("keepers", k)]);
        let st = create("random_uuid", &cfg(m(&[("a", Some("1"))])));
        let p = plan("random_uuid", &st, &cfg(m(&[("a", Some("2"))])));
        assert_eq!(p.requires_replace, vec![path("keepers")]);
        let p = plan("random_uuid", &st, &cfg(m(&[("a", Some("1")), ("b", None)])));
        assert!(p.requires_replace.is_empty());
        assert_eq!(s(&p.planned, "id"), s(&st, "id"), "an in-place update keeps the value");
    }

    #[test]
    fn override_special_empty_to_null_is_no_replace() {
        let st = create(
            "random_string",
            &config("random_string", &[("length", Value::int(4)), ("override_special", Value::string(""))]),
        );
        let p = plan("random_string", &st, &config("random_string", &[("length", Value::int(4))]));
        assert!(p.requires_replace.is_empty());
        let st = create(
            "random_string",
            &config("random_string", &[("length", Value::int(4)), ("override_special", Value::string("!"))]),
        );
        let p = plan("random_string", &st, &config("random_string", &[("length", Value::int(4))]));
        assert_eq!(p.requires_replace, vec![path("override_special")]);
    }

    #[test]
    fn password_is_sensitive_with_bcrypt_hash() {
        let st = create("random_password", &config("random_password", &[("length", Value::int(80))]));
        let r = attr(&st, "result");
        assert!(r.is_sensitive());
        assert_eq!(s(&st, "id"), "none");
        let h = s(&st, "bcrypt_hash");
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert!(bcrypt::verify(&r.as_str().unwrap().as_bytes()[..72], &h).unwrap());
        assert!(schema().resources["random_password"].block.attributes["result"].sensitive);
        let imported = RandomProvider.import("random_password", "secret").unwrap();
        assert_eq!(s(&imported, "result"), "secret");
        assert_eq!(attr(&imported, "length").as_number().unwrap().to_i64(), Some(6));
    }

    #[test]
    fn integer_range_seed_and_import() {
        for _ in 0..20 {
            let st =
                create("random_integer", &config("random_integer", &[("min", Value::int(-2)), ("max", Value::int(2))]));
            let n = attr(&st, "result").as_number().unwrap().to_i64().unwrap();
            assert!((-2..=2).contains(&n));
            assert_eq!(s(&st, "id"), n.to_string());
        }
        let a = random_integer(1, 1_000_000, "seed").unwrap();
        assert_eq!(a, random_integer(1, 1_000_000, "seed").unwrap(), "a seed makes it deterministic");
        assert_eq!(random_integer(i64::MIN, i64::MAX, "x").unwrap(), random_integer(i64::MIN, i64::MAX, "x").unwrap());
        assert_eq!(random_integer(5, 5, "").unwrap(), 5);
        assert_eq!(crc64_iso(b"123456789"), 0xB909_56C7_75A4_1001);

        let null = Value::null(schema().resources["random_integer"].block.implied_type());
        let cfg = config("random_integer", &[("min", Value::int(3)), ("max", Value::int(1))]);
        let p = plan("random_integer", &null, &cfg);
        let applied = RandomProvider.apply_resource(ApplyRequest {
            type_name: "random_integer",
            prior: &null,
            planned: &p.planned,
            config: &cfg,
            planned_private: &[],
            create_token: None,
        });
        assert_eq!(applied.diagnostics[0].summary, "Create Random Integer Error");

        let st = RandomProvider.import("random_integer", "15,1,20,abc").unwrap();
        assert_eq!(attr(&st, "result").as_number().unwrap().to_i64(), Some(15));
        assert_eq!(s(&st, "seed"), "abc");
        assert!(RandomProvider.import("random_integer", "15,1").is_err());
    }

    #[test]
    fn pets() {
        let st = create("random_pet", &config("random_pet", &[]));
        let id = s(&st, "id");
        assert_eq!(id.split('-').count(), 2, "{id}");
        assert_eq!(attr(&st, "length").as_number().unwrap().to_i64(), Some(2));
        assert_eq!(s(&st, "separator"), "-");
        let st = create(
            "random_pet",
            &config(
                "random_pet",
                &[("length", Value::int(4)), ("prefix", Value::string("dev")), ("separator", Value::string("_"))],
            ),
        );
        let id = s(&st, "id");
        let parts: Vec<&str> = id.split('_').collect();
        assert_eq!(parts.len(), 5, "{id}");
        assert_eq!(parts[0], "dev");
        assert!(words::ADVERBS.contains(&parts[1]) && words::ADVERBS.contains(&parts[2]));
        assert!(words::ADJECTIVES.contains(&parts[3]) && words::NAMES.contains(&parts[4]));
        assert!(words::NAMES.contains(&petname(1, "-").unwrap().as_str()));
    }

    #[test]
    fn uuids() {
        let st = create("random_uuid", &config("random_uuid", &[]));
        let u = s(&st, "result");
        assert_eq!(parse_uuid(&u).unwrap(), u);
        assert_eq!(s(&st, "id"), u);
        let imported = RandomProvider.import("random_uuid", "6A1B8D2E-0000-4000-8000-00000000000F").unwrap();
        assert_eq!(s(&imported, "id"), "6a1b8d2e-0000-4000-8000-00000000000f");
        assert!(RandomProvider.import("random_uuid", "nope").is_err());
        assert!(RandomProvider.import("random_pet", "x").is_err());
    }
}
