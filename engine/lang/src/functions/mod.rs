//! The function library and the machinery every function call goes through.
//!
//! Each function declares typed parameters; [`Functions::call`] converts the
//! arguments, rejects nulls, and handles unknown and marked (sensitive)
//! arguments once, for every function: an unknown argument gives an unknown
//! result of the function's return type unless the parameter accepts
//! unknowns, and the marks of all arguments flow to the result unless the
//! parameter handles marks itself. Function families live in submodules.

mod collection;
mod crypto;
mod datetime;
mod deflate;
mod encoding;
mod filesystem;
mod goregex;
mod ipnet;
mod numeric;
mod string;
mod textenc;
mod textenc_tables;
mod typeconv;

use crate::convert::convert;
use crate::types::Type;
use crate::value::{Marks, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// One declared parameter.
#[derive(Clone)]
pub struct Param {
    pub name: &'static str,
    /// `Type::Dynamic` accepts any value unconverted.
    pub ty: Type,
    pub allow_null: bool,
    pub allow_unknown: bool,
    /// The function sees the marks and handles them itself.
    pub allow_marked: bool,
}

impl Param {
    pub fn new(name: &'static str, ty: Type) -> Param {
        Param { name, ty, allow_null: false, allow_unknown: false, allow_marked: false }
    }
    pub fn allow_null(mut self) -> Param {
        self.allow_null = true;
        self
    }
    pub fn allow_unknown(mut self) -> Param {
        self.allow_unknown = true;
        self
    }
    pub fn allow_marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }
}

/// An error from a function: which argument (if one is to blame) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    pub arg: Option<usize>,
    pub message: String,
}

impl FunctionError {
    pub fn new(message: impl Into<String>) -> FunctionError {
        FunctionError { arg: None, message: message.into() }
    }
    pub fn arg(index: usize, message: impl Into<String>) -> FunctionError {
        FunctionError { arg: Some(index), message: message.into() }
    }
}

pub type FnResult = Result<Value, FunctionError>;

/// What a call may need from its surroundings.
#[derive(Clone, Debug, Default)]
pub struct CallContext {
    /// `path.module`, which file functions resolve relative paths against.
    pub base_dir: PathBuf,
    /// `plantimestamp()`: fixed for a plan, RFC 3339.
    pub plan_timestamp: Option<String>,
}

/// How the return type is found: fixed, or from the (converted) arguments,
/// which may be unknown.
#[derive(Clone, Copy)]
pub enum ReturnType {
    Fixed(fn() -> Type),
    FromArgs(fn(&[Value]) -> Result<Type, FunctionError>),
}

#[derive(Clone)]
pub struct Function {
    pub name: &'static str,
    pub params: Vec<Param>,
    /// Parameter that may repeat after `params`.
    pub var_param: Option<Param>,
    pub ret: ReturnType,
    pub imp: fn(&CallContext, &[Value], &Type) -> FnResult,
}

impl Function {
    pub fn param(&self, index: usize) -> Option<&Param> {
        self.params.get(index).or(if index >= self.params.len() { self.var_param.as_ref() } else { None })
    }
}

/// The functions callable from expressions, by name.
#[derive(Clone, Default)]
pub struct Functions {
    by_name: HashMap<&'static str, Function>,
}

/// Functions whose arguments the evaluator handles itself (lazily).
pub const SPECIAL_FORMS: &[&str] = &["try", "can"];

impl Functions {
    /// Terraform's built-in library.
    pub fn builtin() -> Functions {
        let mut f = Functions::default();
        let families = [
            numeric::functions(),
            string::functions(),
            collection::functions(),
            encoding::functions(),
            filesystem::functions(),
            datetime::functions(),
            crypto::functions(),
            ipnet::functions(),
            typeconv::functions(),
        ];
        for func in families.into_iter().flatten() {
            f.add(func);
        }
        f
    }

    pub fn add(&mut self, f: Function) {
        self.by_name.insert(f.name, f);
    }

    pub fn get(&self, name: &str) -> Option<&Function> {
        self.by_name.get(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_name.keys().copied().chain(SPECIAL_FORMS.iter().copied())
    }

    /// Calls `f` with evaluated arguments, applying the shared rules for
    /// conversion, nulls, unknowns and marks.
    pub fn call(f: &Function, ctx: &CallContext, args: Vec<Value>) -> FnResult {
        let min = f.params.len();
        if args.len() < min || (f.var_param.is_none() && args.len() > min) {
            let expected = if f.var_param.is_some() { format!("at least {min}") } else { format!("{min}") };
            let what = if args.len() < min { "Not enough" } else { "Too many" };
            return Err(FunctionError::new(format!(
                "{what} function arguments; function {:?} expects {expected} argument(s), got {}.",
                f.name,
                args.len()
            )));
        }
        let mut marks = Marks::NONE;
        let mut any_unknown = false;
        let mut converted = Vec::with_capacity(args.len());
        for (i, arg) in args.into_iter().enumerate() {
            let p = f.param(i).expect("arity checked");
            let arg = if p.allow_marked {
                arg
            } else {
                let (v, m) = arg.unmark_deep();
                marks |= m;
                v
            };
            if arg.is_null() && !p.allow_null {
                return Err(FunctionError::arg(
                    i,
                    format!("Invalid value for \"{}\" parameter: argument must not be null.", p.name),
                ));
            }
            let arg = convert(&arg, &p.ty)
                .map_err(|e| FunctionError::arg(i, format!("Invalid value for \"{}\" parameter: {e}.", p.name)))?;
            if !p.allow_unknown && !arg.is_wholly_known() {
                any_unknown = true;
            }
            converted.push(arg);
        }
        let ret = match f.ret {
            ReturnType::Fixed(t) => t(),
            ReturnType::FromArgs(t) => t(&converted)?,
        };
        if any_unknown {
            return Ok(Value::unknown(ret).mark(marks));
        }
        let out = (f.imp)(ctx, &converted, &ret)?;
        Ok(out.mark(marks))
    }
}

/// Shorthand for a fixed return type.
pub fn returns(t: fn() -> Type) -> ReturnType {
    ReturnType::Fixed(t)
}
