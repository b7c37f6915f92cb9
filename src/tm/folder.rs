//! The `tm/` folder convention (as in an OmegaT project): TMX, CSV and TSV files placed in
//! the folder that holds the memory are imported when tomo opens it, once per file content.

use std::path::{Path, PathBuf};

use super::store::{FileStamp, ImportOptions, ImportReport, TranslationMemory, content_hash};
use crate::error::{Error, Result};
use crate::formats::{self, Format, ReadOptions};

/// What happened to one file in the folder.
#[derive(Debug)]
pub enum SyncEvent {
    /// The file was new or changed and was imported.
    Imported(PathBuf, ImportReport),
    /// The file could not be imported; it is tried again next time.
    Failed(Error),
}

/// Import every TMX/CSV/TSV file in `dir` whose content was not imported before. Files
/// already imported with the same content are passed over; a changed file is imported
/// again (de-duplicated as any import). A file that fails is reported, not fatal.
pub fn sync(tm: &mut TranslationMemory, dir: &Path) -> Result<Vec<SyncEvent>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::from(e).in_file(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        // Markdown there is more likely a note than a draft; drafts are imported by hand.
        .filter(|p| p.is_file() && Format::from_path(p).is_some_and(|f| f != Format::DraftMd))
        .collect();
    files.sort();
    let mut events = Vec::new();
    for file in files {
        let key = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let previous = tm.imported_file(&key)?;
        let stamp = match stamp_of(&file, previous.as_ref()) {
            Ok(Some(stamp)) => stamp,
            Ok(None) => continue,
            Err(e) => {
                events.push(SyncEvent::Failed(Error::from(e).in_file(&file)));
                continue;
            }
        };
        if previous.as_ref().is_some_and(|p| p.hash == stamp.hash) {
            // Touched but not changed: remember the new time so it is not read again.
            tm.record_imported_file(&key, &stamp)?;
            continue;
        }
        let opts = ImportOptions { origin: Some(key.clone()) };
        let result = formats::read_file(&file, &ReadOptions::default())
            .and_then(|items| tm.import_stream(items, &opts, &mut |_| {}));
        match result {
            Ok(report) => {
                tm.record_imported_file(&key, &stamp)?;
                events.push(SyncEvent::Imported(file, report));
            }
            Err(e) => events.push(SyncEvent::Failed(e.in_file(&file))),
        }
    }
    Ok(events)
}

/// The file's stamp, or `None` when its size and modification time are those recorded
/// (then it is not read at all: tomo opens the memory on every command).
fn stamp_of(file: &Path, previous: Option<&FileStamp>) -> std::io::Result<Option<FileStamp>> {
    let meta = std::fs::metadata(file)?;
    let size = i64::try_from(meta.len()).unwrap_or(i64::MAX);
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    if previous.is_some_and(|p| p.size == size && p.modified == modified && modified != 0) {
        return Ok(None);
    }
    let hash = content_hash(std::io::BufReader::new(std::fs::File::open(file)?))?;
    Ok(Some(FileStamp { hash, size, modified }))
}
