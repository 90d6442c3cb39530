//! DP006 unpinned-image: a deployed container image with no tag or the `latest` tag.

use crate::diagnostic::Emitter;
use crate::model::container::ContainerSpec;

pub const TRIGGERS: &[&str] = &["image"];

/// The tag of an image reference, `None` when it has none. A digest pins it whatever
/// the tag: `Some("")` is never returned for a digest reference (see [`is_pinned`]).
fn tag(image: &str) -> Option<&str> {
    let last_segment = image.rsplit('/').next().unwrap_or(image);
    last_segment.split_once(':').map(|(_, tag)| tag)
}

/// The reference without its tag and digest: `gcr.io/team/orders:1.2` → `gcr.io/team/orders`.
pub fn repository(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    match tag(without_digest) {
        Some(tag) => &without_digest[..without_digest.len() - tag.len() - 1],
        None => without_digest,
    }
}

/// Is the reference pinned: a digest, or a tag other than `latest`?
pub fn is_pinned(image: &str) -> bool {
    if image.contains('@') {
        return true;
    }
    tag(image).is_some_and(|tag| !tag.is_empty() && tag != "latest")
}

pub fn check(spec: &ContainerSpec, out: &mut Emitter) {
    // A local stack pulls what the developer runs today on purpose, unless it pins the
    // same image for another of its services: then the two drift apart unnoticed.
    if !spec.is_deployed()
        || spec.tagged_at_deploy
        || (spec.in_local_stack() && !spec.pinned_elsewhere)
    {
        return;
    }
    let Some(image) = &spec.image else {
        return;
    };
    if image.value.is_empty() || is_pinned(&image.value) {
        return;
    }
    let what = if tag(&image.value) == Some("latest") {
        "the `latest` tag"
    } else {
        "no tag (it means `latest`)"
    };
    out.report(
        image.span,
        format!(
            "image `{}` of {} uses {what}: what runs changes with every push, and rollbacks cannot go back",
            image.value,
            spec.describe()
        ),
    )
    .help("pin a version tag (`app:1.4.2`) or a digest (`app@sha256:...`)");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning() {
        assert!(is_pinned("nginx:1.25"));
        assert!(is_pinned("registry:5000/team/app:2.0"));
        assert!(is_pinned("app@sha256:abcd"));
        assert!(is_pinned("app:latest@sha256:abcd"));
        assert!(!is_pinned("nginx"));
        assert!(!is_pinned("nginx:latest"));
        assert!(!is_pinned("registry:5000/team/app"));
    }
}
