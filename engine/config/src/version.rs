//! `required_version` constraints (`>= 1.5, < 2.0`, `~> 1.9`), checked
//! against the Terraform version Strata is compatible with.

/// The Terraform language version Strata implements; `required_version`
/// constraints are checked against it.
pub const TERRAFORM_COMPAT_VERSION: &str = "1.11.4";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionConstraint {
    parts: Vec<(String, Vec<u64>, usize)>,
    /// The versions named with `=` (or no operator), as written.
    exact: Vec<String>,
}

fn parse_version(s: &str) -> Option<(Vec<u64>, usize)> {
    let core = s.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next()?;
    let nums: Option<Vec<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
    let nums = nums?;
    if nums.is_empty() || nums.len() > 3 {
        return None;
    }
    let given = nums.len();
    let mut v = nums;
    v.resize(3, 0);
    Some((v, given))
}

impl VersionConstraint {
    pub fn parse(s: &str) -> Result<VersionConstraint, String> {
        let mut parts = Vec::new();
        let mut exact = Vec::new();
        for raw in s.split(',') {
            let raw = raw.trim();
            if raw.is_empty() {
                return Err(format!("invalid version constraint {s:?}"));
            }
            let op_len = raw.find(|c: char| c.is_ascii_digit() || c == 'v').unwrap_or(raw.len());
            let op = raw[..op_len].trim();
            let op = if op.is_empty() { "=" } else { op };
            if !["=", "!=", ">", ">=", "<", "<=", "~>"].contains(&op) {
                return Err(format!("invalid version constraint operator {op:?} in {s:?}"));
            }
            let (v, given) = parse_version(&raw[op_len..])
                .ok_or_else(|| format!("invalid version {:?} in constraint {s:?}", &raw[op_len..]))?;
            if op == "=" {
                exact.push(raw[op_len..].trim().trim_start_matches('v').to_string());
            }
            parts.push((op.to_string(), v, given));
        }
        Ok(VersionConstraint { parts, exact })
    }

    /// Whether the constraint names `version` exactly (`= 1.0.0-beta`): the
    /// only way a prerelease is selected.
    pub fn pins(&self, version: &str) -> bool {
        self.exact.iter().any(|e| e == version.trim_start_matches('v'))
    }

    pub fn allows(&self, version: &str) -> bool {
        let Some((v, _)) = parse_version(version) else { return false };
        self.parts.iter().all(|(op, c, given)| match op.as_str() {
            "=" => v == *c,
            "!=" => v != *c,
            ">" => v > *c,
            ">=" => v >= *c,
            "<" => v < *c,
            "<=" => v <= *c,
            "~>" => {
                // Pessimistic: the last given component may grow.
                let fixed = given.saturating_sub(1).max(1);
                v >= *c && v[..fixed] == c[..fixed]
            }
            _ => false,
        })
    }
}

/// Checks a `required_version` string; `Err` carries the user-facing detail.
pub fn check_required_version(constraint: &str) -> Result<(), String> {
    let c = VersionConstraint::parse(constraint)?;
    if c.allows(TERRAFORM_COMPAT_VERSION) {
        Ok(())
    } else {
        Err(format!(
            "This configuration does not support Terraform version {TERRAFORM_COMPAT_VERSION}, which Strata implements. The required_version constraint is {constraint:?}."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints() {
        let ok = |c: &str, v: &str| VersionConstraint::parse(c).unwrap().allows(v);
        assert!(ok(">= 1.5", "1.11.4"));
        assert!(ok(">= 1.5, < 2.0", "1.11.4"));
        assert!(!ok("< 1.0", "1.11.4"));
        assert!(ok("~> 1.9", "1.11.4"));
        assert!(!ok("~> 1.9.0", "1.11.4"));
        assert!(ok("~> 1.11.0", "1.11.4"));
        assert!(ok("1.11.4", "1.11.4"));
        assert!(VersionConstraint::parse(">> 1").is_err());
    }
}
