//! Prometheus rule files: the model (`groups:` of recording and alerting
//! rules), read from and written to YAML, and the checks `promtool check
//! rules` makes (Prometheus's `rulefmt`): fields known to the target
//! version, one of `record`/`alert`, expressions that parse as PromQL,
//! metric and label names, durations, annotation templates.

use crate::yaml::{self, Kind, Node, Out, Pos};
use crate::{PathPart, Problem};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleGroup {
    pub name: String,
    pub interval: Option<String>,
    pub limit: Option<i64>,
    pub query_offset: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    pub record: Option<String>,
    pub alert: Option<String>,
    pub expr: String,
    pub for_: Option<String>,
    pub keep_firing_for: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// The Prometheus release rules are checked for (fields newer releases
/// added are refused for older ones, as their promtool refuses them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u32, pub u32);

impl Version {
    /// `2.42.0+ds` → 2.42.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim_start_matches('v').split(['.', '+', '-']);
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(Version(major, minor))
    }
}

/// The field a problem is about: the group's (`rule: None`) or a rule's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub rule: Option<usize>,
    pub name: &'static str,
}

fn group_field(name: &'static str) -> Field {
    Field { rule: None, name }
}

fn rule_field(i: usize, name: &'static str) -> Field {
    Field { rule: Some(i), name }
}

/// What `promtool check rules` finds wrong with one group, for a server
/// of `target` (`None`: the newest).
pub fn check_group(g: &RuleGroup, target: Option<Version>) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    if g.name.is_empty() {
        out.push((group_field("name"), "Groupname must not be empty".to_string()));
    }
    if let Some(i) = &g.interval {
        if let Err(e) = crate::duration::parse(i) {
            out.push((group_field("interval"), e));
        }
    }
    if g.limit.is_some_and(|l| l < 0) {
        out.push((group_field("limit"), "limit must not be negative".to_string()));
    }
    let older = |v: Version| target.is_some_and(|t| t < v);
    if let Some(q) = &g.query_offset {
        if older(Version(2, 53)) {
            out.push((group_field("query_offset"), too_new("query_offset", "2.53", target)));
        } else if let Err(e) = crate::duration::parse(q) {
            out.push((group_field("query_offset"), e));
        }
    }
    if !g.labels.is_empty() {
        if older(Version(3, 0)) {
            out.push((group_field("labels"), too_new("labels", "3.0", target)));
        } else {
            check_labels(&g.labels, group_field("labels"), &mut out);
        }
    }
    if g.rules.is_empty() {
        out.push((group_field("rules"), format!("group {:?} has no rules", g.name)));
    }
    for (i, r) in g.rules.iter().enumerate() {
        check_rule(i, r, &mut out);
    }
    out
}

fn too_new(field: &str, since: &str, target: Option<Version>) -> String {
    let t = target.map(|Version(a, b)| format!("{a}.{b}")).unwrap_or_default();
    format!("field {field} is not known to Prometheus {t} (it arrived in {since}); promtool of that release refuses it")
}

fn check_rule(i: usize, r: &Rule, out: &mut Vec<(Field, String)>) {
    let named = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
    match (named(&r.record), named(&r.alert)) {
        (true, true) => out.push((rule_field(i, "record"), "only one of 'record' and 'alert' must be set".into())),
        (false, false) => out.push((rule_field(i, "alert"), "one of 'record' or 'alert' must be set".into())),
        _ => {}
    }
    if r.expr.trim().is_empty() {
        out.push((rule_field(i, "expr"), "field 'expr' must be set in rule".into()));
    } else if let Err(e) = promql_parser::parser::parse(&r.expr) {
        out.push((rule_field(i, "expr"), format!("could not parse expression: {e}")));
    }
    for (field, value) in [("for", &r.for_), ("keep_firing_for", &r.keep_firing_for)] {
        if let Some(v) = value {
            if let Err(e) = crate::duration::parse(v) {
                out.push((rule_field(i, field), e));
            }
        }
    }
    let nonzero = |d: &Option<String>| d.as_deref().is_some_and(|d| crate::duration::parse(d).is_ok_and(|ms| ms > 0));
    if let Some(record) = r.record.as_deref().filter(|s| !s.is_empty()) {
        if !r.annotations.is_empty() {
            out.push((rule_field(i, "annotations"), "invalid field 'annotations' in recording rule".into()));
        }
        if nonzero(&r.for_) {
            out.push((rule_field(i, "for"), "invalid field 'for' in recording rule".into()));
        }
        if nonzero(&r.keep_firing_for) {
            out.push((rule_field(i, "keep_firing_for"), "invalid field 'keep_firing_for' in recording rule".into()));
        }
        if !is_metric_name(record) {
            out.push((rule_field(i, "record"), format!("invalid recording rule name: {record}")));
        }
    }
    check_labels(&r.labels, rule_field(i, "labels"), out);
    for k in r.annotations.keys() {
        if !is_label_name(k) {
            out.push((rule_field(i, "annotations"), format!("invalid annotation name: {k}")));
        }
    }
    // Prometheus expands labels and annotations of alerting rules as Go
    // templates; promtool parses each one.
    if r.alert.as_deref().is_some_and(|a| !a.is_empty()) {
        let name = r.alert.as_deref().unwrap_or_default();
        for (field, map) in [("labels", &r.labels), ("annotations", &r.annotations)] {
            for (k, v) in map {
                if let Err((line, e)) = crate::template::check(v) {
                    let what = if field == "labels" { "label" } else { "annotation" };
                    out.push((rule_field(i, field), format!("{what} {k:?}: template: __alert_{name}:{line}: {e}")));
                }
            }
        }
    }
}

fn check_labels(labels: &BTreeMap<String, String>, at: Field, out: &mut Vec<(Field, String)>) {
    for k in labels.keys() {
        if !is_label_name(k) || k == "__name__" {
            out.push((at.clone(), format!("invalid label name: {k}")));
        }
    }
}

pub fn is_metric_name(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::Regex::new("^[a-zA-Z_:][a-zA-Z0-9_:]*$").expect("compiles")).is_match(s)
}

pub fn is_label_name(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::Regex::new("^[a-zA-Z_][a-zA-Z0-9_]*$").expect("compiles")).is_match(s)
}

/// The rule file holding `groups`, as Strata writes it.
pub fn render_file(groups: &[RuleGroup]) -> String {
    let map = |m: &BTreeMap<String, String>| Out::Map(m.iter().map(|(k, v)| (k.clone(), Out::str(v))).collect());
    let groups = groups
        .iter()
        .map(|g| {
            let mut fields = vec![("name".to_string(), Out::str(&g.name))];
            if let Some(i) = &g.interval {
                fields.push(("interval".into(), Out::str(i)));
            }
            if let Some(l) = g.limit {
                fields.push(("limit".into(), Out::Int(l)));
            }
            if let Some(q) = &g.query_offset {
                fields.push(("query_offset".into(), Out::str(q)));
            }
            if !g.labels.is_empty() {
                fields.push(("labels".into(), map(&g.labels)));
            }
            let rules = g
                .rules
                .iter()
                .map(|r| {
                    let mut f = Vec::new();
                    if let Some(x) = &r.record {
                        f.push(("record".to_string(), Out::str(x)));
                    }
                    if let Some(x) = &r.alert {
                        f.push(("alert".to_string(), Out::str(x)));
                    }
                    f.push(("expr".into(), Out::str(&r.expr)));
                    if let Some(x) = &r.for_ {
                        f.push(("for".into(), Out::str(x)));
                    }
                    if let Some(x) = &r.keep_firing_for {
                        f.push(("keep_firing_for".into(), Out::str(x)));
                    }
                    if !r.labels.is_empty() {
                        f.push(("labels".into(), map(&r.labels)));
                    }
                    if !r.annotations.is_empty() {
                        f.push(("annotations".into(), map(&r.annotations)));
                    }
                    Out::Map(f)
                })
                .collect();
            fields.push(("rules".into(), Out::Seq(rules)));
            Out::Map(fields)
        })
        .collect();
    yaml::emit(&Out::Map(vec![("groups".into(), Out::Seq(groups))]))
}

/// A group read from a file, with where each of its fields is.
#[derive(Debug, Clone)]
pub struct LocatedGroup {
    pub group: RuleGroup,
    pub pos: Pos,
    pub fields: HashMap<Field, Pos>,
}

impl LocatedGroup {
    pub fn position(&self, f: &Field) -> Pos {
        self.fields
            .get(f)
            .copied()
            .or_else(|| f.rule.and_then(|i| self.fields.get(&rule_field(i, "")).copied()))
            .unwrap_or(self.pos)
    }
}

const GROUP_FIELDS: [&str; 6] = ["name", "interval", "limit", "query_offset", "labels", "rules"];
const RULE_FIELDS: [&str; 7] = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"];

/// Reads a rule file. Its shape must be what Prometheus's strict YAML
/// reading accepts (known fields, the right kinds), else the problems,
/// each at its line.
pub fn parse_file(src: &str) -> Result<Vec<LocatedGroup>, Vec<Problem>> {
    let root = yaml::parse(src).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let mut groups = Vec::new();
    if root.is_null() {
        return Ok(groups);
    }
    if !root.is_map() {
        return Err(vec![unmarshal(&root, "rulefmt.RuleGroups")]);
    }
    for (k, v) in root.entries() {
        match k.as_str() {
            Some("groups") => {}
            other => problems.push(
                Problem::new(format!("field {} not found in type rulefmt.RuleGroups", other.unwrap_or("?")))
                    .at_pos(k.pos),
            ),
        }
        if k.as_str() != Some("groups") || v.is_null() {
            continue;
        }
        if !v.is_seq() {
            problems.push(unmarshal(v, "[]rulefmt.RuleGroup"));
            continue;
        }
        for g in v.items() {
            if let Some(lg) = read_group(g, &mut problems) {
                groups.push(lg);
            }
        }
    }
    let mut seen = HashMap::new();
    for g in &groups {
        if let Some(_first) = seen.insert(g.group.name.clone(), g.pos) {
            problems.push(
                Problem::new(format!("groupname: {:?} is repeated in the same file", g.group.name)).at_pos(g.pos),
            );
        }
    }
    if problems.is_empty() {
        Ok(groups)
    } else {
        Err(problems)
    }
}

fn unmarshal(node: &Node, into: &str) -> Problem {
    Problem::new(format!("cannot unmarshal {} into {into}", node.kind_name())).at_pos(node.pos)
}

fn text(node: &Node, problems: &mut Vec<Problem>) -> Option<String> {
    match &node.kind {
        Kind::Scalar(s, _) => Some(s.clone()),
        Kind::Null => None,
        _ => {
            problems.push(unmarshal(node, "string"));
            None
        }
    }
}

fn string_map(node: &Node, problems: &mut Vec<Problem>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if node.is_null() {
        return out;
    }
    if !node.is_map() {
        problems.push(unmarshal(node, "map[string]string"));
        return out;
    }
    for (k, v) in node.entries() {
        if let (Some(k), Some(v)) = (text(k, problems), text(v, problems)) {
            out.insert(k, v);
        }
    }
    out
}

fn read_group(node: &Node, problems: &mut Vec<Problem>) -> Option<LocatedGroup> {
    if !node.is_map() {
        problems.push(unmarshal(node, "rulefmt.RuleGroup"));
        return None;
    }
    let mut lg = LocatedGroup { group: RuleGroup::default(), pos: node.pos, fields: HashMap::new() };
    for (k, v) in node.entries() {
        let key = k.as_str().unwrap_or("?");
        let Some(name) = GROUP_FIELDS.iter().find(|f| **f == key) else {
            problems.push(Problem::new(format!("field {key} not found in type rulefmt.RuleGroup")).at_pos(k.pos));
            continue;
        };
        lg.fields.insert(group_field(name), v.pos);
        let g = &mut lg.group;
        match *name {
            "name" => g.name = text(v, problems).unwrap_or_default(),
            "interval" => g.interval = text(v, problems),
            "query_offset" => g.query_offset = text(v, problems),
            "limit" => match text(v, problems).map(|t| t.parse::<i64>()) {
                Some(Ok(n)) => g.limit = Some(n),
                Some(Err(_)) => problems.push(unmarshal(v, "int")),
                None => {}
            },
            "labels" => g.labels = string_map(v, problems),
            _ => {
                if v.is_null() {
                    continue;
                }
                if !v.is_seq() {
                    problems.push(unmarshal(v, "[]rulefmt.RuleNode"));
                    continue;
                }
                for (i, r) in v.items().iter().enumerate() {
                    lg.fields.insert(rule_field(i, ""), r.pos);
                    if !r.is_map() {
                        problems.push(unmarshal(r, "rulefmt.RuleNode"));
                        continue;
                    }
                    let mut rule = Rule::default();
                    for (rk, rv) in r.entries() {
                        let key = rk.as_str().unwrap_or("?");
                        let Some(field) = RULE_FIELDS.iter().find(|f| **f == key) else {
                            problems.push(
                                Problem::new(format!("field {key} not found in type rulefmt.RuleNode")).at_pos(rk.pos),
                            );
                            continue;
                        };
                        lg.fields.insert(rule_field(i, field), rv.pos);
                        match *field {
                            "record" => rule.record = text(rv, problems),
                            "alert" => rule.alert = text(rv, problems),
                            "expr" => rule.expr = text(rv, problems).unwrap_or_default(),
                            "for" => rule.for_ = text(rv, problems),
                            "keep_firing_for" => rule.keep_firing_for = text(rv, problems),
                            "labels" => rule.labels = string_map(rv, problems),
                            _ => rule.annotations = string_map(rv, problems),
                        }
                    }
                    lg.group.rules.push(rule);
                }
            }
        }
    }
    Some(lg)
}

/// Everything `promtool check rules` reports for the rule file `src`, each
/// problem at its line (the service behind Amazon Managed Prometheus
/// accepts anything, so this is the only check such rules get).
pub fn check_file(src: &str) -> Vec<Problem> {
    check_file_for(src, None)
}

pub fn check_file_for(src: &str, target: Option<Version>) -> Vec<Problem> {
    let groups = match parse_file(src) {
        Ok(g) => g,
        Err(problems) => return problems,
    };
    let mut out = Vec::new();
    for lg in &groups {
        for (field, message) in check_group(&lg.group, target) {
            let detail = match field.rule {
                Some(i) => format!("group {:?}, rule {}: {message}", lg.group.name, i + 1),
                None => format!("group {:?}: {message}", lg.group.name),
            };
            let mut path = vec![PathPart::Key("groups".into())];
            if let Some(i) = field.rule {
                path.extend([PathPart::Key("rules".into()), PathPart::Index(i)]);
            }
            out.push(Problem::new(detail).at_pos(lg.position(&field)).at_path(path));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn burn_rate() -> RuleGroup {
        RuleGroup {
            name: "api-slo".into(),
            interval: Some("30s".into()),
            limit: None,
            query_offset: None,
            labels: BTreeMap::new(),
            rules: vec![
                Rule {
                    record: Some("job:slo_errors:ratio_rate5m".into()),
                    expr: "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))\n/\nsum by (job) (rate(http_requests_total[5m]))".into(),
                    ..Rule::default()
                },
                Rule {
                    alert: Some("ErrorBudgetBurn".into()),
                    expr: "job:slo_errors:ratio_rate5m > (14.4 * 0.001)".into(),
                    for_: Some("2m".into()),
                    labels: BTreeMap::from([("severity".into(), "page".into())]),
                    annotations: BTreeMap::from([
                        ("summary".into(), "{{ $labels.job }} burns its budget at {{ $value | humanizePercentage }}".into()),
                        ("runbook_url".into(), "https://runbooks.example.com/slo".into()),
                    ]),
                    ..Rule::default()
                },
            ],
        }
    }

    #[test]
    fn a_group_written_reads_back_the_same_and_checks_clean() {
        let g = burn_rate();
        let text = render_file(std::slice::from_ref(&g));
        let back = parse_file(&text).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].group, g);
        assert_eq!(check_file(&text), vec![]);
    }

    #[test]
    fn problems_are_promtools_and_sit_on_their_line() {
        let src = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: rate(x[5m]\n  - record: bad-name\n    expr: up\n    for: 5m\n  - alert: T\n    expr: up == 0\n    annotations:\n      s: '{{ .Value'\n";
        let problems = check_file(src);
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "5:11: group \"g\", rule 1: could not parse expression: unclosed left parenthesis",
                "8:10: group \"g\", rule 2: invalid field 'for' in recording rule",
                "6:13: group \"g\", rule 2: invalid recording rule name: bad-name",
                "12:7: group \"g\", rule 3: annotation \"s\": template: __alert_T:1: unclosed action",
            ]
        );
        let unknown = check_file("groups:\n- name: g\n  query_offst: 1m\n  rules: []\n");
        assert_eq!(unknown[0].to_string(), "3:3: field query_offst not found in type rulefmt.RuleGroup");
        let repeated = check_file(
            "groups:\n- name: g\n  rules: [{record: a, expr: up}]\n- name: g\n  rules: [{record: b, expr: up}]\n",
        );
        assert_eq!(repeated[0].message, "groupname: \"g\" is repeated in the same file");
    }

    #[test]
    fn fields_newer_than_the_target_are_refused() {
        let mut g = burn_rate();
        g.query_offset = Some("1m".into());
        g.labels = BTreeMap::from([("team".into(), "api".into())]);
        let old: Vec<&str> = check_group(&g, Some(Version(2, 42))).iter().map(|(f, _)| f.name).collect();
        assert_eq!(old, ["query_offset", "labels"]);
        assert_eq!(check_group(&g, Some(Version(3, 1))), vec![]);
        assert_eq!(Version::parse("2.42.0+ds"), Some(Version(2, 42)));
    }
}
