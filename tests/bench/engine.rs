//! Benchmark: the engine end to end on generated configurations of N
//! `terraform_data` instances.
//!
//! For each size N it writes, in a fresh temporary directory, a root module
//! with a `terraform_data "seed"`, a `terraform_data "item"` with `for_each`
//! over a map of N keys (built by a `for` expression over `range`, nested
//! because `range` stops at 1,024 values) whose `input` references
//! `terraform_data.seed.output` and `each.value`, a chain of resources each
//! referencing the previous one, a few calls of a local module (each with
//! `for_each` resources over module inputs, one referencing the other), and
//! outputs. It then times, with the release `strata` binary (`STRATA_BIN`,
//! default `target/release/strata`):
//!
//! - `validate`
//! - `plan` (fresh: no state)
//! - `apply -auto-approve` (fresh: no state)
//! - `plan` again after the apply (no-op: must print "No changes")
//!
//! reporting the minimum wall time over R runs and the peak resident set
//! size (`/usr/bin/time -f %M` when GNU time is installed, otherwise
//! polling `VmHWM` in `/proc/PID/status`).
//!
//! When `terraform` is on PATH and N is at most `--terraform-max`, the same
//! operations run with Terraform on an identical copy of the configuration
//! and the ratio is printed.
//!
//! Usage: bench-engine [SIZES] [--runs R] [--terraform-max N]
//!        [--terraform-runs R] [--no-terraform] [--quick] [--keep]
//!        [--chain L] [--modules M] [--module-size K]
//! SIZES is a comma-separated list (default 1000,10000,100000).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: bench-engine [SIZES] [--runs R] [--terraform-max N] [--terraform-runs R] \
[--no-terraform] [--quick] [--keep] [--chain L] [--modules M] [--module-size K]
  SIZES            comma-separated instance counts (default 1000,10000,100000)
  --runs R         runs per Strata measurement, minimum reported (default 3 up to 10,000, 1 above)
  --terraform-max  largest size also run with Terraform (default 1000; 0 disables)
  --terraform-runs runs per Terraform measurement (default 1)
  --no-terraform   never run Terraform
  --quick          sizes 100,1000, one run, Terraform only at 100
  --keep           keep the generated directories (printed)
  --chain L        length of the reference chain (default 20)
  --modules M      number of module calls (default 3)
  --module-size K  for_each instances per module resource (default 10)";

struct Opts {
    sizes: Vec<usize>,
    runs: Option<usize>,
    tf_max: usize,
    tf_runs: usize,
    keep: bool,
    chain: usize,
    modules: usize,
    module_size: usize,
}

fn parse_args() -> Opts {
    let mut o = Opts {
        sizes: vec![1_000, 10_000, 100_000],
        runs: None,
        tf_max: 1_000,
        tf_runs: 1,
        keep: false,
        chain: 20,
        modules: 3,
        module_size: 10,
    };
    let mut args = std::env::args().skip(1);
    let num = |a: Option<String>, flag: &str| -> usize {
        a.and_then(|s| s.replace('_', "").parse().ok()).unwrap_or_else(|| {
            eprintln!("{flag} needs a number\n{USAGE}");
            std::process::exit(2)
        })
    };
    while let Some(a) = args.next() {
        let a = a.trim_start_matches('-').to_string();
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        let mut val = |flag: &str| num(inline.clone().or_else(|| args.next()), flag);
        match name.as_str() {
            "runs" => o.runs = Some(val("--runs").max(1)),
            "terraform-max" => o.tf_max = val("--terraform-max"),
            "terraform-runs" => o.tf_runs = val("--terraform-runs").max(1),
            "no-terraform" => o.tf_max = 0,
            "keep" => o.keep = true,
            "chain" => o.chain = val("--chain").max(1),
            "modules" => o.modules = val("--modules"),
            "module-size" => o.module_size = val("--module-size").max(1),
            "quick" => {
                o.sizes = vec![100, 1_000];
                o.runs = Some(1);
                o.tf_max = 100;
            }
            "h" | "help" => {
                println!("{USAGE}");
                std::process::exit(0)
            }
            s if s.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                o.sizes = s
                    .split(',')
                    .map(|x| {
                        x.replace('_', "").parse().unwrap_or_else(|_| {
                            eprintln!("bad size {x:?}\n{USAGE}");
                            std::process::exit(2)
                        })
                    })
                    .collect();
            }
            _ => {
                eprintln!("unknown argument {a:?}\n{USAGE}");
                std::process::exit(2)
            }
        }
    }
    o
}

// ------------------------------------------------------------------ config

/// Writes the configuration for `n` instances into `dir` and returns the
/// total number of resource instances and the size of the root file.
fn generate(dir: &Path, n: usize, o: &Opts) -> (usize, usize) {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("modules/group")).unwrap();
    let mut s = String::new();
    let outer = n.div_ceil(1000).max(1);
    let inner = n.min(1000);
    writeln!(
        s,
        r#"locals {{
  n = {n}
  # range() stops at 1,024 values (as in Terraform), so the keys are built
  # from two nested ranges.
  indexes = flatten([
    for hi in range({outer}) : [
      for lo in range({inner}) : hi * {inner} + lo if hi * {inner} + lo < local.n
    ]
  ])
  items = {{ for i in local.indexes : format("k%06d", i) => {{ index = i, group = i % 7 }} }}
}}

resource "terraform_data" "seed" {{
  input = "seed"
}}

resource "terraform_data" "item" {{
  for_each = local.items

  input = {{
    seed  = terraform_data.seed.output
    name  = "${{each.key}}-${{each.value.index}}"
    group = each.value.group
  }}
}}
"#
    )
    .unwrap();
    for i in 0..o.chain {
        let prev = if i == 0 {
            "terraform_data.seed.output".to_string()
        } else {
            format!("terraform_data.chain{}.output", i - 1)
        };
        writeln!(s, "resource \"terraform_data\" \"chain{i}\" {{\n  input = \"${{{prev}}}/{i}\"\n}}\n").unwrap();
    }
    let last_chain = format!("terraform_data.chain{}.output", o.chain - 1);
    for m in 0..o.modules {
        let prefix = match m {
            0 => last_chain.clone(),
            1 => "terraform_data.item[\"k000000\"].output.name".to_string(),
            _ => format!("module.group{}.last", m - 1),
        };
        writeln!(
            s,
            "module \"group{m}\" {{\n  source = \"./modules/group\"\n  prefix = {prefix}\n  size   = {}\n}}\n",
            o.module_size
        )
        .unwrap();
    }
    writeln!(
        s,
        r#"output "item_count" {{
  value = length(terraform_data.item)
}}

output "first_item" {{
  value = terraform_data.item["k000000"].output
}}

output "chain_end" {{
  value = {last_chain}
}}
"#
    )
    .unwrap();
    if o.modules > 0 {
        let lasts: Vec<String> = (0..o.modules).map(|m| format!("module.group{m}.last")).collect();
        writeln!(s, "output \"module_lasts\" {{\n  value = [{}]\n}}", lasts.join(", ")).unwrap();
    }
    fs::write(dir.join("main.tf"), &s).unwrap();
    let module = r#"variable "prefix" {
  type = string
}

variable "size" {
  type = number
}

locals {
  keys = toset([for i in range(var.size) : format("m%03d", i)])
}

resource "terraform_data" "a" {
  for_each = local.keys

  input = "${var.prefix}/a/${each.key}"
}

resource "terraform_data" "b" {
  for_each = local.keys

  input = {
    from = terraform_data.a[each.key].output
    size = var.size
  }
}

output "last" {
  value = terraform_data.b[format("m%03d", var.size - 1)].output.from
}
"#;
    fs::write(dir.join("modules/group/main.tf"), module).unwrap();
    let total = n + 1 + o.chain + o.modules * 2 * o.module_size;
    (total, s.len() + module.len())
}

// ------------------------------------------------------------------ running

#[derive(Clone, Copy)]
enum RssProbe {
    GnuTime,
    Poll,
}

fn detect_probe() -> RssProbe {
    let t = Path::new("/usr/bin/time");
    if t.exists() {
        let out = std::env::temp_dir().join(format!("strata-bench-time-probe-{}", std::process::id()));
        let ok = Command::new(t)
            .args(["-f", "%M", "-o"])
            .arg(&out)
            .arg("true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        let parsed = fs::read_to_string(&out).ok().and_then(|s| last_number(&s)).is_some();
        let _ = fs::remove_file(&out);
        if ok && parsed {
            return RssProbe::GnuTime;
        }
    }
    RssProbe::Poll
}

fn last_number(s: &str) -> Option<u64> {
    s.lines().rev().find_map(|l| l.trim().parse().ok())
}

struct Tool {
    name: &'static str,
    program: PathBuf,
    env: Vec<(&'static str, String)>,
}

struct RunResult {
    wall: Duration,
    rss_kib: Option<u64>,
    stdout: String,
}

/// Runs `tool args` in `dir`, stdout and stderr to files beside it, and
/// measures wall time and peak RSS.
fn run_once(tool: &Tool, dir: &Path, args: &[&str], probe: RssProbe) -> Result<RunResult, String> {
    let scratch = dir.parent().unwrap();
    let out_path = scratch.join(format!("{}-stdout.txt", tool.name));
    let err_path = scratch.join(format!("{}-stderr.txt", tool.name));
    let rss_path = scratch.join(format!("{}-rss.txt", tool.name));
    let _ = fs::remove_file(&rss_path);
    let mut cmd = match probe {
        RssProbe::GnuTime => {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "%M", "-o"]).arg(&rss_path).arg(&tool.program);
            c
        }
        RssProbe::Poll => Command::new(&tool.program),
    };
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap());
    for (k, v) in &tool.env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot run {}: {e}", tool.program.display()))?;
    let mut hwm = None;
    let status = match probe {
        RssProbe::GnuTime => child.wait().map_err(|e| e.to_string())?,
        RssProbe::Poll => {
            let status_file = format!("/proc/{}/status", child.id());
            loop {
                if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
                    break s;
                }
                if let Ok(st) = fs::read_to_string(&status_file) {
                    if let Some(v) = st
                        .lines()
                        .find_map(|l| l.strip_prefix("VmHWM:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    {
                        hwm = Some(hwm.map_or(v, |h: u64| h.max(v)));
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    };
    let wall = start.elapsed();
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    if !status.success() {
        let stderr = fs::read_to_string(&err_path).unwrap_or_default();
        let tail =
            |s: &str| s.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
        return Err(format!(
            "{} {} failed ({status}) in {}:\n{}\n{}",
            tool.name,
            args.join(" "),
            dir.display(),
            tail(&stdout),
            tail(&stderr)
        ));
    }
    let rss_kib = match probe {
        RssProbe::GnuTime => fs::read_to_string(&rss_path).ok().and_then(|s| last_number(&s)),
        RssProbe::Poll => hwm,
    };
    Ok(RunResult { wall, rss_kib, stdout })
}

#[derive(Clone, Copy, Default)]
struct Measure {
    /// Minimum wall time over the runs.
    secs: f64,
    /// Largest peak RSS over the runs.
    rss_kib: Option<u64>,
}

const OPS: [&str; 4] = ["validate", "plan (fresh)", "apply", "plan (no-op)"];

fn remove_state(dir: &Path) {
    for f in
        ["terraform.tfstate", "terraform.tfstate.backup", "terraform.tfstate.journal", ".terraform.tfstate.lock.info"]
    {
        let _ = fs::remove_file(dir.join(f));
    }
}

/// Measures the four operations; `None` where an operation failed.
fn measure_all(tool: &Tool, dir: &Path, runs: usize, probe: RssProbe) -> [Option<Measure>; 4] {
    let mut res: [Option<Measure>; 4] = [None; 4];
    let mut record = |i: usize, r: &RunResult| {
        let m = res[i].get_or_insert(Measure { secs: f64::INFINITY, rss_kib: None });
        m.secs = m.secs.min(r.wall.as_secs_f64());
        m.rss_kib = match (m.rss_kib, r.rss_kib) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    };
    let report = |op: &str, r: &Result<RunResult, String>| match r {
        Ok(r) => eprintln!(
            "  {:<9} {:<13} {:>9.3} s  {:>7} MiB",
            tool.name,
            op,
            r.wall.as_secs_f64(),
            r.rss_kib.map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0))
        ),
        Err(e) => eprintln!("  {:<9} {:<13} FAILED: {e}", tool.name, op),
    };
    let plan_args: &[&str] = &["plan", "-input=false", "-no-color"];
    let apply_args: &[&str] = &["apply", "-auto-approve", "-input=false", "-no-color"];
    remove_state(dir);
    for _ in 0..runs {
        let r = run_once(tool, dir, &["validate", "-no-color"], probe);
        report(OPS[0], &r);
        if let Ok(r) = &r {
            record(0, r);
        }
    }
    for _ in 0..runs {
        remove_state(dir);
        let r = run_once(tool, dir, plan_args, probe);
        report(OPS[1], &r);
        if let Ok(r) = &r {
            record(1, r);
        }
    }
    let mut applied = false;
    for _ in 0..runs {
        remove_state(dir);
        let r = run_once(tool, dir, apply_args, probe);
        report(OPS[2], &r);
        if let Ok(r) = &r {
            record(2, r);
            applied = true;
        } else {
            applied = false;
        }
    }
    if applied {
        for _ in 0..runs {
            let r = run_once(tool, dir, plan_args, probe);
            let r = r.and_then(|r| {
                if r.stdout.contains("No changes") {
                    Ok(r)
                } else {
                    Err(format!(
                        "plan after apply is not a no-op:\n{}",
                        r.stdout.lines().take(40).collect::<Vec<_>>().join("\n")
                    ))
                }
            });
            report(OPS[3], &r);
            if let Ok(r) = &r {
                record(3, r);
            }
        }
    }
    res
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        let n = name.to_string_lossy();
        if n.starts_with("terraform.tfstate") || n.starts_with(".terraform") {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

fn which(prog: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(prog)).find(|p| p.is_file())
}

// ------------------------------------------------------------------ report

fn fmt_secs(m: Option<Measure>) -> String {
    match m {
        None => "failed".into(),
        Some(m) if m.secs >= 10.0 => format!("{:.1} s", m.secs),
        Some(m) => format!("{:.3} s", m.secs),
    }
}

fn fmt_rss(m: Option<Measure>) -> String {
    match m.and_then(|m| m.rss_kib) {
        None => "?".into(),
        Some(k) => format!("{:.0} MiB", k as f64 / 1024.0),
    }
}

fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

struct Row {
    n: usize,
    total: usize,
    bytes: usize,
    runs: usize,
    strata: [Option<Measure>; 4],
    terraform: Option<[Option<Measure>; 4]>,
}

fn main() {
    let o = parse_args();
    let bin = PathBuf::from(std::env::var("STRATA_BIN").unwrap_or_else(|_| "target/release/strata".into()));
    let bin = fs::canonicalize(&bin).unwrap_or_else(|_| {
        eprintln!("strata binary {} not found (set STRATA_BIN or build with --release)", bin.display());
        std::process::exit(2)
    });
    let probe = detect_probe();
    let terraform = which("terraform");
    let tf_version = terraform.as_ref().and_then(|t| {
        let out = Command::new(t)
            .arg("version")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).lines().next().map(str::to_string)
    });
    let strata = Tool { name: "strata", program: bin.clone(), env: vec![("NO_COLOR", "1".into())] };
    let tf_tool = terraform.as_ref().map(|t| Tool {
        name: "terraform",
        program: t.clone(),
        env: vec![
            ("CHECKPOINT_DISABLE", "1".into()),
            ("TF_CLI_CONFIG_FILE", "/dev/null".into()),
            ("TF_IN_AUTOMATION", "1".into()),
        ],
    });
    eprintln!(
        "strata: {}\nterraform: {}\npeak RSS: {}",
        bin.display(),
        match (&terraform, &tf_version) {
            (Some(p), Some(v)) => format!("{} ({v}), sizes <= {}", p.display(), o.tf_max),
            (Some(p), None) => format!("{}, sizes <= {}", p.display(), o.tf_max),
            _ => "not on PATH".into(),
        },
        match probe {
            RssProbe::GnuTime => "/usr/bin/time -f %M",
            RssProbe::Poll => "polling /proc/PID/status VmHWM",
        }
    );
    let base = std::env::temp_dir().join(format!("strata-bench-engine-{}", std::process::id()));
    let mut rows = Vec::new();
    for &n in &o.sizes {
        let scratch = base.join(format!("n{n}"));
        let sdir = scratch.join("strata");
        let (total, bytes) = generate(&sdir, n, &o);
        let runs = o.runs.unwrap_or(if n <= 10_000 { 3 } else { 1 });
        eprintln!(
            "\n== {} for_each instances ({} resource instances in all), {runs} run(s) ==",
            group(n),
            group(total)
        );
        let strata_res = measure_all(&strata, &sdir, runs, probe);
        let mut tf_res = None;
        if let Some(tf) = tf_tool.as_ref().filter(|_| n <= o.tf_max) {
            let tdir = scratch.join("terraform");
            copy_dir(&sdir, &tdir);
            match run_once(tf, &tdir, &["init", "-input=false", "-no-color"], probe) {
                Ok(_) => tf_res = Some(measure_all(tf, &tdir, o.tf_runs, probe)),
                Err(e) => eprintln!("  terraform init failed: {e}"),
            }
        }
        rows.push(Row { n, total, bytes, runs, strata: strata_res, terraform: tf_res });
        if !o.keep {
            let _ = fs::remove_dir_all(&scratch);
        }
    }
    if o.keep {
        eprintln!("\nkept: {}", base.display());
    } else {
        let _ = fs::remove_dir_all(&base);
    }

    println!("\n### Strata (min wall time over the runs; peak RSS)\n");
    println!("| `for_each` instances | all instances | config | runs | validate | plan (fresh) | apply | plan (no-op) | peak RSS validate / plan / apply / no-op |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let rss: Vec<String> = r.strata.iter().map(|m| fmt_rss(*m)).collect();
        println!(
            "| {} | {} | {} KiB | {} | {} | {} | {} | {} | {} |",
            group(r.n),
            group(r.total),
            r.bytes.div_ceil(1024),
            r.runs,
            fmt_secs(r.strata[0]),
            fmt_secs(r.strata[1]),
            fmt_secs(r.strata[2]),
            fmt_secs(r.strata[3]),
            rss.join(" / ")
        );
    }
    if rows.len() > 1 {
        println!("\n### Growth (time ratio between consecutive sizes; linear = size ratio)\n");
        println!("| sizes | size × | validate × | plan (fresh) × | apply × | plan (no-op) × |");
        println!("|---|---|---|---|---|---|");
        for w in rows.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let ratio = |i: usize| match (a.strata[i], b.strata[i]) {
                (Some(x), Some(y)) if x.secs > 0.0 => format!("{:.1}", y.secs / x.secs),
                _ => "—".into(),
            };
            println!(
                "| {} → {} | {:.1} | {} | {} | {} | {} |",
                group(a.n),
                group(b.n),
                b.n as f64 / a.n as f64,
                ratio(0),
                ratio(1),
                ratio(2),
                ratio(3)
            );
        }
    }
    if rows.iter().any(|r| r.terraform.is_some()) {
        println!(
            "\n### Terraform{} on the same configuration\n",
            tf_version.as_deref().map(|v| format!(" ({})", v.trim_start_matches("Terraform "))).unwrap_or_default()
        );
        println!("| `for_each` instances | operation | Terraform | Terraform peak RSS | Strata | Strata peak RSS | Terraform / Strata |");
        println!("|---|---|---|---|---|---|---|");
        for r in &rows {
            let Some(tf) = &r.terraform else { continue };
            for (i, op) in OPS.iter().enumerate() {
                let ratio = match (tf[i], r.strata[i]) {
                    (Some(t), Some(s)) if s.secs > 0.0 => format!("{:.0}×", t.secs / s.secs),
                    _ => "—".into(),
                };
                println!(
                    "| {} | {op} | {} | {} | {} | {} | {ratio} |",
                    group(r.n),
                    fmt_secs(tf[i]),
                    fmt_rss(tf[i]),
                    fmt_secs(r.strata[i]),
                    fmt_rss(r.strata[i])
                );
            }
        }
    }
    let failed = rows.iter().any(|r| r.strata.iter().any(Option::is_none));
    if failed {
        eprintln!("\nsome Strata operations failed (see above)");
        std::process::exit(1);
    }
}
