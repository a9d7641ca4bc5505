use super::*;

fn object(api_version: &str, kind: &str, name: &str, namespace: &str) -> Object {
    Object {
        api_version: api_version.into(),
        kind: kind.into(),
        name: name.into(),
        namespace: namespace.into(),
    }
}

fn run(template: &str) -> Result<String, Error> {
    let deploy = object("apps/v1", "Deployment", "app", "apps");
    let release = object("helm.toolkit.fluxcd.io/v2", "HelmRelease", "chart", "apps");
    let values = object("", "", "", "");
    let changes = [
        Changed {
            file: "deploy.yaml",
            object: &deploy,
            old_value: "ghcr.io/acme/app:1.9.0",
            new_value: "ghcr.io/acme/app:1.10.0",
            setter: "flux-system:app",
        },
        Changed {
            file: "release.yaml",
            object: &release,
            old_value: "1.9",
            new_value: "1.10",
            setter: "flux-system:chart:tag",
        },
        Changed {
            file: "values.yaml",
            object: &values,
            old_value: "1.9",
            new_value: "1.10",
            setter: "flux-system:chart:tag",
        },
    ];
    let mut values = BTreeMap::new();
    values.insert("env".to_string(), "prod".to_string());
    render(template, "flux-system", "fleet", &values, &changes)
}

include!("cases.rs");

#[test]
fn what_is_not_ported_is_said_not_guessed() {
    for (template, what) in [
        ("{{ sha256sum \"x\" }}", "the function \"sha256sum\""),
        ("{{ 1.5 }}", "the number 1.5"),
        ("{{ printf \"%5s\" \"x\" }}", "the printf format \"%5s\""),
        (
            "{{ define \"x\" }}{{ end }}",
            "{{define}} (this tool renders single templates only)",
        ),
    ] {
        assert_eq!(
            run(template),
            Err(Error::Unsupported(what.to_string())),
            "{template}"
        );
    }
}
