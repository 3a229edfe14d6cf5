//! `alertmanager_config`: the one configuration file an Alertmanager loads.
//! Apply checks it as amtool does, writes it atomically, reloads, and on a
//! refused reload puts the previous file back (and reloads again) before
//! failing with Alertmanager's reason; then verifies what the server
//! serves. Read parses the file back into the typed model, so a hand edit
//! is a field-level change. Destroy leaves the minimal configuration
//! Alertmanager needs: every alert routed to a receiver with no
//! integrations (nothing is sent).

use super::model;
use super::{attr, path, str_attr, with_attr, Settings};
use crate::files::write_atomic;
use crate::http::excerpt;
use std::path::Path;
use strata_lang::{Type, Value};
use strata_promrules::yaml;
use strata_provider::*;

/// What destroying the resource leaves in the file.
pub const EMPTY_CONFIG: &str = "# Written by Strata when alertmanager_config was destroyed: every alert goes to\n# a receiver without integrations, so no notification is sent.\nroute:\n  receiver: blackhole\nreceivers:\n- name: blackhole\n";

/// Attributes holding secrets (never repeated in a message).
const SECRETS: [&str; 7] =
    ["slack_api_url", "smtp_auth_password", "api_url", "routing_key", "service_key", "auth_password", "url"];

fn problems_to_diagnostics(problems: Vec<strata_promrules::Problem>) -> Diagnostics {
    problems
        .into_iter()
        .map(|p| {
            let at = model::attribute_path(&p.path);
            let d = ProviderDiagnostic::error(
                "Invalid Alertmanager configuration",
                format!("{} (as amtool check-config reports it)", p.message),
            );
            if at.is_empty() {
                d
            } else {
                d.at(at)
            }
        })
        .collect()
}

/// The checks `amtool check-config` makes. Values not known yet (at
/// validate, variables are not) are left out of the document checked, and
/// a problem is kept only when what it is about is known: its attribute,
/// and for references, every name they could refer to.
pub fn validate(config: &Value) -> Diagnostics {
    let problems = strata_promrules::alertmanager::check_config(&model::to_yaml(config));
    if config.is_wholly_known() {
        return problems_to_diagnostics(problems);
    }
    let names_known = |block: &str| {
        let b = attr(config, block);
        b.is_known() && b.as_seq().unwrap_or_default().iter().all(|i| attr(i, "name").is_known())
    };
    let (receivers, intervals) = (names_known("receiver"), names_known("time_interval"));
    let global = attr(config, "global").is_wholly_known();
    let kept = problems
        .into_iter()
        .filter(|p| {
            let m = p.message.as_str();
            if m.contains("undefined receiver") || m.contains("notification config name") {
                return receivers && value_known(config, &model::attribute_path(&p.path));
            }
            if m.contains("time interval") && (m.contains("undefined") || m.contains("not unique")) {
                return intervals && value_known(config, &model::attribute_path(&p.path));
            }
            if m.contains("no global") {
                return global && value_known(config, &model::attribute_path(&p.path));
            }
            let at = model::attribute_path(&p.path);
            !at.is_empty() && value_known(config, &at)
        })
        .collect();
    problems_to_diagnostics(kept)
}

/// Whether the value at `at` in `v` is present and wholly known (a block
/// or an attribute).
fn value_known(v: &Value, at: &AttributePath) -> bool {
    let mut cur = v.clone();
    for step in at {
        if !cur.is_known() {
            return false;
        }
        cur = match step {
            PathStep::Attr(a) | PathStep::Key(a) => attr(&cur, a),
            PathStep::Index(i) => match cur.as_seq().and_then(|s| s.get(*i as usize)) {
                Some(x) => x.clone(),
                None => return false,
            },
        };
    }
    !cur.is_null() && cur.is_wholly_known()
}

fn config_file(settings: Option<&Settings>) -> Result<String, ProviderDiagnostic> {
    settings.and_then(|s| s.config_file.clone()).ok_or_else(|| {
        ProviderDiagnostic::error(
            "Missing Alertmanager configuration file",
            "alertmanager_config writes the file Alertmanager loads: set `config_file` in the provider block or ALERTMANAGER_CONFIG_FILE.",
        )
    })
}

/// The configured part of a value (no `id`, no `content`), for comparisons.
fn body_known(v: &Value) -> bool {
    v.as_entries().is_some_and(|m| {
        m.iter().filter(|(k, _)| !matches!(k.as_str(), "id" | "content")).all(|(_, v)| v.is_wholly_known())
    })
}

pub fn plan(settings: Option<&Settings>, req: &PlanRequest, resp: &mut PlanResponse) {
    resp.diagnostics.extend(validate(req.config));
    // The provider's file; an object already managed keeps its own.
    let file = match (config_file(settings), str_attr(req.prior, "id")) {
        (Ok(f), _) | (Err(_), Some(f)) => f,
        (Err(d), None) => {
            resp.diagnostics.push(d);
            return;
        }
    };
    let mut planned = model::keep_equivalent(req.proposed, req.prior);
    planned = with_attr(&planned, "id", Value::string(file.as_str()));
    if !req.prior.is_null() && str_attr(req.prior, "id").as_deref() != Some(file.as_str()) {
        resp.requires_replace.push(path("id"));
    }
    let content =
        if body_known(&planned) { Value::string(model::to_yaml(&planned)) } else { Value::unknown(Type::String) };
    planned = with_attr(&planned, "content", content);
    resp.planned = planned;
}

/// Every secret string in `v`, longest first (to redact messages).
fn secrets(v: &Value, out: &mut Vec<String>) {
    let v = v.unmark_deep().0;
    if let Some(m) = v.as_entries() {
        for (k, x) in m.iter() {
            match x.as_str() {
                Some(s) if SECRETS.contains(&k.as_str()) && s.len() >= 4 => out.push(s.to_string()),
                _ => secrets(x, out),
            }
        }
    } else if let Some(items) = v.as_seq() {
        for x in items {
            secrets(x, out);
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

fn redact(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_string(), |t, s| t.replace(s.as_str(), "(sensitive value)"))
}

fn reload(settings: &Settings) -> Result<(), String> {
    let r = settings.http.post("/-/reload", None)?;
    if r.status == 200 {
        Ok(())
    } else {
        Err(format!("HTTP {}: {}", r.status, excerpt(&r.body)))
    }
}

/// Writes `content`, reloads, and on a refused reload restores what was
/// there before and reloads again.
fn install(settings: &Settings, file: &Path, content: &str, secret: &[String]) -> Result<(), ProviderDiagnostic> {
    let previous = match std::fs::read(file) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(ProviderDiagnostic::error(
                "Cannot read the Alertmanager configuration file",
                format!("{}: {e}", file.display()),
            ))
        }
    };
    write_atomic(file, content.as_bytes()).map_err(|e| {
        ProviderDiagnostic::error(
            "Cannot write the Alertmanager configuration file",
            format!("{}: {e}", file.display()),
        )
    })?;
    let Err(reason) = reload(settings) else { return Ok(()) };
    let restored = match &previous {
        Some(b) => write_atomic(file, b).map_err(|e| e.to_string()),
        None => std::fs::remove_file(file).map_err(|e| e.to_string()),
    };
    let after = match restored {
        Ok(()) => match (&previous, reload(settings)) {
            (Some(_), Ok(())) => "The previous file was put back and Alertmanager reloaded it.".to_string(),
            (None, _) => "The new file was removed (there was none before).".to_string(),
            (Some(_), Err(e)) => {
                format!("The previous file was put back, but reloading it failed too: {}", redact(&e, secret))
            }
        },
        Err(e) => format!("Putting the previous file back failed: {e}"),
    };
    Err(ProviderDiagnostic::error(
        "Alertmanager refused the configuration",
        format!(
            "POST {}/-/reload after writing {}: {}\n\n{after}",
            settings.http.base(),
            file.display(),
            redact(&reason, secret)
        ),
    ))
}

/// What the server runs (`/api/v2/status` `config.original`) has our root
/// receiver and our receivers.
fn verify(settings: &Settings, planned: &Value) -> Result<(), ProviderDiagnostic> {
    let fail =
        |detail: String| ProviderDiagnostic::error("Alertmanager does not serve the configuration written", detail);
    let r = settings.http.get("/api/v2/status").map_err(&fail)?;
    if !r.ok() {
        return Err(fail(format!("GET /api/v2/status: HTTP {}: {}", r.status, excerpt(&r.body))));
    }
    let json = r.json().map_err(&fail)?;
    let original = json.pointer("/config/original").and_then(|v| v.as_str()).unwrap_or_default();
    let served = yaml::parse(original).map_err(|p| fail(format!("config.original does not parse: {p}")))?;
    let want = model::to_yaml(planned);
    let want = yaml::parse(&want).map_err(|p| fail(p.to_string()))?;
    let root_receiver =
        |n: &yaml::Node| n.get("route").and_then(|r| r.get("receiver")).and_then(|r| r.as_str()).map(String::from);
    let receivers = |n: &yaml::Node| -> Vec<String> {
        let mut v: Vec<String> = n
            .get("receivers")
            .map(|r| {
                r.items().iter().filter_map(|i| i.get("name").and_then(|x| x.as_str()).map(String::from)).collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    if root_receiver(&served) != root_receiver(&want) || receivers(&served) != receivers(&want) {
        return Err(fail(format!(
            "After the reload Alertmanager routes to {:?} with receivers {:?}; the file written has {:?} with {:?}.",
            root_receiver(&served),
            receivers(&served),
            root_receiver(&want),
            receivers(&want)
        )));
    }
    Ok(())
}

pub fn apply(settings: &Settings, req: &ApplyRequest) -> Result<Value, super::Failed> {
    let fail_prior = |d: ProviderDiagnostic| Box::new((req.prior.clone(), d));
    if req.planned.is_null() {
        let Some(file) = str_attr(req.prior, "id") else { return Ok(req.planned.clone()) };
        install(settings, Path::new(&file), EMPTY_CONFIG, &[]).map_err(fail_prior)?;
        return Ok(req.planned.clone());
    }
    let failed = |d: ProviderDiagnostic| {
        let state = if req.prior.is_null() { Value::null(req.planned.ty()) } else { req.prior.clone() };
        Box::new((state, d))
    };
    let file = match str_attr(req.planned, "id") {
        Some(f) => f,
        None => {
            return Err(failed(config_file(Some(settings)).err().unwrap_or_else(|| {
                ProviderDiagnostic::error(
                    "Missing Alertmanager configuration file",
                    "The planned object names no file.",
                )
            })))
        }
    };
    let content = model::to_yaml(req.planned);
    let problems = problems_to_diagnostics(strata_promrules::alertmanager::check_config(&content));
    if let Some(d) = problems.into_iter().next() {
        return Err(failed(d));
    }
    let mut secret = Vec::new();
    secrets(req.planned, &mut secret);
    install(settings, Path::new(&file), &content, &secret).map_err(failed)?;
    let state = with_attr(
        &with_attr(req.planned, "content", Value::string(content.as_str())),
        "id",
        Value::string(file.as_str()),
    );
    // Written and loaded: from here the object exists, whatever the check says.
    verify(settings, req.planned).map_err(|d| Box::new((state.clone(), d)))?;
    Ok(state)
}

/// The state a file's text reads as, values that mean the same as
/// `prior`'s kept as `prior` has them.
fn state_of(file: &str, text: &str, prior: &Value) -> Value {
    let Ok(node) = yaml::parse(text) else {
        // Not YAML any more: the next apply writes it again.
        return with_attr(prior, "content", Value::string(text));
    };
    let value = model::keep_equivalent(&model::from_yaml(&node), prior);
    let emitted = model::to_yaml(&value);
    let same = yaml::parse(&emitted).is_ok_and(|e| model::same_document(&e, &node));
    let content = if same { emitted } else { text.to_string() };
    with_attr(&with_attr(&value, "id", Value::string(file)), "content", Value::string(content))
}

pub fn read(_settings: &Settings, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(file) = str_attr(current, "id") else { return Ok(Some(current.clone())) };
    match std::fs::read_to_string(&file) {
        Ok(text) => Ok(Some(state_of(&file, &text, current))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => {
            Err(ProviderDiagnostic::error("Cannot read the Alertmanager configuration file", format!("{file}: {e}")))
        }
    }
}

pub fn import(settings: &Settings, id: &str) -> Result<Value, ProviderDiagnostic> {
    if let Some(own) = &settings.config_file {
        if own != id {
            return Err(ProviderDiagnostic::error(
                "Cannot import alertmanager_config",
                format!("The provider manages {own:?} (its config_file); the import ID names {id:?}."),
            ));
        }
    }
    let text = std::fs::read_to_string(id).map_err(|e| {
        ProviderDiagnostic::error(
            "Cannot import alertmanager_config",
            format!("Reading the configuration file {id:?}: {e}"),
        )
    })?;
    let ty = model::config_block().implied_type();
    Ok(state_of(id, &text, &Value::null(ty)))
}

/// The file holding exactly the planned content is the object.
pub fn find_created(settings: &Settings, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let Some(file) = str_attr(planned, "id").or_else(|| settings.config_file.clone()) else { return Ok(None) };
    let content = model::to_yaml(planned);
    match std::fs::read_to_string(&file) {
        Ok(text) if text == content => Ok(Some(with_attr(
            &with_attr(planned, "content", Value::string(content.as_str())),
            "id",
            Value::string(file.as_str()),
        ))),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Http;

    const DOC: &str = "global:\n  slack_api_url: https://hooks.slack.com/services/T/B/SECRETX\nroute:\n  receiver: team\n  routes:\n  - receiver: team\n    group_wait: 30s\nreceivers:\n- name: team\n  slack_configs:\n  - channel: \"#a\"\n";

    fn value(doc: &str) -> Value {
        model::from_yaml(&yaml::parse(doc).unwrap())
    }

    fn messages(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| format!("{} at {:?}", d.detail, d.attribute)).collect()
    }

    #[test]
    fn problems_are_reported_at_their_attribute() {
        let d = validate(&value(&DOC.replace("  - receiver: team", "  - receiver: nobody")));
        assert_eq!(d.len(), 1, "{:?}", messages(&d));
        assert!(d[0].detail.contains("undefined receiver \"nobody\""));
        let a = |s: &str| PathStep::Attr(s.into());
        assert_eq!(
            d[0].attribute,
            Some(vec![a("route"), PathStep::Index(0), a("route"), PathStep::Index(0), a("receiver")])
        );
        assert!(validate(&value(DOC)).is_empty());
    }

    #[test]
    fn values_not_known_yet_are_not_reported() {
        // The receivers' names are not known: a route naming one may be right.
        let v = value(&DOC.replace("  - receiver: team", "  - receiver: later"));
        let receivers = attr(&v, "receiver");
        let ty = receivers.ty();
        let unknown_names = with_attr(&v, "receiver", Value::unknown(ty));
        assert!(validate(&unknown_names).is_empty(), "{:?}", messages(&validate(&unknown_names)));
        // The global Slack URL is not known: the Slack receiver may be right.
        let g = attr(&v, "global");
        let no_url =
            with_attr(
                &value(&DOC.replace(
                    "  slack_api_url: https://hooks.slack.com/services/T/B/SECRETX\n",
                    "  resolve_timeout: 5m\n",
                )),
                "global",
                Value::unknown(g.ty()),
            );
        assert!(validate(&no_url).is_empty(), "{:?}", messages(&validate(&no_url)));
        // A known bad value is still reported while others are unknown.
        let bad =
            with_attr(&value(&DOC.replace("group_wait: 30s", "group_wait: soon")), "global", Value::unknown(g.ty()));
        let d = validate(&bad);
        assert_eq!(d.len(), 1, "{:?}", messages(&d));
        assert!(d[0].detail.contains("not a valid duration string"));
    }

    #[test]
    fn messages_never_repeat_secrets() {
        let mut s = Vec::new();
        secrets(&value(DOC), &mut s);
        assert_eq!(s, vec!["https://hooks.slack.com/services/T/B/SECRETX".to_string()]);
        assert_eq!(
            redact("bad url https://hooks.slack.com/services/T/B/SECRETX here", &s),
            "bad url (sensitive value) here"
        );
    }

    #[test]
    fn an_interrupted_create_is_the_file_holding_the_planned_content() {
        let dir = std::env::temp_dir().join(format!("strata-am-find-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("alertmanager.yml");
        let settings = Settings {
            http: Http::new(
                "http://127.0.0.1:9",
                crate::http::Options { timeout: std::time::Duration::from_secs(1), ..Default::default() },
            )
            .unwrap(),
            config_file: Some(file.to_string_lossy().into_owned()),
        };
        let planned = with_attr(&value(DOC), "id", Value::string(file.to_string_lossy().as_ref()));
        assert!(find_created(&settings, &planned).unwrap().is_none(), "no file");
        std::fs::write(&file, "route:\n  receiver: other\n").unwrap();
        assert!(find_created(&settings, &planned).unwrap().is_none(), "another content");
        write_atomic(&file, model::to_yaml(&planned).as_bytes()).unwrap();
        let found = find_created(&settings, &planned).unwrap().expect("found");
        assert_eq!(str_attr(&found, "content"), Some(model::to_yaml(&planned)));
        // Read back, it is the same object.
        let read_back = read(&settings, &found).unwrap().expect("exists");
        assert!(read_back.raw_equal(&found));
        std::fs::remove_file(&file).unwrap();
        assert!(read(&settings, &found).unwrap().is_none(), "a deleted file is gone");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
