//! `suggest`: gather a tag list (`--tags`/`--tags-file` offline, else the
//! registry of IMAGE or of the ImageRepository `--image-repository` in the
//! cluster), suggest a policy per family (`crate::suggest`), render the
//! suggestions with their manifests and `flux create image policy` lines.

use crate::cli::{Config, SuggestArgs};
use crate::exit::Exit;
use crate::render::suggest::{Document, rejection};
use crate::source::tag_source::{Forced, TagOptions, TagService, TagSourceError};
use crate::source::tag_text::TagText;
use crate::suggest::manifest::{Target, repository_name_of, without_tag};
use anyhow::{Result, anyhow, bail};
use std::io::Write;

pub fn run(
    config: &Config,
    args: &SuggestArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    // Gather: where the policies go, then the tags.
    if !args.tag_list.given() && args.image.is_none() && args.image_repository.is_none() {
        writeln!(
            err,
            "error: suggest needs tags: pass IMAGE, --image-repository NAME, --tags or --tags-file"
        )?;
        writeln!(err, "See 'kubectl imagepolicy suggest --help' for usage.")?;
        return Ok(Exit::Error);
    }
    let image = args.image.as_deref().map(without_tag).transpose()?;
    if let (Some(given), Some(image)) = (&args.image, &image)
        && given.trim() != image
    {
        writeln!(
            err,
            "warning: {given}: the tag is ignored: the policies watch {image}"
        )?;
    }
    let mut target = Target {
        namespace: config.namespace.clone().unwrap_or_else(|| "default".into()),
        repository: args
            .image_repository
            .clone()
            .or_else(|| image.as_deref().and_then(repository_name_of)),
        image,
        insecure: args.insecure,
    };
    let text = tags(config, args, &mut target, err)?;
    let tags = text.tags();

    // Engine, report, render.
    let suggestions = crate::suggest::suggest(&tags, args.min_tags);
    let document = Document::new(&suggestions, &target, args.all);
    crate::render::suggest::render(out, &document, &config.render_options())?;
    if document.families.is_empty() {
        let why = if tags.is_empty() {
            format!("{} holds no tags", text.origin)
        } else {
            let reasons: Vec<String> = document.rejected.iter().map(rejection).collect();
            format!("{} tags, {}", tags.len(), reasons.join("; "))
        };
        writeln!(err, "error: no policy to suggest: {why}")?;
        return Ok(Exit::Failure);
    }
    Ok(Exit::Success)
}

/// The tags: given, else IMAGE's registry (no cluster: the local docker
/// config or anonymous), else the registry of the ImageRepository in the
/// cluster (its namespace set in `target`), with the credentials explain uses.
/// Never a status sample: a suggestion is proven on the whole list.
fn tags(
    config: &Config,
    args: &SuggestArgs,
    target: &mut Target,
    err: &mut dyn Write,
) -> Result<TagText> {
    if !args.tag_list.tags.is_empty() {
        let text = TagText::from_flag(&args.tag_list.tags);
        super::warn_all(err, &text.warnings)?;
        return Ok(text);
    }
    if let Some(path) = args.tag_list.tags_file.as_deref() {
        let text = TagText::from_file(path)?;
        super::warn_all(err, &text.warnings)?;
        return Ok(text);
    }
    let resolved = if let Some(repository) = target.repository_object() {
        let image = &repository.spec.image;
        let request_timeout = config.request_timeout;
        let options = TagOptions {
            forced: Some(Forced::Registry),
            no_cluster_secrets: true,
            request_timeout,
            ..TagOptions::default()
        };
        super::runtime()?
            .block_on(TagService::new(None, options).resolve(Some(&repository)))
            .map_err(|e| match e {
                TagSourceError::Registry { error, hint, .. } => {
                    anyhow!("listing the tags of {image}: {error}{hint}")
                }
                other => anyhow!("{image}: {other}"),
            })?
    } else {
        let name = args.image_repository.as_deref().unwrap_or_default();
        let inputs = super::gather(config, &[])?;
        if let (None, Some(cluster)) = (&config.namespace, &inputs.cluster) {
            target.namespace = cluster.default_namespace.clone();
        }
        let Some(repository) = inputs.manifests.repository(&target.namespace, name) else {
            bail!(
                "ImageRepository {}/{name} not found in {}",
                target.namespace,
                inputs.origin
            );
        };
        let options = TagOptions {
            forced: Some(Forced::Registry),
            no_cluster_secrets: config.no_cluster_secrets,
            request_timeout: inputs.request_timeout,
            ..TagOptions::default()
        };
        inputs
            .runtime
            .block_on(
                TagService::new(inputs.cluster.as_ref(), options).resolve(Some(&repository.object)),
            )
            .map_err(|e| anyhow!("{e}"))?
    };
    super::warn_all(err, &resolved.notes)?;
    Ok(resolved.text)
}
