//! Alertmanager configurations: the checks `amtool check-config` (and
//! Alertmanager 0.25's `config.Load`) make, over the YAML tree so that each
//! problem has its line and its path in the document
//! (`route.routes[0].receiver`). The `alertmanager` provider writes its
//! typed model as YAML, runs these same checks and turns the document path
//! back into an attribute path.

use crate::yaml::{Kind, Node};
use crate::{PathPart, Problem};
use std::collections::{BTreeMap, BTreeSet};

/// The problems `amtool check-config` would report for `yaml` (an
/// `alertmanager.yml`), each at its line.
pub fn check_config(yaml: &str) -> Vec<Problem> {
    match crate::yaml::parse(yaml) {
        Ok(root) => check_document(&root),
        Err(p) => vec![p],
    }
}

/// The checks over a document already read; each problem has its position
/// and its path in the document.
pub fn check_document(root: &Node) -> Vec<Problem> {
    let mut c = Checker { problems: Vec::new(), path: Vec::new() };
    c.config(root);
    c.problems
}

/// How a matcher compares a label with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchType {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchType {
    pub fn operator(self) -> &'static str {
        match self {
            MatchType::Equal => "=",
            MatchType::NotEqual => "!=",
            MatchType::Regex => "=~",
            MatchType::NotRegex => "!~",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub name: String,
    pub op: MatchType,
    pub value: String,
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let escaped = self.value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
        write!(f, "{}{}\"{}\"", self.name, self.op.operator(), escaped)
    }
}

/// One matcher as Alertmanager 0.25's `labels.ParseMatcher` reads it:
/// `name="value"`, `name=~"re"`, `!=`, `!~`, the value quoted or not.
pub fn parse_matcher(s: &str) -> Result<Matcher, String> {
    static SHAPE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let shape = SHAPE.get_or_init(|| {
        regex::Regex::new(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$").expect("pattern compiles")
    });
    let caps = shape.captures(s).ok_or_else(|| format!("bad matcher format: {s}"))?;
    let raw_all = &caps[3];
    let (raw, mut expect_quote) = match raw_all.strip_prefix('"') {
        Some(r) => (r, true),
        None => (raw_all, false),
    };
    let unescaped_quote = || format!("matcher value contains unescaped double quote: {raw_all}");
    let mut value = String::new();
    let mut escaped = false;
    let chars: Vec<char> = raw.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if escaped {
            escaped = false;
            match ch {
                'n' => value.push('\n'),
                '"' | '\\' => value.push(ch),
                _ => {
                    value.push('\\');
                    value.push(ch);
                }
            }
            continue;
        }
        match ch {
            '\\' if i < chars.len() - 1 => escaped = true,
            '"' => {
                if !expect_quote || i < chars.len() - 1 {
                    return Err(unescaped_quote());
                }
                expect_quote = false;
            }
            _ => value.push(ch),
        }
    }
    if expect_quote {
        return Err(unescaped_quote());
    }
    let op = match &caps[2] {
        "=" => MatchType::Equal,
        "!=" => MatchType::NotEqual,
        "=~" => MatchType::Regex,
        _ => MatchType::NotRegex,
    };
    if matches!(op, MatchType::Regex | MatchType::NotRegex) {
        check_regex(&value)?;
    }
    Ok(Matcher { name: caps[1].to_string(), op, value })
}

/// A matcher list item: one or more matchers, comma separated, optionally
/// in braces (`labels.ParseMatchers`).
pub fn parse_matchers(s: &str) -> Result<Vec<Matcher>, String> {
    let s = s.strip_prefix('{').unwrap_or(s);
    let s = s.strip_suffix('}').unwrap_or(s);
    let mut tokens = Vec::new();
    let mut token = String::new();
    let mut inside_quotes = false;
    let mut escaped = false;
    for ch in s.chars() {
        if !inside_quotes && ch == ',' {
            tokens.push(std::mem::take(&mut token));
            continue;
        }
        token.push(ch);
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == '"' {
            inside_quotes = !inside_quotes;
        }
    }
    if !token.trim().is_empty() {
        tokens.push(token.trim().to_string());
    }
    tokens.iter().map(|t| parse_matcher(t)).collect()
}

/// A regex as Alertmanager anchors and compiles it.
fn check_regex(re: &str) -> Result<(), String> {
    regex::Regex::new(&format!("^(?:{re})$")).map(|_| ()).map_err(|e| {
        let first = e.to_string().lines().last().unwrap_or_default().trim().to_string();
        format!("error parsing regexp: {first}: `{re}`")
    })
}

/// Whether `text` matches `re` as Alertmanager anchors it (false when
/// `re` does not compile).
pub fn regex_matches(re: &str, text: &str) -> bool {
    regex::Regex::new(&format!("^(?:{re})$")).is_ok_and(|r| r.is_match(text))
}

/// A Prometheus label name (`group_by`, `equal`).
pub fn valid_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The keys each object accepts (Alertmanager 0.25's structs); `None`:
/// not checked inside (HTTP client settings, integrations Strata does not model).
fn known_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "config" => {
            &["global", "route", "inhibit_rules", "receivers", "templates", "mute_time_intervals", "time_intervals"]
        }
        "global" => &[
            "resolve_timeout",
            "http_config",
            "smtp_from",
            "smtp_hello",
            "smtp_smarthost",
            "smtp_auth_username",
            "smtp_auth_password",
            "smtp_auth_secret",
            "smtp_auth_identity",
            "smtp_require_tls",
            "slack_api_url",
            "slack_api_url_file",
            "pagerduty_url",
            "opsgenie_api_url",
            "opsgenie_api_key",
            "opsgenie_api_key_file",
            "wechat_api_url",
            "wechat_api_secret",
            "wechat_api_corp_id",
            "victorops_api_url",
            "victorops_api_key",
            "victorops_api_key_file",
            "telegram_api_url",
            "webex_api_url",
        ],
        "route" => &[
            "receiver",
            "group_by",
            "match",
            "match_re",
            "matchers",
            "continue",
            "routes",
            "group_wait",
            "group_interval",
            "repeat_interval",
            "mute_time_intervals",
            "active_time_intervals",
        ],
        "receiver" => &[
            "name",
            "discord_configs",
            "email_configs",
            "pagerduty_configs",
            "slack_configs",
            "webhook_configs",
            "opsgenie_configs",
            "wechat_configs",
            "pushover_configs",
            "victorops_configs",
            "sns_configs",
            "telegram_configs",
            "webex_configs",
        ],
        "webhook" => &["send_resolved", "http_config", "url", "url_file", "max_alerts"],
        "slack" => &[
            "send_resolved",
            "http_config",
            "api_url",
            "api_url_file",
            "channel",
            "username",
            "color",
            "title",
            "title_link",
            "pretext",
            "text",
            "fields",
            "short_fields",
            "footer",
            "fallback",
            "callback_id",
            "icon_emoji",
            "icon_url",
            "image_url",
            "thumb_url",
            "link_names",
            "mrkdwn_in",
            "actions",
        ],
        "pagerduty" => &[
            "send_resolved",
            "http_config",
            "service_key",
            "service_key_file",
            "routing_key",
            "routing_key_file",
            "url",
            "client",
            "client_url",
            "description",
            "details",
            "images",
            "links",
            "source",
            "severity",
            "class",
            "component",
            "group",
        ],
        "email" => &[
            "send_resolved",
            "to",
            "from",
            "hello",
            "smarthost",
            "auth_username",
            "auth_password",
            "auth_secret",
            "auth_identity",
            "headers",
            "html",
            "text",
            "require_tls",
            "tls_config",
        ],
        "inhibit_rule" => &[
            "source_match",
            "source_match_re",
            "source_matchers",
            "target_match",
            "target_match_re",
            "target_matchers",
            "equal",
        ],
        "time_interval" => &["name", "time_intervals"],
        "interval" => &["times", "weekdays", "days_of_month", "months", "years", "location"],
        "times" => &["start_time", "end_time"],
        _ => return None,
    })
}

/// Go's type names, for messages as yaml.v2 words them.
fn go_type(kind: &str) -> &'static str {
    match kind {
        "config" => "config.plain",
        "global" => "config.GlobalConfig",
        "route" => "config.plain",
        "receiver" => "config.plain",
        "webhook" => "config.plain",
        "slack" => "config.plain",
        "pagerduty" => "config.plain",
        "email" => "config.plain",
        "inhibit_rule" => "config.plain",
        "time_interval" => "config.TimeInterval",
        "interval" => "timeinterval.TimeInterval",
        "times" => "timeinterval.yamlTimeRange",
        _ => "config.plain",
    }
}

const WEEKDAYS: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

struct Checker {
    problems: Vec<Problem>,
    path: Vec<PathPart>,
}

impl Checker {
    fn report(&mut self, node: &Node, message: String) {
        self.problems.push(Problem::new(message).at_pos(node.pos).at_path(self.path.clone()));
    }

    /// Runs `f` with `part` pushed on the path.
    fn under<R>(&mut self, part: PathPart, f: impl FnOnce(&mut Checker) -> R) -> R {
        self.path.push(part);
        let r = f(self);
        self.path.pop();
        r
    }

    fn key<R>(&mut self, key: &str, f: impl FnOnce(&mut Checker) -> R) -> R {
        self.under(PathPart::Key(key.to_string()), f)
    }

    /// A mapping of `kind` (null reads as empty); unknown and repeated keys
    /// reported. False when `node` is not a mapping.
    fn object(&mut self, node: &Node, kind: &str) -> bool {
        match &node.kind {
            Kind::Null => return true,
            Kind::Map(_) => {}
            _ => {
                let shown = node.as_str().map(|s| format!(" `{s}`")).unwrap_or_default();
                self.report(node, format!("cannot unmarshal {}{shown} into {}", node.kind_name(), go_type(kind)));
                return false;
            }
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (k, _) in node.entries() {
            let Some(name) = k.as_str() else {
                self.report(k, format!("cannot unmarshal {} into a field name of {}", k.kind_name(), go_type(kind)));
                continue;
            };
            if let Some(line) = seen.insert(name, k.pos.line) {
                self.report(k, format!("line {}: key {name:?} already set in map (first at line {line})", k.pos.line));
            }
            if let Some(keys) = known_keys(kind) {
                if !keys.contains(&name) {
                    self.under(PathPart::Key(name.to_string()), |c| {
                        c.report(k, format!("line {}: field {name} not found in type {}", k.pos.line, go_type(kind)))
                    });
                }
            }
        }
        true
    }

    /// A string field: `Some` when present and a scalar.
    fn string<'n>(&mut self, parent: &'n Node, key: &str) -> Option<&'n str> {
        let node = parent.get(key)?;
        match &node.kind {
            Kind::Null => None,
            Kind::Scalar(s, _) => Some(s),
            _ => {
                self.key(key, |c| c.report(node, format!("cannot unmarshal {} into string", node.kind_name())));
                None
            }
        }
    }

    fn bool(&mut self, parent: &Node, key: &str) {
        let Some(node) = parent.get(key) else { return };
        let ok = match &node.kind {
            Kind::Null => true,
            Kind::Scalar(s, _) => matches!(
                s.as_str(),
                "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "yes" | "no" | "on" | "off" | "y" | "n"
            ),
            _ => false,
        };
        if !ok {
            let shown = node.as_str().map(|s| format!(" `{s}`")).unwrap_or_default();
            self.key(key, |c| c.report(node, format!("cannot unmarshal {}{shown} into bool", node.kind_name())));
        }
    }

    /// A list of strings (a lone null is empty).
    fn strings<'n>(&mut self, parent: &'n Node, key: &str) -> Vec<(&'n Node, &'n str)> {
        let Some(node) = parent.get(key) else { return Vec::new() };
        self.key(key, |c| {
            if node.is_null() {
                return Vec::new();
            }
            if !node.is_seq() {
                c.report(node, format!("cannot unmarshal {} into []string", node.kind_name()));
                return Vec::new();
            }
            let mut out = Vec::new();
            for (i, item) in node.items().iter().enumerate() {
                match item.as_str() {
                    Some(s) => out.push((item, s)),
                    None => c.under(PathPart::Index(i), |c| {
                        c.report(item, format!("cannot unmarshal {} into string", item.kind_name()))
                    }),
                }
            }
            out
        })
    }

    /// A list of `kind` objects, each checked by `each`.
    fn list(&mut self, parent: &Node, key: &str, mut each: impl FnMut(&mut Checker, &Node)) {
        let Some(node) = parent.get(key) else { return };
        self.key(key, |c| {
            if node.is_null() {
                return;
            }
            if !node.is_seq() {
                c.report(node, format!("cannot unmarshal {} into a list", node.kind_name()));
                return;
            }
            for (i, item) in node.items().iter().enumerate() {
                c.under(PathPart::Index(i), |c| {
                    if item.is_null() {
                        // amtool and Alertmanager crash on these (nil pointers).
                        c.report(item, format!("null entry in {key}"));
                    } else {
                        each(c, item)
                    }
                });
            }
        });
    }

    fn duration(&mut self, parent: &Node, key: &str) -> Option<u64> {
        let text = self.string(parent, key)?;
        let node = parent.get(key)?;
        match crate::duration::parse(text) {
            Ok(ms) => Some(ms),
            Err(e) => {
                self.key(key, |c| c.report(node, e));
                None
            }
        }
    }

    /// A URL Alertmanager accepts: http or https with a host.
    fn url(&mut self, parent: &Node, key: &str) -> Option<()> {
        let text = self.string(parent, key)?;
        let node = parent.get(key)?;
        if let Err(e) = check_url(text) {
            self.key(key, |c| c.report(node, e));
        }
        Some(())
    }

    fn config(&mut self, root: &Node) {
        if root.is_null() {
            self.report(root, "no route provided in config".into());
            return;
        }
        if !self.object(root, "config") {
            return;
        }
        let global = root.get("global");
        let mut g = Globals::default();
        if let Some(global) = global {
            self.key("global", |c| c.global(global, &mut g));
        }
        let mut receivers: BTreeSet<String> = BTreeSet::new();
        self.list(root, "receivers", |c, r| {
            if let Some(name) = c.receiver(r, &g) {
                if !receivers.insert(name.clone()) {
                    let at = r.get("name").unwrap_or(r);
                    c.key("name", |c| c.report(at, format!("notification config name {name:?} is not unique")));
                }
            }
        });
        let mut intervals: BTreeSet<String> = BTreeSet::new();
        for key in ["mute_time_intervals", "time_intervals"] {
            self.list(root, key, |c, t| {
                if let Some(name) = c.time_interval(t) {
                    if !intervals.insert(name.clone()) {
                        let at = t.get("name").unwrap_or(t);
                        let what = if key == "time_intervals" { "time interval" } else { "mute time interval" };
                        c.key("name", |c| c.report(at, format!("{what} {name:?} is not unique")));
                    }
                }
            });
        }
        self.list(root, "inhibit_rules", |c, r| c.inhibit_rule(r));
        self.strings(root, "templates");
        let Some(route) = root.get("route").filter(|r| !r.is_null()) else {
            self.report(root, "no routes provided".into());
            return;
        };
        self.key("route", |c| {
            if !route.is_map() {
                c.object(route, "route");
                return;
            }
            if route.get("receiver").and_then(Node::as_str).is_none_or(str::is_empty) {
                c.report(route, "root route must specify a default receiver".into());
            }
            let has = |k: &str| route.get(k).is_some_and(|n| !n.entries().is_empty() || !n.items().is_empty());
            if has("match") || has("match_re") || has("matchers") {
                let at = ["matchers", "match", "match_re"].into_iter().find(|k| has(k)).unwrap_or("matchers");
                c.key(at, |c| c.report(route.get(at).unwrap_or(route), "root route must not have any matchers".into()));
            }
            if has("mute_time_intervals") {
                let n = route.get("mute_time_intervals").unwrap_or(route);
                c.key("mute_time_intervals", |c| {
                    c.report(n, "root route must not have any mute time intervals".into())
                });
            }
            if has("active_time_intervals") {
                let n = route.get("active_time_intervals").unwrap_or(route);
                c.key("active_time_intervals", |c| {
                    c.report(n, "root route must not have any active time intervals".into())
                });
            }
            c.route(route, &receivers, &intervals, 0);
        });
    }

    fn global(&mut self, g: &Node, out: &mut Globals) {
        if !self.object(g, "global") {
            return;
        }
        self.duration(g, "resolve_timeout");
        out.slack = self.url(g, "slack_api_url").is_some() || self.string(g, "slack_api_url_file").is_some();
        self.url(g, "pagerduty_url");
        if let Some(host) = self.string(g, "smtp_smarthost") {
            out.smarthost = !host.is_empty();
            if let Err(e) = check_host_port(host) {
                let n = g.get("smtp_smarthost").unwrap_or(g);
                self.key("smtp_smarthost", |c| c.report(n, e));
            }
        }
        out.from = self.string(g, "smtp_from").is_some_and(|s| !s.is_empty());
        self.bool(g, "smtp_require_tls");
        for k in ["smtp_hello", "smtp_auth_username", "smtp_auth_password", "smtp_auth_secret", "smtp_auth_identity"] {
            self.string(g, k);
        }
    }

    /// The receiver's name, when it has one.
    fn receiver(&mut self, r: &Node, g: &Globals) -> Option<String> {
        if !self.object(r, "receiver") {
            return None;
        }
        let name = self.string(r, "name").filter(|s| !s.is_empty()).map(String::from);
        if name.is_none() {
            self.report(r, "missing name in receiver".into());
        }
        self.list(r, "webhook_configs", |c, w| {
            if !c.object(w, "webhook") {
                return;
            }
            c.bool(w, "send_resolved");
            if c.url(w, "url").is_none() && c.string(w, "url_file").is_none() {
                c.report(w, "one of url or url_file must be configured".into());
            } else if w.get("url").is_some_and(|u| !u.is_null()) && w.get("url_file").is_some_and(|u| !u.is_null()) {
                c.report(w, "at most one of url & url_file must be configured".into());
            }
            if let Some(n) = w.get("max_alerts").and_then(Node::as_str) {
                if n.parse::<u64>().is_err() {
                    let at = w.get("max_alerts").unwrap_or(w);
                    c.key("max_alerts", |c| c.report(at, format!("cannot unmarshal !!str `{n}` into uint64")));
                }
            }
        });
        self.list(r, "slack_configs", |c, s| {
            if !c.object(s, "slack") {
                return;
            }
            c.bool(s, "send_resolved");
            c.bool(s, "short_fields");
            c.bool(s, "link_names");
            let own = c.url(s, "api_url").is_some() || c.string(s, "api_url_file").is_some();
            if !own && !g.slack {
                c.report(s, "no global Slack API URL set".into());
            }
            for k in ["channel", "username", "color", "title", "title_link", "pretext", "text", "footer", "fallback"] {
                c.string(s, k);
            }
        });
        self.list(r, "pagerduty_configs", |c, p| {
            if !c.object(p, "pagerduty") {
                return;
            }
            c.bool(p, "send_resolved");
            let routing = c.string(p, "routing_key").is_some_and(|s| !s.is_empty())
                || c.string(p, "routing_key_file").is_some_and(|s| !s.is_empty());
            let service = c.string(p, "service_key").is_some_and(|s| !s.is_empty())
                || c.string(p, "service_key_file").is_some_and(|s| !s.is_empty());
            if !routing && !service {
                c.report(p, "missing service or routing key in PagerDuty config".into());
            }
            c.url(p, "url");
            for k in ["client", "client_url", "description", "severity", "source", "class", "component", "group"] {
                c.string(p, k);
            }
        });
        self.list(r, "email_configs", |c, e| {
            if !c.object(e, "email") {
                return;
            }
            c.bool(e, "send_resolved");
            c.bool(e, "require_tls");
            if c.string(e, "to").is_none_or(str::is_empty) {
                c.report(e, "missing to address in email config".into());
            }
            match c.string(e, "smarthost") {
                Some(h) if !h.is_empty() => {
                    if let Err(m) = check_host_port(h) {
                        let at = e.get("smarthost").unwrap_or(e);
                        c.key("smarthost", |c| c.report(at, m));
                    }
                }
                _ if !g.smarthost => c.report(e, "no global SMTP smarthost set".into()),
                _ => {}
            }
            if c.string(e, "from").is_none_or(str::is_empty) && !g.from {
                c.report(e, "no global SMTP from set".into());
            }
            if let Some(h) = e.get("headers") {
                c.key("headers", |c| {
                    if !h.is_null() && !h.is_map() {
                        c.report(h, format!("cannot unmarshal {} into map[string]string", h.kind_name()));
                    }
                    let mut seen = BTreeSet::new();
                    for (k, _) in h.entries() {
                        let t = k.as_str().unwrap_or_default();
                        if !seen.insert(t.to_ascii_lowercase()) {
                            c.report(k, format!("duplicate header {t:?} in email config"));
                        }
                    }
                });
            }
        });
        name
    }

    fn matchers(&mut self, parent: &Node, key: &str) {
        for (i, (node, text)) in self.strings(parent, key).into_iter().enumerate() {
            if let Err(e) = parse_matchers(text) {
                self.key(key, |c| c.under(PathPart::Index(i), |c| c.report(node, e)));
            }
        }
    }

    /// Deprecated `match` / `match_re` maps.
    fn match_map(&mut self, parent: &Node, key: &str, regex: bool) {
        let Some(m) = parent.get(key) else { return };
        self.key(key, |c| {
            if !m.is_null() && !m.is_map() {
                c.report(m, format!("cannot unmarshal {} into map[string]string", m.kind_name()));
                return;
            }
            for (k, v) in m.entries() {
                let name = k.as_str().unwrap_or_default();
                if !valid_label_name(name) {
                    c.report(k, format!("invalid label name {name:?}"));
                }
                if regex {
                    if let Err(e) = check_regex(v.as_str().unwrap_or_default()) {
                        c.under(PathPart::Key(name.to_string()), |c| c.report(v, e));
                    }
                }
            }
        });
    }

    fn label_names(&mut self, parent: &Node, key: &str, what: &str) {
        for (i, (node, name)) in self.strings(parent, key).into_iter().enumerate() {
            if !valid_label_name(name) {
                self.key(key, |c| {
                    c.under(PathPart::Index(i), |c| c.report(node, format!("invalid label name {name:?} in {what}")))
                });
            }
        }
    }

    fn route(&mut self, r: &Node, receivers: &BTreeSet<String>, intervals: &BTreeSet<String>, depth: usize) {
        if depth > 100 || !self.object(r, "route") {
            return;
        }
        if let Some(name) = self.string(r, "receiver") {
            if !name.is_empty() && !receivers.contains(name) {
                let at = r.get("receiver").unwrap_or(r);
                self.key("receiver", |c| c.report(at, format!("undefined receiver {name:?} used in route")));
            }
        }
        let group_by = self.strings(r, "group_by");
        let mut seen = BTreeSet::new();
        let all = group_by.iter().any(|(_, s)| *s == "...");
        for (i, (node, label)) in group_by.iter().enumerate() {
            self.key("group_by", |c| {
                c.under(PathPart::Index(i), |c| {
                    if *label == "..." {
                        return;
                    }
                    if !valid_label_name(label) {
                        c.report(node, format!("invalid label name {label:?} in group_by list"));
                    } else if !seen.insert(*label) {
                        c.report(node, format!("duplicated label {label:?} in group_by"));
                    } else if all {
                        c.report(
                            node,
                            "cannot have wildcard group_by (`...`) and other other labels at the same time".into(),
                        );
                    }
                })
            });
        }
        self.match_map(r, "match", false);
        self.match_map(r, "match_re", true);
        self.matchers(r, "matchers");
        self.bool(r, "continue");
        self.duration(r, "group_wait");
        for key in ["group_interval", "repeat_interval"] {
            if self.duration(r, key) == Some(0) {
                let at = r.get(key).unwrap_or(r);
                self.key(key, |c| c.report(at, format!("{key} cannot be zero")));
            }
        }
        for key in ["mute_time_intervals", "active_time_intervals"] {
            for (i, (node, name)) in self.strings(r, key).into_iter().enumerate() {
                if !intervals.contains(name) {
                    let what = if key == "mute_time_intervals" { "time interval" } else { "active time interval" };
                    self.key(key, |c| {
                        c.under(PathPart::Index(i), |c| {
                            c.report(node, format!("undefined {what} {name:?} used in route"))
                        })
                    });
                }
            }
        }
        self.list(r, "routes", |c, child| c.route(child, receivers, intervals, depth + 1));
    }

    fn inhibit_rule(&mut self, r: &Node) {
        if !self.object(r, "inhibit_rule") {
            return;
        }
        self.match_map(r, "source_match", false);
        self.match_map(r, "source_match_re", true);
        self.match_map(r, "target_match", false);
        self.match_map(r, "target_match_re", true);
        self.matchers(r, "source_matchers");
        self.matchers(r, "target_matchers");
        self.label_names(r, "equal", "equal list");
    }

    /// The interval's name, when it has one.
    fn time_interval(&mut self, t: &Node) -> Option<String> {
        if !self.object(t, "time_interval") {
            return None;
        }
        let name = self.string(t, "name").filter(|s| !s.is_empty()).map(String::from);
        if name.is_none() {
            self.report(t, "missing name in time interval".into());
        }
        self.list(t, "time_intervals", |c, i| c.interval(i));
        name
    }

    fn interval(&mut self, i: &Node) {
        if !self.object(i, "interval") {
            return;
        }
        self.list(i, "times", |c, t| {
            if !c.object(t, "times") {
                return;
            }
            let start = c.string(t, "start_time");
            let end = c.string(t, "end_time");
            let (Some(start), Some(end)) = (start, end) else {
                c.report(t, "both start and end times must be provided".into());
                return;
            };
            let s = clock_minutes(start);
            let e = clock_minutes(end);
            for (key, text, v) in [("start_time", start, s), ("end_time", end, e)] {
                if v.is_none() {
                    let at = t.get(key).unwrap_or(t);
                    c.key(key, |c| c.report(at, format!("couldn't parse timestamp {text}, invalid format")));
                }
            }
            if let (Some(s), Some(e)) = (s, e) {
                if s >= e {
                    c.report(t, "start time cannot be equal or greater than end time".into());
                }
            }
        });
        let ranges: [(&str, RangeCheck); 4] = [
            ("weekdays", |s| {
                range(s, |x| WEEKDAYS.iter().position(|d| *d == x.to_ascii_lowercase()).map(|p| p as i64), "weekday")
            }),
            ("days_of_month", day_of_month_range),
            ("months", |s| range(s, month_number, "month")),
            ("years", |s| range(s, |x| x.parse::<i64>().ok(), "year")),
        ];
        for (key, check) in ranges {
            for (n, (node, text)) in self.strings(i, key).into_iter().enumerate() {
                if let Err(e) = check(text) {
                    self.key(key, |c| c.under(PathPart::Index(n), |c| c.report(node, e)));
                }
            }
        }
        if let Some(loc) = self.string(i, "location") {
            if !valid_location(loc) {
                let at = i.get("location").unwrap_or(i);
                self.key("location", |c| c.report(at, format!("unknown time zone {loc}")));
            }
        }
    }
}

/// Checks one item of a time interval's list.
type RangeCheck = fn(&str) -> Result<(), String>;

#[derive(Default)]
struct Globals {
    slack: bool,
    smarthost: bool,
    from: bool,
}

/// `HH:MM` (00:00–23:59, or 24:00) as minutes.
fn clock_minutes(s: &str) -> Option<u32> {
    if s == "24:00" {
        return Some(24 * 60);
    }
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn month_number(s: &str) -> Option<i64> {
    let lower = s.to_ascii_lowercase();
    // Alertmanager 0.25 takes any number here, as it does for years.
    MONTHS.iter().position(|m| *m == lower).map(|p| p as i64 + 1).or_else(|| s.parse::<i64>().ok())
}

/// `a` or `a:b` with `a <= b`, each read by `value`.
fn range(s: &str, value: impl Fn(&str) -> Option<i64>, what: &str) -> Result<(), String> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let a = value(a).ok_or_else(|| format!("{s:?} is not a valid {what}"))?;
    let b = value(b).ok_or_else(|| format!("{s:?} is not a valid {what}"))?;
    if a > b {
        return Err(format!("start {what} cannot be after end {what}: {s}"));
    }
    Ok(())
}

fn day_of_month_range(s: &str) -> Result<(), String> {
    let day = |x: &str| x.parse::<i64>().ok().filter(|d| *d != 0 && (-31..=31).contains(d));
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (Some(a), Some(b)) = (day(a), day(b)) else {
        return Err(format!("{s:?} is not a valid day of month (1 to 31, or -31 to -1 counting from the end)"));
    };
    if a.signum() == b.signum() && a > b {
        return Err(format!("start day cannot be after end day: {s}"));
    }
    if a > 0 && b < 0 && a > 28 + b + 1 {
        return Err(format!(
            "end day must be negative if start day is negative and start day must be smaller than end day: {s}"
        ));
    }
    if a < 0 && b > 0 {
        return Err(format!("end day must be negative if start day is negative: {s}"));
    }
    Ok(())
}

fn valid_location(loc: &str) -> bool {
    if loc == "UTC" || loc == "Local" || loc.is_empty() {
        return true;
    }
    let safe = !loc.starts_with('/') && !loc.split('/').any(|p| p == ".." || p.is_empty());
    safe && ["/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"]
        .iter()
        .any(|d| std::path::Path::new(d).join(loc).is_file())
}

/// A URL as Alertmanager's `config.URL` accepts it.
pub fn check_url(text: &str) -> Result<(), String> {
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(format!("unsupported scheme \"\" for URL{}", redacted_hint(text)));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("unsupported scheme {scheme:?} for URL"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if host.is_empty() {
        return Err("host is missing in URL".into());
    }
    if text.chars().any(|c| c.is_control() || c == ' ') {
        return Err("invalid character in URL".into());
    }
    Ok(())
}

/// URLs may hold secrets (a Slack webhook): never repeated in a message.
fn redacted_hint(_text: &str) -> &'static str {
    ""
}

/// `host:port` (`smarthost`).
pub fn check_host_port(text: &str) -> Result<(), String> {
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!("address {text}: missing port in address"));
    };
    if host.contains(':') && !(host.starts_with('[') && host.ends_with(']')) {
        return Err(format!("address {text}: too many colons in address"));
    }
    if port.is_empty() {
        return Err(format!("address {text}: missing port in address"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(yaml: &str) -> Vec<String> {
        check_config(yaml).into_iter().map(|p| p.to_string()).collect()
    }

    const GOOD: &str = "global:\n  slack_api_url: https://hooks.slack.com/services/T/B/X\nroute:\n  receiver: team\n  group_by: [alertname]\n  routes:\n  - receiver: pager\n    matchers:\n    - severity=\"page\"\n    - 'team=~\"a|b\", env!=\"dev\"'\n    mute_time_intervals: [offhours]\nreceivers:\n- name: team\n  slack_configs:\n  - channel: '#alerts'\n- name: pager\n  pagerduty_configs:\n  - routing_key: abc\ninhibit_rules:\n- source_matchers: [severity=\"page\"]\n  target_matchers: [severity=\"warn\"]\n  equal: [alertname]\ntime_intervals:\n- name: offhours\n  time_intervals:\n  - times:\n    - start_time: \"18:00\"\n      end_time: \"24:00\"\n    weekdays: ['monday:friday']\n";

    #[test]
    fn a_good_configuration_has_no_problems() {
        assert_eq!(messages(GOOD), Vec::<String>::new());
    }

    #[test]
    fn each_problem_names_its_line_and_path() {
        let p = check_config("route:\n  receiver: nope\nreceivers:\n- name: a\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].to_string(), "2:13: undefined receiver \"nope\" used in route");
        assert_eq!(p[0].path, vec![PathPart::Key("route".into()), PathPart::Key("receiver".into())]);

        let p = check_config(
            "route:\n  receiver: a\n  routes:\n  - receiver: a\n    group_wait: 5x\nreceivers:\n- name: a\n",
        );
        assert_eq!(p[0].pos.map(|p| p.line), Some(5));
        assert_eq!(
            p[0].path,
            ["route", "routes"]
                .map(|k| PathPart::Key(k.into()))
                .into_iter()
                .chain([PathPart::Index(0), PathPart::Key("group_wait".into())])
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_checks_amtool_makes() {
        let cases: &[(&str, &str)] = &[
            ("route:\n  receiver: a\nreceivers:\n- name: a\n- name: a\n", "notification config name \"a\" is not unique"),
            ("route:\n  receiver: a\n  matchers: [x=\"1\"]\nreceivers:\n- name: a\n", "root route must not have any matchers"),
            ("route: {}\nreceivers:\n- name: a\n", "root route must specify a default receiver"),
            ("receivers:\n- name: a\n", "no routes provided"),
            ("route:\n  receiver: a\n  group_by: ['...', x]\nreceivers:\n- name: a\n", "wildcard group_by"),
            ("route:\n  receiver: a\n  group_by: [x, x]\nreceivers:\n- name: a\n", "duplicated label \"x\" in group_by"),
            ("route:\n  receiver: a\n  group_by: [a-b]\nreceivers:\n- name: a\n", "invalid label name \"a-b\" in group_by list"),
            ("route:\n  receiver: a\n  routes:\n  - matchers: ['x=~\"(\"']\nreceivers:\n- name: a\n", "error parsing regexp"),
            ("route:\n  receiver: a\n  routes:\n  - matchers: ['x']\nreceivers:\n- name: a\n", "bad matcher format: x"),
            ("route:\n  receiver: a\n  routes:\n  - mute_time_intervals: [nope]\nreceivers:\n- name: a\n", "undefined time interval \"nope\" used in route"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - send_resolved: true\n", "one of url or url_file must be configured"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: ftp://x\n", "unsupported scheme \"ftp\" for URL"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs:\n  - channel: x\n", "no global Slack API URL set"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\n  pagerduty_configs:\n  - severity: x\n", "missing service or routing key in PagerDuty config"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - from: a@b\n    smarthost: h:25\n", "missing to address in email config"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - to: a@b\n    from: a@b\n", "no global SMTP smarthost set"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\n  email_configs:\n  - to: a@b\n    smarthost: h:25\n", "no global SMTP from set"),
            ("route:\n  receiver: a\n  routez: []\nreceivers:\n- name: a\n", "field routez not found"),
            ("route:\n  receiver: a\n  group_interval: 0s\nreceivers:\n- name: a\n", "group_interval cannot be zero"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\ntime_intervals:\n- name: t\n  time_intervals:\n  - times:\n    - start_time: '25:00'\n      end_time: '26:00'\n", "couldn't parse timestamp 25:00"),
            ("route:\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules:\n- equal: ['a b']\n", "invalid label name \"a b\" in equal list"),
            ("global:\n  resolve_timeout: 5\nroute:\n  receiver: a\nreceivers:\n- name: a\n", "not a valid duration string"),
        ];
        for (yaml, wanted) in cases {
            let got = messages(yaml);
            assert!(got.iter().any(|m| m.contains(wanted)), "{yaml}\nwanted {wanted:?}, got {got:?}");
        }
    }

    #[test]
    fn matchers_read_as_alertmanager_reads_them() {
        let m = parse_matchers("{foo=\"bar\", baz=~\"a,b\"}").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1], Matcher { name: "baz".into(), op: MatchType::Regex, value: "a,b".into() });
        assert_eq!(parse_matcher("x!=y").unwrap().op, MatchType::NotEqual);
        assert_eq!(parse_matcher("x !~ \"a\\\"b\"").unwrap().value, "a\"b");
        assert!(parse_matcher("x=\"a").is_err());
        assert!(parse_matcher("1x=a").is_err());
        assert_eq!(parse_matcher("x=\"a\"").unwrap().to_string(), "x=\"a\"");
    }

    #[test]
    fn odd_documents_are_problems_not_panics() {
        for doc in [
            "",
            "5",
            "[]",
            "route: 5\nreceivers: x\n",
            "route:\n  receiver: [a]\n  routes: {}\nreceivers:\n- 5\n- null\n- name: [x]\n",
            "route:\n  receiver: a\n  routes:\n  - null\n  - 3\n  - matchers: [null, 5, {a: b}]\nreceivers:\n- name: a\n  webhook_configs: [null, 1, {url: 5}]\n",
            "route: &r\n  receiver: a\nreceivers:\n- name: a\ninhibit_rules: [1, {equal: 5}]\ntime_intervals: [{name: t, time_intervals: [{times: [1, {start_time: 5}]}]}]\n",
            "? [a, b]\n: c\nroute: {receiver: a}\nreceivers: [{name: a}]\n",
            "route:\n  receiver: a\n  matchers: ['x=\\\\']\nreceivers:\n- name: a\n",
            "route:\n  receiver: \"\\u00e9\"\nreceivers:\n- name: \"\\u00e9\"\n  email_configs: [{to: a, headers: [x]}]\n",
        ] {
            // Every one of them is wrong somewhere.
            assert!(!check_config(doc).is_empty(), "{doc:?}");
        }
        for m in ["", "=", "a=", "a=\"", "a=\"\\\"", "{,}", "{a=b,,c=d}", "a=~\"\\\\\"", "a=\"b\"c\""] {
            let _ = parse_matchers(m);
        }
        assert!(parse_matchers("a=").is_ok_and(|m| m[0].value.is_empty()));
    }

    #[test]
    fn secrets_in_urls_are_not_repeated() {
        let got = messages(
            "route:\n  receiver: a\nreceivers:\n- name: a\n  webhook_configs:\n  - url: 'hooks.example/SECRET'\n",
        );
        assert!(!got.is_empty() && got.iter().all(|m| !m.contains("SECRET")), "{got:?}");
    }
}
