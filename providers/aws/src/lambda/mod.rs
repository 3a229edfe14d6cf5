//! Lambda, as hashicorp/aws 6.x models it: `aws_lambda_function` (id =
//! the function's name; code from `filename`, S3 or an image; configuration,
//! code, concurrency and published versions updated in place, in the
//! provider's order), `aws_lambda_permission` (id = the statement id, read
//! back from the function's policy; every argument replaces; imported as
//! `function_name/statement_id`), `aws_lambda_alias` (id = the alias ARN;
//! imported as `function_name/alias`) and `aws_lambda_event_source_mapping`
//! (id = the mapping's UUID; SQS, DynamoDB and Kinesis stream sources).
//!
//! The rest of the crate reaches this family only through [`Lambda`], its
//! `family::Family`.

mod alias;
mod event_source_mapping;
mod function;
mod permission;

use crate::client::{Aws, AwsError};
use crate::family::Family;
use crate::util::attr;
use std::time::{Duration, Instant};
use strata_lang::Value;
use strata_provider::{AttributePath, Block, ListedObject, PathStep, ProviderDiagnostic};

pub const FUNCTION: &str = "aws_lambda_function";
pub const PERMISSION: &str = "aws_lambda_permission";
pub const ALIAS: &str = "aws_lambda_alias";
pub const EVENT_SOURCE_MAPPING: &str = "aws_lambda_event_source_mapping";

pub const TYPES: [&str; 4] = [FUNCTION, PERMISSION, ALIAS, EVENT_SOURCE_MAPPING];

/// The family (`family::FAMILIES`).
pub struct Lambda;

impl Family for Lambda {
    fn types(&self) -> &'static [&'static str] {
        &TYPES
    }

    fn schema(&self, type_name: &str) -> Block {
        match type_name {
            FUNCTION => function::schema(),
            PERMISSION => permission::schema(),
            ALIAS => alias::schema(),
            _ => event_source_mapping::schema(),
        }
    }

    fn timeouts(&self, type_name: &str) -> &'static [(&'static str, u64)] {
        match type_name {
            FUNCTION => &[("create", 10), ("update", 10), ("delete", 10)],
            EVENT_SOURCE_MAPPING => &[("create", 10), ("update", 10), ("delete", 5)],
            _ => &[],
        }
    }

    fn defaults(&self, type_name: &str) -> Vec<(&'static str, Value)> {
        match type_name {
            FUNCTION => function::defaults(),
            EVENT_SOURCE_MAPPING => event_source_mapping::defaults(),
            _ => Vec::new(),
        }
    }

    fn validate(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        if config.is_null() {
            return Vec::new();
        }
        match type_name {
            FUNCTION => function::validate(config),
            PERMISSION => permission::validate(config),
            ALIAS => alias::validate(config),
            _ => event_source_mapping::validate(config),
        }
    }

    fn plan(&self, type_name: &str, planned: &Value, config: &Value, prior: &Value) -> (Value, Vec<AttributePath>) {
        match type_name {
            FUNCTION => function::plan(planned, config, prior),
            PERMISSION => permission::plan(planned, config, prior),
            ALIAS => alias::plan(planned, config, prior),
            _ => event_source_mapping::plan(planned, config, prior),
        }
    }

    fn apply(&self, aws: &Aws, type_name: &str, prior: &Value, planned: &Value) -> Result<Value, ProviderDiagnostic> {
        let creating = prior.is_null();
        match (type_name, creating) {
            (FUNCTION, true) => function::create(aws, planned),
            (FUNCTION, false) => function::update(aws, prior, planned),
            (PERMISSION, _) => permission::create(aws, planned),
            (ALIAS, true) => alias::create(aws, planned),
            (ALIAS, false) => alias::update(aws, planned),
            (_, true) => event_source_mapping::create(aws, planned),
            (_, false) => event_source_mapping::update(aws, prior, planned),
        }
    }

    fn read(&self, aws: &Aws, type_name: &str, current: &Value) -> Result<Option<Value>, ProviderDiagnostic> {
        match type_name {
            FUNCTION => function::read(aws, current),
            PERMISSION => permission::read(aws, current),
            ALIAS => alias::read(aws, current),
            _ => event_source_mapping::read(aws, current),
        }
    }

    fn delete(&self, aws: &Aws, type_name: &str, prior: &Value) -> Result<(), ProviderDiagnostic> {
        match type_name {
            FUNCTION => function::delete(aws, prior),
            PERMISSION => permission::delete(aws, prior),
            ALIAS => alias::delete(aws, prior),
            _ => event_source_mapping::delete(aws, prior),
        }
    }

    /// Functions by name and the create token tag; permissions and aliases
    /// (untagged) by what names them; mappings by function, source and the
    /// token tag.
    fn find(
        &self,
        aws: &Aws,
        type_name: &str,
        token: &str,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderDiagnostic> {
        let planned = &crate::util::known_or_null(planned);
        match type_name {
            FUNCTION => function::find(aws, token, planned),
            PERMISSION => permission::find(aws, planned),
            ALIAS => alias::find(aws, planned),
            _ => event_source_mapping::find(aws, token, planned),
        }
    }

    /// A function whose concurrency or wait failed after CreateFunction exists.
    fn keeps_failed_creates(&self, type_name: &str) -> bool {
        matches!(type_name, FUNCTION | EVENT_SOURCE_MAPPING)
    }

    fn list(&self, aws: &Aws, type_name: &str) -> Option<Result<Vec<ListedObject>, ProviderDiagnostic>> {
        (type_name == FUNCTION).then(|| function::list(aws))
    }
}

// Shared by the family's modules.

/// Lambda's "not there" errors.
fn is_gone(e: &AwsError) -> bool {
    e.code == "ResourceNotFoundException" || e.is_not_found()
}

fn at(name: &str, summary: &str, detail: impl Into<String>) -> ProviderDiagnostic {
    ProviderDiagnostic::error(summary, detail.into()).at(vec![PathStep::Attr(name.into())])
}

/// The first (only) object of a `single` block, if written.
fn first(v: &Value, name: &str) -> Option<Value> {
    attr(v, name).unmark_deep().0.as_seq().and_then(|s| s.first().cloned()).filter(|x| !x.is_null())
}

/// Whether attribute `name` differs between `a` and `b` (marks aside).
fn changed(a: &Value, b: &Value, name: &str) -> bool {
    !attr(a, name).unmark_deep().0.raw_equal(&attr(b, name).unmark_deep().0)
}

/// Polls `check` until it answers `Some`, from the start and then with a
/// growing pause, for at most the operation's time left (or `limit`).
fn poll<T>(
    aws: &Aws,
    limit: Duration,
    what: &str,
    mut check: impl FnMut() -> Result<Option<T>, ProviderDiagnostic>,
) -> Result<T, ProviderDiagnostic> {
    let deadline = Instant::now() + aws.time_left().map_or(limit, |left| left.min(limit));
    let mut pause = Duration::from_millis(100);
    loop {
        if let Some(done) = check()? {
            return Ok(done);
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(ProviderDiagnostic::error(
                format!("timeout while waiting for {what}"),
                format!("timeout while waiting for {what} (waited {}s)", limit.as_secs()),
            ));
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// `invoke_arn`: the API Gateway URI that invokes the function ARN `arn`.
fn invoke_arn(region: &str, arn: &str) -> String {
    format!(
        "arn:{}:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations",
        crate::util::partition(region)
    )
}
