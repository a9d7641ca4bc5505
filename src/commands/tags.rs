//! Where a policy's tags come from, in SPEC order: `--tags`/`--tags-file`,
//! else the registry (with the credentials the controller would use), else —
//! when the registry cannot be used — the repository's status sample, loudly.

use crate::cli::TagsFrom;
use crate::model::ImageRepository;
use crate::source::cluster::Cluster;
use crate::source::reference::ImageReference;
use crate::source::registry::{self, Auth, ListRequest, TlsConfig, credentials};
use crate::source::tags::TagText;
use std::time::Duration;

/// What the command line says about tag sources.
#[derive(Debug, Clone, Default)]
pub struct TagOptions {
    pub forced: Option<TagsFrom>,
    /// `--tags` / `--tags-file`, read once.
    pub shared: Option<TagText>,
    /// `--no-cluster-secrets`: never read Secrets.
    pub no_cluster_secrets: bool,
    pub request_timeout: Option<Duration>,
    pub verbose: u8,
}

impl TagOptions {
    /// From the command line: `--tags` / `--tags-file` (read once here), the
    /// forced source, and the global flags.
    pub fn new(
        config: &crate::cli::Config,
        forced: Option<TagsFrom>,
        given: &crate::cli::TagArgs,
        request_timeout: Option<Duration>,
    ) -> anyhow::Result<TagOptions> {
        let shared = if !given.tags.is_empty() {
            Some(TagText::from_flag(&given.tags))
        } else if let Some(path) = given.tags_file.as_deref() {
            Some(TagText::from_file(path)?)
        } else {
            None
        };
        Ok(TagOptions {
            forced,
            shared,
            no_cluster_secrets: config.no_cluster_secrets,
            request_timeout,
            verbose: config.verbose,
        })
    }
}

/// A repository's tags and what the user should know about them.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub text: TagText,
    pub notes: Vec<String>,
}

/// The tags for one repository; `Err` says why there are none.
pub async fn resolve(
    cluster: Option<&Cluster>,
    repository: Option<&ImageRepository>,
    options: &TagOptions,
) -> Result<Resolved, String> {
    let forced = options.forced;
    if let Some(text) = options
        .shared
        .as_ref()
        .filter(|_| !matches!(forced, Some(TagsFrom::Status | TagsFrom::Registry)))
    {
        return Ok(Resolved {
            text: text.clone(),
            notes: Vec::new(),
        });
    }
    let status = repository.and_then(status_sample);
    if forced == Some(TagsFrom::Status) {
        return status
            .map(|text| Resolved {
                text,
                notes: Vec::new(),
            })
            .ok_or_else(|| {
                "--tags-from status: the ImageRepository has no status.lastScanResult.latestTags"
                    .to_string()
            });
    }
    let Some(repo) = repository.filter(|r| !r.spec.image.is_empty()) else {
        return Err(
            "no tags to evaluate: the ImageRepository (its spec.image) is unknown; pass --tags or --tags-file".to_string()
        );
    };
    match from_registry(cluster, repo, options).await {
        Ok(resolved) => Ok(resolved),
        Err(message) if forced == Some(TagsFrom::Registry) => Err(message),
        Err(message) => match status {
            Some(text) => Ok(Resolved {
                text,
                notes: vec![format!(
                    "the registry could not be used ({message}); falling back to the repository's status sample"
                )],
            }),
            None => Err(message),
        },
    }
}

fn status_sample(repo: &ImageRepository) -> Option<TagText> {
    let scan = repo.status.as_ref()?.last_scan_result.as_ref()?;
    (!scan.latest_tags.is_empty()).then(|| {
        TagText::from_status(
            format!(
                "ImageRepository {}/{} status.lastScanResult.latestTags",
                repo.namespace(),
                repo.metadata.name
            ),
            &scan.latest_tags,
        )
    })
}

/// The registry request for a repository, with the credentials and TLS the
/// controller would use; also what to call it in messages.
async fn registry_request(
    cluster: Option<&Cluster>,
    repo: &ImageRepository,
    options: &TagOptions,
) -> Result<(ListRequest, ImageReference, String), String> {
    let what = format!(
        "ImageRepository {}/{}: listing the tags of {}",
        repo.namespace(),
        repo.metadata.name,
        repo.spec.image
    );
    let reference = ImageReference::parse(&repo.spec.image).map_err(|e| format!("{what}: {e}"))?;
    let mut req = ListRequest::new(&repo.spec.image);
    req.insecure = repo.spec.insecure;
    req.auth = auth(cluster, repo, &reference.registry, options)
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    req.tls = tls(cluster, repo, options)
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    if let Some(timeout) = options.request_timeout {
        req.connect_timeout = timeout;
        req.request_timeout = timeout;
    }
    req.log = Some(std::sync::Arc::new(
        |line: &str| tracing::info!(target: "registry", "{line}"),
    ));
    Ok((req, reference, what))
}

/// The registry's digest for `tag` of the repository's image (`diff --digests`).
pub async fn digest(
    cluster: Option<&Cluster>,
    repo: &ImageRepository,
    tag: &str,
    options: &TagOptions,
) -> Result<String, String> {
    let (req, _, _) = registry_request(cluster, repo, options).await?;
    registry::manifest_digest(&req, tag).await.map_err(|e| {
        format!(
            "ImageRepository {}/{}: the digest of {}:{tag}: {e}",
            repo.namespace(),
            repo.metadata.name,
            repo.spec.image
        )
    })
}

async fn from_registry(
    cluster: Option<&Cluster>,
    repo: &ImageRepository,
    options: &TagOptions,
) -> Result<Resolved, String> {
    let (req, reference, what) = registry_request(cluster, repo, options).await?;
    let anonymous = req.auth.credentials.is_none();
    let listing = registry::list_tags(&req).await.map_err(|e| {
        let mut message = format!("{what}: {e}");
        if anonymous
            && let Some(provider) = repo.spec.provider.as_deref().filter(|p| *p != "generic")
        {
            message.push_str(&format!(
                " (provider '{provider}': no local docker credential helper gave credentials for {})",
                reference.registry
            ));
        }
        message
    })?;
    let mut notes = Vec::new();
    if let Some(limit) = &listing.rate_limit {
        notes.push(format!("{}: {}", listing.url, limit.summary()));
    }
    if let Some(provider) = repo.spec.provider.as_deref().filter(|p| *p != "generic") {
        notes.push(format!(
            "provider '{provider}': the controller uses the cloud's workload identity; this listing used {}",
            listing.auth
        ));
    }
    Ok(Resolved {
        text: registry::tag_text(&listing),
        notes,
    })
}

/// Credentials in the controller's order: `secretRef`, the service account's
/// image pull secrets, then (our addition) the local docker config, else anonymous.
async fn auth(
    cluster: Option<&Cluster>,
    repo: &ImageRepository,
    host: &str,
    options: &TagOptions,
) -> Result<Auth, String> {
    if let (Some(cluster), false) = (cluster, options.no_cluster_secrets) {
        let ns = repo.namespace();
        let mut secrets: Vec<String> = repo
            .spec
            .secret_ref
            .iter()
            .map(|r| r.name.clone())
            .collect();
        if let Some(account) = repo
            .spec
            .service_account_name
            .as_deref()
            .filter(|a| !a.is_empty())
        {
            secrets.extend(
                cluster
                    .pull_secret_names(ns, account)
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
        for name in secrets {
            let data = cluster
                .secret_data(ns, &name)
                .await
                .map_err(|e| e.to_string())?;
            let auth = credentials::from_secret_data(&data, &format!("{ns}/{name}"), host)
                .map_err(|e| e.to_string())?;
            if auth.credentials.is_some() {
                return Ok(auth);
            }
        }
    }
    credentials::from_local_docker_config(host).map_err(|e| e.to_string())
}

/// `certSecretRef`: `ca.crt`, `tls.crt`, `tls.key` (read only from a cluster).
async fn tls(
    cluster: Option<&Cluster>,
    repo: &ImageRepository,
    options: &TagOptions,
) -> Result<TlsConfig, String> {
    let (Some(cluster), Some(secret), false) = (
        cluster,
        repo.spec.cert_secret_ref.as_ref(),
        options.no_cluster_secrets,
    ) else {
        return Ok(TlsConfig::default());
    };
    let mut data = cluster
        .secret_data(repo.namespace(), &secret.name)
        .await
        .map_err(|e| e.to_string())?;
    Ok(TlsConfig {
        ca_pem: data.remove("ca.crt"),
        client_cert_pem: data.remove("tls.crt"),
        client_key_pem: data.remove("tls.key"),
    })
}
