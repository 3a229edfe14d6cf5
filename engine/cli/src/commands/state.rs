//! `strata state` (list, show, mv, rm, pull, push, replace-provider) and
//! `strata show` of the state, with Terraform's output and messages.
//! Every state read and write of these commands, and of `taint`, goes
//! through [`state_store`]: the local file today, the one place a remote
//! backend plugs in. The edits themselves are `strata_state::ops`.

use crate::args::{StateCommand, StateWriteArgs};
use crate::output::Ui;
use crate::workdir::WorkDir;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use strata_addrs::{ModuleInstance, ResourceInstanceAddr, Target};
use strata_config::TERRAFORM_COMPAT_VERSION;
use strata_diag::{Diagnostic, Diagnostics};
use strata_state::{ops, InstanceState, ResourceState, StateError, StateFile, StateLock};

pub fn run(workdir: &WorkDir, cmd: StateCommand, ui: Ui) -> u8 {
    match cmd {
        StateCommand::List { id, state, addresses, .. } => {
            list(workdir, state.as_deref(), id.as_deref(), &addresses, ui)
        }
        StateCommand::Show { state, address, .. } => show_instance(workdir, state.as_deref(), &address, ui),
        StateCommand::Mv { dry_run, write, state_out, backup_out, source, destination, .. } => {
            let out = state_out.map(|path| (path, backup_out));
            mv(workdir, dry_run, &write, out, &source, &destination, ui)
        }
        StateCommand::Rm { dry_run, write, addresses, .. } => rm(workdir, dry_run, &write, &addresses, ui),
        StateCommand::Pull { .. } => pull(workdir, ui),
        StateCommand::Push { force, lock, lock_timeout, path, .. } => {
            let write = StateWriteArgs { lock, lock_timeout, ..Default::default() };
            push(workdir, force, &write, &path, ui)
        }
        StateCommand::ReplaceProvider { auto_approve, write, from, to, .. } => {
            replace_provider(workdir, auto_approve, &write, &from, &to, ui)
        }
    }
}

/// Where one state lives: the selected workspace's state, or an explicit
/// `-state` file.
pub struct StateStore {
    /// The store, or why the configured backend cannot be used (reported
    /// by the first read or lock).
    store: Result<strata_state::StateStore, Diagnostic>,
    /// The file, when the state is local (backups are local files).
    local_path: Option<PathBuf>,
}

/// The state store for `explicit` (a `-state` path) or the selected
/// workspace. Every state command reads and writes through what this returns.
pub fn state_store(workdir: &WorkDir, explicit: Option<&Path>) -> StateStore {
    let store = workdir.state_store(explicit);
    let local_path = workdir.local_state_path(explicit);
    StateStore { store, local_path }
}

impl StateStore {
    fn store(&self) -> Result<&strata_state::StateStore, StateError> {
        self.store.as_ref().map_err(|d| StateError::Io(format!("{}: {}", d.summary, d.detail)))
    }

    pub fn same_place(&self, other: &StateStore) -> bool {
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        match (&self.local_path, &other.local_path) {
            (Some(a), Some(b)) => canon(a) == canon(b),
            _ => match (self.store(), other.store()) {
                (Ok(a), Ok(b)) => a.describe() == b.describe(),
                _ => false,
            },
        }
    }

    pub fn read(&self) -> Result<Option<StateFile>, StateError> {
        self.store()?.read()
    }

    /// The stored bytes, after checking they are a state this Strata reads.
    fn read_bytes(&self) -> Result<Option<Vec<u8>>, StateError> {
        if self.read()?.is_none() {
            return Ok(None);
        }
        self.store()?.read_bytes()
    }

    /// Takes the lock for a command that writes, then folds in the journal
    /// of an interrupted apply (its operations name the addresses as they
    /// were). Prints diagnostics and returns `None` on failure.
    pub fn lock_for_write(&self, operation: &str, opts: &StateWriteArgs, ui: Ui) -> Option<StateLock> {
        let timeout = lock_timeout(opts, ui)?;
        let store = match self.store() {
            Ok(s) => s,
            Err(e) => {
                ui.print_diagnostics(&e.to_diagnostic().into());
                return None;
            }
        };
        super::apply::lock_and_recover(store, operation, timeout, ui)
    }

    /// Writes `state` (serial bumped when it changed, previous file kept as
    /// `.backup`); when it changes, the previous state is first copied to
    /// `extra_backup` too.
    pub fn write(
        &self,
        lock: &StateLock,
        state: StateFile,
        extra_backup: Option<&Path>,
    ) -> Result<StateFile, StateError> {
        if let (Some(backup), Some(cur)) = (extra_backup, self.read()?) {
            if !cur.same_content(&state) {
                let bytes = self.store()?.read_bytes()?.unwrap_or_default();
                std::fs::write(backup, bytes)
                    .map_err(|e| StateError::Io(format!("Writing the backup {}: {e}.", backup.display())))?;
            }
        }
        self.store()?.write(lock, state)
    }

    fn import(&self, lock: &StateLock, state: StateFile, force: bool) -> Result<StateFile, StateError> {
        self.store()?.import(lock, state, force)
    }

    /// Where state commands keep their copy of the state before a change,
    /// as Terraform does: `-backup`, else `<state>.<unix time>.backup`.
    /// Remote states keep no local copy unless `-backup` names one.
    fn command_backup(&self, explicit: Option<&Path>) -> Option<PathBuf> {
        if let Some(p) = explicit.filter(|p| p.as_os_str() != "-") {
            return Some(p.to_path_buf());
        }
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        self.local_path.as_ref().map(|p| PathBuf::from(format!("{}.{secs}.backup", p.display())))
    }
}

/// `-lock-timeout`, and a word about `-lock=false`: commands that write the
/// state always hold its lock.
fn lock_timeout(opts: &StateWriteArgs, ui: Ui) -> Option<std::time::Duration> {
    if opts.lock == Some(false) {
        ui.print_diagnostics(&Diagnostic::warning("-lock=false is ignored").with_detail("Commands that write the state always hold its lock, so that two of them cannot lose each other's changes. A lock held by a process that died is released with it.").into());
    }
    super::lock_timeout(opts.lock_timeout.as_deref(), ui)
}

fn no_state_file() -> Diagnostic {
    Diagnostic::error("No state file was found!").with_detail("State management commands require a state file. Run this command in a directory where Strata has been run or use the -state flag to point the command to a specific state location.")
}

/// Reads a state that must exist; prints why not and returns `None`.
fn read_existing(store: &StateStore, ui: Ui) -> Option<StateFile> {
    match store.read() {
        Ok(Some(s)) => Some(s),
        Ok(None) => {
            ui.print_diagnostics(&no_state_file().into());
            None
        }
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            None
        }
    }
}

fn addr_diagnostic(e: &strata_addrs::AddrError, given: &str) -> Diagnostic {
    Diagnostic::error(e.summary.clone()).with_detail(format!("{} (in the address {})", e.detail, go_quote(given)))
}

fn op_diagnostic(e: &ops::OpError) -> Diagnostic {
    Diagnostic::error(e.summary.clone()).with_detail(e.detail.clone())
}

/// Parses every address, reporting all the bad ones.
fn parse_targets(addresses: &[String], ui: Ui) -> Option<Vec<Target>> {
    let mut diags = Diagnostics::default();
    let mut out = Vec::new();
    for a in addresses {
        match Target::parse(a) {
            Ok(t) => out.push(t),
            Err(e) => diags.push(addr_diagnostic(&e, a)),
        }
    }
    if diags.has_errors() {
        ui.print_diagnostics(&diags);
        return None;
    }
    Some(out)
}

/// A string as Go's `%q` prints it: Terraform quotes addresses so.
pub fn go_quote(s: &str) -> String {
    strata_lang::render::go_quote(s)
}

/// `strata state list [-id=ID] [ADDR...]`
pub fn list(workdir: &WorkDir, state: Option<&Path>, id: Option<&str>, filters: &[String], ui: Ui) -> u8 {
    let store = state_store(workdir, state);
    let Some(st) = read_existing(&store, ui) else { return 1 };
    let Some(targets) = parse_targets(filters, ui) else { return 1 };
    let addrs = if targets.is_empty() {
        ops::instances(&st)
    } else {
        // Each filter's matches in order, as Terraform lists them.
        let mut diags = Diagnostics::default();
        let mut out = Vec::new();
        for t in &targets {
            match ops::select(&st, t, false) {
                Ok(a) => out.extend(a),
                Err(e) => diags.push(op_diagnostic(&e)),
            }
        }
        if diags.has_errors() {
            ui.print_diagnostics(&diags);
            return 1;
        }
        out
    };
    let id = id.filter(|i| !i.is_empty());
    for a in addrs {
        if let Some(want) = id {
            let have = ops::current(&st, &a).and_then(|i| i.attributes.get("id"));
            if have.as_ref().and_then(|v| v.as_str()) != Some(want) {
                continue;
            }
        }
        println!("{a}");
    }
    0
}

/// `strata state show ADDR`: one instance's current object, as `show` prints it.
fn show_instance(workdir: &WorkDir, state: Option<&Path>, address: &str, ui: Ui) -> u8 {
    let needs_instance = "This command requires that the address references one specific instance. To view the available instances, use \"strata state list\". Please modify the address to reference a specific instance.";
    let addr = match ResourceInstanceAddr::parse(address) {
        Ok(a) => a,
        Err(e) => {
            ui.print_diagnostics(
                &Diagnostic::error(format!("Error parsing instance address: {address}"))
                    .with_detail(format!("{}\n\n{needs_instance}", e.detail))
                    .into(),
            );
            return 1;
        }
    };
    let store = state_store(workdir, state);
    let Some(st) = read_existing(&store, ui) else { return 1 };
    let (Some(r), Some(obj)) = (ops::resource(&st, &addr.resource), ops::current(&st, &addr)) else {
        ui.print_diagnostics(
            &Diagnostic::error("No instance found for the given address!").with_detail(needs_instance).into(),
        );
        return 1;
    };
    let registry = crate::providers::registry();
    print!("{}", render_object(&registry, r, &addr.to_string(), obj));
    0
}

/// The attribute type of a resource from its provider's schema, when the
/// provider is linked in.
fn attribute_type(registry: &strata_provider::Registry, r: &ResourceState) -> Option<strata_lang::Type> {
    let source = ops::provider_fqn(&r.provider).unwrap_or("").trim_start_matches("registry.terraform.io/").to_string();
    let schema = registry.get(&source)?.new_instance().schema();
    let types = if r.mode == "data" { &schema.data_sources } else { &schema.resources };
    types.get(&r.type_name).map(|rs| rs.block.implied_type())
}

/// One object as Terraform's `show` prints it: `# ADDR:` then the block.
fn render_object(registry: &strata_provider::Registry, r: &ResourceState, addr: &str, i: &InstanceState) -> String {
    let ty = attribute_type(registry, r);
    let value = match &ty {
        Some(t) => strata_lang::json::from_json_typed(&i.attributes.to_json(), t),
        None => strata_lang::json::from_json_implied(&i.attributes.to_json()),
    }
    .unwrap_or_else(|_| strata_lang::Value::dynamic_null());
    let value = strata_core::decode::apply_sensitive_paths(value, &i.sensitive_attributes);
    let note = match (&i.deposed, i.status.as_deref()) {
        (Some(d), _) => format!(" (deposed object {d})"),
        (None, Some("tainted")) => " (tainted)".to_string(),
        _ => String::new(),
    };
    let kind = if r.mode == "data" { "data" } else { "resource" };
    let mut out = format!("# {addr}:{note}\n{kind} {:?} {:?} {{\n", r.type_name, r.name);
    let entries = value.as_entries().cloned().unwrap_or_default();
    let shown: Vec<_> = entries.iter().filter(|(_, v)| !v.is_null()).collect();
    let width = shown.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    for (k, v) in shown {
        // Terraform knows a map from an object only by the schema: under an
        // attribute of any type (`terraform_data.input`) every mapping
        // prints as an object.
        let typed = match &ty {
            Some(strata_lang::Type::Object(o)) => o.attrs.get(k).is_some_and(|t| *t != strata_lang::Type::Dynamic),
            _ => false,
        };
        out.push_str(&format!("    {k:width$} = {}\n", state_value(v, 4, typed)));
    }
    out.push_str("}\n");
    out
}

/// A value as Terraform's state view prints it: nested objects and lists
/// indented by four more than their line, keys aligned, multi-line strings
/// as heredocs, JSON strings as `jsonencode(...)`, secrets hidden.
fn state_value(v: &strata_lang::Value, indent: usize, typed: bool) -> String {
    use strata_lang::Kind;
    if v.is_sensitive() {
        return "(sensitive value)".into();
    }
    match v.kind() {
        Kind::Null(_) => "null".into(),
        Kind::Unknown(_) => "(known after apply)".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::String(s) => state_string(s, indent),
        Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
            sequence(items.iter().map(|x| state_value(x, indent + 4, typed)).collect(), indent)
        }
        Kind::Map(_, items) | Kind::Object(items) => {
            let quote_keys = typed && matches!(v.kind(), Kind::Map(..));
            let entries = items.iter().map(|(k, x)| (k.clone(), state_value(x, indent + 4, typed))).collect();
            mapping(entries, indent, quote_keys)
        }
    }
}

fn state_string(s: &str, indent: usize) -> String {
    if s.starts_with('{') || s.starts_with('[') {
        if let Ok(j) = serde_json::from_str::<serde_json::Value>(s) {
            let inner = json_value(&j, indent + 4);
            return match &j {
                serde_json::Value::Array(a) if a.is_empty() => "jsonencode([])".into(),
                serde_json::Value::Object(o) if o.is_empty() => "jsonencode({})".into(),
                _ => format!("jsonencode(\n{}{inner}\n{})", " ".repeat(indent + 4), " ".repeat(indent)),
            };
        }
    }
    if s.contains('\n') {
        let body = s.strip_suffix('\n').unwrap_or(s);
        let pad = " ".repeat(indent + 4);
        let lines: String = body.split('\n').map(|l| format!("{pad}{l}\n")).collect();
        return format!("<<-EOT\n{lines}{}EOT", " ".repeat(indent));
    }
    strata_lang::render::go_quote(s)
}

fn json_value(j: &serde_json::Value, indent: usize) -> String {
    match j {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => {
            strata_lang::Number::parse(&n.to_string()).map(|n| n.to_string()).unwrap_or_else(|_| n.to_string())
        }
        serde_json::Value::String(s) => state_string(s, indent),
        serde_json::Value::Array(items) => sequence(items.iter().map(|x| json_value(x, indent + 4)).collect(), indent),
        serde_json::Value::Object(items) => {
            let mut entries: Vec<(String, String)> =
                items.iter().map(|(k, x)| (k.clone(), json_value(x, indent + 4))).collect();
            entries.sort();
            mapping(entries, indent, false)
        }
    }
}

fn sequence(items: Vec<String>, indent: usize) -> String {
    if items.is_empty() {
        return "[]".into();
    }
    let pad = " ".repeat(indent + 4);
    let body: String = items.iter().map(|x| format!("{pad}{x},\n")).collect();
    format!("[\n{body}{}]", " ".repeat(indent))
}

/// Entries in key order; object keys that are identifiers stay bare, map
/// keys are quoted.
fn mapping(entries: Vec<(String, String)>, indent: usize, quote_keys: bool) -> String {
    if entries.is_empty() {
        return "{}".into();
    }
    let key = |k: &str| {
        let ident = !quote_keys
            && k.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        if ident {
            k.to_string()
        } else {
            strata_lang::render::go_quote(k)
        }
    };
    let keys: Vec<String> = entries.iter().map(|(k, _)| key(k)).collect();
    let width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
    let pad = " ".repeat(indent + 4);
    let body: String = keys.iter().zip(&entries).map(|(k, (_, x))| format!("{pad}{k:width$} = {x}\n")).collect();
    format!("{{\n{body}{}}}", " ".repeat(indent))
}

/// `strata show`: every object in the state and the outputs, as Terraform
/// prints them; secrets as `(sensitive value)`.
pub fn show(workdir: &WorkDir, state: Option<&Path>, ui: Ui) -> u8 {
    let store = state_store(workdir, state);
    let st = match store.read() {
        Ok(Some(s)) => s,
        Ok(None) => {
            println!("No state.");
            return 0;
        }
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            return 1;
        }
    };
    if st.resources.is_empty() && st.outputs.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return 0;
    }
    let registry = crate::providers::registry();
    // Terraform's renderer walks the module tree from the root, children
    // by address; objects by address, current before deposed. It prints a
    // blank line before every object but the very first, and one more
    // before each module's objects unless nothing was printed before them
    // in the module's own branch (so with an empty root module, sibling
    // modules run together; that is what Terraform prints).
    // Per module (keyed by its steps as printed): (address, deposed key, text).
    type Objects = Vec<(String, String, String)>;
    let mut modules: std::collections::BTreeMap<Vec<String>, (ModuleInstance, Objects)> = Default::default();
    for r in &st.resources {
        let Some(addr) = ops::resource_addr(r) else { continue };
        let steps: Vec<String> = addr.module.0.iter().map(|(name, key)| format!("module.{name}{key}")).collect();
        let entry = modules.entry(steps).or_insert_with(|| (addr.module.clone(), Vec::new()));
        for i in &r.instances {
            let at = addr.instance(ops::instance_key(i)).to_string();
            let text = render_object(&registry, r, &at, i);
            entry.1.push((at, i.deposed.clone().unwrap_or_default(), text));
        }
    }
    let has_objects = |m: &ModuleInstance| modules.values().any(|(x, objs)| x == m && !objs.is_empty());
    for (module, objects) in modules.values() {
        let mut first = (0..module.0.len()).all(|n| !has_objects(&ModuleInstance(module.0[..n].to_vec())));
        let mut objects: Vec<&(String, String, String)> = objects.iter().collect();
        objects.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        if !objects.is_empty() && !first {
            println!();
        }
        for (_, _, text) in objects {
            if !first {
                println!();
            }
            first = false;
            print!("{text}");
        }
    }
    if !st.outputs.is_empty() {
        println!("\n\nOutputs:\n");
        for (k, o) in &st.outputs {
            if o.sensitive {
                println!("{k} = (sensitive value)");
            } else {
                let t = strata_lang::Type::from_json(&o.ty).unwrap_or(strata_lang::Type::Dynamic);
                let v = strata_lang::json::from_json_typed(&o.value, &t)
                    .unwrap_or_else(|_| strata_lang::Value::dynamic_null());
                println!("{k} = {}", state_value(&v, 0, true));
            }
        }
    }
    0
}

/// `strata state mv [-dry-run] SOURCE DESTINATION`
fn mv(
    workdir: &WorkDir,
    dry_run: bool,
    write: &StateWriteArgs,
    out: Option<(PathBuf, Option<PathBuf>)>,
    source: &str,
    destination: &str,
    ui: Ui,
) -> u8 {
    let Some(targets) = parse_targets(&[source.to_string(), destination.to_string()], ui) else { return 1 };
    let (src, dst) = (&targets[0], &targets[1]);
    let from_store = state_store(workdir, write.state.as_deref());
    let to_store = out
        .as_ref()
        .map(|(path, backup)| (state_store(workdir, Some(path)), backup.clone()))
        .filter(|(s, _)| !s.same_place(&from_store));
    let locking = !(dry_run && write.lock == Some(false));
    let from_lock = match locking {
        true => match from_store.lock_for_write("state-mv", write, ui) {
            Some(l) => Some(l),
            None => return 1,
        },
        false => None,
    };
    let to_lock = match (&to_store, locking) {
        (Some((s, _)), true) => match s.lock_for_write("state-mv", write, ui) {
            Some(l) => Some(l),
            None => return 1,
        },
        _ => None,
    };
    let Some(from_state) = read_existing(&from_store, ui) else { return 1 };
    let to_state = match &to_store {
        Some((s, _)) => match s.read() {
            Ok(st) => Some(st.unwrap_or_else(|| StateFile::new(TERRAFORM_COMPAT_VERSION))),
            Err(e) => {
                ui.print_diagnostics(&e.to_diagnostic().into());
                return 1;
            }
        },
        None => None,
    };
    let mut next_from = from_state.clone();
    let mut next_to = to_state.clone();
    let moved = match ops::move_objects(&mut next_from, next_to.as_mut(), src, dst, destination) {
        Ok(m) => m,
        Err(errors) => {
            let mut diags = Diagnostics::default();
            for e in &errors {
                diags.push(op_diagnostic(e));
            }
            ui.print_diagnostics(&diags);
            return 1;
        }
    };
    let prefix = if dry_run { "Would move" } else { "Move" };
    for m in &moved {
        println!("{prefix} {} to {}", go_quote(&m.from), go_quote(&m.to));
    }
    if dry_run {
        if moved.is_empty() {
            println!("Would have moved nothing.");
        }
        return 0;
    }
    // The destination first, as Terraform: a failure then leaves the objects
    // in both states rather than in neither.
    if let (Some((store, backup)), Some(lock), Some(next)) = (&to_store, &to_lock, next_to) {
        let backup = store.command_backup(backup.as_deref());
        if let Err(e) = store.write(lock, next, backup.as_deref()) {
            ui.print_diagnostics(&persist_failed(&e).into());
            return 1;
        }
    }
    let backup = from_store.command_backup(write.backup.as_deref());
    let lock = from_lock.expect("a move that writes holds the lock");
    if let Err(e) = from_store.write(&lock, next_from, backup.as_deref()) {
        ui.print_diagnostics(&persist_failed(&e).into());
        return 1;
    }
    println!("Successfully moved {} object(s).", moved.len());
    0
}

fn persist_failed(e: &StateError) -> Diagnostic {
    Diagnostic::error("Error saving the state").with_detail(format!(
        "{}\n\nThe state was not saved. No items were removed from the persisted state. Please resolve the issue above and try again.",
        e.to_diagnostic().detail
    ))
}

/// `strata state rm [-dry-run] ADDRESS...`
fn rm(workdir: &WorkDir, dry_run: bool, write: &StateWriteArgs, addresses: &[String], ui: Ui) -> u8 {
    let Some(targets) = parse_targets(addresses, ui) else { return 1 };
    let store = state_store(workdir, write.state.as_deref());
    let lock = if dry_run && write.lock == Some(false) {
        None
    } else {
        match store.lock_for_write("state-rm", write, ui) {
            Some(l) => Some(l),
            None => return 1,
        }
    };
    let Some(st) = read_existing(&store, ui) else { return 1 };
    let mut selected: Vec<ResourceInstanceAddr> = Vec::new();
    let mut unmatched = Vec::new();
    for (t, text) in targets.iter().zip(addresses) {
        let found = ops::select(&st, t, true).unwrap_or_default();
        if found.is_empty() {
            unmatched.push(text.as_str());
        }
        for a in found {
            if !selected.contains(&a) {
                selected.push(a);
            }
        }
    }
    let prefix = if dry_run { "Would remove" } else { "Removed" };
    let mut next = st.clone();
    for a in &selected {
        println!("{prefix} {a}");
        ops::remove_instance(&mut next, a);
    }
    if dry_run {
        if selected.is_empty() {
            println!("Would have removed nothing.");
        }
        return 0;
    }
    if selected.is_empty() {
        ui.print_diagnostics(&Diagnostic::error("Invalid target address").with_detail("No matching objects found. To view the available instances, use \"strata state list\". Please modify the address to reference a specific instance.").into());
        return 1;
    }
    let backup = store.command_backup(write.backup.as_deref());
    let lock = lock.expect("a removal that writes holds the lock");
    if let Err(e) = store.write(&lock, next, backup.as_deref()) {
        ui.print_diagnostics(&persist_failed(&e).into());
        return 1;
    }
    if !unmatched.is_empty() {
        ui.print_diagnostics(
            &Diagnostic::warning("Some addresses matched nothing")
                .with_detail(format!(
                    "Nothing in the state matched {}; the other addresses were removed.",
                    unmatched.join(", ")
                ))
                .into(),
        );
    }
    println!("Successfully removed {} resource instance(s).", selected.len());
    0
}

/// `strata state pull`: the stored state, byte for byte.
fn pull(workdir: &WorkDir, ui: Ui) -> u8 {
    let store = state_store(workdir, None);
    match store.read_bytes() {
        Ok(None) => 0,
        Ok(Some(bytes)) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&bytes);
            if !bytes.ends_with(b"\n") {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
            0
        }
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            1
        }
    }
}

/// `strata state push [-force] PATH`: replaces the stored state, refusing
/// another lineage or an older serial unless forced.
fn push(workdir: &WorkDir, force: bool, write: &StateWriteArgs, path: &str, ui: Ui) -> u8 {
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().lock().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    if let Err(e) = read {
        let what = if path == "-" { "standard input".to_string() } else { path.to_string() };
        ui.print_diagnostics(
            &Diagnostic::error("Failed to read the state to push").with_detail(format!("{what}: {e}.")).into(),
        );
        return 1;
    }
    let mut new = if text.trim().is_empty() {
        StateFile::new(TERRAFORM_COMPAT_VERSION)
    } else {
        match StateFile::from_json(&text) {
            Ok(s) => s,
            Err(m) => {
                ui.print_diagnostics(
                    &Diagnostic::error(format!("Error reading source state {}", go_quote(path))).with_detail(m).into(),
                );
                return 1;
            }
        }
    };
    new.terraform_version = TERRAFORM_COMPAT_VERSION.to_string();
    let store = state_store(workdir, None);
    let Some(lock) = store.lock_for_write("state-push", write, ui) else { return 1 };
    match store.import(&lock, new, force) {
        Ok(_) => 0,
        Err(StateError::Conflict(m)) => {
            ui.print_diagnostics(
                &Diagnostic::error("Failed to write state")
                    .with_detail(format!(
                        "{m}.\n\nCheck that this is the state you mean to push; -force writes it anyway."
                    ))
                    .into(),
            );
            1
        }
        Err(e) => {
            ui.print_diagnostics(&e.to_diagnostic().into());
            1
        }
    }
}

/// `strata state replace-provider [-auto-approve] FROM TO`
fn replace_provider(workdir: &WorkDir, auto_approve: bool, write: &StateWriteArgs, from: &str, to: &str, ui: Ui) -> u8 {
    let mut diags = Diagnostics::default();
    let mut parse = |which: &str, source: &str| match ops::parse_provider_source(source) {
        Ok(fqn) => Some(fqn),
        Err(m) => {
            diags.push(Diagnostic::error(format!("Invalid {which:?} provider {}", go_quote(source))).with_detail(m));
            None
        }
    };
    let (from_fqn, to_fqn) = (parse("from", from), parse("to", to));
    let (Some(from_fqn), Some(to_fqn)) = (from_fqn, to_fqn) else {
        ui.print_diagnostics(&diags);
        return 1;
    };
    let store = state_store(workdir, write.state.as_deref());
    let Some(lock) = store.lock_for_write("state-replace-provider", write, ui) else { return 1 };
    let Some(st) = read_existing(&store, ui) else { return 1 };
    let matching = ops::resources_with_provider(&st, &from_fqn);
    if matching.is_empty() {
        println!("No matching resources found.");
        return 0;
    }
    println!("Strata will perform the following actions:\n");
    println!("  ~ Updating provider:");
    println!("    - {from_fqn}");
    println!("    {} {to_fqn}\n", ui.green("+"));
    println!("{} {} resources:\n", ui.bold("Changing"), matching.len());
    for r in &matching {
        println!("  {r}");
    }
    if !auto_approve {
        print!(
            "\n{}\nOnly 'yes' will be accepted to continue.\n\nEnter a value: ",
            ui.bold("Do you want to make these changes?")
        );
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                ui.print_diagnostics(&Diagnostic::error("Error asking for approval: EOF").with_detail("Strata asks for confirmation before changing the state. Answer yes, or run with -auto-approve.").into());
                return 1;
            }
            Ok(_) => {}
        }
        if line.trim_end_matches(['\n', '\r']) != "yes" {
            println!("Cancelled replacing providers.");
            return 0;
        }
    }
    let mut next = st;
    let n = ops::replace_provider(&mut next, &from_fqn, &to_fqn);
    let backup = store.command_backup(write.backup.as_deref());
    if let Err(e) = store.write(&lock, next, backup.as_deref()) {
        ui.print_diagnostics(&persist_failed(&e).into());
        return 1;
    }
    println!("\nSuccessfully replaced provider for {n} resources.");
    0
}
