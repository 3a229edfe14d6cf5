//! Go `text/template` syntax, as Prometheus parses an alerting rule's
//! labels and annotations before it accepts the rule: actions closed,
//! `if`/`range`/`with` ended, strings terminated, functions known.

/// Go's builtins and the functions Prometheus adds for rule templates.
const FUNCTIONS: [&str; 48] = [
    "and",
    "call",
    "html",
    "index",
    "slice",
    "js",
    "len",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "urlquery",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "stripPort",
    "stripDomain",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "sortByLabel",
    "graphLink",
    "tableLink",
    "now",
    "urlQuery",
];

/// `Err((line, message))` in Go's words where the template does not parse.
pub fn check(text: &str) -> Result<(), (usize, String)> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = text;
    let line_of = |s: &str| text[..text.len() - s.len()].matches('\n').count() + 1;
    while let Some(start) = rest.find("{{") {
        let action_start = &rest[start..];
        let line = line_of(action_start);
        let mut body = &action_start[2..];
        if let Some(b) = body.strip_prefix("- ") {
            body = b;
        }
        if body.starts_with("/*") {
            match body.find("*/") {
                Some(end) if body[end + 2..].trim_start_matches([' ', '-']).starts_with("}}") => {
                    let after = &body[end + 2..];
                    rest = &after[after.find("}}").map_or(after.len(), |i| i + 2)..];
                    continue;
                }
                _ => return Err((line, "unclosed comment".into())),
            }
        }
        let (action, after) = split_action(body).ok_or((line, "unclosed action".to_string()))?;
        let action = action.trim().trim_end_matches(" -").trim();
        let words = words(action).map_err(|m| (line, m))?;
        match words.first().map(String::as_str) {
            None => return Err((line, "missing value for command".into())),
            Some("if" | "range" | "with") => {
                if words.len() < 2 {
                    return Err((line, format!("missing value for {}", words[0])));
                }
                open.push(if words[0] == "if" {
                    "if"
                } else if words[0] == "range" {
                    "range"
                } else {
                    "with"
                });
            }
            Some("define" | "block") => open.push("define"),
            Some("else") if !matches!(open.last(), Some(&("if" | "range" | "with"))) => {
                return Err((line, "unexpected {{else}}".into()));
            }
            Some("end") if open.pop().is_none() => return Err((line, "unexpected {{end}}".into())),
            _ => {}
        }
        check_functions(&words).map_err(|m| (line, m))?;
        rest = after;
    }
    if let Some(kind) = open.last() {
        return Err((line_of(""), format!("unexpected EOF (an {{{{{kind}}}}} is not ended)")));
    }
    Ok(())
}

/// The action's text and what follows its `}}`, strings skipped over.
fn split_action(body: &str) -> Option<(&str, &str)> {
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    if bytes.get(i) == Some(&b'\n') {
                        return None;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Some((&body[..i], &body[i + 2..])),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The action split into words: strings are one word each, `|` and
/// parentheses are words of their own.
fn words(action: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = action.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '|' | '(' | ')' => {
                out.push(c.to_string());
                chars.next();
            }
            '"' | '`' => {
                let quote = c;
                let mut w = String::from(c);
                chars.next();
                let mut closed = false;
                while let Some(ch) = chars.next() {
                    w.push(ch);
                    if ch == '\\' && quote == '"' {
                        if let Some(n) = chars.next() {
                            w.push(n);
                        }
                        continue;
                    }
                    if ch == quote {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err("unterminated quoted string".into());
                }
                out.push(w);
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || matches!(ch, '|' | '(' | ')' | '"' | '`') {
                        break;
                    }
                    w.push(ch);
                    chars.next();
                }
                out.push(w);
            }
        }
    }
    Ok(out)
}

/// The first word of each command (after `|`, `(`, or a keyword) names a
/// function when it is a bare identifier.
fn check_functions(words: &[String]) -> Result<(), String> {
    let mut at_command = true;
    for w in words {
        match w.as_str() {
            "|" | "(" => at_command = true,
            "if" | "range" | "with" | "else" | "end" | "define" | "block" | "template" | "break" | "continue" => {
                at_command = !matches!(w.as_str(), "define" | "block" | "template");
            }
            ":=" | "=" | "," => at_command = true,
            _ => {
                let bare = w.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && w.chars().all(|c| c.is_alphanumeric() || c == '_');
                if at_command
                    && bare
                    && !matches!(w.as_str(), "true" | "false" | "nil")
                    && !FUNCTIONS.contains(&w.as_str())
                {
                    return Err(format!("function {w:?} not defined"));
                }
                at_command = false;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn prometheus_templates_parse_as_go_parses_them() {
        for ok in [
            "plain text",
            "{{ $labels.job }} at {{ $value | humanizePercentage }}",
            "{{ if gt $value 100.0 }}hot{{ else }}warm{{ end }}",
            "{{- range query \"up\" }}{{ .Labels.instance }} {{ end -}}",
            "{{ with $x := printf \"%.2f\" $value }}{{ $x }}{{ end }}",
            "{{/* a comment */}}text",
            "{{ \"}}\" }}",
            "{{ `raw }}` }}",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for (bad, message) in [
            ("{{ .Value", "unclosed action"),
            ("{{ if $value }}x", "unexpected EOF (an {{if}} is not ended)"),
            ("x{{ end }}", "unexpected {{end}}"),
            ("{{ humanise $value }}", "function \"humanise\" not defined"),
            ("{{ \"open }}", "unclosed action"),
            ("{{ }}", "missing value for command"),
        ] {
            assert_eq!(check(bad).map_err(|e| e.1), Err(message.to_string()), "{bad}");
        }
    }
}
