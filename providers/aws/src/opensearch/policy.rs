//! `aws_opensearch_domain_policy`: a domain's access policy managed on
//! its own (id = `esd-policy-NAME`, imported by domain name). Set through
//! UpdateDomainConfig with the policy alone; deleting it leaves the domain
//! an empty policy, as the provider does. The document is compared by IAM
//! policy equivalence, the stored text kept when what AWS holds means the
//! same.

use super::{describe, wait_domain};
use crate::client::{aws_error, Aws};
use crate::iam_policy;
use crate::util::{attrs, nonempty, object, str_attr};
use std::collections::BTreeMap;
use strata_lang::{Type, Value};
use strata_provider::{Attribute, Block, ProviderDiagnostic};

const WHAT: &str = "OpenSearch Domain Policy";
const ID_PREFIX: &str = "esd-policy-";

pub fn schema() -> Block {
    Block {
        attributes: attrs(vec![
            ("access_policies", Attribute::required(Type::String)),
            ("domain_name", Attribute::required(Type::String).force_new()),
            ("id", Attribute::computed(Type::String)),
        ]),
        blocks: BTreeMap::new(),
    }
}

pub fn validate(config: &Value) -> Vec<ProviderDiagnostic> {
    crate::sqs::validate_policy_document(config, "access_policies").into_iter().collect()
}

/// A policy that means the same keeps its stored text.
pub fn plan(planned: &Value, config: &Value, prior: &Value) -> Value {
    let p = crate::sqs::plan_document(planned, config, prior, "access_policies", iam_policy::equivalent);
    let name = str_attr(&p, "domain_name");
    match name {
        Some(n) if crate::util::attr(&p, "domain_name").is_known() => {
            crate::util::with_attr(&p, "id", Value::string(format!("{ID_PREFIX}{n}")))
        }
        _ => p,
    }
}

fn set_policy(aws: &Aws, name: &str, policy: &str, doing: &str) -> Result<(), ProviderDiagnostic> {
    aws.log_call("es:UpdateDomainConfig");
    aws.block(aws.opensearch.update_domain_config().domain_name(name).access_policies(policy).send())
        .map_err(|e| aws_error(e).into_diag(&format!("{doing} {WHAT} ({name})")))?;
    wait_domain(aws, name, "OpenSearch Domain", "policy update", false, false)
}

pub fn put(aws: &Aws, planned: &Value) -> Result<Value, ProviderDiagnostic> {
    let name = str_attr(planned, "domain_name").unwrap_or_default();
    let policy = iam_policy::normalize(&str_attr(planned, "access_policies").unwrap_or_default());
    set_policy(aws, &name, &policy, "setting")?;
    read(aws, planned)?.ok_or_else(|| {
        ProviderDiagnostic::error(format!("{WHAT} not found after change"), format!("{WHAT} ({name}) was not found."))
    })
}

/// The domain's policy; `None` when the domain is gone.
pub fn read(aws: &Aws, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    let name = nonempty(current, "domain_name").unwrap_or_else(|| {
        let id = crate::id_of(current);
        id.strip_prefix(ID_PREFIX).map(str::to_string).unwrap_or(id)
    });
    let what = format!("reading {WHAT} ({name})");
    let Some(d) = describe(aws, &name).map_err(|e| e.into_diag(&what))? else { return Ok(None) };
    let policy = crate::sqs::document_to_store(
        d.access_policies().map(str::to_string).as_ref(),
        current,
        "access_policies",
        true,
    );
    Ok(Some(object(
        &schema(),
        [
            ("access_policies", policy),
            ("domain_name", Value::string(name.as_str())),
            ("id", Value::string(format!("{ID_PREFIX}{name}"))),
        ],
    )))
}

pub fn delete(aws: &Aws, prior: &Value) -> Result<(), ProviderDiagnostic> {
    let name = str_attr(prior, "domain_name").unwrap_or_default();
    match describe(aws, &name) {
        Ok(None) => return Ok(()),
        Err(e) => return Err(e.into_diag(&format!("deleting {WHAT} ({name})"))),
        Ok(Some(_)) => {}
    }
    set_policy(aws, &name, "", "deleting")
}

/// The planned domain's policy, when it is the planned one.
pub fn find(aws: &Aws, planned: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
    if nonempty(planned, "domain_name").is_none() {
        return Ok(None);
    }
    let found = read(aws, planned)?;
    let want = str_attr(planned, "access_policies").unwrap_or_default();
    Ok(found.filter(|v| iam_policy::equivalent(&str_attr(v, "access_policies").unwrap_or_default(), &want)))
}
