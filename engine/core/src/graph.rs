//! Dependency ordering of a module's named values (locals, module calls,
//! outputs), with one complete, stable diagnostic per cycle.

use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;
use strata_diag::{Diagnostic, Span};

/// A dependency graph over named items; `add_edge(a, b)` means a needs b.
pub struct DependencyGraph {
    graph: DiGraph<String, Span>,
    index: HashMap<String, NodeIndex>,
}

impl Default for DependencyGraph {
    fn default() -> Self {
        Self::new()
    }
}

impl DependencyGraph {
    pub fn new() -> DependencyGraph {
        DependencyGraph { graph: DiGraph::new(), index: HashMap::new() }
    }

    pub fn add_node(&mut self, name: &str) -> NodeIndex {
        if let Some(i) = self.index.get(name) {
            return *i;
        }
        let i = self.graph.add_node(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    /// `from` depends on `to`; `span` is the reference that makes it so.
    pub fn add_edge(&mut self, from: &str, to: &str, span: Span) {
        let a = self.add_node(from);
        let b = self.add_node(to);
        if !self.graph.contains_edge(a, b) {
            self.graph.add_edge(a, b, span);
        }
    }

    /// What `name` needs directly (targets of its edges).
    pub fn dependencies_of<'g>(&'g self, name: &str) -> impl Iterator<Item = &'g str> + 'g {
        let node = self.index.get(name).copied();
        node.into_iter().flat_map(move |n| self.graph.neighbors(n).map(move |t| self.graph[t].as_str()))
    }

    /// Items in an order where dependencies come first, and one diagnostic
    /// per cycle. Items on a cycle are left out of the order.
    pub fn order(&self) -> (Vec<String>, Vec<Diagnostic>) {
        let sccs = petgraph::algo::tarjan_scc(&self.graph);
        // tarjan_scc yields components in reverse topological order of the
        // condensation: dependencies first for our edge direction.
        let mut order = Vec::with_capacity(self.graph.node_count());
        let mut diags = Vec::new();
        for scc in sccs {
            let cyclic = scc.len() > 1 || self.graph.contains_edge(scc[0], scc[0]);
            if cyclic {
                diags.push(self.cycle_diagnostic(&scc));
            } else {
                order.push(self.graph[scc[0]].clone());
            }
        }
        (order, diags)
    }

    /// Walks one concrete cycle inside a strongly connected component,
    /// starting from its alphabetically first member so output is stable.
    fn cycle_diagnostic(&self, scc: &[NodeIndex]) -> Diagnostic {
        let members: std::collections::HashSet<NodeIndex> = scc.iter().copied().collect();
        let start = *scc.iter().min_by_key(|n| &self.graph[**n]).expect("non-empty");
        // Shortest path back to start via BFS, restricted to the component.
        let mut prev: HashMap<NodeIndex, (NodeIndex, petgraph::graph::EdgeIndex)> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut found = None;
        'bfs: while let Some(n) = queue.pop_front() {
            let mut edges: Vec<_> = self.graph.edges(n).collect();
            edges.sort_by_key(|e| &self.graph[petgraph::visit::EdgeRef::target(e)]);
            for e in edges {
                let t = petgraph::visit::EdgeRef::target(&e);
                let id = petgraph::visit::EdgeRef::id(&e);
                if !members.contains(&t) {
                    continue;
                }
                if t == start {
                    found = Some((n, id));
                    break 'bfs;
                }
                if let std::collections::hash_map::Entry::Vacant(v) = prev.entry(t) {
                    v.insert((n, id));
                    queue.push_back(t);
                }
            }
        }
        let (last, closing) = found.expect("a strongly connected component has a cycle");
        let mut links = vec![closing];
        let mut cur = last;
        while cur != start {
            let (p, e) = prev[&cur];
            links.push(e);
            cur = p;
        }
        links.reverse();
        let mut names = vec![self.graph[start].clone()];
        let mut detail = String::from("The following references form a cycle:\n");
        for e in &links {
            let (a, b) = self.graph.edge_endpoints(*e).expect("edge exists");
            let span = &self.graph[*e];
            names.push(self.graph[b].clone());
            detail.push_str(&format!("  - {} refers to {} at {}\n", self.graph[a], self.graph[b], span));
        }
        detail.push_str("Break the cycle by removing one of these references.");
        Diagnostic::error(format!("Cycle: {}", names.join(" → ")))
            .with_detail(detail)
            .with_span(self.graph[links[0]].clone())
    }
}

/// The configuration's dependency graph as DOT (`strata graph`): one node
/// per variable, local, output, module call and resource of every module,
/// edges from references (a count/for_each resource is one node).
pub fn config_dot(tree: &strata_config::ModuleTree) -> String {
    let (nodes, edges) = config_graph(tree);
    let mut out = String::from("digraph {\n  rankdir = \"RL\"\n  node [shape = \"box\"]\n");
    for n in &nodes {
        out.push_str(&format!("  {n:?}\n"));
    }
    for (a, b) in &edges {
        out.push_str(&format!("  {a:?} -> {b:?}\n"));
    }
    out.push_str("}\n");
    out
}

/// Every configuration item (`var.x`, `module.m.aws_vpc.main`, ...) and the
/// references between them, across the module tree.
pub type ConfigGraph = (std::collections::BTreeSet<String>, std::collections::BTreeSet<(String, String)>);

pub fn config_graph(tree: &strata_config::ModuleTree) -> ConfigGraph {
    let mut nodes = std::collections::BTreeSet::new();
    let mut edges = std::collections::BTreeSet::new();
    collect_dot(tree, "", Granularity::ModuleCalls, &[], &mut nodes, &mut edges);
    (nodes, edges)
}

/// How finely references into and out of modules are followed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Granularity {
    /// A reference to `module.m.x` is an edge to the call `module.m`
    /// (what `strata graph` shows).
    ModuleCalls,
    /// As Terraform's graph: `module.m.x` is an edge to the child's
    /// `output.x`, and the child's `var.v` depends on what the call's
    /// argument `v` (and its count, for_each and depends_on) refers to.
    References,
}

/// The configuration's references as Terraform's graph has them, at the
/// level of configuration addresses (`module.m.aws_vpc.main`): what
/// create_before_destroy applies to, and what a deposed object must outlive.
pub struct ReferenceGraph {
    /// Item → the items it refers to.
    refers_to: std::collections::HashMap<String, Vec<String>>,
    /// Every resource: (managed, sets `create_before_destroy`).
    resources: std::collections::BTreeMap<String, (bool, bool)>,
}

impl ReferenceGraph {
    pub fn new(tree: &strata_config::ModuleTree) -> ReferenceGraph {
        let mut nodes = std::collections::BTreeSet::new();
        let mut edges = std::collections::BTreeSet::new();
        collect_dot(tree, "", Granularity::References, &[], &mut nodes, &mut edges);
        let mut refers_to: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for (from, to) in edges {
            refers_to.entry(from).or_default().push(to);
        }
        let mut resources = std::collections::BTreeMap::new();
        collect_resources(tree, "", &mut resources);
        ReferenceGraph { refers_to, resources }
    }

    /// The managed resources whose replacements are create-before-destroy:
    /// those that set it, and everything such a resource depends on,
    /// directly or through locals, variables and module outputs. Terraform
    /// forces the setting on those dependencies, because destroying a
    /// dependency first while its dependent is created first is a cycle.
    pub fn create_before_destroy_resources(&self) -> std::collections::HashSet<String> {
        let configured: Vec<String> =
            self.resources.iter().filter(|(_, (_, cbd))| *cbd).map(|(name, _)| name.clone()).collect();
        let reached = self.closure(&configured);
        reached.into_iter().filter(|name| self.resources.get(name).is_some_and(|(managed, _)| *managed)).collect()
    }

    /// The resources `resource` depends on, directly or not, as Terraform
    /// records them in state (sorted, without itself).
    pub fn resource_dependencies(&self, resource: &str) -> Vec<String> {
        let mut deps: Vec<String> = self
            .closure(&[resource.to_string()])
            .into_iter()
            .filter(|name| name != resource && self.resources.contains_key(name))
            .collect();
        deps.sort();
        deps
    }

    /// The given items and everything they refer to, directly or not.
    fn closure(&self, start: &[String]) -> std::collections::HashSet<String> {
        let mut out = std::collections::HashSet::new();
        let mut stack: Vec<String> = start.to_vec();
        while let Some(n) = stack.pop() {
            if out.contains(&n) {
                continue;
            }
            if let Some(next) = self.refers_to.get(&n) {
                stack.extend(next.iter().cloned());
            }
            out.insert(n);
        }
        out
    }
}

/// Every resource of the tree: (managed, sets `create_before_destroy`).
fn collect_resources(
    tree: &strata_config::ModuleTree,
    prefix: &str,
    out: &mut std::collections::BTreeMap<String, (bool, bool)>,
) {
    for r in &tree.module.resources {
        let managed = r.mode == strata_config::ResourceMode::Managed;
        let name = if managed {
            format!("{prefix}{}.{}", r.type_name, r.name)
        } else {
            format!("{prefix}data.{}.{}", r.type_name, r.name)
        };
        out.insert(name, (managed, managed && r.lifecycle.create_before_destroy));
    }
    for (name, child) in &tree.children {
        collect_resources(child, &format!("{prefix}module.{name}."), out);
    }
}

/// The root outputs a `-target` plan includes, as Terraform decides:
/// those that depend on something and whose resources and module calls
/// (directly or not) are all among what the targets need (`needed`, their
/// dependency closure). The others keep their stored values.
pub fn outputs_of_targeted_plan(
    tree: &strata_config::ModuleTree,
    needed: &std::collections::HashSet<String>,
) -> std::collections::HashSet<String> {
    let graph = config_graph(tree);
    let mut resources = std::collections::BTreeMap::new();
    collect_resources(tree, "", &mut resources);
    let is_object = |item: &str| {
        resources.contains_key(item) || item.strip_prefix("module.").is_some_and(|call| !call.contains('.'))
    };
    tree.module
        .outputs
        .iter()
        .filter(|o| {
            let name = format!("output.{}", o.name);
            let closure = dependency_closure(&graph, std::slice::from_ref(&name));
            let objects: Vec<&String> = closure.iter().filter(|i| is_object(i)).collect();
            !objects.is_empty() && objects.iter().all(|i| needed.contains(*i))
        })
        .map(|o| o.name.clone())
        .collect()
}

/// Everything the given items depend on, directly or not (themselves included).
pub fn dependency_closure(graph: &ConfigGraph, start: &[String]) -> std::collections::HashSet<String> {
    let mut out: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut by_from: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    for (a, b) in &graph.1 {
        by_from.entry(a.as_str()).or_default().push(b.as_str());
    }
    let mut stack: Vec<String> = start.to_vec();
    while let Some(n) = stack.pop() {
        if !out.insert(n.clone()) {
            continue;
        }
        for d in by_from.get(n.as_str()).into_iter().flatten() {
            stack.push(d.to_string());
        }
    }
    out
}

/// `inherited`: with `Granularity::References`, what every resource of
/// this module depends on through the calls leading to it (their count,
/// for_each and depends_on), as Terraform's module expansion nodes do.
fn collect_dot(
    tree: &strata_config::ModuleTree,
    prefix: &str,
    granularity: Granularity,
    inherited: &[String],
    nodes: &mut std::collections::BTreeSet<String>,
    edges: &mut std::collections::BTreeSet<(String, String)>,
) {
    use strata_config::ResourceMode;
    let m = &tree.module;
    let resource_name = |mode: ResourceMode, t: &str, n: &str| match mode {
        ResourceMode::Managed => format!("{prefix}{t}.{n}"),
        ResourceMode::Data => format!("{prefix}data.{t}.{n}"),
    };
    let target = |root: &str, attrs: &[String]| -> Option<String> {
        match (root, attrs.first(), attrs.get(1)) {
            ("var", Some(n), _) if m.variable(n).is_some() => Some(format!("{prefix}var.{n}")),
            ("local", Some(n), _) if m.local(n).is_some() => Some(format!("{prefix}local.{n}")),
            ("module", Some(n), Some(o))
                if granularity == Granularity::References
                    && tree.children.get(n).is_some_and(|c| c.module.outputs.iter().any(|x| &x.name == o)) =>
            {
                Some(format!("{prefix}module.{n}.output.{o}"))
            }
            ("module", Some(n), _) if m.module_call(n).is_some() => Some(format!("{prefix}module.{n}")),
            ("data", Some(t), Some(n)) => m
                .resources
                .iter()
                .any(|r| r.mode == ResourceMode::Data && &r.type_name == t && &r.name == n)
                .then(|| resource_name(ResourceMode::Data, t, n)),
            (t, Some(n), _) => m
                .resources
                .iter()
                .any(|r| r.mode == ResourceMode::Managed && r.type_name == t && &r.name == n)
                .then(|| resource_name(ResourceMode::Managed, t, n)),
            _ => None,
        }
    };
    let add = |from: String,
               refs: Vec<strata_lang::refs::Reference>,
               nodes: &mut std::collections::BTreeSet<String>,
               edges: &mut std::collections::BTreeSet<(String, String)>| {
        nodes.insert(from.clone());
        for r in refs {
            if let Some(t) = target(&r.root, &r.attrs) {
                if t != from {
                    edges.insert((from.clone(), t));
                }
            }
        }
    };
    let refs = |e: &strata_config::Expr| strata_lang::refs::references(&e.expr, &e.file, &["count", "each"]);
    for v in &m.variables {
        add(format!("{prefix}var.{}", v.name), Vec::new(), nodes, edges);
    }
    for l in &m.locals {
        add(format!("{prefix}local.{}", l.name), refs(&l.expr), nodes, edges);
    }
    for o in &m.outputs {
        let mut rs = refs(&o.value);
        rs.extend(o.depends_on.iter().flat_map(refs));
        add(format!("{prefix}output.{}", o.name), rs, nodes, edges);
    }
    for r in &m.resources {
        let mut rs: Vec<_> =
            r.count.iter().chain(r.for_each.iter()).chain(r.depends_on.iter()).flat_map(refs).collect();
        rs.extend(strata_lang::refs::body_references(&r.body.body, &r.body.file));
        let name = resource_name(r.mode, &r.type_name, &r.name);
        for t in inherited {
            edges.insert((name.clone(), t.clone()));
        }
        add(name, rs, nodes, edges);
    }
    for c in &m.module_calls {
        let mut rs: Vec<_> = c.inputs.iter().flat_map(|(_, e)| refs(e)).collect();
        rs.extend(c.count.iter().chain(c.for_each.iter()).chain(c.depends_on.iter()).flat_map(refs));
        let name = format!("{prefix}module.{}", c.name);
        add(name.clone(), rs, nodes, edges);
        if let Some(child) = tree.children.get(&c.name) {
            let child_prefix = format!("{name}.");
            // The call depends on what the child's outputs depend on.
            for o in &child.module.outputs {
                edges.insert((name.clone(), format!("{child_prefix}output.{}", o.name)));
            }
            let mut inherited = inherited.to_vec();
            if granularity == Granularity::References {
                let expansion: Vec<_> =
                    c.count.iter().chain(c.for_each.iter()).chain(c.depends_on.iter()).flat_map(refs).collect();
                for (input, e) in &c.inputs {
                    let mut rs = refs(e);
                    rs.extend(expansion.iter().cloned());
                    add(format!("{child_prefix}var.{input}"), rs, nodes, edges);
                }
                inherited.extend(expansion.iter().filter_map(|r| target(&r.root, &r.attrs)));
                // `depends_on = [module.m]` waits for everything in it.
                let mut inside = std::collections::BTreeMap::new();
                collect_resources(child, &child_prefix, &mut inside);
                for r in inside.into_keys() {
                    edges.insert((name.clone(), r));
                }
            }
            collect_dot(child, &child_prefix, granularity, &inherited, nodes, edges);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_diag::SourceFile;

    #[test]
    fn create_before_destroy_spreads_along_references_through_modules() {
        let dir = std::env::temp_dir().join(format!("strata-cbd-graph-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("m")).unwrap();
        let root = r#"
resource "t_r" "a" {}
resource "t_r" "unrelated" {}
locals {
  ids = t_r.a[*].id
}
module "m" {
  source = "./m"
  ids    = local.ids
}
data "t_d" "d" {}
resource "t_r" "top" {
  input = [module.m.out, data.t_d.d.id]
  lifecycle {
    create_before_destroy = true
  }
}
"#;
        let child = r#"
variable "ids" {}
resource "t_r" "mid" {
  input = var.ids
}
resource "t_r" "side" {
  input = var.ids
}
output "out" {
  value = t_r.mid.id
}
output "unused" {
  value = t_r.side.id
}
"#;
        std::fs::write(dir.join("main.tf"), root).unwrap();
        std::fs::write(dir.join("m/main.tf"), child).unwrap();
        let (tree, diags) = strata_config::load_module_tree(&dir, &Default::default());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!diags.has_errors());
        let graph = ReferenceGraph::new(&tree.unwrap());
        let mut forced: Vec<String> = graph.create_before_destroy_resources().into_iter().collect();
        forced.sort();
        // Not the module's other output's resource, nor the data source.
        assert_eq!(forced, ["module.m.t_r.mid", "t_r.a", "t_r.top"]);
        assert_eq!(graph.resource_dependencies("t_r.top"), ["data.t_d.d", "module.m.t_r.mid", "t_r.a"]);
        assert_eq!(graph.resource_dependencies("module.m.t_r.side"), ["t_r.a"]);
    }

    #[test]
    fn orders_dependencies_first_and_reports_whole_cycles() {
        let f = SourceFile::new("main.tf", "x".repeat(100));
        let sp = |a: usize| Span::new(&f, a..a + 1);
        let mut g = DependencyGraph::new();
        g.add_edge("local.b", "local.a", sp(1));
        g.add_edge("output.o", "local.b", sp(2));
        g.add_edge("local.x", "local.y", sp(3));
        g.add_edge("local.y", "local.z", sp(4));
        g.add_edge("local.z", "local.x", sp(5));
        let (order, diags) = g.order();
        let pos = |n: &str| order.iter().position(|o| o == n).unwrap();
        assert!(pos("local.a") < pos("local.b") && pos("local.b") < pos("output.o"));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].summary, "Cycle: local.x → local.y → local.z → local.x");
        assert!(diags[0].detail.contains("local.z refers to local.x at main.tf:1:6"), "{}", diags[0].detail);
    }
}
