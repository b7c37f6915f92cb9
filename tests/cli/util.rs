//! A temporary working directory and a `tomo` command that runs in it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A scratch directory for one test; removed when dropped.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

#[allow(dead_code)]
impl TestEnv {
    /// A new empty directory.
    pub fn new() -> Self {
        TestEnv { dir: tempfile::tempdir().expect("a temporary directory can be created") }
    }

    /// `tomo` with the directory as working directory and no `TOMO_DB` from outside.
    pub fn tomo(&self) -> Command {
        let mut cmd = Command::cargo_bin("tomo").expect("the tomo binary is built");
        cmd.current_dir(self.dir.path()).env_remove("TOMO_DB").env("NO_COLOR", "1");
        cmd
    }

    /// Write a file (creating folders) and return its absolute path.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Absolute path of `rel` inside the directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `tomo import --json FILE` into `tm.db` here; the JSON report it prints.
    pub fn import_json(&self, file: &Path) -> serde_json::Value {
        let out = self.tomo().args(["--db", "tm.db", "import", "--json"]).arg(file).assert().success();
        serde_json::from_slice(&out.get_output().stdout).expect("import --json prints one JSON object")
    }

    /// How many units `tm.db` here holds (`tomo stats --json`).
    pub fn units(&self) -> u64 {
        let out = self.tomo().args(["--db", "tm.db", "stats", "--json"]).assert().success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        v["units"].as_u64().expect("stats --json has a unit count")
    }

    /// The crate's root folder (for shipped examples and fixtures).
    pub fn repo(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }
}
