//! Files the providers own (rule files, Alertmanager's configuration):
//! written so that a reader never sees half of one.

use std::path::Path;

/// Writes `content` to `file` through a temporary file in the same
/// directory (a hidden name no `*.yml` glob matches) and a rename, keeping
/// the old file's permissions.
pub fn write_atomic(file: &Path, content: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.strata-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        if let Ok(meta) = std::fs::metadata(file) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, file)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
