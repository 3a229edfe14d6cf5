//! The engine's value: a Terraform value that may be null, unknown ("known
//! after apply") or known, and may carry marks (sensitive, ephemeral) that
//! flow through every operation.

use crate::fields::Fields;
use crate::number::Number;
use crate::types::Type;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// Marks carried by a value; the union of operands' marks flows to results.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Marks(u8);

impl Marks {
    pub const NONE: Marks = Marks(0);
    pub const SENSITIVE: Marks = Marks(1);
    pub const EPHEMERAL: Marks = Marks(2);

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn contains(self, other: Marks) -> bool {
        self.0 & other.0 == other.0 && !other.is_empty()
    }
    pub fn union(self, other: Marks) -> Marks {
        Marks(self.0 | other.0)
    }
    pub fn without(self, other: Marks) -> Marks {
        Marks(self.0 & !other.0)
    }
}

impl std::ops::BitOr for Marks {
    type Output = Marks;
    fn bitor(self, rhs: Marks) -> Marks {
        self.union(rhs)
    }
}

impl std::ops::BitOrAssign for Marks {
    fn bitor_assign(&mut self, rhs: Marks) {
        *self = self.union(rhs);
    }
}

impl fmt::Debug for Marks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = vec![];
        if self.contains(Marks::SENSITIVE) {
            parts.push("sensitive");
        }
        if self.contains(Marks::EPHEMERAL) {
            parts.push("ephemeral");
        }
        write!(f, "{}", parts.join("+"))
    }
}

#[derive(Clone)]
pub struct Value {
    kind: Kind,
    marks: Marks,
}

#[derive(Clone)]
pub enum Kind {
    Null(Type),
    /// Known only after apply; the type may itself be `Dynamic`.
    Unknown(Type),
    Bool(bool),
    Number(Number),
    String(Arc<str>),
    /// Element type, elements.
    List(Type, Arc<Vec<Value>>),
    /// Element type, elements in set order without duplicates.
    Set(Type, Arc<Vec<Value>>),
    Map(Type, Arc<Fields>),
    Tuple(Arc<Vec<Value>>),
    Object(Arc<Fields>),
}

impl Value {
    fn of(kind: Kind) -> Value {
        Value { kind, marks: Marks::NONE }
    }

    pub fn null(ty: Type) -> Value {
        Value::of(Kind::Null(ty))
    }
    pub fn dynamic_null() -> Value {
        Value::null(Type::Dynamic)
    }
    pub fn unknown(ty: Type) -> Value {
        Value::of(Kind::Unknown(ty))
    }
    pub fn dynamic_unknown() -> Value {
        Value::unknown(Type::Dynamic)
    }
    pub fn bool(b: bool) -> Value {
        Value::of(Kind::Bool(b))
    }
    pub fn number(n: Number) -> Value {
        Value::of(Kind::Number(n))
    }
    pub fn int(i: i64) -> Value {
        Value::number(Number::from_i64(i))
    }
    /// A string, in Unicode normal form C as cty keeps every string (so
    /// `upper("noe\u0308l")` equals `upper("noël")`).
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
        let s: Arc<str> = s.into();
        if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
            return Value::of(Kind::String(s));
        }
        Value::of(Kind::String(s.nfc().collect::<String>().into()))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::of(Kind::Tuple(Arc::new(items)))
    }
    pub fn empty_tuple() -> Value {
        Value::tuple(Vec::new())
    }
    pub fn object(attrs: Fields) -> Value {
        Value::of(Kind::Object(Arc::new(attrs)))
    }
    pub fn empty_object() -> Value {
        Value::object(Fields::new())
    }

    /// A list whose elements already share `elem` as their type.
    pub fn list(elem: Type, items: Vec<Value>) -> Value {
        Value::of(Kind::List(elem, Arc::new(items)))
    }

    /// A map whose elements already share `elem` as their type.
    pub fn map(elem: Type, items: Fields) -> Value {
        Value::of(Kind::Map(elem, Arc::new(items)))
    }

    /// A set: elements are ordered and deduplicated here.
    pub fn set(elem: Type, mut items: Vec<Value>) -> Value {
        items.sort_by(set_order);
        items.dedup_by(|a, b| a.same_set_element(b) && a.is_wholly_known());
        Value::of(Kind::Set(elem, Arc::new(items)))
    }

    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    pub fn marks(&self) -> Marks {
        self.marks
    }

    /// Adds marks to this value (top level).
    pub fn mark(mut self, marks: Marks) -> Value {
        self.marks |= marks;
        self
    }

    pub fn mark_sensitive(self) -> Value {
        self.mark(Marks::SENSITIVE)
    }

    pub fn is_sensitive(&self) -> bool {
        self.marks.contains(Marks::SENSITIVE)
    }

    /// The value without its top-level marks, and those marks.
    pub fn unmark(self) -> (Value, Marks) {
        let marks = self.marks;
        (Value { kind: self.kind, marks: Marks::NONE }, marks)
    }

    /// The value with every mark removed at every depth, and their union.
    pub fn unmark_deep(&self) -> (Value, Marks) {
        let mut marks = Marks::NONE;
        let v = self.map_deep(
            &mut |v: &Value, m: &mut Marks| {
                *m |= v.marks;
            },
            &mut marks,
        );
        (v, marks)
    }

    fn map_deep(&self, visit: &mut dyn FnMut(&Value, &mut Marks), acc: &mut Marks) -> Value {
        visit(self, acc);
        let kind = match &self.kind {
            Kind::List(t, items) if items.iter().any(Value::has_marks_deep) => {
                Kind::List(t.clone(), Arc::new(items.iter().map(|v| v.map_deep(visit, acc)).collect()))
            }
            Kind::Set(t, items) if items.iter().any(Value::has_marks_deep) => {
                Kind::Set(t.clone(), Arc::new(items.iter().map(|v| v.map_deep(visit, acc)).collect()))
            }
            Kind::Tuple(items) if items.iter().any(Value::has_marks_deep) => {
                Kind::Tuple(Arc::new(items.iter().map(|v| v.map_deep(visit, acc)).collect()))
            }
            Kind::Map(t, items) if items.values().any(Value::has_marks_deep) => {
                Kind::Map(t.clone(), Arc::new(items.iter().map(|(k, v)| (k.clone(), v.map_deep(visit, acc))).collect()))
            }
            Kind::Object(items) if items.values().any(Value::has_marks_deep) => {
                Kind::Object(Arc::new(items.iter().map(|(k, v)| (k.clone(), v.map_deep(visit, acc))).collect()))
            }
            k => k.clone(),
        };
        Value { kind, marks: Marks::NONE }
    }

    /// True when this value or anything inside it carries a mark.
    pub fn has_marks_deep(&self) -> bool {
        // (Matched here rather than through `children`: this runs on every
        // value of a plan, and a boxed iterator per value costs.)
        !self.marks.is_empty()
            || match &self.kind {
                Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                    items.iter().any(Value::has_marks_deep)
                }
                Kind::Map(_, items) | Kind::Object(items) => items.values().any(Value::has_marks_deep),
                _ => false,
            }
    }

    /// The union of marks at every depth.
    pub fn marks_deep(&self) -> Marks {
        let children = match &self.kind {
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                items.iter().fold(Marks::NONE, |m, v| m | v.marks_deep())
            }
            Kind::Map(_, items) | Kind::Object(items) => items.values().fold(Marks::NONE, |m, v| m | v.marks_deep()),
            _ => Marks::NONE,
        };
        self.marks | children
    }

    /// Direct children of a collection or structural value.
    pub fn children(&self) -> Box<dyn Iterator<Item = &Value> + '_> {
        match &self.kind {
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => Box::new(items.iter()),
            Kind::Map(_, items) | Kind::Object(items) => Box::new(items.values()),
            _ => Box::new(std::iter::empty()),
        }
    }

    pub fn ty(&self) -> Type {
        match &self.kind {
            Kind::Null(t) | Kind::Unknown(t) => t.clone(),
            Kind::Bool(_) => Type::Bool,
            Kind::Number(_) => Type::Number,
            Kind::String(_) => Type::String,
            Kind::List(t, _) => Type::list(t.clone()),
            Kind::Set(t, _) => Type::set(t.clone()),
            Kind::Map(t, _) => Type::map(t.clone()),
            Kind::Tuple(items) => Type::tuple(items.iter().map(Value::ty).collect()),
            Kind::Object(items) => Type::object(items.iter().map(|(k, v)| (k.clone(), v.ty())).collect()),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null(_))
    }

    /// True when the value itself (not necessarily its contents) is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_))
    }

    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// True when nothing inside the value is unknown.
    pub fn is_wholly_known(&self) -> bool {
        !self.is_unknown() && self.children().all(Value::is_wholly_known)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// Entries of a map or object.
    pub fn as_entries(&self) -> Option<&Fields> {
        match &self.kind {
            Kind::Map(_, items) | Kind::Object(items) => Some(items),
            _ => None,
        }
    }

    /// Number of elements of a known collection or structural value.
    pub fn length(&self) -> Option<usize> {
        match &self.kind {
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => Some(items.len()),
            Kind::Map(_, items) | Kind::Object(items) => Some(items.len()),
            _ => None,
        }
    }

    /// (key, value) pairs, as a `for` expression iterates them: index for
    /// sequences, the element itself for sets, the key for maps and objects.
    pub fn iter_pairs(&self) -> Vec<(Value, Value)> {
        match &self.kind {
            Kind::List(_, items) | Kind::Tuple(items) => {
                items.iter().enumerate().map(|(i, v)| (Value::int(i as i64), v.clone())).collect()
            }
            Kind::Set(_, items) => items.iter().map(|v| (v.clone(), v.clone())).collect(),
            Kind::Map(_, items) | Kind::Object(items) => {
                items.iter().map(|(k, v)| (Value::string(k.as_str()), v.clone())).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Structural equality of two values, including types and marks ignored.
    /// Unknowns are equal only to unknowns of the same type.
    pub fn raw_equal(&self, other: &Value) -> bool {
        self.raw_equal_as(other, false)
    }

    /// Whether a set holds these as one element: raw equality, except that
    /// `-0` and `0` are two elements (cty's set hash tells them apart).
    fn same_set_element(&self, other: &Value) -> bool {
        self.raw_equal_as(other, true)
    }

    fn raw_equal_as(&self, other: &Value, zero_sign: bool) -> bool {
        let seq =
            |a: &[Value], b: &[Value]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.raw_equal_as(y, zero_sign));
        let map = |a: &Fields, b: &Fields| {
            a.len() == b.len() && a.iter().zip(b).all(|((ka, x), (kb, y))| ka == kb && x.raw_equal_as(y, zero_sign))
        };
        match (&self.kind, &other.kind) {
            (Kind::Null(a), Kind::Null(b)) | (Kind::Unknown(a), Kind::Unknown(b)) => a == b,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Number(a), Kind::Number(b)) => {
                a.cty_equal(b) && (!zero_sign || !a.is_zero() || a.is_sign_negative() == b.is_sign_negative())
            }
            (Kind::String(a), Kind::String(b)) => a == b,
            (Kind::List(ta, a), Kind::List(tb, b)) | (Kind::Set(ta, a), Kind::Set(tb, b)) => ta == tb && seq(a, b),
            (Kind::Tuple(a), Kind::Tuple(b)) => seq(a, b),
            (Kind::Map(ta, a), Kind::Map(tb, b)) => ta == tb && map(a, b),
            (Kind::Object(a), Kind::Object(b)) => map(a, b),
            _ => false,
        }
    }

    /// Terraform's `==`: `Some(bool)` when decidable, `None` when unknowns
    /// make it undecidable. Marks are the caller's business.
    pub fn equals(&self, other: &Value) -> Option<bool> {
        match (&self.kind, &other.kind) {
            (Kind::Unknown(_), _) | (_, Kind::Unknown(_)) => None,
            (Kind::Null(_), Kind::Null(_)) => Some(true),
            (Kind::Null(_), _) | (_, Kind::Null(_)) => Some(false),
            (Kind::Bool(a), Kind::Bool(b)) => Some(a == b),
            (Kind::Number(a), Kind::Number(b)) => Some(a.cty_equal(b)),
            (Kind::String(a), Kind::String(b)) => Some(a == b),
            (Kind::List(_, a), Kind::List(_, b))
            | (Kind::Tuple(a), Kind::Tuple(b))
            | (Kind::Set(_, a), Kind::Set(_, b)) => {
                if self.ty() != other.ty() || a.len() != b.len() {
                    return Some(false);
                }
                // Known sets are equal when they hold the same elements, where
                // `-0` and `0` are different elements.
                if matches!(self.kind, Kind::Set(..)) && self.is_wholly_known() && other.is_wholly_known() {
                    return Some(a.iter().zip(b.iter()).all(|(x, y)| x.same_set_element(y)));
                }
                let mut result = Some(true);
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.equals(y) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            (Kind::Map(_, a), Kind::Map(_, b)) | (Kind::Object(a), Kind::Object(b)) => {
                if self.ty() != other.ty() || a.len() != b.len() {
                    return Some(false);
                }
                let mut result = Some(true);
                for ((ka, x), (kb, y)) in a.iter().zip(b.iter()) {
                    if ka != kb {
                        return Some(false);
                    }
                    match x.equals(y) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            _ => Some(false),
        }
    }

    /// A child value reached through an attribute or key, carrying the marks
    /// of the container.
    pub fn with_container_marks(self, container: Marks) -> Value {
        self.mark(container)
    }
}

/// cty's set order: strings lexically, numbers numerically (`-0` before
/// `0`), false before true; unknowns last; other types by a stable
/// structural order.
pub fn set_order(a: &Value, b: &Value) -> Ordering {
    match (&a.kind, &b.kind) {
        (Kind::Unknown(_), Kind::Unknown(_)) => Ordering::Equal,
        (Kind::Unknown(_), _) => Ordering::Greater,
        (_, Kind::Unknown(_)) => Ordering::Less,
        (Kind::String(x), Kind::String(y)) => x.cmp(y),
        (Kind::Number(x), Kind::Number(y)) => x.cmp(y).then_with(|| y.is_sign_negative().cmp(&x.is_sign_negative())),
        (Kind::Bool(x), Kind::Bool(y)) => x.cmp(y),
        _ => structural_key(a).cmp(&structural_key(b)),
    }
}

fn structural_key(v: &Value) -> String {
    format!("{:?}", v)
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.marks.is_empty() {
            write!(f, "{:?}(", self.marks)?;
        }
        match &self.kind {
            Kind::Null(t) => write!(f, "null({t})")?,
            Kind::Unknown(t) => write!(f, "unknown({t})")?,
            Kind::Bool(b) => write!(f, "{b}")?,
            Kind::Number(n) => write!(f, "{n}")?,
            Kind::String(s) => write!(f, "{s:?}")?,
            Kind::List(_, items) => write!(f, "list{items:?}")?,
            Kind::Set(_, items) => write!(f, "set{items:?}")?,
            Kind::Tuple(items) => write!(f, "{items:?}")?,
            Kind::Map(_, items) => write!(f, "map{items:?}")?,
            Kind::Object(items) => write!(f, "{items:?}")?,
        }
        if !self.marks.is_empty() {
            write!(f, ")")?;
        }
        Ok(())
    }
}
