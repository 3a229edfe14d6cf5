//! `container_definitions` of `aws_ecs_task_definition`, normalized as the
//! provider does. What the state holds (its StateFunc): the JSON read into
//! the SDK's own `ContainerDefinition` structs (so keys ECS does not know
//! are dropped) and written back, containers sorted by name and each
//! one's `environment` and `secrets` by name. When two definitions are the
//! same (its DiffSuppress, `ContainerDefinitionsAreEquivalent`): both
//! reduced further by what ECS fills in by itself: `cpu: 0` and a missing
//! `essential` (true), a port mapping's `tcp` protocol and `hostPort` 0
//! (under `awsvpc`, a host port equal to the container port), and empty
//! arrays, and a health check's interval 30, retries 3 and timeout 5 (the
//! 6.x provider's additions). moto injects the first of those into every
//! container.

use aws_sdk_ecs::types::ContainerDefinition;
use aws_smithy_json::codec::{JsonCodec, JsonCodecSettings};
use aws_smithy_schema::codec::Codec;
use aws_smithy_schema::serde::ShapeSerializer;
use serde_json::{Map, Value as Json};

fn codec() -> JsonCodec {
    JsonCodec::new(JsonCodecSettings::default())
}

/// The SDK's structs for a definitions document: an array of objects.
pub fn to_sdk(text: &str) -> Result<Vec<ContainerDefinition>, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("container_definitions is not valid JSON: {e}"))?;
    let Json::Array(items) = doc else {
        return Err("container_definitions must be a JSON array of container definitions".into());
    };
    let codec = codec();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if !item.is_object() {
                return Err(format!("container_definitions[{i}] is not a JSON object"));
            }
            let item = canonical_keys(item.clone(), ContainerDefinition::SCHEMA, true);
            let bytes = serde_json::to_vec(&item).map_err(|e| e.to_string())?;
            let mut de = codec.create_deserializer(&bytes);
            ContainerDefinition::deserialize(&mut de)
                .map_err(|e| format!("container_definitions[{i}] is not a valid container definition: {e}"))
        })
        .collect()
}

/// The struct schema of a container's member (a list's element), for
/// the members whose keys are matched below the top level.
fn nested_schema(member: &str) -> Option<&'static aws_smithy_schema::Schema<'static>> {
    use aws_sdk_ecs::types as t;
    Some(match member {
        "portMappings" => t::PortMapping::SCHEMA,
        "environment" => t::KeyValuePair::SCHEMA,
        "secrets" => t::Secret::SCHEMA,
        "mountPoints" => t::MountPoint::SCHEMA,
        "volumesFrom" => t::VolumeFrom::SCHEMA,
        "dependsOn" => t::ContainerDependency::SCHEMA,
        "ulimits" => t::Ulimit::SCHEMA,
        "logConfiguration" => t::LogConfiguration::SCHEMA,
        "healthCheck" => t::HealthCheck::SCHEMA,
        "repositoryCredentials" => t::RepositoryCredentials::SCHEMA,
        "resourceRequirements" => t::ResourceRequirement::SCHEMA,
        "environmentFiles" => t::EnvironmentFile::SCHEMA,
        "firelensConfiguration" => t::FirelensConfiguration::SCHEMA,
        _ => return None,
    })
}

/// Keys as the SDK's members spell them where they differ only in case
/// (Go's JSON decoding, which the provider relies on, matches keys
/// case-insensitively): a container's keys, and those of its common
/// nested objects (`nested_schema`).
fn canonical_keys(v: Json, schema: &aws_smithy_schema::Schema<'_>, top: bool) -> Json {
    let Json::Object(m) = v else { return v };
    Json::Object(
        m.into_iter()
            .map(|(k, v)| {
                let member = schema.member_schema(&k).or_else(|| {
                    schema
                        .members()
                        .iter()
                        .copied()
                        .find(|s| s.member_name().is_some_and(|n| n.eq_ignore_ascii_case(&k)))
                });
                let Some(name) = member.and_then(|s| s.member_name()) else { return (k, v) };
                let v = match (top, nested_schema(name), v) {
                    (true, Some(inner), Json::Array(items)) => {
                        Json::Array(items.into_iter().map(|x| canonical_keys(x, inner, false)).collect())
                    }
                    (true, Some(inner), v @ Json::Object(_)) => canonical_keys(v, inner, false),
                    (_, _, v) => v,
                };
                (name.to_string(), v)
            })
            .collect(),
    )
}

/// One SDK struct as JSON.
fn sdk_json(def: &ContainerDefinition) -> Result<Json, String> {
    let mut ser = codec().create_serializer();
    ser.write_struct(ContainerDefinition::SCHEMA, def).map_err(|e| e.to_string())?;
    let bytes = ser.finish();
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// Keys sorted at every level (the state's text is then stable).
fn sorted(v: Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut entries: Vec<(String, Json)> = m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().collect::<Map<String, Json>>())
        }
        Json::Array(items) => Json::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

fn name_of(v: &Json) -> String {
    v.get("name").and_then(Json::as_str).unwrap_or_default().to_string()
}

/// Containers by name; each one's environment and secrets by name.
fn sort_definitions(mut items: Vec<Json>) -> Vec<Json> {
    for item in &mut items {
        if let Some(m) = item.as_object_mut() {
            for key in ["environment", "secrets"] {
                if let Some(Json::Array(list)) = m.get_mut(key) {
                    list.sort_by_key(name_of);
                }
            }
        }
    }
    items.sort_by_key(name_of);
    items
}

/// The definitions as the state holds them (`cpu` is not optional in the
/// SDK's struct: it is always there, 0 when not given).
pub fn from_sdk(defs: &[ContainerDefinition]) -> Result<String, String> {
    let items = defs.iter().map(|d| sdk_json(d).map(sorted)).collect::<Result<Vec<_>, _>>()?;
    serde_json::to_string(&Json::Array(sort_definitions(items))).map_err(|e| e.to_string())
}

/// `text` as the state holds it (the provider's StateFunc).
pub fn normalize(text: &str) -> Result<String, String> {
    from_sdk(&to_sdk(text)?)
}

fn is_empty_array(v: &Json) -> bool {
    matches!(v, Json::Array(a) if a.is_empty())
}

fn is_zero(v: &Json) -> bool {
    v.as_f64() == Some(0.0)
}

/// A normalized definition reduced by what ECS fills in by itself.
fn reduce(items: Vec<Json>, awsvpc: bool) -> Json {
    let items = items
        .into_iter()
        .map(|mut item| {
            let Some(m) = item.as_object_mut() else { return item };
            if m.get("cpu").is_some_and(is_zero) {
                m.remove("cpu");
            }
            if !m.contains_key("essential") {
                m.insert("essential".into(), Json::Bool(true));
            }
            // The provider's 6.x defaults for a health check ECS fills in.
            if let Some(Json::Object(h)) = m.get_mut("healthCheck") {
                for (key, default) in [("interval", 30), ("retries", 3), ("timeout", 5)] {
                    h.entry(key.to_string()).or_insert_with(|| Json::from(default));
                }
            }
            if let Some(Json::Array(ports)) = m.get_mut("portMappings") {
                for p in ports.iter_mut() {
                    let Some(p) = p.as_object_mut() else { continue };
                    if p.get("protocol").and_then(Json::as_str) == Some("tcp") {
                        p.remove("protocol");
                    }
                    if p.get("hostPort").is_some_and(is_zero) {
                        p.remove("hostPort");
                    }
                    if awsvpc && p.get("hostPort").is_some() && p.get("hostPort") == p.get("containerPort") {
                        p.remove("hostPort");
                    }
                }
            }
            m.retain(|_, v| !is_empty_array(v) && !v.is_null());
            item
        })
        .collect();
    Json::Array(items)
}

/// Whether two definitions documents mean the same (unparsable ones are
/// the same only when their texts are).
pub fn equivalent(a: &str, b: &str, awsvpc: bool) -> bool {
    let reduced = |t: &str| -> Option<Json> {
        let n = normalize(t).ok()?;
        let Json::Array(items) = serde_json::from_str::<Json>(&n).ok()? else { return None };
        Some(reduce(items, awsvpc))
    };
    match (reduced(a), reduced(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (what the configuration says, what the state holds)
    const NORMALIZED: &[(&str, &str)] = &[
        (
            r#"[{"name":"web","image":"nginx:1","unknownKey":1,"memory":128}]"#,
            r#"[{"cpu":0,"image":"nginx:1","memory":128,"name":"web"}]"#,
        ),
        // Keys match case-insensitively, as Go's JSON decoding does.
        (
            r#"[{"Name":"web","IMAGE":"nginx:1","portmappings":[{"ContainerPort":80}]}]"#,
            r#"[{"cpu":0,"image":"nginx:1","name":"web","portMappings":[{"containerPort":80}]}]"#,
        ),
        (
            r#"[{"name":"b","image":"x"},{"name":"a","image":"y"}]"#,
            r#"[{"cpu":0,"image":"y","name":"a"},{"cpu":0,"image":"x","name":"b"}]"#,
        ),
        (
            r#"[{"name":"a","image":"y","environment":[{"name":"Z","value":"1"},{"name":"A","value":"2"}],
                "secrets":[{"name":"S2","valueFrom":"arn:b"},{"name":"S1","valueFrom":"arn:a"}]}]"#,
            r#"[{"cpu":0,"environment":[{"name":"A","value":"2"},{"name":"Z","value":"1"}],"image":"y","name":"a","secrets":[{"name":"S1","valueFrom":"arn:a"},{"name":"S2","valueFrom":"arn:b"}]}]"#,
        ),
        (
            r#"[{"name":"a","image":"y","portMappings":[{"containerPort":80,"protocol":"tcp"}],"dockerLabels":{"k":"v"}}]"#,
            r#"[{"cpu":0,"dockerLabels":{"k":"v"},"image":"y","name":"a","portMappings":[{"containerPort":80,"protocol":"tcp"}]}]"#,
        ),
    ];

    #[test]
    fn normalization_drops_unknown_keys_and_sorts() {
        for (given, want) in NORMALIZED {
            assert_eq!(normalize(given).as_deref(), Ok(*want), "{given}");
        }
    }

    /// (configuration, what moto or AWS returns, awsvpc, equivalent)
    const EQUIVALENT: &[(&str, &str, bool, bool)] = &[
        // moto's injected defaults.
        (
            r#"[{"name":"a","image":"y","memory":128}]"#,
            r#"[{"name":"a","image":"y","memory":128,"cpu":0,"portMappings":[],"essential":true,"environment":[],"mountPoints":[],"volumesFrom":[]}]"#,
            false,
            true,
        ),
        (
            r#"[{"name":"a","image":"y","portMappings":[{"containerPort":80}]}]"#,
            r#"[{"name":"a","image":"y","portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}]}]"#,
            true,
            true,
        ),
        // Outside awsvpc a host port equal to the container port is a choice.
        (
            r#"[{"name":"a","image":"y","portMappings":[{"containerPort":80}]}]"#,
            r#"[{"name":"a","image":"y","portMappings":[{"containerPort":80,"hostPort":80}]}]"#,
            false,
            false,
        ),
        (
            r#"[{"name":"a","image":"y","portMappings":[{"containerPort":80,"hostPort":0}]}]"#,
            r#"[{"name":"a","image":"y","portMappings":[{"containerPort":80}]}]"#,
            false,
            true,
        ),
        (r#"[{"name":"a","image":"y:1"}]"#, r#"[{"name":"a","image":"y:2"}]"#, false, false),
        (r#"[{"name":"a","image":"y","essential":false}]"#, r#"[{"name":"a","image":"y"}]"#, false, false),
        (r#"[{"name":"a","image":"y","cpu":10}]"#, r#"[{"name":"a","image":"y","cpu":0}]"#, false, false),
        // Order of containers and variables does not matter.
        (
            r#"[{"name":"b","image":"x","environment":[{"name":"B","value":"2"},{"name":"A","value":"1"}]},{"name":"a","image":"y"}]"#,
            r#"[{"name":"a","image":"y"},{"name":"b","image":"x","environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]"#,
            false,
            true,
        ),
        (
            r#"[{"name":"a","image":"y","healthCheck":{"command":["CMD","true"]}}]"#,
            r#"[{"name":"a","image":"y","healthCheck":{"command":["CMD","true"],"interval":30,"retries":3,"timeout":5}}]"#,
            false,
            true,
        ),
        (
            r#"[{"name":"a","image":"y","healthCheck":{"command":["CMD","true"],"retries":5}}]"#,
            r#"[{"name":"a","image":"y","healthCheck":{"command":["CMD","true"],"interval":30,"retries":3,"timeout":5}}]"#,
            false,
            false,
        ),
        ("not json", "not json", false, true),
        ("not json", "[]", false, false),
    ];

    #[test]
    fn equivalence_ignores_what_ecs_fills_in() {
        for (a, b, awsvpc, want) in EQUIVALENT {
            assert_eq!(equivalent(a, b, *awsvpc), *want, "{a} vs {b} (awsvpc {awsvpc})");
            assert_eq!(equivalent(b, a, *awsvpc), *want, "{b} vs {a} (awsvpc {awsvpc})");
        }
    }

    #[test]
    fn bad_documents_are_errors_not_panics() {
        for bad in ["{}", "[1]", "[{\"name\": 5}]", "nope", ""] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }
}
