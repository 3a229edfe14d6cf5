//! Connected AWS clients for one provider configuration: settings become
//! SDK configuration (region, profile, files, static keys, assume role,
//! per-service endpoints, retries), a Tokio runtime drives the calls, and
//! AWS errors become diagnostics with the service's own words.

use crate::cache::ReadCache;
use crate::settings::Settings;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use strata_provider::ProviderDiagnostic;

pub struct Aws {
    runtime: tokio::runtime::Runtime,
    pub ec2: aws_sdk_ec2::Client,
    pub sts: aws_sdk_sts::Client,
    /// IAM is global: one endpoint whatever the region.
    pub iam: aws_sdk_iam::Client,
    /// The database services' subnet groups (`subnet_group`).
    pub rds: aws_sdk_rds::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub redshift: aws_sdk_redshift::Client,
    /// CloudWatch Logs, regional.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// CloudWatch metric alarms (`metric_alarm`).
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// Application and network load balancers (`elbv2`).
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// Application Auto Scaling (`appautoscaling`).
    pub appautoscaling: aws_sdk_applicationautoscaling::Client,
    /// ECS clusters, task definitions and services (`ecs`).
    pub ecs: aws_sdk_ecs::Client,
    /// S3 buckets and objects (path-style where `s3_use_path_style`).
    pub s3: aws_sdk_s3::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sns: aws_sdk_sns::Client,
    pub kms: aws_sdk_kms::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub lambda: aws_sdk_lambda::Client,
    /// API Gateway (REST, v1).
    pub apigateway: aws_sdk_apigateway::Client,
    /// Amazon Managed Service for Prometheus (`amp`).
    pub amp: aws_sdk_amp::Client,
    /// OpenSearch Service, both engines (`opensearch`).
    pub opensearch: aws_sdk_opensearch::Client,
    pub region: String,
    pub account_id: Option<String>,
    pub default_tags: BTreeMap<String, String>,
    pub cache: ReadCache,
    call_log: Option<std::sync::Mutex<std::fs::File>>,
}

/// An AWS error: its code (`InvalidVpcID.NotFound`) and message.
#[derive(Debug, Clone)]
pub struct AwsError {
    pub code: String,
    pub message: String,
}

impl AwsError {
    pub fn is_not_found(&self) -> bool {
        self.code.ends_with(".NotFound") || self.code.ends_with("NotFound")
    }

    pub fn into_diag(self, what: &str) -> ProviderDiagnostic {
        ProviderDiagnostic::error(format!("{what}: {}", self.code), format!("{what}: {}: {}", self.code, self.message))
    }
}

/// Converts an SDK error (any service) into code and message.
pub fn aws_error<E, R>(e: aws_sdk_ec2::error::SdkError<E, R>) -> AwsError
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if let Some(s) = e.as_service_error() {
        return AwsError {
            code: s.code().unwrap_or("UnknownError").to_string(),
            message: s.message().unwrap_or("(no message)").to_string(),
        };
    }
    // Below the service (endpoint down, timeout): the innermost cause reads best.
    let mut cause: &dyn std::error::Error = &e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    AwsError { code: "RequestError".into(), message: format!("the endpoint could not be reached ({cause})") }
}

impl Aws {
    pub fn connect(settings: Settings) -> Result<Aws, ProviderDiagnostic> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("strata-aws")
            .enable_all()
            .build()
            .map_err(|e| ProviderDiagnostic::error("Starting the AWS client runtime", e.to_string()))?;
        let Clients {
            ec2,
            sts,
            iam,
            logs,
            rds,
            elasticache,
            redshift,
            cloudwatch,
            elbv2,
            appautoscaling,
            ecs,
            s3,
            dynamodb,
            sqs,
            sns,
            kms,
            secretsmanager,
            lambda,
            apigateway,
            amp,
            opensearch,
            region,
        } = runtime.block_on(clients(&settings))?;
        let call_log = std::env::var_os("STRATA_AWS_CALL_LOG")
            .and_then(|p| std::fs::OpenOptions::new().create(true).append(true).open(p).ok())
            .map(std::sync::Mutex::new);
        let mut aws = Aws {
            runtime,
            ec2,
            sts,
            iam,
            rds,
            elasticache,
            redshift,
            logs,
            cloudwatch,
            elbv2,
            appautoscaling,
            ecs,
            s3,
            dynamodb,
            sqs,
            sns,
            kms,
            secretsmanager,
            lambda,
            apigateway,
            amp,
            opensearch,
            region,
            account_id: None,
            default_tags: settings.default_tags.clone(),
            cache: ReadCache::default(),
            call_log,
        };
        if !settings.skip_credentials_validation || !settings.skip_requesting_account_id {
            aws.log_call("sts:GetCallerIdentity");
            match aws.block(aws.sts.get_caller_identity().send()) {
                Ok(out) => aws.account_id = out.account().map(String::from),
                Err(e) if !settings.skip_credentials_validation => {
                    return Err(
                        aws_error(e).into_diag("Retrieving AWS account details: validating provider credentials")
                    )
                }
                Err(_) => {}
            }
        }
        Ok(aws)
    }

    pub fn block<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// Appends the call's name to `$STRATA_AWS_CALL_LOG` (for measuring).
    pub fn log_call(&self, name: &str) {
        if let Some(f) = &self.call_log {
            use std::io::Write;
            let _ = writeln!(f.lock().expect("no poisoned locks"), "{name}");
        }
    }

    /// Runs `f` (one resource operation) with every `retry` in it bounded
    /// by `timeout`, the resource's `timeouts` value for the operation.
    /// The deadline lives in a thread-local because the operation's calls
    /// run on the calling thread (`block`), however deep they are.
    pub fn within<T>(&self, timeout: Duration, f: impl FnOnce() -> T) -> T {
        let outer = OPERATION_DEADLINE.with(|d| d.replace(Some(Instant::now() + timeout)));
        let result = f();
        OPERATION_DEADLINE.with(|d| d.set(outer));
        result
    }

    /// What is left of the current operation's timeout (see `within`).
    pub fn time_left(&self) -> Option<Duration> {
        OPERATION_DEADLINE.with(|d| d.get()).map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Calls `f` until it succeeds, fails with an error `retryable` does not
    /// accept, or `timeout` (or the operation's deadline) has passed;
    /// jittered exponential backoff between.
    pub fn retry<T>(
        &self,
        timeout: Duration,
        retryable: impl Fn(&AwsError) -> bool,
        mut f: impl FnMut() -> Result<T, AwsError>,
    ) -> Result<T, AwsError> {
        let deadline = Instant::now() + self.time_left().map_or(timeout, |left| left.min(timeout));
        let mut wait = Duration::from_millis(200);
        loop {
            match f() {
                Err(e) if retryable(&e) && Instant::now() < deadline => {
                    let pause = wait + Duration::from_millis(crate::util::jitter_ms(wait.as_millis() as u64 / 2 + 1));
                    std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
                other => return other,
            }
        }
    }

    /// What `find` gives once it gives something: a just-made object may
    /// not be visible at once (eventual consistency), so `None` is retried
    /// as `NotFound` for up to [`EVENTUAL_CONSISTENCY`].
    pub fn until_visible<T>(
        &self,
        subject: &str,
        mut find: impl FnMut() -> Result<Option<T>, AwsError>,
    ) -> Result<T, AwsError> {
        self.retry(
            EVENTUAL_CONSISTENCY,
            |e| e.code == "NotFound",
            || match find() {
                Ok(Some(found)) => Ok(found),
                Ok(None) => Err(AwsError { code: "NotFound".into(), message: format!("{subject} not yet visible") }),
                Err(e) => Err(e),
            },
        )
    }

    pub fn arn(&self, kind: &str, owner: &str, id: &str) -> String {
        crate::util::ec2_arn(&self.region, owner, kind, id)
    }
}

/// How long to wait for a just-created object to become visible, and for
/// dependencies to clear before a delete.
pub const EVENTUAL_CONSISTENCY: Duration = Duration::from_secs(120);
pub const DEPENDENCY_TIMEOUT: Duration = Duration::from_secs(300);

thread_local! {
    /// When the resource operation running on this thread must end (`Aws::within`).
    static OPERATION_DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

struct Clients {
    ec2: aws_sdk_ec2::Client,
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
    rds: aws_sdk_rds::Client,
    elasticache: aws_sdk_elasticache::Client,
    redshift: aws_sdk_redshift::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    elbv2: aws_sdk_elasticloadbalancingv2::Client,
    appautoscaling: aws_sdk_applicationautoscaling::Client,
    ecs: aws_sdk_ecs::Client,
    s3: aws_sdk_s3::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    sqs: aws_sdk_sqs::Client,
    sns: aws_sdk_sns::Client,
    kms: aws_sdk_kms::Client,
    secretsmanager: aws_sdk_secretsmanager::Client,
    lambda: aws_sdk_lambda::Client,
    apigateway: aws_sdk_apigateway::Client,
    amp: aws_sdk_amp::Client,
    opensearch: aws_sdk_opensearch::Client,
    region: String,
}

#[allow(deprecated)] // ProfileFiles: the backend uses the same API.
async fn clients(s: &Settings) -> Result<Clients, ProviderDiagnostic> {
    use aws_config::{BehaviorVersion, Region};
    // The SDK's standard mode retries throttling and transient errors with
    // jittered exponential backoff, up to `max_retries` times.
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(s.max_retries + 1));
    if let Some(r) = &s.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(p) = &s.profile {
        loader = loader.profile_name(p);
    }
    if !s.shared_config_files.is_empty() || !s.shared_credentials_files.is_empty() {
        #[allow(deprecated)]
        use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
        let mut files = ProfileFiles::builder();
        for f in &s.shared_config_files {
            files = files.with_file(ProfileFileKind::Config, expand_home(f));
        }
        for f in &s.shared_credentials_files {
            files = files.with_file(ProfileFileKind::Credentials, expand_home(f));
        }
        loader = loader.profile_files(files.build());
    }
    if let (Some(a), Some(k)) = (&s.access_key, &s.secret_key) {
        loader = loader.credentials_provider(aws_sdk_ec2::config::Credentials::new(
            a.clone(),
            k.clone(),
            s.token.clone(),
            None,
            "provider-config",
        ));
    }
    let mut sdk = loader.load().await;
    let Some(region) = sdk.region().map(|r| r.to_string()) else {
        return Err(ProviderDiagnostic::error(
            "Missing region",
            "The aws provider needs a region: set `region` in the provider block, or AWS_REGION, or a profile's region.",
        ));
    };
    let sts_sdk = match s.endpoints.get("sts") {
        Some(e) => sdk.clone().into_builder().endpoint_url(e).build(),
        None => sdk.clone(),
    };
    if let Some(role) = &s.assume_role {
        let mut provider = aws_config::sts::AssumeRoleProvider::builder(&role.role_arn)
            .session_name(role.session_name.clone().unwrap_or_else(|| "strata".into()))
            .configure(&sts_sdk);
        if let Some(id) = &role.external_id {
            provider = provider.external_id(id);
        }
        let provider = provider.build().await;
        sdk = sdk
            .into_builder()
            .credentials_provider(aws_sdk_ec2::config::SharedCredentialsProvider::new(provider))
            .build();
    }
    let mut ec2 = aws_sdk_ec2::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("ec2") {
        ec2 = ec2.endpoint_url(e);
    }
    let mut sts = aws_sdk_sts::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("sts") {
        sts = sts.endpoint_url(e);
    }
    let mut iam = aws_sdk_iam::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("iam") {
        iam = iam.endpoint_url(e);
    }
    let mut rds = aws_sdk_rds::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("rds") {
        rds = rds.endpoint_url(e);
    }
    let mut elasticache = aws_sdk_elasticache::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("elasticache") {
        elasticache = elasticache.endpoint_url(e);
    }
    let mut redshift = aws_sdk_redshift::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("redshift") {
        redshift = redshift.endpoint_url(e);
    }
    let mut logs = aws_sdk_cloudwatchlogs::config::Builder::from(&sdk);
    // The provider's name for the service, then its older aliases.
    if let Some(e) = ["logs", "cloudwatchlogs", "cloudwatchlog"].iter().find_map(|n| s.endpoints.get(*n)) {
        logs = logs.endpoint_url(e);
    }
    let mut cloudwatch = aws_sdk_cloudwatch::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("cloudwatch") {
        cloudwatch = cloudwatch.endpoint_url(e);
    }
    let mut elbv2 = aws_sdk_elasticloadbalancingv2::config::Builder::from(&sdk);
    if let Some(e) = ["elbv2", "elasticloadbalancingv2"].iter().find_map(|n| s.endpoints.get(*n)) {
        elbv2 = elbv2.endpoint_url(e);
    }
    let mut appautoscaling = aws_sdk_applicationautoscaling::config::Builder::from(&sdk);
    if let Some(e) = ["appautoscaling", "applicationautoscaling"].iter().find_map(|n| s.endpoints.get(*n)) {
        appautoscaling = appautoscaling.endpoint_url(e);
    }
    let mut ecs = aws_sdk_ecs::config::Builder::from(&sdk);
    if let Some(e) = s.endpoints.get("ecs") {
        ecs = ecs.endpoint_url(e);
    }
    // The endpoint set for a service under any of its names.
    let endpoint = |names: &[&str]| names.iter().find_map(|n| s.endpoints.get(*n)).cloned();
    let mut s3 = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(s.s3_use_path_style);
    if let Some(e) = endpoint(&["s3"]) {
        s3 = s3.endpoint_url(e);
    }
    macro_rules! client {
        ($krate:ident, $($name:literal),+) => {{
            let mut b = $krate::config::Builder::from(&sdk);
            if let Some(e) = endpoint(&[$($name),+]) {
                b = b.endpoint_url(e);
            }
            $krate::Client::from_conf(b.build())
        }};
    }
    Ok(Clients {
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        dynamodb: client!(aws_sdk_dynamodb, "dynamodb"),
        sqs: client!(aws_sdk_sqs, "sqs"),
        sns: client!(aws_sdk_sns, "sns"),
        kms: client!(aws_sdk_kms, "kms"),
        secretsmanager: client!(aws_sdk_secretsmanager, "secretsmanager"),
        lambda: client!(aws_sdk_lambda, "lambda"),
        apigateway: client!(aws_sdk_apigateway, "apigateway"),
        amp: client!(aws_sdk_amp, "amp", "prometheus", "prometheusservice"),
        // One client for both engines: the legacy type's endpoint names too.
        opensearch: client!(
            aws_sdk_opensearch,
            "opensearch",
            "opensearchservice",
            "es",
            "elasticsearch",
            "elasticsearchservice"
        ),
        appautoscaling: aws_sdk_applicationautoscaling::Client::from_conf(appautoscaling.build()),
        elbv2: aws_sdk_elasticloadbalancingv2::Client::from_conf(elbv2.build()),
        ecs: aws_sdk_ecs::Client::from_conf(ecs.build()),
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(cloudwatch.build()),
        ec2: aws_sdk_ec2::Client::from_conf(ec2.build()),
        logs: aws_sdk_cloudwatchlogs::Client::from_conf(logs.build()),
        sts: aws_sdk_sts::Client::from_conf(sts.build()),
        iam: aws_sdk_iam::Client::from_conf(iam.build()),
        rds: aws_sdk_rds::Client::from_conf(rds.build()),
        elasticache: aws_sdk_elasticache::Client::from_conf(elasticache.build()),
        redshift: aws_sdk_redshift::Client::from_conf(redshift.build()),
        region,
    })
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}
