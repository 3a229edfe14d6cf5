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

#[cfg(test)]
mod tests {
    use super::*;
    use strata_diag::SourceFile;

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
