//! The `s3` backend, in Terraform's wire format: the state object at
//! `<key>` (workspaces at `<workspace_key_prefix>/<name>/<key>`), locked by
//! a DynamoDB item `LockID = "<bucket>/<key>"` and/or a lock file
//! `<key>.tflock` created with `If-None-Match: *`, with the state's MD5 in
//! the item `"<bucket>/<key>-md5"` after every write.
//!
//! Beyond Terraform: every write is conditional on the object's ETag as it
//! was when the lock was taken (`If-Match`, or `If-None-Match: *` when there
//! was no object), so no writer overwrites another even without a lock; and
//! the apply journal is kept as small objects beside the state
//! (`<key>.journal/<sequence>`), so a crash loses nothing.
//!
//! The engine is synchronous; this crate owns a small Tokio runtime and
//! blocks on each call.

mod settings;

pub use settings::{S3Settings, SettingsError};

use aws_sdk_dynamodb::types::AttributeValue;
use md5::{Digest, Md5};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use strata_state::{JournalHeader, JournalLog, LockInfo, StateError, StateLock, Storage};

/// Connected clients for one backend configuration, shared by its
/// workspaces.
pub struct S3Backend {
    settings: S3Settings,
    shared: Arc<Shared>,
}

struct Shared {
    runtime: tokio::runtime::Runtime,
    s3: aws_sdk_s3::Client,
    dynamodb: aws_sdk_dynamodb::Client,
}

impl Shared {
    fn block<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }
}

/// Says what went wrong talking to AWS, with the service's own words.
fn aws_error<E>(what: &str, e: aws_sdk_s3::error::SdkError<E>) -> StateError
where
    E: std::fmt::Debug + std::error::Error + aws_sdk_s3::error::ProvideErrorMetadata + 'static,
{
    let detail = match &e {
        aws_sdk_s3::error::SdkError::ServiceError(s) => {
            let err = s.err();
            format!("{}: {}", err.code().unwrap_or("error"), err.message().unwrap_or("(no message)"))
        }
        other => transport_error(other),
    };
    StateError::Io(format!("{what}: {detail}."))
}

fn ddb_error<E>(what: &str, e: aws_sdk_dynamodb::error::SdkError<E>) -> StateError
where
    E: std::fmt::Debug + std::error::Error + aws_sdk_dynamodb::error::ProvideErrorMetadata + 'static,
{
    let detail = match &e {
        aws_sdk_dynamodb::error::SdkError::ServiceError(s) => {
            let err = s.err();
            format!("{}: {}", err.code().unwrap_or("error"), err.message().unwrap_or("(no message)"))
        }
        other => transport_error(other),
    };
    StateError::Io(format!("{what}: {detail}."))
}

/// A failure below the service (endpoint down, timeout): the innermost
/// cause reads best ("Connection refused").
fn transport_error(e: &dyn std::error::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    format!("the endpoint could not be reached ({cause})")
}

impl S3Backend {
    /// Connects (no request is made yet).
    pub fn new(settings: S3Settings) -> Result<S3Backend, StateError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StateError::Io(format!("Starting the AWS client runtime: {e}.")))?;
        let (s3, dynamodb) = runtime.block_on(settings.clients());
        Ok(S3Backend { settings, shared: Arc::new(Shared { runtime, s3, dynamodb }) })
    }

    pub fn settings(&self) -> &S3Settings {
        &self.settings
    }

    /// The state storage of `workspace`.
    pub fn storage(&self, workspace: &str) -> Arc<dyn Storage> {
        let inner = S3Storage {
            shared: self.shared.clone(),
            bucket: self.settings.bucket.clone(),
            key: self.settings.workspace_key(workspace),
            dynamodb_table: self.settings.dynamodb_table.clone(),
            use_lockfile: self.settings.use_lockfile,
            encryption: self.settings.encryption(),
            expected: Mutex::new(None),
        };
        Arc::new(SharedStorage(Arc::new(inner)))
    }

    /// Every workspace with a state object, `default` first (always there).
    pub fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let prefix = format!("{}/", self.settings.workspace_key_prefix);
        let keys = list_keys(&self.shared, &self.settings.bucket, &prefix)?;
        let mut names: Vec<String> = keys
            .iter()
            .filter_map(|k| {
                let rest = k.strip_prefix(&prefix)?;
                let (name, key) = rest.split_once('/')?;
                (key == self.settings.key && !name.is_empty()).then(|| name.to_string())
            })
            .collect();
        names.sort();
        names.dedup();
        names.retain(|n| n != "default");
        names.insert(0, "default".to_string());
        Ok(names)
    }

    /// Removes a workspace's state object and its digest.
    pub fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        let key = self.settings.workspace_key(workspace);
        let shared = &self.shared;
        shared
            .block(shared.s3.delete_object().bucket(&self.settings.bucket).key(&key).send())
            .map_err(|e| aws_error(&format!("Deleting s3://{}/{key}", self.settings.bucket), e))?;
        if let Some(table) = &self.settings.dynamodb_table {
            let id = format!("{}/{key}-md5", self.settings.bucket);
            shared
                .block(shared.dynamodb.delete_item().table_name(table).key("LockID", AttributeValue::S(id)).send())
                .map_err(|e| ddb_error("Deleting the state digest", e))?;
        }
        Ok(())
    }
}

fn list_keys(shared: &Shared, bucket: &str, prefix: &str) -> Result<Vec<String>, StateError> {
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    // Bounded: 10,000 pages of 1,000 keys.
    for _ in 0..10_000 {
        let mut req = shared.s3.list_objects_v2().bucket(bucket).prefix(prefix);
        if let Some(t) = &token {
            req = req.continuation_token(t);
        }
        let out = shared.block(req.send()).map_err(|e| aws_error(&format!("Listing s3://{bucket}/{prefix}"), e))?;
        keys.extend(out.contents().iter().filter_map(|o| o.key().map(String::from)));
        match out.next_continuation_token() {
            Some(t) if out.is_truncated() == Some(true) => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(keys)
}

/// An object's bytes and ETag.
type Object = (Vec<u8>, Option<String>);

/// A failed PUT (boxed: the SDK's error is large).
type PutError = Box<aws_sdk_s3::error::SdkError<aws_sdk_s3::operation::put_object::PutObjectError>>;

/// What a write may replace: the object as it was when the lock was taken.
#[derive(Debug, Clone)]
enum Expected {
    Absent,
    ETag(String),
}

struct S3Storage {
    shared: Arc<Shared>,
    bucket: String,
    key: String,
    dynamodb_table: Option<String>,
    use_lockfile: bool,
    encryption: settings::Encryption,
    /// Set when the lock is taken, moved on by each of our own writes.
    expected: Mutex<Option<Expected>>,
}

impl S3Storage {
    fn lock_id(&self) -> String {
        format!("{}/{}", self.bucket, self.key)
    }

    fn digest_id(&self) -> String {
        format!("{}/{}-md5", self.bucket, self.key)
    }

    fn lockfile_key(&self) -> String {
        format!("{}.tflock", self.key)
    }

    fn journal_prefix(&self) -> String {
        format!("{}.journal/", self.key)
    }

    /// The object and its ETag; `None` when there is none.
    fn get(&self) -> Result<Option<Object>, StateError> {
        let shared = &self.shared;
        let out = match shared.block(shared.s3.get_object().bucket(&self.bucket).key(&self.key).send()) {
            Ok(o) => o,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(aws_error(&format!("Reading s3://{}/{}", self.bucket, self.key), e)),
        };
        let etag = out.e_tag().map(String::from);
        let bytes = shared
            .block(out.body.collect())
            .map_err(|e| StateError::Io(format!("Reading s3://{}/{}: {e}.", self.bucket, self.key)))?
            .into_bytes()
            .to_vec();
        Ok(Some((bytes, etag)))
    }

    fn stored_digest(&self) -> Result<Option<String>, StateError> {
        let Some(table) = &self.dynamodb_table else { return Ok(None) };
        let shared = &self.shared;
        let out = shared
            .block(
                shared
                    .dynamodb
                    .get_item()
                    .table_name(table)
                    .key("LockID", AttributeValue::S(self.digest_id()))
                    .consistent_read(true)
                    .send(),
            )
            .map_err(|e| ddb_error("Reading the state digest from DynamoDB", e))?;
        Ok(out.item().and_then(|i| i.get("Digest")).and_then(|d| d.as_s().ok()).cloned())
    }

    fn put_digest(&self, bytes: &[u8]) -> Result<(), StateError> {
        let Some(table) = &self.dynamodb_table else { return Ok(()) };
        let shared = &self.shared;
        let digest = hex(&Md5::digest(bytes));
        shared
            .block(
                shared
                    .dynamodb
                    .put_item()
                    .table_name(table)
                    .item("LockID", AttributeValue::S(self.digest_id()))
                    .item("Digest", AttributeValue::S(digest))
                    .send(),
            )
            .map_err(|e| ddb_error("Writing the state digest to DynamoDB", e))?;
        Ok(())
    }

    fn head_etag(&self) -> Result<Expected, StateError> {
        let shared = &self.shared;
        match shared.block(shared.s3.head_object().bucket(&self.bucket).key(&self.key).send()) {
            Ok(o) => Ok(o.e_tag().map_or(Expected::Absent, |e| Expected::ETag(e.to_string()))),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(Expected::Absent),
            Err(e) => Err(aws_error(&format!("Reading s3://{}/{}", self.bucket, self.key), e)),
        }
    }

    fn put_object(&self, key: &str, bytes: Vec<u8>, condition: Option<&Expected>) -> Result<Option<String>, PutError> {
        let shared = &self.shared;
        let mut req =
            shared.s3.put_object().bucket(&self.bucket).key(key).content_type("application/json").body(bytes.into());
        match condition {
            Some(Expected::Absent) => req = req.if_none_match("*"),
            Some(Expected::ETag(e)) => req = req.if_match(e),
            None => {}
        }
        req = self.encryption.apply(req);
        shared.block(req.send()).map(|o| o.e_tag().map(String::from)).map_err(Box::new)
    }

    fn try_lock_dynamodb(&self, table: &str, info: &LockInfo) -> Result<bool, StateError> {
        let shared = &self.shared;
        let res = shared.block(
            shared
                .dynamodb
                .put_item()
                .table_name(table)
                .item("LockID", AttributeValue::S(self.lock_id()))
                .item("Info", AttributeValue::S(serde_json::to_string(info).expect("lock info serializes")))
                .condition_expression("attribute_not_exists(LockID)")
                .send(),
        );
        match res {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(ddb_error(&format!("Taking the lock in DynamoDB table {table}"), e)),
        }
    }

    fn try_lock_file(&self, info: &LockInfo) -> Result<bool, StateError> {
        let body = serde_json::to_vec(info).expect("lock info serializes");
        match self.put_object(&self.lockfile_key(), body, Some(&Expected::Absent)) {
            Ok(_) => Ok(true),
            Err(e) if is_precondition_failed(&*e) => Ok(false),
            Err(e) => Err(aws_error(&format!("Taking the lock file s3://{}/{}", self.bucket, self.lockfile_key()), *e)),
        }
    }

    /// Who holds the lock now, as recorded by the holder.
    fn holder(&self) -> Option<LockInfo> {
        if let Some(table) = &self.dynamodb_table {
            let shared = &self.shared;
            let out = shared
                .block(
                    shared
                        .dynamodb
                        .get_item()
                        .table_name(table)
                        .key("LockID", AttributeValue::S(self.lock_id()))
                        .consistent_read(true)
                        .send(),
                )
                .ok()?;
            if let Some(info) = out.item().and_then(|i| i.get("Info")).and_then(|v| v.as_s().ok()) {
                return serde_json::from_str(info).ok();
            }
        }
        if self.use_lockfile {
            let shared = &self.shared;
            let out = shared.block(shared.s3.get_object().bucket(&self.bucket).key(self.lockfile_key()).send()).ok()?;
            let bytes = shared.block(out.body.collect()).ok()?.into_bytes();
            return serde_json::from_slice(&bytes).ok();
        }
        None
    }
}

fn is_precondition_failed<E>(e: &aws_sdk_s3::error::SdkError<E>) -> bool {
    match e {
        aws_sdk_s3::error::SdkError::ServiceError(s) => {
            let status = s.raw().status().as_u16();
            status == 412 || status == 409
        }
        _ => false,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Releases what one lock took, when the lock is dropped.
struct S3Lock {
    storage: Arc<S3Storage>,
    id: String,
    dynamodb: bool,
    lockfile: bool,
}

impl S3Lock {
    fn release(&self) -> Result<(), StateError> {
        let s = &self.storage;
        let shared = &s.shared;
        if self.lockfile {
            shared
                .block(shared.s3.delete_object().bucket(&s.bucket).key(s.lockfile_key()).send())
                .map_err(|e| aws_error("Releasing the lock file", e))?;
        }
        if let (true, Some(table)) = (self.dynamodb, &s.dynamodb_table) {
            shared
                .block(
                    shared
                        .dynamodb
                        .delete_item()
                        .table_name(table)
                        .key("LockID", AttributeValue::S(s.lock_id()))
                        .condition_expression("contains(Info, :id)")
                        .expression_attribute_values(":id", AttributeValue::S(self.id.clone()))
                        .send(),
                )
                .map_err(|e| ddb_error("Releasing the DynamoDB lock", e))?;
        }
        Ok(())
    }
}

impl Drop for S3Lock {
    fn drop(&mut self) {
        let _ = self.release();
    }
}

/// The storage as seen through an `Arc` (the lock guard keeps one).
struct SharedStorage(Arc<S3Storage>);

impl Storage for SharedStorage {
    fn describe(&self) -> String {
        self.0.describe()
    }
    fn read(&self) -> Result<Option<Vec<u8>>, StateError> {
        self.0.read()
    }
    fn write(&self, lock: &StateLock, bytes: &[u8], previous: Option<&[u8]>) -> Result<(), StateError> {
        self.0.write(lock, bytes, previous)
    }
    fn lock(&self, info: LockInfo, timeout: Duration) -> Result<StateLock, StateError> {
        lock_with_guard(&self.0, info, timeout)
    }
    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        self.0.force_unlock(id)
    }
    fn journal_create(&self, header: &JournalHeader) -> Result<Box<dyn JournalLog>, StateError> {
        self.0.journal_create(header)
    }
    fn journal_read(&self) -> Result<Option<Vec<Vec<u8>>>, StateError> {
        self.0.journal_read()
    }
    fn journal_remove(&self) -> Result<(), StateError> {
        self.0.journal_remove()
    }
    fn journal_describe(&self) -> String {
        self.0.journal_describe()
    }
}

fn lock_with_guard(storage: &Arc<S3Storage>, mut info: LockInfo, timeout: Duration) -> Result<StateLock, StateError> {
    info.path = storage.lock_id();
    let deadline = Instant::now() + timeout;
    let mut wait = Duration::from_millis(100);
    loop {
        let mut got_table = false;
        let mut free = true;
        if let Some(table) = &storage.dynamodb_table {
            got_table = storage.try_lock_dynamodb(table, &info)?;
            free = got_table;
        }
        let mut got_file = false;
        if free && storage.use_lockfile {
            got_file = storage.try_lock_file(&info)?;
            free = got_file;
        }
        let guard = S3Lock { storage: storage.clone(), id: info.id.clone(), dynamodb: got_table, lockfile: got_file };
        if free {
            *storage.expected.lock().expect("no poisoned locks") = Some(storage.head_etag()?);
            return Ok(StateLock::new(Box::new(guard), info));
        }
        // Give back the half we took before waiting (the guard's drop).
        drop(guard);
        if Instant::now() >= deadline {
            let who = storage.holder().map_or_else(|| "another process".to_string(), |h| h.describe());
            return Err(StateError::Locked(format!(
                "The state {} is locked.\n{who}\n\nStrata acquires a state lock to protect the state from being written by multiple users at the same time. Wait for the other operation to finish, retry with a longer -lock-timeout, or, if the holder is gone for good, run strata force-unlock with the lock ID above.",
                storage.describe()
            )));
        }
        // Jittered backoff so that many waiters do not retry in step.
        let jitter = Duration::from_millis(u64::from(uuid_byte()) % 100);
        std::thread::sleep((wait + jitter).min(deadline.saturating_duration_since(Instant::now())));
        wait = (wait * 2).min(Duration::from_secs(2));
    }
}

/// A cheap random byte, for jitter.
fn uuid_byte() -> u8 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    (nanos ^ std::process::id()).to_le_bytes()[0]
}

impl S3Storage {
    fn describe(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    fn read(&self) -> Result<Option<Vec<u8>>, StateError> {
        // The digest protects against reading a stale or hand-edited object:
        // a mismatch is retried for a while (S3 may lag a write), then refused.
        let mut last = None;
        for attempt in 0..10 {
            let Some((bytes, _)) = self.get()? else { return Ok(None) };
            let Some(expected) = self.stored_digest()? else { return Ok(Some(bytes)) };
            let actual = hex(&Md5::digest(&bytes));
            if expected.is_empty() || expected == actual {
                return Ok(Some(bytes));
            }
            last = Some((expected, actual));
            if attempt < 9 {
                std::thread::sleep(Duration::from_millis(300));
            }
        }
        let (expected, actual) = last.expect("a mismatch was seen");
        Err(StateError::Corrupt(format!(
            "state data in S3 does not have the expected content.\n\nThe checksum calculated for the state stored in S3 does not match the checksum stored in DynamoDB.\n\nBucket: {}\nKey:    {}\nCalculated checksum: {actual}\nStored checksum:     {expected}\n\nThis may be caused by unusually long delays in S3 processing a previous state update. Please wait for a minute or two and try again.\n\nIf this problem persists, and neither S3 nor DynamoDB are being modified elsewhere, you may need to manually verify the remote state and update the Digest value stored in the DynamoDB table to the following value: {actual}",
            self.bucket, self.key
        )))
    }

    fn write(&self, _lock: &StateLock, bytes: &[u8], _previous: Option<&[u8]>) -> Result<(), StateError> {
        let expected = self.expected.lock().expect("no poisoned locks").clone();
        match self.put_object(&self.key, bytes.to_vec(), expected.as_ref()) {
            Ok(etag) => {
                *self.expected.lock().expect("no poisoned locks") = etag.map(Expected::ETag);
                self.put_digest(bytes)
            }
            Err(e) if is_precondition_failed(&*e) => Err(StateError::Conflict(format!(
                "The state object {} changed since this run took the lock (its ETag is no longer {}). Another writer changed it; nothing was overwritten. Run the command again to work from the new state.",
                self.describe(),
                match &expected {
                    Some(Expected::ETag(e)) => e.clone(),
                    _ => "absent".into(),
                }
            ))),
            Err(e) => Err(aws_error(&format!("Writing {}", self.describe()), *e)),
        }
    }

    fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        let Some(holder) = self.holder() else {
            return Err(StateError::Io(format!("{} is not locked.", self.describe())));
        };
        if holder.id != id {
            return Err(StateError::Conflict(format!(
                "lock ID {id:?} does not match existing lock ID {:?}",
                holder.id
            )));
        }
        let guard = S3Lock {
            storage: Arc::new(self.clone_config()),
            id: id.to_string(),
            dynamodb: self.dynamodb_table.is_some(),
            lockfile: self.use_lockfile,
        };
        let result = guard.release();
        std::mem::forget(guard);
        result
    }

    fn clone_config(&self) -> S3Storage {
        S3Storage {
            shared: self.shared.clone(),
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            dynamodb_table: self.dynamodb_table.clone(),
            use_lockfile: self.use_lockfile,
            encryption: self.encryption.clone(),
            expected: Mutex::new(None),
        }
    }

    fn journal_create(&self, header: &JournalHeader) -> Result<Box<dyn JournalLog>, StateError> {
        self.journal_remove()?;
        let mut log = S3Journal { storage: Arc::new(self.clone_config()), next: 0 };
        log.append(serde_json::to_string(header).expect("header serializes").as_bytes())?;
        Ok(Box::new(log))
    }

    fn journal_read(&self) -> Result<Option<Vec<Vec<u8>>>, StateError> {
        let mut keys = list_keys(&self.shared, &self.bucket, &self.journal_prefix())?;
        if keys.is_empty() {
            return Ok(None);
        }
        keys.sort();
        let mut lines = Vec::with_capacity(keys.len());
        let shared = &self.shared;
        for k in keys {
            let out = shared
                .block(shared.s3.get_object().bucket(&self.bucket).key(&k).send())
                .map_err(|e| aws_error(&format!("Reading s3://{}/{k}", self.bucket), e))?;
            let bytes = shared
                .block(out.body.collect())
                .map_err(|e| StateError::Io(format!("Reading s3://{}/{k}: {e}.", self.bucket)))?;
            lines.push(bytes.into_bytes().to_vec());
        }
        Ok(Some(lines))
    }

    fn journal_remove(&self) -> Result<(), StateError> {
        let shared = &self.shared;
        for k in list_keys(&self.shared, &self.bucket, &self.journal_prefix())? {
            shared
                .block(shared.s3.delete_object().bucket(&self.bucket).key(&k).send())
                .map_err(|e| aws_error(&format!("Removing s3://{}/{k}", self.bucket), e))?;
        }
        Ok(())
    }

    fn journal_describe(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.journal_prefix())
    }
}

/// The journal as numbered objects: one per completed operation, durable
/// when its PUT returns.
struct S3Journal {
    storage: Arc<S3Storage>,
    next: u64,
}

impl JournalLog for S3Journal {
    fn append(&mut self, line: &[u8]) -> Result<(), StateError> {
        let key = format!("{}{:012}", self.storage.journal_prefix(), self.next);
        self.storage
            .put_object(&key, line.to_vec(), None)
            .map_err(|e| aws_error(&format!("Writing the journal entry s3://{}/{key}", self.storage.bucket), *e))?;
        self.next += 1;
        Ok(())
    }

    fn sync(&mut self) -> Result<(), StateError> {
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), StateError> {
        self.storage.journal_remove()
    }
}
