//! Addresses as Terraform writes them: `module.net["a"].aws_subnet.private[0]`.
//! A leaf crate: it knows nothing of configuration, values or state.

use std::fmt;

mod parse;
pub use parse::{AddrError, Target};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    /// No `count` or `for_each`.
    None,
    Int(i64),
    Str(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", quote(s)),
        }
    }
}

/// Terraform quotes string keys with Go-style escaping.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceMode {
    Managed,
    Data,
}

/// A module instance path: `module.a["x"].module.b`; empty for the root.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstance(pub Vec<(String, InstanceKey)>);

impl ModuleInstance {
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    pub fn child(&self, name: &str, key: InstanceKey) -> ModuleInstance {
        let mut v = self.0.clone();
        v.push((name.to_string(), key));
        ModuleInstance(v)
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, key)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}{key}")?;
        }
        Ok(())
    }
}

/// A resource in a module instance: `module.a.aws_vpc.main`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceAddr {
    pub module: ModuleInstance,
    pub mode: ResourceMode,
    pub type_name: String,
    pub name: String,
}

impl ResourceAddr {
    pub fn instance(&self, key: InstanceKey) -> ResourceInstanceAddr {
        ResourceInstanceAddr { resource: self.clone(), key }
    }

    /// The address without the module part: `aws_vpc.main`, `data.x.y`.
    pub fn local(&self) -> String {
        match self.mode {
            ResourceMode::Managed => format!("{}.{}", self.type_name, self.name),
            ResourceMode::Data => format!("data.{}.{}", self.type_name, self.name),
        }
    }
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        f.write_str(&self.local())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceInstanceAddr {
    pub resource: ResourceAddr,
    pub key: InstanceKey,
}

impl fmt::Display for ResourceInstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.resource, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_print_as_terraform() {
        let m =
            ModuleInstance::root().child("net", InstanceKey::Str("eu \"1\"".into())).child("sub", InstanceKey::None);
        let r = ResourceAddr {
            module: m,
            mode: ResourceMode::Managed,
            type_name: "aws_subnet".into(),
            name: "private".into(),
        };
        assert_eq!(
            r.instance(InstanceKey::Int(0)).to_string(),
            r#"module.net["eu \"1\""].module.sub.aws_subnet.private[0]"#
        );
        let d = ResourceAddr {
            module: ModuleInstance::root(),
            mode: ResourceMode::Data,
            type_name: "x".into(),
            name: "y".into(),
        };
        assert_eq!(d.instance(InstanceKey::None).to_string(), "data.x.y");
    }
}

impl ModuleInstance {
    /// Parses `module.a["x"].module.b[0]` (the `module` field of state files).
    pub fn parse(s: &str) -> Option<ModuleInstance> {
        let mut out = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            rest = rest.strip_prefix("module.")?;
            let end = rest.find(['[', '.']).unwrap_or(rest.len());
            let name = &rest[..end];
            rest = &rest[end..];
            let mut key = InstanceKey::None;
            if let Some(r) = rest.strip_prefix('[') {
                let close = match r.strip_prefix('"') {
                    Some(quoted) => quoted.find("\"]").map(|i| i + 2)?,
                    None => r.find(']')?,
                };
                let inner = &r[..close];
                key = match inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                    Some(q) => InstanceKey::Str(q.replace("\\\"", "\"").replace("\\\\", "\\")),
                    None => InstanceKey::Int(inner.parse().ok()?),
                };
                rest = &r[close + 1..];
            }
            out.push((name.to_string(), key));
            rest = rest.strip_prefix('.').unwrap_or(rest);
        }
        Some(ModuleInstance(out))
    }
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn module_paths_round_trip() {
        for s in ["", "module.a", r#"module.a["x"].module.b[2]"#] {
            assert_eq!(ModuleInstance::parse(s).unwrap().to_string(), s);
        }
    }
}
