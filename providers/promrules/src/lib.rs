//! Prometheus rule files and Alertmanager configurations without a server:
//! their model, the YAML Prometheus and Alertmanager read (`yaml`), their
//! durations (`duration`), and the checks `promtool check rules` and
//! `amtool check-config` make (`rules`, `alertmanager`), so that a bad rule
//! is refused before any file is written. Used by the `prometheus` and
//! `alertmanager` providers and by the AWS provider's Amazon Managed
//! Prometheus types, whose service accepts anything.

pub mod alertmanager;
pub mod duration;
pub mod rules;
pub mod template;
pub mod yaml;

/// Where a problem is: a position in a YAML document and/or a path in the
/// model (`rule[2].expr`), whichever the checked input has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pos: Option<yaml::Pos>,
    pub path: Vec<PathPart>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Problem {
        Problem { pos: None, path: Vec::new(), message: message.into() }
    }
    pub fn at_pos(mut self, pos: yaml::Pos) -> Problem {
        self.pos = Some(pos);
        self
    }
    pub fn at_path(mut self, path: Vec<PathPart>) -> Problem {
        self.path = path;
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}: {}", p.line, p.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}
