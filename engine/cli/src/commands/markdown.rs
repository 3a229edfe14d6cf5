//! `strata show -markdown PLANFILE...`: one pull-request comment for one or
//! several saved plans. Per plan: a heading, the `Plan:` line, a banner
//! listing every destroy and replacement, a table of changed addresses by
//! action, then each resource's diff folded in `<details>` (the human
//! plan's rendering, symbols moved to the first column so GitHub colours
//! `diff` blocks), drift and output changes in their own folds. A plan
//! without changes is one line.
//!
//! The comment always fits in `-max-chars` (GitHub's 65,536 by default):
//! detail goes first from the least important resources (reads and no-ops,
//! drift, updates, outputs, creates, and last destroys and replacements),
//! then the table's address lists are shortened. The heading, the `Plan:`
//! line and the list of destructive changes stay, and the comment says
//! what it left out. Secrets never appear: values come from the human
//! renderer, which prints `(sensitive value)`.

use crate::output::Ui;
use crate::plan_view;
use crate::value_diff::{self, Mode};
use crate::workdir::WorkDir;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use strata_core::Plan;
use strata_core::{Action, PlannedChange};
use strata_diag::Diagnostic;
use strata_lang::Value;

/// GitHub's limit on a comment's length.
pub const DEFAULT_MAX_CHARS: usize = 65_536;

/// The marker CI scripts look for to update their previous comment.
pub const MARKER: &str = "<!-- strata:plan-comment -->";

pub fn run<'a>(workdir: &WorkDir, paths: impl Iterator<Item = &'a PathBuf>, max_chars: Option<usize>, ui: Ui) -> u8 {
    let paths: Vec<&PathBuf> = paths.collect();
    if paths.is_empty() {
        ui.print_diagnostics(
            &Diagnostic::error("No plan file given")
                .with_detail("Name one or more plans saved with `strata plan -out=FILE`: strata show -markdown FILE...")
                .into(),
        );
        return 1;
    }
    let mut plans = Vec::new();
    for p in &paths {
        let Some(saved) = super::read_plan(&workdir.dir.join(p), ui) else { return 1 };
        let Some(plan) = super::plan_of(&saved, ui) else { return 1 };
        plans.push(plan);
    }
    let labels = labels(&paths);
    let named: Vec<(String, &Plan)> = labels.into_iter().zip(plans.iter()).collect();
    let max = max_chars.unwrap_or(DEFAULT_MAX_CHARS);
    let text = render(&named, max);
    if text.len() > max {
        ui.print_diagnostics(
            &Diagnostic::warning("The comment does not fit")
                .with_detail(format!(
                    "Even without any detail, the summary and the list of destructive changes take {} characters, more than -max-chars={max}.",
                    text.len()
                ))
                .into(),
        );
    }
    print!("{text}");
    0
}

/// What each plan is called: its path as given; when several plans share
/// a file name (`envs/dev/tfplan`, `envs/prod/tfplan`), their directories.
fn labels(paths: &[&PathBuf]) -> Vec<String> {
    let names: Vec<Option<&std::ffi::OsStr>> = paths.iter().map(|p| p.file_name()).collect();
    let shared = paths.len() > 1 && names.windows(2).all(|w| w[0] == w[1]);
    paths
        .iter()
        .map(|p| {
            let shown: &Path = if shared { p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(p) } else { p };
            shown.display().to_string()
        })
        .collect()
}

/// How a change is grouped and how important its detail is (higher keeps
/// its detail longer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Destroy,
    Replace,
    Create,
    Update,
    Read,
    Import,
    Move,
    Forget,
}

impl Group {
    fn of(c: &PlannedChange) -> Option<Group> {
        Some(match c.action {
            Action::Delete => Group::Destroy,
            Action::Replace | Action::CreateThenDelete => Group::Replace,
            Action::Create => Group::Create,
            Action::Update => Group::Update,
            Action::Read => Group::Read,
            Action::Forget => Group::Forget,
            Action::NoOp if c.importing.is_some() => Group::Import,
            Action::NoOp if c.moved_from.is_some() => Group::Move,
            Action::NoOp => return None,
        })
    }

    fn label(self) -> &'static str {
        match self {
            Group::Destroy => "`-` destroy",
            Group::Replace => "`-/+` replace",
            Group::Create => "`+` create",
            Group::Update => "`~` update",
            Group::Read => "`<=` read",
            Group::Import => "import",
            Group::Move => "move",
            Group::Forget => "forget",
        }
    }

    /// In what order detail is given up: lowest first.
    fn keep_rank(self) -> u8 {
        match self {
            Group::Read | Group::Import | Group::Move | Group::Forget => 0,
            Group::Update => 2,
            Group::Create => 4,
            Group::Destroy | Group::Replace => 5,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Group::Destroy => "destroy",
            Group::Replace => "replacement",
            Group::Create => "create",
            Group::Update => "update",
            Group::Read => "read",
            Group::Import => "import",
            Group::Move => "move",
            Group::Forget => "forget",
        }
    }
}

const DRIFT_RANK: u8 = 1;
const OUTPUTS_RANK: u8 = 3;

/// One folded diff.
struct Fold {
    rank: u8,
    /// What it is, for the note about left-out detail.
    what: &'static str,
    text: String,
    kept: bool,
}

/// One plan's part of the comment.
struct Section {
    /// The heading, `Plan:` line and destructive banner: always kept.
    head: String,
    /// Table rows: (group label, how many changes, entries).
    rows: Vec<(&'static str, usize, Vec<String>)>,
    /// Addresses listed per row (`usize::MAX`: all).
    row_limit: usize,
    folds: Vec<Fold>,
    /// How to see the whole plan.
    show_command: String,
    one_line: bool,
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The comment for these plans, within `max` characters where possible.
pub fn render(plans: &[(String, &Plan)], max: usize) -> String {
    let mut sections: Vec<Section> = plans.iter().map(|(label, plan)| section(label, plan, max)).collect();
    let total = |sections: &[Section]| -> usize {
        MARKER.len() + 1 + sections.iter().map(|s| section_text(s).len() + 1).sum::<usize>()
    };
    if total(&sections) <= max {
        return finish(&sections);
    }
    // Give up detail, least important first; within a rank, the later
    // resources of the later plans first.
    let mut order: Vec<(u8, usize, usize)> = Vec::new();
    for (si, s) in sections.iter().enumerate() {
        for (fi, f) in s.folds.iter().enumerate() {
            order.push((f.rank, si, fi));
        }
    }
    order.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
    // Sizes are kept by hand (rendering 5,000 folds again for each one
    // dropped would be quadratic); the notes are re-measured as they grow.
    let mut size = total(&sections);
    let note_reserve = 600 * sections.len();
    for (_, si, fi) in order {
        if size + note_reserve <= max {
            break;
        }
        let f = &mut sections[si].folds[fi];
        f.kept = false;
        size -= f.text.len() + 1;
    }
    while total(&sections) > max {
        // Then shorten the tables, longest rows first.
        let shown = |s: &Section| s.rows.iter().map(|r| r.2.len().min(s.row_limit)).max().unwrap_or(0);
        let Some(s) = sections.iter_mut().filter(|s| shown(s) > 3).max_by_key(|s| shown(s)) else { break };
        s.row_limit = (shown(s) * 3 / 4).max(3);
    }
    finish(&sections)
}

fn finish(sections: &[Section]) -> String {
    let mut out = format!("{MARKER}\n");
    for s in sections {
        out.push_str(&section_text(s));
        out.push('\n');
    }
    out
}

fn section(label: &str, plan: &Plan, max: usize) -> Section {
    let ui = Ui { color: false, json: false };
    let mut changes: Vec<&PlannedChange> = plan.changes.iter().collect();
    changes.sort_by(|a, b| super::plan_json::address_order(&a.addr).cmp(&super::plan_json::address_order(&b.addr)));
    let drift: Vec<PlannedChange> = plan.drift.iter().map(strata_core::Drift::as_change).collect();
    let mut title = format!("Strata plan: {}", code(label));
    if plan.options.workspace != "default" {
        title.push_str(&format!(" (workspace {})", code(&plan.options.workspace)));
    }
    if plan.options.destroy {
        title.push_str(" — destroy");
    }
    let show_command = format!("`strata show {}`", label.replace('`', ""));
    let shown: Vec<&PlannedChange> = changes.iter().copied().filter(|c| c.shown()).collect();
    if shown.is_empty() && plan.output_changes.is_empty() && drift.is_empty() {
        return Section {
            head: format!("**{title}** — No changes. Your infrastructure matches the configuration.\n"),
            rows: Vec::new(),
            row_limit: usize::MAX,
            folds: Vec::new(),
            show_command,
            one_line: true,
        };
    }
    let mut head = format!("### {title}\n\n");
    let n = plan_view::counts(&plan.changes);
    let imports = if n.import > 0 { format!("{} to import, ", n.import) } else { String::new() };
    head.push_str(&format!("**Plan: {imports}{} to add, {} to change, {} to destroy.**", n.add, n.change, n.destroy));
    if !plan.output_changes.is_empty() {
        head.push_str(&format!(" {} changed.", plural(plan.output_changes.len(), "output")));
    }
    if !drift.is_empty() {
        head.push_str(&format!(" {} changed outside Strata.", plural(drift.len(), "object")));
    }
    head.push('\n');
    let destructive: Vec<&PlannedChange> =
        shown.iter().copied().filter(|c| matches!(Group::of(c), Some(Group::Destroy | Group::Replace))).collect();
    if !destructive.is_empty() {
        head.push_str(&destructive_banner(&destructive, max));
    }
    let mut groups: BTreeMap<Group, Vec<&PlannedChange>> = BTreeMap::new();
    for c in &shown {
        if let Some(g) = Group::of(c) {
            groups.entry(g).or_default().push(c);
        }
    }
    let rows = groups.iter().map(|(g, cs)| (g.label(), cs.len(), table_entries(*g, cs))).collect();
    // Any one diff may take a quarter of the budget.
    let cap = (max / 4).max(500);
    let mut folds = Vec::new();
    for (g, cs) in &groups {
        for c in cs {
            let body = plan_view::render_change(c, ui);
            let addr = html(&object_name(c));
            let summary = match (&c.moved_from, *g) {
                (Some(from), Group::Move) => {
                    format!("<code>{addr}</code> has moved from <code>{}</code>", html(&from.to_string()))
                }
                _ => format!("<code>{addr}</code> {}", html(&what(c))),
            };
            folds.push(Fold { rank: g.keep_rank(), what: g.noun(), text: fold(&summary, &body, cap), kept: true });
        }
    }
    if !drift.is_empty() {
        let mut body = String::new();
        for d in &drift {
            let text = plan_view::render_change(d, ui);
            let first_line_end = text.find('\n').map_or(0, |i| i + 1);
            let what = if d.action == Action::Delete { "has been deleted" } else { "has changed" };
            body.push_str(&format!("  # {} {what}\n{}\n", d.addr, &text[first_line_end..]));
        }
        let summary = format!("Objects changed outside Strata ({})", drift.len());
        folds.push(Fold { rank: DRIFT_RANK, what: "drift", text: fold(&summary, body.trim_end(), cap), kept: true });
    }
    if !plan.output_changes.is_empty() {
        let mut before = strata_lang::Fields::new();
        let mut after = strata_lang::Fields::new();
        for o in &plan.output_changes {
            let sensitive = o.before.as_ref().is_some_and(|b| b.sensitive) || o.after.as_ref().is_some_and(|a| a.1);
            let hide = |v: Value| if sensitive { v.mark_sensitive() } else { v };
            if let Some(b) = &o.before {
                before.insert(o.name.clone(), hide(strata_core::plan::output_value(b)));
            }
            if let Some((v, _)) = &o.after {
                after.insert(o.name.clone(), hide(v.clone()));
            }
        }
        let body = value_diff::body(&Value::object(before), &Value::object(after), None, Mode::Update, 0, &[]);
        let summary = format!("Changes to outputs ({})", plan.output_changes.len());
        folds.push(Fold {
            rank: OUTPUTS_RANK,
            what: "outputs",
            text: fold(&summary, body.trim_end(), cap),
            kept: true,
        });
    }
    Section { head, rows, row_limit: usize::MAX, folds, show_command, one_line: false }
}

/// A table cell's entries: addresses, with many instances of one resource
/// counted together (`terraform_data.x` ×500).
fn table_entries(g: Group, changes: &[&PlannedChange]) -> Vec<String> {
    const MAX_LISTED: usize = 3;
    let mut out = Vec::new();
    let mut i = 0;
    while i < changes.len() {
        let c = changes[i];
        if let (Some(from), Group::Move) = (&c.moved_from, g) {
            out.push(format!("{} → {}", table_code(&from.to_string()), table_code(&c.addr.to_string())));
            i += 1;
            continue;
        }
        let same = changes[i..].iter().take_while(|x| x.addr.resource == c.addr.resource).count();
        if same > MAX_LISTED {
            out.push(format!("{} ×{same}", table_code(&c.addr.resource.to_string())));
        } else {
            out.extend(changes[i..i + same].iter().map(|x| table_code(&object_name(x))));
        }
        i += same;
    }
    out
}

/// The object a change is about: its address, naming a deposed object's
/// key as the plan does (left over from a failed replacement, it is
/// destroyed beside the current object).
fn object_name(c: &PlannedChange) -> String {
    match &c.deposed {
        Some(key) => format!("{} (deposed object {key})", c.addr),
        None => c.addr.to_string(),
    }
}

/// The header's wording, without the address.
fn what(c: &PlannedChange) -> String {
    match c.action {
        Action::Create => "will be created".into(),
        Action::Update => "will be updated in-place".into(),
        Action::Replace if c.reason == Some("replace_because_tainted") => "is tainted, so must be replaced".into(),
        Action::Replace | Action::CreateThenDelete if c.reason == Some("replace_by_request") => {
            "will be replaced, as requested".into()
        }
        Action::Replace | Action::CreateThenDelete => "must be replaced".into(),
        Action::Delete => "will be destroyed".into(),
        Action::Read => "will be read during apply".into(),
        Action::Forget => "will no longer be managed by Strata".into(),
        Action::NoOp if c.importing.is_some() => "will be imported".into(),
        Action::NoOp => "has no changes".into(),
    }
}

/// The warning listing every destroy and replacement. When the list alone
/// would not fit, instances of one resource are counted together.
fn destructive_banner(changes: &[&PlannedChange], max: usize) -> String {
    let destroys = changes.iter().filter(|c| c.action == Action::Delete).count();
    let replaces = changes.len() - destroys;
    let mut parts = Vec::new();
    if destroys > 0 {
        parts.push(format!("{destroys} to destroy"));
    }
    if replaces > 0 {
        parts.push(format!("{replaces} to replace"));
    }
    let mut out = format!("\n> [!CAUTION]\n> **This plan destroys objects: {}.**\n", parts.join(", "));
    let line = |addr: &str, c: &PlannedChange| -> String {
        let how = match c.action {
            Action::Delete => "destroy",
            Action::CreateThenDelete => "replace (create, then destroy)",
            _ => "replace (destroy, then create)",
        };
        format!("> - {} — {how}\n", table_code(addr))
    };
    let full: String = changes.iter().map(|c| line(&object_name(c), c)).collect();
    // The list comes before any other detail; room is left for the rest
    // of the summary.
    if full.len() + 2_000 <= max {
        out.push_str(&full);
        return out;
    }
    // Too long to list one by one: one line per resource.
    let mut by_resource: BTreeMap<String, (usize, &PlannedChange)> = BTreeMap::new();
    for c in changes {
        by_resource.entry(c.addr.resource.to_string()).or_insert((0, c)).0 += 1;
    }
    for (resource, (n, c)) in by_resource {
        let l = line(&resource, c);
        if n > 1 {
            out.push_str(&format!("{} ({n} instances)\n", l.trim_end()));
        } else {
            out.push_str(&line(&c.addr.to_string(), c));
        }
    }
    out
}

fn section_text(s: &Section) -> String {
    if s.one_line {
        return s.head.clone();
    }
    let mut out = s.head.clone();
    if !s.rows.is_empty() {
        out.push_str("\n| Action | Count | Addresses |\n|---|---:|---|\n");
        for (label, count, entries) in &s.rows {
            let shown = entries.len().min(s.row_limit);
            let mut cell = entries[..shown].join(", ");
            if shown < entries.len() {
                cell.push_str(&format!(", … and {} more", entries.len() - shown));
            }
            out.push_str(&format!("| {label} | {count} | {cell} |\n"));
        }
    }
    // What was left out, most important first.
    const ORDER: &[&str] =
        &["destroy", "replacement", "create", "outputs", "update", "drift", "read", "import", "move", "forget"];
    let mut left_out: Vec<(&str, usize)> = Vec::new();
    for f in s.folds.iter().filter(|f| !f.kept) {
        match left_out.iter_mut().find(|(w, _)| *w == f.what) {
            Some((_, n)) => *n += 1,
            None => left_out.push((f.what, 1)),
        }
    }
    left_out.sort_by_key(|(w, _)| ORDER.iter().position(|o| o == w));
    let table_cut = s.rows.iter().any(|r| r.2.len() > s.row_limit);
    if !left_out.is_empty() || table_cut {
        let mut parts: Vec<String> = Vec::new();
        for (what, n) in left_out {
            parts.push(match what {
                "drift" => "the changes made outside Strata".into(),
                "outputs" => "the output changes".into(),
                w => format!("the diff of {}", plural(n, w)),
            });
        }
        if table_cut {
            parts.push("part of the address table".into());
        }
        out.push_str(&format!(
            "\n> [!NOTE]\n> Left out to fit in one comment: {}. Run {} for the whole plan.\n",
            parts.join(", "),
            s.show_command
        ));
    }
    let kept: Vec<&Fold> = s.folds.iter().filter(|f| f.kept).collect();
    if !kept.is_empty() {
        out.push('\n');
        for f in &kept {
            out.push_str(&f.text);
            out.push('\n');
        }
    }
    out
}

/// A `<details>` fold with a `diff` block. Lines of the human plan get
/// their change symbol in the first column. A diff longer than `cap` keeps
/// its changed lines with a little context, then is cut at a line; it says
/// what it left out.
fn fold(summary: &str, body: &str, cap: usize) -> String {
    let mut lines: Vec<String> = body.lines().map(diff_line).collect();
    if lines.iter().map(|l| l.len() + 1).sum::<usize>() > cap {
        lines = around_changes(lines, 3);
    }
    let mut cut = 0;
    let mut len: usize = lines.iter().map(|l| l.len() + 1).sum();
    while len > cap && lines.len() > 1 {
        len -= lines.pop().map_or(0, |l| l.len() + 1);
        cut += 1;
    }
    let text = lines.join("\n");
    let fence = "`".repeat(longest_run(&text, '`').max(2) + 1);
    let mut out = format!("<details><summary>{summary}</summary>\n\n{fence}diff\n{text}\n{fence}\n");
    if cut > 0 {
        out.push_str(&format!("\n… {} left out.\n", plural(cut, "more line")));
    }
    out.push_str("\n</details>\n");
    out
}

/// Keeps the changed lines (and headers) of a long diff with `context`
/// lines on each side; each run of other lines becomes one note.
fn around_changes(lines: Vec<String>, context: usize) -> Vec<String> {
    let changed = |l: &str| l.starts_with(['+', '-', '~', '<']) || l.trim_start().starts_with('#');
    let marks: Vec<bool> = lines.iter().map(|l| changed(l)).collect();
    let keep: Vec<bool> = (0..lines.len())
        .map(|i| marks[i.saturating_sub(context)..(i + context + 1).min(lines.len())].iter().any(|m| *m))
        .collect();
    let mut out = Vec::new();
    let mut skipped = 0;
    for (i, line) in lines.into_iter().enumerate() {
        if keep[i] || i == 0 {
            if skipped > 0 {
                out.push(format!("        … {} unchanged", plural(skipped, "line")));
                skipped = 0;
            }
            out.push(line);
        } else {
            skipped += 1;
        }
    }
    if skipped > 0 {
        out.push(format!("        … {} unchanged", plural(skipped, "line")));
    }
    out
}

/// Moves a line's change symbol (`+`, `-`, `~`, `-/+`, `+/-`, `<=`) to the
/// first column, keeping the rest where it was.
fn diff_line(line: &str) -> String {
    let rest = line.trim_start_matches(' ');
    let indent = line.len() - rest.len();
    for sym in ["-/+", "+/-", "<=", "+", "-", "~"] {
        if let Some(after) = rest.strip_prefix(sym) {
            if after.is_empty() || after.starts_with(' ') {
                return format!("{sym}{}{after}", " ".repeat(indent));
            }
        }
    }
    line.to_string()
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Inline code, with a fence longer than any backtick run inside.
fn code(s: &str) -> String {
    let fence = "`".repeat(longest_run(s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Inline code inside a table cell: pipes escaped.
fn table_code(s: &str) -> String {
    code(&s.replace('|', "\\|"))
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_move_to_the_first_column() {
        assert_eq!(diff_line("      ~ input  = \"v1\" -> \"v2\""), "~       input  = \"v1\" -> \"v2\"");
        assert_eq!(diff_line("  + resource \"x\" \"y\" {"), "+   resource \"x\" \"y\" {");
        assert_eq!(diff_line("-/+ resource \"x\" \"y\" {"), "-/+ resource \"x\" \"y\" {");
        assert_eq!(diff_line(" <= data \"x\" \"y\" {"), "<=  data \"x\" \"y\" {");
        assert_eq!(diff_line("        id     = \"a\""), "        id     = \"a\"");
        assert_eq!(diff_line("    }"), "    }");
        assert_eq!(diff_line("        -1,"), "        -1,");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a.b"), "`a.b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(table_code(r#"x.y["a|b"]"#), r#"`x.y["a\|b"]`"#);
        assert_eq!(html(r#"x["<b>"]"#), "x[&quot;&lt;b&gt;&quot;]");
    }
}
