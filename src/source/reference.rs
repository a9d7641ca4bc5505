//! Image references normalised as Flux (go-containerregistry) and container
//! runtimes do, so `nginx`, `library/nginx`, `docker.io/library/nginx` and
//! `index.docker.io/library/nginx:latest` all name one repository. The
//! registry code lists tags with it; `diff` compares workload images with it.

use std::fmt;

/// Docker Hub's canonical name; `index.docker.io` and `registry-1.docker.io`
/// are the same registry.
pub const DOCKER_HUB: &str = "docker.io";
/// The host that serves Docker Hub's registry API.
pub const DOCKER_HUB_API: &str = "registry-1.docker.io";

/// A parsed image reference: registry, repository path, and the tag or digest
/// it named (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference {
    /// `docker.io` for Docker Hub, else the host as written (with its port).
    pub registry: String,
    /// The repository path, `library/` added for one-segment Docker Hub names.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:…` when the reference was pinned by digest.
    pub digest: Option<String>,
}

/// Why a string is not an image reference; names the string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError(pub String);

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReferenceError {}

impl ImageReference {
    /// Parses `[host[:port]/]path[:tag][@digest]`. The first segment is a
    /// registry when it holds a `.` or a `:` or is `localhost`, and more
    /// segments follow (Docker's rule).
    pub fn parse(input: &str) -> Result<ImageReference, ReferenceError> {
        let bad = |why: &str| ReferenceError(format!("invalid image reference '{input}': {why}"));
        let text = input.trim();
        if text.is_empty() {
            return Err(bad("empty"));
        }
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => {
                let valid = d.split_once(':').is_some_and(|(alg, hex)| {
                    !alg.is_empty() && !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())
                });
                if !valid {
                    return Err(bad("malformed digest"));
                }
                (r, Some(d.to_string()))
            }
            None => (text, None),
        };
        // A tag is a ':' after the last '/'.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let tag = &rest[last_slash + i + 1..];
                if !valid_tag(tag) {
                    return Err(bad(&format!("invalid tag '{tag}'")));
                }
                (&rest[..last_slash + i], Some(tag.to_string()))
            }
            None => (rest, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, path))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), path)
            }
            _ => (DOCKER_HUB.to_string(), name),
        };
        if registry.is_empty() || registry.contains(char::is_whitespace) {
            return Err(bad("invalid registry"));
        }
        let registry = normalize_registry(&registry);
        if path.is_empty() {
            return Err(bad("no repository"));
        }
        if !path.split('/').all(valid_component) {
            return Err(bad(
                "a repository path holds lowercase letters, digits and separators (. _ __ - /)",
            ));
        }
        let repository = if registry == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_string()
        };
        Ok(ImageReference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The host that serves the registry API (`registry-1.docker.io` for Docker Hub).
    pub fn api_host(&self) -> &str {
        if self.registry == DOCKER_HUB {
            DOCKER_HUB_API
        } else {
            &self.registry
        }
    }

    pub fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }

    /// `registry/repository`, without tag or digest: `docker.io/library/nginx`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The tag, `latest` when neither a tag nor a digest was given.
    pub fn tag_or_latest(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }
}

impl fmt::Display for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// `index.docker.io`, `registry-1.docker.io` and `docker.io` (any case) are
/// Docker Hub; other hosts are kept as written.
pub fn normalize_registry(host: &str) -> String {
    let lower = host.to_ascii_lowercase();
    match lower.as_str() {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
        _ => host.to_string(),
    }
}

/// A tag the OCI distribution spec allows: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
pub fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// `[a-z0-9]+` separated by `.`, `_`, `__` or `-`s.
fn valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    b.iter()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-'))
        && !c.contains("..")
        && !c.contains("___")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ImageReference {
        ImageReference::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn docker_hub_forms_are_one_repository() {
        for s in [
            "nginx",
            "library/nginx",
            "docker.io/nginx",
            "docker.io/library/nginx",
            "index.docker.io/library/nginx",
            "INDEX.DOCKER.IO/nginx",
            "registry-1.docker.io/library/nginx",
        ] {
            let r = parse(s);
            assert_eq!(r.name(), "docker.io/library/nginx", "{s}");
            assert_eq!(r.api_host(), "registry-1.docker.io", "{s}");
            assert!(r.is_docker_hub());
            assert_eq!(r.tag_or_latest(), Some("latest"));
        }
        let r = parse("mouhamedali/k8s-debugger");
        assert_eq!(r.name(), "docker.io/mouhamedali/k8s-debugger");
    }

    #[test]
    fn hosts_and_ports_are_kept() {
        let r = parse("localhost:5000/x");
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("localhost:5000", "x")
        );
        assert_eq!(r.api_host(), "localhost:5000");
        let r = parse("localhost/x/y:1.0");
        assert_eq!(r.registry, "localhost");
        assert_eq!(r.tag.as_deref(), Some("1.0"));
        let r = parse("127.0.0.1:5000/team/app:v1");
        assert_eq!(r.name(), "127.0.0.1:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("v1"));
        let r = parse("ghcr.io/fluxcd/source-controller");
        assert_eq!(r.name(), "ghcr.io/fluxcd/source-controller");
        // One segment on another registry gets no library/.
        assert_eq!(parse("quay.io/x").repository, "x");
        // A first segment without '.', ':' or localhost is a path.
        assert_eq!(parse("team/app").name(), "docker.io/team/app");
    }

    #[test]
    fn tags_and_digests_are_stripped_from_the_name() {
        let d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let r = parse(&format!("nginx:1.25@{d}"));
        assert_eq!(r.name(), "docker.io/library/nginx");
        assert_eq!(r.tag.as_deref(), Some("1.25"));
        assert_eq!(r.digest.as_deref(), Some(d));
        let r = parse(&format!("localhost:5000/x@{d}"));
        assert_eq!(r.name(), "localhost:5000/x");
        assert_eq!(r.tag, None);
        assert_eq!(r.tag_or_latest(), None);
        assert_eq!(
            r.to_string(),
            format!("localhost:5000/x@{d}"),
            "Display round-trips"
        );
    }

    #[test]
    fn bad_references_are_refused_with_the_input() {
        for s in [
            "",
            "Nginx",
            "nginx:",
            "nginx:bad tag",
            "nginx@sha256:",
            "nginx@zzz",
            "ghcr.io/",
            "a//b",
            "-x",
        ] {
            let e = ImageReference::parse(s).expect_err(s);
            assert!(e.to_string().contains(&format!("'{}'", s.trim())), "{e}");
        }
    }
}
