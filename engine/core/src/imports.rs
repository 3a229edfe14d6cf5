//! `import` blocks: where an import lands (`to`, whose instance keys may be
//! expressions such as `aws_subnet.x[each.key]`), and the configuration
//! Strata writes for imported objects that have none (`plan
//! -generate-config-out`).

use hcl_edit::expr::{Expression, TraversalOperator};
use strata_addrs::{InstanceKey, ResourceInstanceAddr, ResourceMode, Target};
use strata_diag::{Diagnostic, Span};
use strata_lang::{Evaluator, Value};
use strata_provider::Block;

/// The resource instance an import block's `to` names, its index
/// expressions evaluated (`each` bound by the caller).
pub fn target_address(ev: &Evaluator, to: &Expression, span: &Span) -> Result<ResourceInstanceAddr, Diagnostic> {
    let invalid = |detail: &str| {
        Diagnostic::error("Invalid import address").with_detail(detail.to_string()).with_span(span.clone())
    };
    let Expression::Traversal(t) = to else {
        return Err(invalid("The \"to\" argument must be a resource instance address, like aws_instance.web or aws_instance.web[\"a\"]."));
    };
    let Expression::Variable(root) = &t.expr else {
        return Err(invalid("The \"to\" argument must be a resource instance address."));
    };
    let mut text = root.as_str().to_string();
    for op in t.operators.iter() {
        match op.value() {
            TraversalOperator::GetAttr(name) => {
                text.push('.');
                text.push_str(name.as_str());
            }
            TraversalOperator::LegacyIndex(i) => text.push_str(&format!("[{}]", i.value())),
            TraversalOperator::Index(index) => {
                let key = ev.eval(index)?;
                let (key, _) = key.unmark_deep();
                if !key.is_known() {
                    return Err(invalid("The instance key of an import target must be known during planning."));
                }
                let key = if let Some(s) = key.as_str() {
                    InstanceKey::Str(s.to_string())
                } else if let Some(i) = key.as_number().and_then(|n| n.to_i64()) {
                    InstanceKey::Int(i)
                } else {
                    return Err(invalid("An instance key must be a string or a whole number."));
                };
                text.push_str(&key.to_string());
            }
            _ => return Err(invalid("Splat expressions cannot be used in an import address.")),
        }
    }
    match Target::parse(&text) {
        Ok(Target::Instance(i)) if i.resource.mode == ResourceMode::Managed => Ok(i),
        Ok(Target::Resource(r)) if r.mode == ResourceMode::Managed => Ok(r.instance(InstanceKey::None)),
        Ok(_) => {
            Err(invalid("The \"to\" argument must name a managed resource instance, not a module or a data source."))
        }
        Err(e) => Err(invalid(&e.detail)),
    }
}

/// HCL for an imported object, as `terraform plan -generate-config-out`
/// writes it: every argument the configuration may set (computed-only
/// attributes left out), nulls included, nested blocks expanded.
pub fn generated_config(addr: &ResourceInstanceAddr, id: &str, state: &Value, schema: &Block) -> String {
    let mut out = format!("# __generated__ by Strata from {}\n", quote(id));
    out.push_str(&format!("resource {} {} {{\n", quote(&addr.resource.type_name), quote(&addr.resource.name)));
    write_body(&mut out, state, schema, 1);
    out.push_str("}\n");
    out
}

fn write_body(out: &mut String, v: &Value, schema: &Block, depth: usize) {
    let pad = "  ".repeat(depth);
    let entries = v.as_entries();
    let settable: Vec<(&String, &strata_provider::Attribute)> =
        schema.attributes.iter().filter(|(_, a)| a.required || a.optional).collect();
    let width = settable.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, a) in settable {
        let value = entries.and_then(|e| e.get(name.as_str())).cloned().unwrap_or_else(Value::dynamic_null);
        let text = if a.sensitive || value.is_sensitive() {
            "null # sensitive".to_string()
        } else {
            strata_lang::render::console(&value.unmark_deep().0).replace('\n', &format!("\n{pad}"))
        };
        out.push_str(&format!("{pad}{name:width$} = {text}\n"));
    }
    for (name, nested) in &schema.blocks {
        let Some(value) = entries.and_then(|e| e.get(name.as_str())) else { continue };
        // Single blocks are objects; list and set blocks are sequences.
        let items: Vec<Value> = match value.as_seq() {
            Some(seq) => seq.to_vec(),
            None => vec![value.clone()],
        };
        for item in items.iter().filter(|i| !i.is_null()) {
            out.push_str(&format!("{pad}{name} {{\n"));
            write_body(out, item, &nested.block, depth + 1);
            out.push_str(&format!("{pad}}}\n"));
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
