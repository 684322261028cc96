//! Permissions and owners: a list stays its owner's, whoever changes it.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::process::Command;

use super::harness::*;

#[test]
fn a_read_only_directory_is_an_io_error_and_changes_nothing() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    write_list(&path, 3);
    let before = fs::read(&path).unwrap();
    let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
    let mut cmd = if root.trim() == "0" {
        // Root writes anywhere; run as `nobody`, for whom the directory is read-only.
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("skipped: running as root, and setpriv is missing to drop privileges");
            return;
        }
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        cmd
    } else {
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        Command::new(BIN)
    };
    cmd.current_dir(dir.path()).env_remove("{{project-name | shouty_snake_case}}_FILE");

    let add = cmd.args(create("x")).output().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_fails(&add, 74, "Permission denied");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn an_existing_file_keeps_its_permissions() {
    let dir = scratch();
    let path = dir.path().join(FILE);
    write_list(&path, 1);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    assert_ok(&run(dir.path(), &create("x")));
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
#[ignore = "needs root"]
fn a_list_changed_by_root_stays_its_owners() {
    let dir = scratch();
    as_nobody(dir.path());
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("home");
    let lock = lock_name();
    fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(NOBODY), Some(NOBODY)).unwrap();
    let owner = |name: &str| {
        let meta = fs::metadata(home.join(name)).unwrap();
        (meta.uid(), meta.gid(), meta.mode() & 0o7777)
    };
    // Root (as under `sudo`) creating in someone's folder: the new list and
    // its lock are theirs.
    assert_ok(&run(&home, &create("by root, first")));
    assert_eq!((owner(FILE).0, owner(FILE).1), (NOBODY, NOBODY));
    assert_eq!((owner(&lock).0, owner(&lock).1), (NOBODY, NOBODY));
    // An existing list keeps its owner, group and mode.
    fs::set_permissions(home.join(FILE), fs::Permissions::from_mode(0o640)).unwrap();
    assert_ok(&run(&home, &create("by root, again")));
    assert_eq!(owner(FILE), (NOBODY, NOBODY, 0o640));
    // A lock file root made and kept (as an older version did) locks no one out.
    std::os::unix::fs::chown(home.join(&lock), Some(0), Some(0)).unwrap();
    fs::set_permissions(home.join(&lock), fs::Permissions::from_mode(0o644)).unwrap();
    // And the owner goes on using the list.
    let by_owner = as_nobody(&home)
        .args(create("by the owner"))
        .output()
        .unwrap();
    assert_ok(&by_owner);
    assert_eq!(records(&home).len(), 3);
    assert_eq!(owner(FILE), (NOBODY, NOBODY, 0o640));
}
