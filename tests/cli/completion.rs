//! `completion SHELL` and the hidden `__complete` entry, run as a binary.

use crate::util::{Dir, example};

fn stdout(dir: &Dir, args: &[&str]) -> String {
    let out = dir
        .cmd()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    let dir = Dir::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout(&dir, &["completion", shell]);
        assert!(script.contains("kubectl-imagepolicy"), "{shell}");
        for word in ["explain", "version", "completion", "tags-file"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
        assert!(
            !script.contains("__complete"),
            "{shell}: hidden entry leaked"
        );
    }
    dir.cmd().args(["completion", "tcsh"]).assert().code(2);
}

#[test]
fn bash_script_completes_in_bash() {
    let dir = Dir::new();
    let script = dir.write("c.bash", &stdout(&dir, &["completion", "bash"]));
    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let probe = format!(
        "source {script}\n\
         COMP_WORDS=(kubectl-imagepolicy ex); COMP_CWORD=1; COMP_LINE='kubectl-imagepolicy ex'; COMP_POINT=${{#COMP_LINE}}\n\
         _kubectl_imagepolicy kubectl-imagepolicy ex kubectl-imagepolicy\n\
         echo \"${{COMPREPLY[@]}}\"\n\
         COMP_WORDS=(kubectl-imagepolicy explain --tags-f); COMP_CWORD=2\n\
         _kubectl_imagepolicy kubectl-imagepolicy --tags-f explain\n\
         echo \"${{COMPREPLY[@]}}\"\n"
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &probe])
        .env(
            "PATH",
            format!(
                "{}:/usr/bin:/bin",
                std::path::Path::new(bin).parent().expect("dir").display()
            ),
        )
        .output()
        .expect("bash");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        ["explain", "--tags-file --tags-from"],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn kubectl_helper_is_the_shipped_script() {
    let dir = Dir::new();
    let helper = stdout(&dir, &["completion", "kubectl"]);
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/krew/kubectl_complete-imagepolicy"
    ))
    .expect("helper");
    assert_eq!(helper, shipped);
    assert!(helper.starts_with("#!/bin/sh\n"));
    assert!(helper.contains("__complete \"$@\""));
}

#[test]
fn cobra_protocol_for_subcommands_flags_and_names() {
    let dir = Dir::new();
    assert_eq!(
        stdout(&dir, &["__complete", "ver"]),
        "version\tPrint the version\n:4\n"
    );
    assert_eq!(stdout(&dir, &["__completeNoDesc", "ver"]), "version\n:4\n");
    assert_eq!(
        stdout(&dir, &["__complete", "explain", "--tags-from", ""]),
        "registry\nstatus\nfile\n:4\n"
    );
    let names = stdout(
        &dir,
        &[
            "__complete",
            "explain",
            "-f",
            &example("tutorial"),
            "-n",
            "flux-system",
            "k8s",
        ],
    );
    assert!(
        names.starts_with("k8s-debugger-uat-policy\tImagePolicy in flux-system"),
        "{names}"
    );
    assert!(names.ends_with("\n:4\n"), "{names}");
    // -f wants a path: the shell's own file completion (directive 0).
    assert_eq!(
        stdout(&dir, &["__complete", "explain", "-f", "exa"]),
        ":0\n"
    );
    // Nothing typed after a half-finished line is an error.
    assert_eq!(
        stdout(&dir, &["__complete", "explain", "--bogus", "--", ""]),
        ":4\n"
    );
    // No arguments at all: the subcommands.
    assert!(stdout(&dir, &["__complete"]).starts_with("explain\t"));
}
