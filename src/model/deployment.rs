//! The deployment model: what ships, judged across files before any file's rules run.
//!
//! One file alone does not say what runs: a compose override changes its base, a compose
//! file or CI job picks the Dockerfile stage that is built, skaffold and kustomize set
//! the tag of an image at deploy time, a Kubernetes manifest or compose service runs an
//! image as non-root or gives it a health check. [`Deployment::index`] reads the small
//! deployment files of the project once (compose, Kubernetes, skaffold, kustomize, Tilt,
//! CI workflows, Makefiles and shell scripts that call `docker build`) and keeps domain
//! records that the file checks then query:
//!
//! - compose **stacks**: which file is the base, which are layered onto it, which layers
//!   only serve development ([`ComposeLayer`]);
//! - the **stage** each Dockerfile is built at ([`Deployment::target_of`]);
//! - the **images built or tagged here** ([`Deployment::tags_image`]);
//! - how each Dockerfile's image **runs** where it is deployed ([`ImageRun`]);
//! - the files kustomize uses as **patches** (fragments, not objects of their own).
//!
//! Nothing here runs or imports anything; every file is only parsed.

use std::collections::{BTreeMap, BTreeSet};

use crate::collect::image_repository_name;
use crate::kind::ArtifactKind;
use crate::lang::shell::split_words;
use crate::lang::yaml::{Node, NodeValue};
use crate::model::compose::{interpolate, service_entries};
use crate::model::compose_layers::{
    BASE_NAMES, declares_deployment, development_signal, is_override_of,
};
use crate::model::container::{ContainerOrigin, ContainerSpec};
use crate::model::helm::ChartValues;
use crate::source::normalize_slash_path;

/// A deployment file as the index reads it: its display path, kind and text.
pub struct IndexFile<'a> {
    pub path: &'a str,
    pub kind: ArtifactKind,
    pub text: &'a str,
}

/// Where a compose file stands in its stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeLayer {
    /// The files `docker compose` merges to run this file's services, base first; the
    /// file itself is one of them.
    pub stack: Vec<String>,
    pub role: LayerRole,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerRole {
    /// The base file of a folder (`compose.yaml`, `docker-compose.yml`).
    Base,
    /// Adjusts services of the base: compose's automatic override, or a fragment whose
    /// every service is one of the base's (used with `-f base -f fragment`).
    Layer,
    /// A layer that only serves local development (a reloader, the source tree mounted,
    /// a development build target): its findings are development findings, and the
    /// base is judged without it.
    Development(&'static str),
}

/// How an image built from one of the project's Dockerfiles runs where it is deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRun {
    /// Where: `compose.yaml (service web)`, `k8s/web.yaml (Deployment web)`.
    pub by: String,
    /// The deployment checks the container's health (compose healthcheck, a probe).
    pub health_checked: bool,
    /// The runtime acts on the image's own HEALTHCHECK (compose, Docker); Kubernetes
    /// ignores it and uses its probes.
    pub uses_image_healthcheck: bool,
    /// The deployment runs the container as a non-root user.
    pub non_root: bool,
}

#[derive(Debug, Default)]
pub struct Deployment {
    compose: BTreeMap<String, ComposeLayer>,
    targets: BTreeMap<String, String>,
    tagged_images: BTreeSet<String>,
    runs: BTreeMap<String, Vec<ImageRun>>,
    patches: BTreeSet<String>,
    /// The text of every compose file that is part of a stack, for the merged view.
    stack_texts: BTreeMap<String, String>,
    /// Each Helm chart's default values, by the chart's folder (`""` at the root).
    charts: BTreeMap<String, ChartValues>,
    /// Django settings files whose values the deployed settings module replaces, and
    /// those names (see `model::django_settings`).
    replaced_settings: BTreeMap<String, BTreeSet<String>>,
    /// Every Kubernetes Service that selects pods.
    service_selectors: Vec<ServiceSelector>,
    /// The Python scripts a HEALTHCHECK runs, as written after the image's own folders
    /// (`mealie/scripts/healthcheck.py`, `fetchstatus.py`; see `health_check_script`).
    health_check_scripts: BTreeSet<String>,
}

/// The Python script a health check command runs (`python $HOME/app/check.py || exit 1`,
/// `./fetchstatus.py`), as a path that ends the project file's path: the part after the
/// last variable, without `./`; for an absolute path only the file name, since where the
/// image copies a file from is not followed.
fn health_check_script(words: &[&str]) -> Option<String> {
    let script = words.iter().take(3).find(|w| w.ends_with(".py"))?;
    let script = match script.rfind('$') {
        Some(at) => script[at..].split_once('/')?.1,
        None if script.starts_with('/') => script.rsplit('/').next()?,
        None => script,
    };
    let script = script.trim_start_matches("./").trim_start_matches('/');
    (!script.is_empty() && !script.contains("..")).then(|| script.to_string())
}

/// A Service's pod selector, as the index reads it.
#[derive(Debug, Clone)]
struct ServiceSelector {
    namespace: Option<String>,
    /// `spec.selector`; `None` when a template writes any of it: it may then select
    /// any pod of its own chart (the files under its folder), none elsewhere.
    labels: Option<BTreeMap<String, String>>,
    folder: String,
}

/// A container that runs an image, before it is matched to a Dockerfile.
struct Runner {
    image: Option<String>,
    dockerfile: Option<String>,
    run: ImageRun,
}

impl Deployment {
    /// Is this file one the index reads? Decided from the name alone, so that a tree's
    /// Python sources are never read twice.
    pub fn wants(path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        name.ends_with(".yml")
            || name.ends_with(".yaml")
            || name == "tiltfile"
            || name == "makefile"
            || name.ends_with(".sh")
            || name.starts_with("dockerfile")
            || name.ends_with(".dockerfile")
            || name == ".env"
    }

    pub fn index(files: &[IndexFile]) -> Deployment {
        let mut deployment = Deployment::default();
        let dockerfiles: Vec<&str> = files
            .iter()
            .filter(|f| f.kind == ArtifactKind::Dockerfile)
            .map(|f| f.path)
            .collect();
        let mut runners: Vec<Runner> = Vec::new();
        let mut built: BTreeMap<String, String> = BTreeMap::new();
        let compose: Vec<&IndexFile> = files
            .iter()
            .filter(|f| f.kind == ArtifactKind::Compose)
            .collect();
        deployment.index_compose_stacks(&compose);
        let chart_dirs: BTreeSet<String> = files
            .iter()
            .filter(|f| f.path.rsplit('/').next() == Some("Chart.yaml"))
            .map(|f| parent(f.path))
            .collect();
        for file in files {
            let dir = parent(file.path);
            if file.path.rsplit('/').next() == Some("values.yaml") && chart_dirs.contains(&dir) {
                deployment.charts.insert(dir, ChartValues::parse(file.text));
            }
        }
        // compose reads `.env` of the project folder to interpolate its files.
        let project_env: BTreeMap<String, BTreeMap<String, String>> = files
            .iter()
            .filter(|f| f.path.rsplit('/').next() == Some(".env"))
            .map(|f| {
                let values = crate::lang::dotenv::parse(f.text)
                    .into_iter()
                    .map(|entry| (entry.key, entry.value))
                    .collect();
                (parent(f.path), values)
            })
            .collect();
        let no_env = BTreeMap::new();
        for file in files {
            let name = file
                .path
                .rsplit('/')
                .next()
                .unwrap_or(file.path)
                .to_ascii_lowercase();
            let dir = parent(file.path);
            // By name first: skaffold and kustomize files carry `apiVersion`/`kind` and
            // may be classified as Kubernetes manifests.
            match file.kind {
                _ if name == "skaffold.yaml" || name == "skaffold.yml" => {
                    deployment.read_skaffold(file.text, &dir, &mut built);
                }
                _ if name == "kustomization.yaml" || name == "kustomization.yml" => {
                    deployment.read_kustomization(file.text, &dir);
                }
                _ if name == "tiltfile" => deployment.read_tiltfile(file.text, &dir, &mut built),
                ArtifactKind::Compose => {
                    let env = project_env.get(&dir).unwrap_or(&no_env);
                    deployment.read_compose(file, env, &mut runners, &mut built);
                }
                ArtifactKind::Kubernetes => {
                    read_manifests(file, &mut runners, &mut deployment.service_selectors)
                }
                ArtifactKind::Dockerfile => deployment.read_health_checks(file.text),
                _ => {}
            }
            if file.kind != ArtifactKind::Dockerfile {
                deployment.read_build_commands(file.text, &dir, &mut built);
            }
        }
        for runner in runners {
            let dockerfile = runner.dockerfile.or_else(|| {
                let image = runner.image.as_deref()?;
                let repository = image_repository_name(image);
                built
                    .get(&repository)
                    .cloned()
                    .or_else(|| dockerfile_in_folder_named(&dockerfiles, &repository))
            });
            if let Some(dockerfile) = dockerfile {
                deployment
                    .runs
                    .entry(dockerfile)
                    .or_default()
                    .push(runner.run);
            }
        }
        deployment
    }

    /// A chart template's text as the chart's default values render it: the blocks they
    /// switch off blanked (see `model::helm`), every byte where it was. Other files, and
    /// templates of charts whose values are not in the project, as they are.
    pub fn rendered_by_default<'t>(&self, path: &str, text: &'t str) -> std::borrow::Cow<'t, str> {
        let chart = match path.rfind("/templates/") {
            Some(at) => &path[..at],
            None if path.starts_with("templates/") => "",
            None => return text.into(),
        };
        let Some(values) = self.charts.get(chart) else {
            return text.into();
        };
        let actions = crate::lang::yaml::template_action_spans(text);
        let disabled = crate::model::helm::disabled_by_default(text, &actions, values);
        // Blocks start after a `}}` and end at a `{{`: whole characters only.
        crate::lang::yaml::blank_spans(text, &disabled).map_or(text.into(), Into::into)
    }

    /// The compose file's place in its stack; `None` for a file judged alone.
    /// Records which settings of which Django settings files the deployed settings
    /// modules replace.
    pub fn set_replaced_settings(&mut self, replaced: BTreeMap<String, BTreeSet<String>>) {
        self.replaced_settings = replaced;
    }

    /// The settings of a Django settings file that every deployed settings module
    /// replaces: its values for them never take effect.
    pub fn replaced_settings(&self, path: &str) -> Option<&BTreeSet<String>> {
        self.replaced_settings.get(path)
    }

    /// Can traffic reach this container: it declares a port, or a Service of the
    /// project selects (or, templated, may select) its pod? Only a project that declares
    /// Services says which pods none of them routes to: without any, true (as for
    /// anything but Kubernetes).
    pub fn may_take_traffic(&self, spec: &ContainerSpec, path: &str) -> bool {
        if !matches!(spec.origin, ContainerOrigin::Kubernetes { .. })
            || !spec.ports.is_empty()
            || self.service_selectors.is_empty()
        {
            return true;
        }
        // No labels written: a fragment (a workload needs labels for its own selector),
        // so nothing is known of what selects it.
        let Some(labels) = spec.pod_labels.as_ref().filter(|labels| !labels.is_empty()) else {
            return true;
        };
        self.service_selectors.iter().any(|service| {
            crate::model::facts::same_namespace(&service.namespace, &spec.pod_namespace)
                && match &service.labels {
                    Some(selector) => {
                        !selector.is_empty()
                            && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
                    }
                    None => within(path, &service.folder),
                }
        })
    }

    pub fn compose_layer(&self, path: &str) -> Option<&ComposeLayer> {
        self.compose.get(path)
    }

    /// Why the file only serves development, when the model knows it from other files.
    pub fn development_reason(&self, path: &str) -> Option<&'static str> {
        match self.compose.get(path)?.role {
            LayerRole::Development(reason) => Some(reason),
            _ => None,
        }
    }

    /// The stage name a build of this Dockerfile targets.
    pub fn target_of(&self, dockerfile: &str) -> Option<&str> {
        self.targets.get(dockerfile).map(String::as_str)
    }

    /// Is this image (any reference; compared by repository name) built by this
    /// project or given its tag at deploy time (skaffold, kustomize `images:`, Tilt, a
    /// `docker build -t` in CI)? Its written tag is not what runs.
    pub fn tags_image(&self, image: &str) -> bool {
        self.tagged_images.contains(&image_repository_name(image))
    }

    /// Every deployment found that runs this Dockerfile's image.
    pub fn runs_of(&self, dockerfile: &str) -> &[ImageRun] {
        self.runs.get(dockerfile).map_or(&[], Vec::as_slice)
    }

    /// The text of a compose file of a stack, as the index read it.
    pub fn stack_text(&self, path: &str) -> Option<&str> {
        self.stack_texts.get(path).map(String::as_str)
    }

    /// Is this file a kustomize patch: a fragment merged onto a base object?
    pub fn is_patch(&self, path: &str) -> bool {
        self.patches.contains(path)
    }

    fn index_compose_stacks(&mut self, files: &[&IndexFile]) {
        let mut by_dir: BTreeMap<String, Vec<&IndexFile>> = BTreeMap::new();
        for file in files {
            by_dir.entry(parent(file.path)).or_default().push(file);
        }
        for (_, files) in by_dir {
            let Some(base) = BASE_NAMES
                .iter()
                .find_map(|b| files.iter().find(|f| file_name(f.path) == *b))
            else {
                continue;
            };
            let base_services = service_names(base.text);
            if base_services.is_empty() {
                continue;
            }
            let mut automatic: Vec<String> = Vec::new();
            let mut deploy_layers: Vec<String> = Vec::new();
            for file in &files {
                if file.path == base.path {
                    continue;
                }
                let is_automatic = is_override_of(file_name(file.path), file_name(base.path));
                let parsed = crate::lang::yaml::parse(file.text);
                let entries = service_entries(&parsed);
                let in_base = |key: &Node| key.as_str().is_some_and(|k| base_services.contains(k));
                // A fragment adjusts the base's services: all its services are the base's,
                // or one of them has no image and nothing to build, so it cannot run
                // without the base (`-f compose.yaml -f compose.observability.yaml`).
                let fragment = !entries.is_empty()
                    && (entries.iter().all(|(k, _)| in_base(k))
                        || entries.iter().any(|(k, body)| {
                            in_base(k) && body.get("image").is_none() && body.get("build").is_none()
                        }));
                if !is_automatic && !fragment {
                    continue;
                }
                let role = match development_signal(entries) {
                    Some(reason) => LayerRole::Development(reason),
                    None => LayerRole::Layer,
                };
                if is_automatic && role == LayerRole::Layer {
                    automatic.push(file.path.to_string());
                }
                if !is_automatic
                    && role == LayerRole::Layer
                    && declares_deployment(&[file_name(file.path)], &[]).is_some()
                {
                    deploy_layers.push(file.path.to_string());
                }
                self.stack_texts
                    .insert(file.path.to_string(), file.text.to_string());
                self.stack_texts
                    .insert(base.path.to_string(), base.text.to_string());
                self.compose.insert(
                    file.path.to_string(),
                    ComposeLayer {
                        stack: vec![base.path.to_string(), file.path.to_string()],
                        role,
                    },
                );
            }
            // What ships: `-f compose.yaml -f compose.deploy.yaml` on the server when a
            // layer says it deploys the base, else what a plain `docker compose up` merges.
            let layers = if deploy_layers.is_empty() {
                automatic
            } else {
                deploy_layers
            };
            if !layers.is_empty() {
                let mut stack = vec![base.path.to_string()];
                stack.extend(layers);
                self.compose.insert(
                    base.path.to_string(),
                    ComposeLayer {
                        stack,
                        role: LayerRole::Base,
                    },
                );
            }
        }
    }

    fn read_compose(
        &mut self,
        file: &IndexFile,
        env: &BTreeMap<String, String>,
        runners: &mut Vec<Runner>,
        built: &mut BTreeMap<String, String>,
    ) {
        let stream = crate::lang::yaml::parse(file.text);
        // A value as compose sees it; one that needs a variable `.env` does not set stays
        // as written (its `$` marks it unknown below).
        let value = |node: Option<&Node>| {
            node.and_then(Node::as_str)
                .map(|raw| interpolate(raw, env).unwrap_or_else(|| raw.to_string()))
        };
        let services = service_entries(&stream);
        let dir = parent(file.path);
        for (key, body) in services {
            let Some(service) = key.as_str() else {
                continue;
            };
            let image = value(body.get("image"));
            let dockerfile = body.get("build").and_then(|build| {
                let (context, dockerfile, target) = match &build.value {
                    NodeValue::Mapping(_) => (
                        value(build.get("context")).unwrap_or_else(|| ".".to_string()),
                        value(build.get("dockerfile")),
                        value(build.get("target")),
                    ),
                    _ => (value(Some(build))?, None, None),
                };
                if context.contains("://") || context.contains('$') {
                    return None;
                }
                let dockerfile = dockerfile.unwrap_or_else(|| "Dockerfile".to_string());
                if dockerfile.contains('$') {
                    return None;
                }
                let path = join(&join(&dir, &context), &dockerfile);
                if let Some(target) = target.filter(|t| !t.contains('$')) {
                    self.targets.entry(path.clone()).or_insert(target);
                }
                Some(path)
            });
            if let (Some(image), Some(dockerfile)) = (&image, &dockerfile) {
                self.tag(image, dockerfile, built);
            }
            let user = body.get("user").and_then(|u| {
                u.as_str()
                    .map(str::to_string)
                    .or_else(|| u.as_i64().map(|n| n.to_string()))
            });
            runners.push(Runner {
                image,
                dockerfile,
                run: ImageRun {
                    by: format!("{} (service {service})", file.path),
                    health_checked: body
                        .get("healthcheck")
                        .is_some_and(|h| h.get("disable").and_then(Node::as_bool) != Some(true)),
                    uses_image_healthcheck: true,
                    non_root: user.is_some_and(|u| {
                        let who = u.split(':').next().unwrap_or("");
                        !who.is_empty() && who != "root" && who != "0" && !who.contains('$')
                    }),
                },
            });
        }
    }

    /// Records the Python script each HEALTHCHECK of a Dockerfile runs.
    fn read_health_checks(&mut self, text: &str) {
        let dockerfile = crate::lang::dockerfile::parse(text);
        let checks = dockerfile
            .stages
            .iter()
            .flat_map(|stage| &stage.instructions)
            .filter(|instruction| instruction.keyword == "HEALTHCHECK");
        for check in checks {
            let words: Vec<&str> = check.words().iter().map(|w| w.text.as_str()).collect();
            if let Some(script) = health_check_script(&words) {
                self.health_check_scripts.insert(script);
            }
        }
    }

    /// Is the Python file at `path` a script some HEALTHCHECK runs? Docker kills a check
    /// after its `--timeout` (30 s unless set), so nothing in it can wait forever.
    pub fn runs_as_health_check(&self, path: &str) -> bool {
        self.health_check_scripts
            .iter()
            .any(|script| path == script || path.ends_with(&format!("/{script}")))
    }

    fn read_skaffold(&mut self, text: &str, dir: &str, built: &mut BTreeMap<String, String>) {
        for document in crate::lang::yaml::parse(text).documents {
            let Some(artifacts) = document
                .root
                .as_ref()
                .and_then(|r| r.get_path(&["build", "artifacts"]))
                .and_then(Node::as_seq)
            else {
                continue;
            };
            for artifact in artifacts {
                let Some(image) = artifact.get("image").and_then(Node::as_str) else {
                    continue;
                };
                let context = artifact
                    .get("context")
                    .and_then(Node::as_str)
                    .unwrap_or(".");
                let docker = artifact.get("docker");
                let dockerfile = docker
                    .and_then(|d| d.get("dockerfile"))
                    .and_then(Node::as_str)
                    .unwrap_or("Dockerfile");
                let path = join(&join(dir, context), dockerfile);
                if let Some(target) = docker.and_then(|d| d.get("target")).and_then(Node::as_str) {
                    self.targets
                        .entry(path.clone())
                        .or_insert_with(|| target.to_string());
                }
                self.tag(image, &path, built);
            }
        }
    }

    fn read_kustomization(&mut self, text: &str, dir: &str) {
        let stream = crate::lang::yaml::parse(text);
        let Some(root) = stream.documents.first().and_then(|d| d.root.as_ref()) else {
            return;
        };
        for image in root
            .get("images")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            for key in ["name", "newName"] {
                if let Some(name) = image.get(key).and_then(Node::as_str) {
                    self.tagged_images.insert(image_repository_name(name));
                }
            }
        }
        for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
            for patch in root.get(key).and_then(Node::as_seq).unwrap_or_default() {
                let path = patch
                    .as_str()
                    .or_else(|| patch.get("path").and_then(Node::as_str));
                if let Some(path) = path.filter(|p| !p.contains('\n') && !p.contains(": ")) {
                    self.patches.insert(join(dir, path));
                }
            }
        }
    }

    /// `docker_build('ref', 'context', dockerfile='…', target='…')`.
    fn read_tiltfile(&mut self, text: &str, dir: &str, built: &mut BTreeMap<String, String>) {
        for call in text.split("docker_build(").skip(1) {
            let arguments = call.split(')').next().unwrap_or("");
            let strings = quoted_strings(arguments);
            let Some(image) = strings.first() else {
                continue;
            };
            let context = strings.get(1).map_or(".", String::as_str);
            let dockerfile = keyword_string(arguments, "dockerfile");
            let path = match &dockerfile {
                Some(d) => join(dir, d),
                None => join(&join(dir, context), "Dockerfile"),
            };
            if let Some(target) = keyword_string(arguments, "target") {
                self.targets.entry(path.clone()).or_insert(target);
            }
            self.tag(image, &path, built);
        }
    }

    /// `docker build` / `docker buildx build` / `podman build` command lines anywhere in
    /// CI workflows, Makefiles and scripts: `-t`/`--tag`, `-f`/`--file`, `--target` and
    /// the context; and docker/build-push-action steps (`file:`, `target:`, `tags:`).
    fn read_build_commands(&mut self, text: &str, dir: &str, built: &mut BTreeMap<String, String>) {
        for line in text.lines() {
            let Some(at) = [
                "docker build ",
                "docker buildx build ",
                "podman build ",
                "docker image build ",
            ]
            .iter()
            .find_map(|needle| line.find(needle).map(|i| i + needle.len())) else {
                continue;
            };
            let words: Vec<String> = split_words(&line[at..], 0)
                .into_iter()
                .map(|w| w.text)
                .collect();
            let mut tags = Vec::new();
            let (mut file, mut target, mut context) = (None, None, None);
            let mut i = 0;
            while i < words.len() {
                let word = words[i].as_str();
                let value = words.get(i + 1).cloned();
                let (flag, inline) = match word.split_once('=') {
                    Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
                    _ => (word, None),
                };
                let takes_value = matches!(flag, "-t" | "--tag" | "-f" | "--file" | "--target");
                let value = if takes_value { inline.or(value) } else { None };
                match (flag, value) {
                    ("-t" | "--tag", Some(v)) => tags.push(v),
                    ("-f" | "--file", Some(v)) => file = Some(v),
                    ("--target", Some(v)) => target = Some(v),
                    _ if word.starts_with('-') => {}
                    _ if matches!(word, "&&" | "||" | ";" | "|" | "\\") => break,
                    _ => {
                        context.get_or_insert_with(|| word.to_string());
                    }
                }
                i += if takes_value && !word.contains('=') {
                    2
                } else {
                    1
                };
            }
            let context = context.unwrap_or_else(|| ".".to_string());
            if context.contains('$') || context.contains("://") {
                continue;
            }
            let path = match &file {
                Some(f) if !f.contains('$') => join(dir_for_command(dir), f),
                Some(_) => continue,
                None => join(&join(dir_for_command(dir), &context), "Dockerfile"),
            };
            if let Some(target) = target.filter(|t| !t.contains('$')) {
                self.targets.entry(path.clone()).or_insert(target);
            }
            // `${PROJECT}/cassandra:${VERSION}` still names the repository `cassandra`;
            // `tag` drops a tag whose repository name itself is a variable.
            for tag in &tags {
                self.tag(tag, &path, built);
            }
        }
        self.read_build_push_steps(text, built);
    }

    fn read_build_push_steps(&mut self, text: &str, built: &mut BTreeMap<String, String>) {
        if !text.contains("docker/build-push-action") {
            return;
        }
        let stream = crate::lang::yaml::parse(text);
        let Some(jobs) = stream
            .documents
            .first()
            .and_then(|d| d.root.as_ref())
            .and_then(|r| r.get("jobs"))
            .and_then(Node::as_map)
        else {
            return;
        };
        for (_, job) in jobs {
            for step in job.get("steps").and_then(Node::as_seq).unwrap_or_default() {
                let uses = step.get("uses").and_then(Node::as_str).unwrap_or("");
                if !uses.starts_with("docker/build-push-action") {
                    continue;
                }
                let Some(with) = step.get("with") else {
                    continue;
                };
                let get = |k: &str| {
                    with.get(k)
                        .and_then(Node::as_str)
                        .filter(|v| !v.contains("${{"))
                };
                let context = get("context").unwrap_or(".");
                let path = match get("file") {
                    Some(file) => normalize(file),
                    None => join(context, "Dockerfile"),
                };
                if let Some(target) = get("target") {
                    self.targets
                        .entry(path.clone())
                        .or_insert(target.to_string());
                }
                let tags = with.get("tags").and_then(Node::as_str).unwrap_or("");
                for tag in tags.split([',', '\n']).map(str::trim) {
                    if !tag.is_empty() && !tag.starts_with("${{") {
                        self.tag(tag, &path, built);
                    }
                }
            }
        }
    }

    fn tag(&mut self, image: &str, dockerfile: &str, built: &mut BTreeMap<String, String>) {
        let repository = image_repository_name(image);
        if repository.is_empty() || repository.contains('$') || repository.contains('{') {
            return;
        }
        built
            .entry(repository.clone())
            .or_insert_with(|| dockerfile.to_string());
        self.tagged_images.insert(repository);
    }
}

fn read_manifests(
    file: &IndexFile,
    runners: &mut Vec<Runner>,
    selectors: &mut Vec<ServiceSelector>,
) {
    let stream = crate::lang::yaml::parse(file.text);
    let manifest = crate::model::kubernetes::Manifest::new(&stream, file.text);
    for object in manifest.objects.iter().filter(|o| o.kind == "Service") {
        // A Service without a selector routes to endpoints it is given, not to pods.
        if let Some(selector) = object.node.get_path(&["spec", "selector"]) {
            selectors.push(ServiceSelector {
                namespace: object.namespace.clone(),
                labels: crate::model::kubernetes::literal_map(selector),
                folder: parent(file.path),
            });
        }
    }
    for spec in &manifest.containers {
        if spec.is_run_to_completion() {
            continue;
        }
        let Some(image) = &spec.image else {
            continue;
        };
        let security = [&spec.security, &spec.pod_security];
        let non_root = security.iter().any(|s| {
            s.run_as_non_root.as_ref().is_some_and(|v| v.value)
                || s.run_as_user.as_ref().is_some_and(|v| v.value > 0)
        }) && spec
            .security
            .run_as_user
            .as_ref()
            .is_none_or(|v| v.value != 0);
        runners.push(Runner {
            image: Some(image.value.clone()),
            dockerfile: None,
            run: ImageRun {
                by: format!(
                    "{} (container {})",
                    file.path,
                    spec.name.as_deref().unwrap_or("?")
                ),
                health_checked: spec.readiness_probe.is_some() || spec.liveness_probe.is_some(),
                uses_image_healthcheck: false,
                non_root,
            },
        });
    }
}

/// Is `path` under `folder` (`""` is the project root)?
fn within(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The Dockerfile of a folder named like the image (`src/cart/Dockerfile` for image
/// `…/cart`), when exactly one Dockerfile matches.
fn dockerfile_in_folder_named(dockerfiles: &[&str], repository: &str) -> Option<String> {
    let mut matches = dockerfiles
        .iter()
        .filter(|path| image_folder_name(path).is_some_and(|folder| folder == repository));
    let first = matches.next()?;
    matches.next().is_none().then(|| first.to_string())
}

/// The name of the image a Dockerfile's folder says it builds, lowercased:
/// `src/orders/Dockerfile` → `orders`. A folder that only says it holds an image
/// (`databases/cassandra/image/Dockerfile`, `api/docker/Dockerfile`) names it by its parent.
pub fn image_folder_name(dockerfile: &str) -> Option<String> {
    let mut folders = dockerfile.rsplit('/').skip(1).map(str::to_ascii_lowercase);
    let folder = folders.next()?;
    if matches!(
        folder.as_str(),
        "image" | "images" | "docker" | "container" | "build"
    ) {
        return folders.next();
    }
    Some(folder)
}

/// The service names of a compose file's first document.
fn service_names(text: &str) -> BTreeSet<String> {
    let stream = crate::lang::yaml::parse(text);
    service_entries(&stream)
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect()
}

/// Build commands in CI files run from the repository root; in a script or Makefile,
/// from the file's own folder.
fn dir_for_command(dir: &str) -> &str {
    if dir.starts_with(".github") || dir.starts_with(".gitlab") || dir.starts_with(".circleci") {
        ""
    } else {
        dir
    }
}

fn quoted_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['\'', '"']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else {
            break;
        };
        let before = rest[..start].trim_end();
        // Keyword arguments are read by name, not by position.
        if !before.ends_with('=') {
            out.push(after[..end].to_string());
        }
        rest = &after[end + 1..];
    }
    out
}

fn keyword_string(text: &str, keyword: &str) -> Option<String> {
    let at = text.find(&format!("{keyword}="))? + keyword.len() + 1;
    let rest = text[at..].trim_start();
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let value = rest[1..].split(quote).next()?;
    Some(value.to_string())
}

/// The last part of a display path (`docker/compose.yaml` → `compose.yaml`).
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parent(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(dir, _)| dir.to_string())
        .unwrap_or_default()
}

fn normalize(path: &str) -> String {
    normalize_slash_path(path)
        .trim_start_matches('/')
        .to_string()
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() {
        normalize(path)
    } else {
        normalize(&format!("{dir}/{path}"))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn health_check_scripts() {
        let script = |words: &[&str]| super::health_check_script(words);
        assert_eq!(
            script(&["python", "$MEALIE_HOME/mealie/scripts/healthcheck.py", "||"]),
            Some("mealie/scripts/healthcheck.py".into())
        );
        assert_eq!(script(&["./fetchstatus.py"]), Some("fetchstatus.py".into()));
        assert_eq!(script(&["/opt/app/probe.py"]), Some("probe.py".into()));
        assert_eq!(script(&["curl", "-f", "http://localhost/"]), None);
        assert_eq!(script(&["python", "../up.py"]), None);
    }

    use super::*;

    fn index(files: &[(&str, ArtifactKind, &str)]) -> Deployment {
        let files: Vec<IndexFile> = files
            .iter()
            .map(|(path, kind, text)| IndexFile {
                path,
                kind: *kind,
                text,
            })
            .collect();
        Deployment::index(&files)
    }

    #[test]
    fn overrides_and_fragments_join_the_base_and_development_layers_stand_apart() {
        let base = "services:\n  web:\n    image: app:1\n  db:\n    image: postgres:16\n";
        let d = index(&[
            ("app/compose.yaml", ArtifactKind::Compose, base),
            (
                "app/compose.override.yaml",
                ArtifactKind::Compose,
                "services:\n  web:\n    healthcheck:\n      test: [CMD, true]\n",
            ),
            (
                "app/compose.dev.yaml",
                ArtifactKind::Compose,
                "services:\n  web:\n    command: uvicorn app:app --reload\n",
            ),
            (
                "app/compose.extra.yaml",
                ArtifactKind::Compose,
                "services:\n  cache:\n    image: redis:7\n",
            ),
            (
                "app/compose.observability.yaml",
                ArtifactKind::Compose,
                "services:\n  tracing:\n    image: jaeger:2\n  web:\n    depends_on: [tracing]\n",
            ),
        ]);
        let base_layer = d.compose_layer("app/compose.yaml").unwrap();
        assert_eq!(
            base_layer.stack,
            ["app/compose.yaml", "app/compose.override.yaml"]
        );
        assert_eq!(
            d.compose_layer("app/compose.override.yaml").unwrap().role,
            LayerRole::Layer
        );
        assert!(d.development_reason("app/compose.dev.yaml").is_some());
        assert!(d.compose_layer("app/compose.extra.yaml").is_none());
        assert_eq!(
            d.compose_layer("app/compose.observability.yaml")
                .unwrap()
                .stack,
            ["app/compose.yaml", "app/compose.observability.yaml"]
        );
    }

    #[test]
    fn build_targets_tags_and_runtimes_come_from_every_deployment_file() {
        let d = index(&[
            (
                "docker-compose.yml",
                ArtifactKind::Compose,
                "services:\n  api:\n    build:\n      context: .\n      dockerfile: Dockerfile.api\n      target: release\n    image: acme/api:dev\n    user: \"1000\"\n    healthcheck:\n      test: [CMD, curl, -f, localhost]\n",
            ),
            (
                "Dockerfile.api",
                ArtifactKind::Dockerfile,
                "FROM python:3.12\n",
            ),
            (
                "src/cart/Dockerfile",
                ArtifactKind::Dockerfile,
                "FROM python:3.12\n",
            ),
            (
                "skaffold.yaml",
                ArtifactKind::OtherYaml,
                "build:\n  artifacts:\n  - image: worker\n    context: src/worker\n",
            ),
            (
                "k8s/kustomization.yaml",
                ArtifactKind::OtherYaml,
                "images:\n- name: gateway\n  newTag: v2\npatches:\n- path: replicas.yaml\n",
            ),
            (
                "k8s/cart.yaml",
                ArtifactKind::Kubernetes,
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n      - name: cart\n        image: cart\n",
            ),
            (
                ".github/workflows/ci.yml",
                ArtifactKind::OtherYaml,
                "jobs:\n  b:\n    steps:\n    - run: docker build -t ghcr.io/acme/jobs:1 -f docker/Jobs.Dockerfile --target prod .\n",
            ),
        ]);
        assert_eq!(d.target_of("Dockerfile.api"), Some("release"));
        assert_eq!(d.target_of("docker/Jobs.Dockerfile"), Some("prod"));
        for image in ["acme/api:latest", "worker", "gateway:v1", "jobs"] {
            assert!(d.tags_image(image), "{image}");
        }
        assert!(!d.tags_image("redis"));
        assert!(d.is_patch("k8s/replicas.yaml"));
        let api = d.runs_of("Dockerfile.api");
        assert_eq!(api.len(), 1);
        assert!(api[0].health_checked && api[0].non_root);
        let cart = d.runs_of("src/cart/Dockerfile");
        assert_eq!(cart.len(), 1);
        assert!(cart[0].non_root && !cart[0].health_checked);
    }

    #[test]
    fn a_tilt_build_names_its_image_and_dockerfile() {
        let d = index(&[(
            "Tiltfile",
            ArtifactKind::Text,
            "docker_build('shop/web', 'web', dockerfile='web/Dockerfile.dev', target='dev')\n",
        )]);
        assert!(d.tags_image("shop/web:latest"));
        assert_eq!(d.target_of("web/Dockerfile.dev"), Some("dev"));
    }
}
