//! Links: a linked list is followed, a linked lock is not, and another
//! user's link in a shared folder leads nowhere.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::thread;

use super::harness::*;

#[test]
fn a_symlinked_list_is_updated_through_the_link() {
    let dir = scratch();
    fs::create_dir(dir.path().join("dotfiles")).unwrap();
    symlink(format!("dotfiles/{FILE}"), dir.path().join(FILE)).unwrap();
    // The target does not exist yet: the first add creates it.
    assert_ok(&run(dir.path(), &create("first")));
    assert_ok(&run(dir.path(), &create("second")));
    let link = fs::symlink_metadata(dir.path().join(FILE)).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let target = fs::read_to_string(dir.path().join("dotfiles").join(FILE)).unwrap();
    assert!(target.contains("\"second\""), "{target}");
}

#[test]
fn a_lock_that_is_a_link_is_refused_not_followed() {
    // A lock leading to the list itself would be swapped away by every
    // rename, and concurrent writers would then lose each other's records.
    let dir = scratch();
    let lock = lock_name();
    let path = dir.path().join(FILE);
    write_list(&path, 3);
    symlink(FILE, dir.path().join(&lock)).unwrap();
    let before = fs::read(&path).unwrap();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let dir = dir.path().to_owned();
            let lock = lock.clone();
            thread::spawn(move || {
                for n in 0..5 {
                    let out = run(&dir, &create(&format!("w{w} n{n}")));
                    assert_fails(
                        &out,
                        74,
                        &format!("cannot lock {FILE} (with {lock}): it is a symbolic link"),
                    );
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(
        fs::symlink_metadata(dir.path().join(&lock))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
#[ignore = "needs root"]
fn another_users_link_in_a_shared_folder_is_not_followed() {
    let dir = scratch();
    let shared = shared_folder(dir.path());
    let secret = dir.path().join("secret");
    fs::write(&secret, "root's alone").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    // Another user leaves a link where root will run the program.
    by_nobody(&shared, &["ln", "-s", "../secret", FILE]);
    for args in [&create("x")[..], &[LIST]] {
        let out = run(&shared, args);
        assert_fails(
            &out,
            74,
            &format!("{FILE} is a link made by another user (uid 65534)"),
        );
    }
    assert_eq!(fs::read_to_string(&secret).unwrap(), "root's alone");
    // A link of one's own there is followed as ever.
    symlink("../mine.json", shared.join("mine.json")).unwrap();
    assert_ok(&run(&shared, &and(create("x"), &["--file", "mine.json"])));
    assert_eq!(records_of(&shared, "mine.json").len(), 1);
}
