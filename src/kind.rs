//! Classification: which front-end a path goes to, from its name and, for YAML, a cheap
//! sniff of its text. Every text file is also seen by the secrets scan.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArtifactKind {
    Python,
    Rust,
    Dockerfile,
    Kubernetes,
    Compose,
    /// YAML that is neither Kubernetes nor compose (CI workflows, configs).
    OtherYaml,
    /// A `Procfile`: `name: command` lines.
    Procfile,
    /// A shell script (`*.sh`, `*.bash`, `docker-entrypoint*`, `entrypoint*`).
    ShellScript,
    /// A dotenv file (`.env`, `.env.production`, `app.env`, `.envrc`): `KEY=VALUE` lines.
    DotEnv,
    /// Any other text file: only the text rules (secrets) look at it.
    Text,
}

impl ArtifactKind {
    /// The kind's name, as `--show-files` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Python => "python",
            ArtifactKind::Rust => "rust",
            ArtifactKind::Dockerfile => "dockerfile",
            ArtifactKind::Kubernetes => "kubernetes",
            ArtifactKind::Compose => "compose",
            ArtifactKind::OtherYaml => "yaml",
            ArtifactKind::Procfile => "procfile",
            ArtifactKind::ShellScript => "shell",
            ArtifactKind::DotEnv => "dotenv",
            ArtifactKind::Text => "text",
        }
    }

    /// The comment leader suppressions and fixture expectations use in this kind of file.
    pub fn comment_leader(self) -> &'static str {
        match self {
            ArtifactKind::Rust => "//",
            _ => "#",
        }
    }
}

/// Does this file use `#` (or `//` for Rust) comments, so that a `prodlint:` marker in
/// it is a suppression comment? Prose and data formats (Markdown, JSON) do not: a marker
/// there is text about prodlint, not a suppression to check.
pub fn has_line_comments(kind: ArtifactKind, path: &Path) -> bool {
    if kind != ArtifactKind::Text {
        return true;
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    name.starts_with(".env")
        || matches!(
            name.as_str(),
            "procfile" | "makefile" | ".gitignore" | ".prodlintignore"
        )
        || matches!(
            extension,
            "sh" | "bash"
                | "zsh"
                | "env"
                | "toml"
                | "ini"
                | "cfg"
                | "conf"
                | "properties"
                | "tf"
                | "hcl"
                | "rb"
        )
}

/// An s6-overlay service's `run` script (`.../s6-rc.d/<service>/run`, or the legacy
/// `.../services.d/<service>/run`): what `/init` starts as the container's processes.
pub fn is_s6_service_script(path: &Path) -> bool {
    let mut parts = path.iter().rev().filter_map(|p| p.to_str());
    parts.next() == Some("run")
        && parts.next().is_some()
        && matches!(parts.next(), Some("s6-rc.d" | "services.d"))
}

/// Is the s6 service `run` script at `path` a long-running service? Its folder's `type`
/// file (a few bytes, read here) says so; the legacy `services.d/` holds only those.
pub fn is_s6_longrun(path: &Path) -> bool {
    if !is_s6_service_script(path) {
        return false;
    }
    let legacy = path
        .parent()
        .and_then(Path::parent)
        .is_some_and(|d| d.ends_with("services.d"));
    legacy
        || std::fs::read_to_string(path.with_file_name("type"))
            .is_ok_and(|kind| kind.trim() == "longrun")
}

/// A `#!` line naming a POSIX shell or bash (also through s6's `with-contenv`), not
/// execline.
fn is_shell_shebang(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    first.starts_with("#!")
        && !first.contains("execlineb")
        && ["sh", "bash", "dash", "ash"]
            .iter()
            .any(|shell| first.split([' ', '/']).any(|word| word == *shell))
}

pub fn classify(path: &Path, text: &str) -> ArtifactKind {
    // Lossy: a name that is not UTF-8 (`bad\xffname.py`) still has its extension.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let name: &str = &name;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".py") || lower.ends_with(".pyi") {
        return ArtifactKind::Python;
    }
    if lower.ends_with(".rs") {
        return ArtifactKind::Rust;
    }
    // A template renders to a Dockerfile, compose file or script, but is not one: its
    // `{% macro %}` lines and `FROM {{ base }}` are syntax the front-ends do not read.
    // Dotenv templates stay dotenv: their `KEY=VALUE` lines survive the templating.
    if is_template_name(&lower) && !crate::lang::dotenv::is_dotenv_name(&lower) {
        return ArtifactKind::Text;
    }
    if is_dockerfile_name(&lower) {
        return ArtifactKind::Dockerfile;
    }
    if lower == "procfile" || lower.starts_with("procfile.") {
        return ArtifactKind::Procfile;
    }
    if lower.ends_with(".sh")
        || lower.ends_with(".bash")
        || (!lower.contains('.')
            && (lower.starts_with("docker-entrypoint") || lower.starts_with("entrypoint")))
        || (is_s6_service_script(path) && is_shell_shebang(text))
    {
        return ArtifactKind::ShellScript;
    }
    if crate::lang::dotenv::is_dotenv_name(&lower) {
        return ArtifactKind::DotEnv;
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        if crate::lang::yaml::looks_like_compose(path, text) {
            return ArtifactKind::Compose;
        }
        if crate::lang::yaml::looks_like_kubernetes(text) {
            return ArtifactKind::Kubernetes;
        }
        return ArtifactKind::OtherYaml;
    }
    ArtifactKind::Text
}

fn is_dockerfile_name(lower: &str) -> bool {
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

/// Does the (lowercase) file name end in a template engine's extension (`Dockerfile.j2`,
/// `compose.yaml.tmpl`, `entrypoint.sh.erb`)? Variant names (`Dockerfile.dev`,
/// `Dockerfile.alpine`) are not templates.
fn is_template_name(lower: &str) -> bool {
    const TEMPLATE_EXTENSIONS: &[&str] = &[
        "j2", "jinja", "jinja2", "tmpl", "tpl", "template", "mustache", "erb",
    ];
    lower
        .rsplit_once('.')
        .is_some_and(|(_, extension)| TEMPLATE_EXTENSIONS.contains(&extension))
}

/// Is `path` a gunicorn configuration module (read as Python for server settings)?
/// `gunicorn.conf.py` (the module gunicorn loads by default), and the names projects give
/// the module they pass with `-c`: `gunicorn_conf.py`, `gunicorn_config.py`,
/// `gunicorn.py`, `gunicorn-cfg.py`...
pub fn is_gunicorn_config(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower.strip_suffix(".py") else {
        return false;
    };
    stem.starts_with("gunicorn") && !stem.contains("test")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procfiles_scripts_and_gunicorn_configs() {
        let kind = |name: &str| classify(Path::new(name), "");
        assert_eq!(kind("Procfile"), ArtifactKind::Procfile);
        assert_eq!(kind("deploy/start.sh"), ArtifactKind::ShellScript);
        assert_eq!(kind("docker-entrypoint"), ArtifactKind::ShellScript);
        let s6 = |path: &str, text: &str| classify(Path::new(path), text);
        let run = "rootfs/etc/s6-overlay/s6-rc.d/svc-web/run";
        assert_eq!(
            s6(run, "#!/command/with-contenv bash\nexec app\n"),
            ArtifactKind::ShellScript
        );
        assert_eq!(
            s6("etc/services.d/web/run", "#!/bin/sh\nexec app\n"),
            ArtifactKind::ShellScript
        );
        assert_ne!(
            s6(run, "#!/command/execlineb -P\nexec app\n"),
            ArtifactKind::ShellScript
        );
        assert_ne!(
            s6("bin/run", "#!/bin/sh\nexec app\n"),
            ArtifactKind::ShellScript
        );
        assert_eq!(kind("entrypoint.py"), ArtifactKind::Python);
        assert_eq!(kind("entrypoints.txt"), ArtifactKind::Text);
        assert_eq!(kind("deploy/.env.production"), ArtifactKind::DotEnv);
        assert_eq!(kind("app.env"), ArtifactKind::DotEnv);
        assert_eq!(kind("docker/Dockerfile.j2"), ArtifactKind::Text);
        assert_eq!(kind("Dockerfile.template"), ArtifactKind::Text);
        assert_eq!(kind("compose.yaml.j2"), ArtifactKind::Text);
        assert_eq!(kind("Procfile.tmpl"), ArtifactKind::Text);
        assert_eq!(kind("entrypoint.sh.erb"), ArtifactKind::Text);
        assert_eq!(kind("Dockerfile.dev"), ArtifactKind::Dockerfile);
        assert_eq!(kind("Dockerfile.alpine"), ArtifactKind::Dockerfile);
        assert_eq!(kind("prod.Dockerfile"), ArtifactKind::Dockerfile);
        assert_eq!(kind(".env.template"), ArtifactKind::DotEnv);
        assert!(is_gunicorn_config(Path::new("conf/gunicorn_conf.py")));
        assert!(is_gunicorn_config(Path::new("gunicorn.conf.py")));
        assert!(!is_gunicorn_config(Path::new("test_gunicorn.py")));
        assert!(!is_gunicorn_config(Path::new("gunicorn_test.py")));
        assert!(!is_gunicorn_config(Path::new("settings.py")));
    }
}
