//! Secret-looking names and literal values: the one classifier every rule about "a secret
//! written somewhere" uses — SC002 (every artifact), DF007 (Dockerfile ENV/ARG), DP009
//! (container environments), PY053 (secrets in logs), PY093 (secret env fallbacks). The
//! name lists are data: `rules/secrets/secret-names.toml`.
//!
//! - [`is_secret_name`]: does a variable/key name say it holds a credential
//!   (`DB_PASSWORD`, `apiKey`, `AWS_SECRET_ACCESS_KEY`, `client_secret`), as opposed to
//!   something about one (`TOKEN_COUNT`, `PASSWORD_FILE`, `AUTH_URL`, `ACCESS_KEY_ID`)?
//! - [`is_qualified_secret_name`]: the same for a value read in code, where a name that
//!   is only `token` is as often an identifier (`checkout.token`).
//! - [`is_placeholder`]: is a value obviously not a real secret (empty, `<your-key>`,
//!   `${VAR}`, `{{ .Values.x }}`, `xxx`, `***`, a file under `/run/secrets/`)? Known
//!   default passwords (`changeme`, `password`) are *not* placeholders: they are real,
//!   and worse.
//! - [`url_with_password`]: a URL carrying `user:password@` (a `*_URL` name is not
//!   secret-looking by itself, its value can be).

/// The secret words (and their Capitalized / UPPER forms) as trigger literals: a file
/// holding none of them cannot bind a secret-looking name (SC002, DP009, DF007 gates).
pub const SECRET_NAME_LITERALS: &[&str] = &[
    "pass",
    "Pass",
    "PASS",
    "pwd",
    "Pwd",
    "PWD",
    "secret",
    "Secret",
    "SECRET",
    "token",
    "Token",
    "TOKEN",
    "credential",
    "Credential",
    "CREDENTIAL",
    "auth",
    "Auth",
    "AUTH",
    "key",
    "Key",
    "KEY",
    "ssn",
    "Ssn",
    "SSN",
    "cvv",
    "Cvv",
    "CVV",
    "cvc",
    "Cvc",
    "CVC",
    // The first word of the pairs credit card, card number, account number.
    "card",
    "Card",
    "CARD",
    "account",
    "Account",
    "ACCOUNT",
];

/// The name lists (`rules/secrets/secret-names.toml`), read once.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Names {
    words: Vec<String>,
    pairs: Vec<[String; 2]>,
    not_after: Vec<String>,
    not_before: Vec<String>,
    not_alone: Vec<String>,
}

fn names() -> &'static Names {
    static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        toml::from_str(include_str!("../../../rules/secrets/secret-names.toml"))
            .expect("secret-names.toml is valid")
    })
}

/// Is `word` (lower case) a secret word on its own (`password`, `token`)?
pub fn is_secret_word(word: &str) -> bool {
    names().words.iter().any(|w| w == word)
}

/// The lower-case words of a name: `AWS_SECRET_ACCESS_KEY` → aws, secret, access, key;
/// `apiKey` → api, key; `client-secret` → client, secret.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Does the name say it holds a credential? A secret word or pair (`DB_PASSWORD`,
/// `apiKey`), with no word after it that makes the name about the secret (`TOKEN_COUNT`,
/// `PASSWORD_FILE`) and none before it that does (`next_token`, `is_password`).
pub fn is_secret_name(name: &str) -> bool {
    // A scoped package (`@inquirer/password` in a lockfile) names a library.
    if name.starts_with('@') {
        return false;
    }
    let names = names();
    let words = name_words(name);
    let has = |list: &[String], w: &str| list.iter().any(|x| x == w);
    // The first and last word of the last secret phrase in the name.
    let mut hit = None;
    for (i, word) in words.iter().enumerate() {
        if has(&names.words, word) {
            hit = Some((i, i));
        } else if i > 0
            && names
                .pairs
                .iter()
                .any(|[a, b]| *a == words[i - 1] && b == word)
        {
            hit = Some((i - 1, i));
        }
    }
    let Some((first, last)) = hit else {
        return false;
    };
    !words[last + 1..].iter().any(|w| has(&names.not_after, w))
        && !words[..first].iter().any(|w| has(&names.not_before, w))
}

/// Does a value's name in code say it is a credential, more than one word that alone is
/// as often an identifier (`checkout.token`, an order's UUID)? `access_token`,
/// `GITHUB_TOKEN` and `password` do; `token` does not. For values read in code (PY053),
/// not for assignments of literals, where a `TOKEN = "..."` is a credential.
pub fn is_qualified_secret_name(name: &str) -> bool {
    match name_words(name).as_slice() {
        [word] if names().not_alone.contains(word) => false,
        _ => is_secret_name(name),
    }
}

/// Is the value obviously not a real secret? Shorter than 4 characters; a placeholder
/// (`<...>`, `xxx`, `***`, `your-key-here`, `dummy`, `fake-token`, `example`); a reference
/// (`${VAR}`, `$VAR`, `{{ ... }}`, `%(name)s`, `{name}`, a file under `/run/secrets/`,
/// `vault:`/`op://`/`arn:aws:secretsmanager:` secret-store references); a boolean switch; a
/// path or a URL without credentials; prose (the value has a space); or an identifier
/// naming something else (`DB_PASSWORD`, `access_token`, `auth.User`). Known default
/// passwords (`changeme`, `password`, `admin`) are *not* placeholders: they are real, and
/// worse.
pub fn is_placeholder(value: &str) -> bool {
    // Prose: a label, a prompt, a message (`"Enter your password"`).
    names_no_value(value) || value.contains([' ', '\t'])
}

/// [`is_placeholder`] but for prose: the one test is whether the value is a placeholder, a
/// reference, a path, a pattern or a name rather than a secret.
fn names_no_value(value: &str) -> bool {
    let value = value.trim();
    // Shorter than four characters: a flag or a stub, not a credential.
    if value.chars().count() < 4 {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("your")
        || matches!(
            lower.as_str(),
            "placeholder" | "dummy" | "example" | "unset" | "test" | "testing" | "none" | "null"
        )
        || DUMMY_MARKERS.iter().any(|m| lower.contains(m))
        || REFERENCE_PREFIXES.iter().any(|p| lower.starts_with(p))
    {
        return true;
    }
    if AUTH_SCHEMES.contains(&lower.as_str()) || PERMISSION_LEVELS.contains(&lower.as_str()) {
        return true;
    }
    // A word that asks to be replaced: `changeme`, `change-this`, `changeit`.
    let bare: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if REPLACE_ME.iter().any(|w| bare.starts_with(w)) {
        return true;
    }
    if is_setting_value(value) || is_relative_file(value) || is_version(value) {
        return true;
    }
    if value.starts_with('<') && value.ends_with('>') {
        return true;
    }
    if value.contains("${")
        || value.contains("{{")
        || value.starts_with('$')
        || value.contains("$(")
        || value.contains("%(")
        || value.contains("%s")
        || (value.starts_with('{') && value.ends_with('}'))
    {
        return true;
    }
    if value.starts_with('/') || value.starts_with("./") || value.starts_with("~/") {
        return true;
    }
    if value.contains("://") && url_with_password(value).is_none() {
        return true;
    }
    // A regular expression (`r"([\w!#$%&'*+.^_`|~-]+)"` for an HTTP token).
    if ["\\w", "\\d", "\\s", "(?:", "(?P<", "[^"]
        .iter()
        .any(|m| value.contains(m))
    {
        return true;
    }
    if is_identifier_like(value) {
        return true;
    }
    // Punctuation only: a character set (`RFC9110_TOKEN_SPECIALS = "!#$%&'*+-.^_`|~"`).
    if !value.chars().any(char::is_alphanumeric) {
        return true;
    }
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "~"
    ) {
        return true;
    }
    // One character repeated: `xxx`, `***`, `...`, `XXXXXXXX`, `----`.
    let mut chars = value.chars();
    let first = chars.next().map(|c| c.to_ascii_lowercase());
    let repeated = chars.all(|c| Some(c.to_ascii_lowercase()) == first);
    repeated && matches!(first, Some('x' | '*' | '.' | '-' | '#' | '_' | '?' | '0'))
}

/// Names of authentication schemes and modes: `AUTH = "basic"`, `if auth == "bearer"` say
/// how to authenticate, not with what.
const AUTH_SCHEMES: &[&str] = &[
    "basic",
    "bearer",
    "digest",
    "oauth",
    "oauth1",
    "oauth2",
    "ntlm",
    "negotiate",
    "kerberos",
    "hmac",
    "jwt",
    "saml",
    "ldap",
    "oidc",
    "token",
    "session",
    "cookie",
    "header",
    "query",
    "anonymous",
    "plain",
    "login",
];

/// Access levels (GitHub Actions `permissions: id-token: write`, `contents: read`).
const PERMISSION_LEVELS: &[&str] = &[
    "read",
    "write",
    "read-all",
    "write-all",
    "readonly",
    "read-only",
    "readwrite",
    "read-write",
];

/// Words (separators removed) that say a value is to be replaced before use.
const REPLACE_ME: &[&str] = &[
    "changeme",
    "changethis",
    "changeit",
    "pleasechange",
    "replaceme",
    "replacethis",
];

/// A value that is a setting rather than a secret: a duration (`15 minutes`, `30s`,
/// `1h30m`), a rate (`5/min`, `100/hour`), or a list of algorithm names (`HS256,RS256`,
/// `hmac-sha256`). A number is not here: `123456` is a (weak) password.
pub fn is_setting_value(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return false;
    }
    const UNITS: &[&str] = &[
        "ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes",
        "h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "week", "weeks",
    ];
    // `15 minutes`, `30s`, `1h30m`, `2.5 hours`.
    let is_duration = |text: &str| {
        let mut rest = text.trim();
        let mut parts = 0;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            if digits == 0 {
                return false;
            }
            rest = rest[digits..].trim_start();
            let unit = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            if !UNITS.contains(&&rest[..unit]) {
                return false;
            }
            rest = rest[unit..].trim_start();
            parts += 1;
        }
        parts > 0
    };
    // `5/min`, `100/hour`, `10/s`.
    let is_rate = |text: &str| {
        text.split_once('/').is_some_and(|(count, unit)| {
            !count.is_empty()
                && count.chars().all(|c| c.is_ascii_digit())
                && UNITS.contains(&unit.trim())
        })
    };
    let is_algorithm = |item: &str| {
        let item = item.trim();
        let jose = ["hs", "rs", "es", "ps"].iter().any(|p| {
            item.strip_prefix(p)
                .is_some_and(|n| ["256", "384", "512"].contains(&n))
        });
        let digest = item
            .strip_prefix("hmac-")
            .or(Some(item))
            .and_then(|d| d.strip_prefix("sha").or_else(|| d.strip_prefix("md")))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '-'));
        jose || digest || item == "eddsa"
    };
    is_duration(&lower)
        || is_rate(&lower)
        || lower
            .split([',', ' '])
            .filter(|i| !i.is_empty())
            .all(is_algorithm)
}

/// A value that configures rather than authenticates: a boolean, a number, an access
/// level, or a [`is_setting_value`] (duration, rate, algorithm names). What an
/// environment default that is not a secret usually is (`ALLOW_CREDENTIALS` → `"false"`).
pub fn is_setting(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null"
    ) || PERMISSION_LEVELS.contains(&lower.as_str())
        || lower.parse::<f64>().is_ok()
        || is_setting_value(&lower)
}

/// A relative path to a file (`features/authentication.md`, `models/users/token.md`: a
/// mkdocs `nav:` entry): word-like segments, `/` between them, and an extension.
fn is_relative_file(value: &str) -> bool {
    let Some((_, file)) = value.rsplit_once('/') else {
        return false;
    };
    let segment = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    file.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_lowercase())
    }) && value.split('/').all(segment)
}

/// A version (`5.1.1`, `2.0.3(@types/node@20.1.0)` in a lockfile).
fn is_version(value: &str) -> bool {
    let mut parts = value.splitn(3, '.');
    let numeric =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let (major, minor, patch) = (parts.next(), parts.next(), parts.next());
    numeric(major)
        && numeric(minor)
        && patch.is_some_and(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// Default values that code compares a secret with to reject them (spelled without
/// separators: `change-me` is `changeme`).
const KNOWN_DEFAULTS: &[&str] = &[
    "changeme",
    "changethis",
    "default",
    "password",
    "secret",
    "secretkey",
    "undefined",
    "null",
    "none",
];

/// Substrings that mark a made-up value.
const DUMMY_MARKERS: &[&str] = &[
    "dummy",
    "fake",
    "example",
    "sample",
    "placeholder",
    "redacted",
    "xxxx",
    "****",
    "notasecret",
    "not-a-secret",
    "not_a_secret",
    "not-secret",
    "insert-",
    "insert_",
    "your_",
    "your-",
    "-here",
    "_here",
    "change-me-",
    "change_me_",
    "replace-with",
    "replace_with",
];

/// Prefixes of references to a secret store (the value says where the secret lives).
const REFERENCE_PREFIXES: &[&str] = &[
    "vault:",
    "op://",
    "arn:aws:secretsmanager:",
    "arn:aws:ssm:",
    "ssm:",
    "sm://",
    "secretref:",
    "secret:",
    "env:",
    "file:",
    "keyvault:",
    "projects/",
];

/// A name rather than a value: an environment variable name (`DB_PASSWORD`), a
/// snake_case field name (`access_token`), a dotted path (`auth.User`,
/// `myapp.tokens.Signer`).
fn is_identifier_like(value: &str) -> bool {
    let upper_snake = value.contains('_')
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && value.starts_with(|c: char| c.is_ascii_uppercase());
    // Two or three lower-case words: a field name (`access_token`, `client_credentials`).
    let lower_snake = (2..=3).contains(&value.split('_').count())
        && value.split('_').all(|w| w.len() >= 2)
        && value.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let dotted = value.contains('.')
        && value.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        && value
            .split('.')
            .all(|part| !part.chars().any(|c| c.is_ascii_digit()));
    // Lower-case words naming a secret rather than holding one: `_password_reset_token`,
    // `set-password`, `csrf-token`.
    let words: Vec<&str> = value.trim_start_matches('_').split(['_', '-']).collect();
    let names_a_secret = (2..=8).contains(&words.len())
        && words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
        && words.iter().any(|w| is_secret_word(w) || *w == "key");
    // An OID, a version, an address: `1.3.6.1.5.5.7.3.1`, `10.0.0.5`.
    let numeric_dotted =
        value.contains('.') && value.chars().all(|c| c.is_ascii_digit() || c == '.');
    upper_snake || lower_snake || dotted || numeric_dotted || names_a_secret
}

/// A password part of a URL that stands for a value: `${X}`, `$X`, `<x>`, `{x}`.
fn is_reference(value: &str) -> bool {
    value.starts_with('$')
        || value.contains("${")
        || value.contains("{{")
        || (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with('{') && value.ends_with('}'))
        || value.contains("%(")
        || value.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

/// Does a secret-looking `name` hold a real literal `value`? The value of a
/// `${VAR:-default}` interpolation is its default (see [`written_part`]).
pub fn is_literal_secret(name: &str, value: &str) -> bool {
    let value = &value[written_part(value)];
    is_secret_name(name) && !is_placeholder(value) && !is_uuid_identifier(name, value)
}

/// The part of a value that is written in the file rather than looked up: the default
/// of a whole-value `${VAR:-default}` or `${VAR-default}` interpolation (compose, shell),
/// else the whole value. `${DB_PASSWORD:-s3cret}` writes `s3cret` down.
pub fn written_part(value: &str) -> std::ops::Range<usize> {
    let whole = 0..value.len();
    let Some(inner) = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) else {
        return whole;
    };
    let variable = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let rest = &inner[variable..];
    let operator = if rest.starts_with(":-") {
        2
    } else if rest.starts_with('-') {
        1
    } else {
        return whole;
    };
    let start = 2 + variable + operator;
    let default = &value[start..value.len() - 1];
    if variable == 0 || default.contains(['$', '}']) {
        return whole;
    }
    start..value.len() - 1
}

/// A UUID held by a name whose secret word is a bare `token` (`checkout.token`,
/// `order_token`): an identifier of a record, not a credential. An access, API, refresh
/// or bearer token keeps being a secret whatever it looks like.
fn is_uuid_identifier(name: &str, value: &str) -> bool {
    let uuid = value.len() == 36
        && value.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    let words = name_words(name);
    let credential = [
        "access", "api", "auth", "refresh", "bearer", "session", "bot", "personal", "oauth",
        "secret", "private", "service", "client", "app", "github", "slack", "jwt", "id",
    ];
    uuid && words.last().is_some_and(|w| w == "token")
        && !words.iter().any(|w| credential.contains(&w.as_str()))
}

/// An upper-case constant whose value is its own name, a word of it or a variant named
/// after the secret word: an enum member or a label (`PASSWORD = "Password"`,
/// `AUTH = "auth"`, `AUTH_HMAC_SHA1 = "hmac-sha1"`, `DOC_CATEGORY_AUTH = "Authentication"`),
/// not a credential. `DB_PASSWORD = "password"` and `ADMIN_PASSWORD = "admin"` are not
/// one: a word of a longer name up to its secret word is a weak password.
pub fn is_label_constant(name: &str, value: &str) -> bool {
    let constant = name.rsplit('.').next().unwrap_or(name);
    if !constant.starts_with(|c: char| c.is_ascii_uppercase())
        || constant.chars().any(|c| c.is_ascii_lowercase())
    {
        return false;
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
    {
        return false;
    }
    let bare = |text: &str| -> String {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let words = name_words(constant);
    let value_bare = bare(value);
    if value_bare.is_empty() {
        return false;
    }
    let whole = words.concat();
    if value_bare == whole {
        return true;
    }
    // The words after the secret word: the variant (`AUTH_HMAC_SHA1 = "hmac-sha1"`).
    // Words before it say whose secret it is: `ADMIN_PASSWORD = "admin"` is a password.
    let is_secret = |w: &String| is_secret_word(w) || w == "key";
    if let Some(secret) = words.iter().rposition(is_secret)
        && secret + 1 < words.len()
        && words[secret + 1..].concat() == value_bare
    {
        return true;
    }
    // A token named for what it marks (`REQUEST_TOKEN = "request"`): a token is issued,
    // never a word someone chose, so the name's own words are a marker, not a weak token.
    if words.last().is_some_and(|w| w == "token") && words[..words.len() - 1].concat() == value_bare
    {
        return true;
    }
    // The name's last word spelled out or inflected, as a word: `AUTH = "authorize"`,
    // `DOC_CATEGORY_AUTH = "Authentication"`, `PASSWORD = "Passwords"`.
    const ENDINGS: &[&str] = &[
        "orize",
        "orized",
        "orization",
        "enticate",
        "enticated",
        "entication",
        "s",
        "ed",
        "ing",
    ];
    let last = words.last().map(String::as_str).unwrap_or_default();
    value.chars().all(|c| c.is_ascii_alphabetic())
        && (words.len() == 1 || value.starts_with(|c: char| c.is_ascii_uppercase()))
        && value_bare
            .strip_prefix(last)
            .is_some_and(|ending| ENDINGS.contains(&ending))
}

/// Does comparing a secret-looking `name` with the literal `value` write the secret down
/// (`if password == "hunter2"`)? Unlike a binding, the value of a comparison is not a
/// label, so prose counts (a passphrase). Not secret: a lexer's `token` compared with a
/// word (`token == "async"`, `tok == "("`), and an upper-case sentinel
/// (`password == "LDAP"`, `csrf_token == "NOTPROVIDED"`), and a well-known default, which
/// a comparison checks for in order to refuse it (`if SECRET_KEY == "change-me": raise`).
pub fn is_compared_secret(name: &str, value: &str) -> bool {
    let bare: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if KNOWN_DEFAULTS.contains(&bare.as_str()) {
        return false;
    }
    let words = name_words(name);
    let lexer_token = matches!(words.as_slice(), [w] if w == "token" || w == "tok");
    let sentinel = value
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && value.starts_with(|c: char| c.is_ascii_uppercase());
    !lexer_token && !sentinel && is_secret_name(name) && !names_no_value(value)
}

/// The byte range of the password in a URL with inline credentials
/// (`postgres://app:s3cret@db/app` → `s3cret`), unless it is a placeholder or reference.
pub fn url_with_password(value: &str) -> Option<std::ops::Range<usize>> {
    let scheme_end = value.find("://")? + 3;
    let authority_end = value[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(value.len(), |i| scheme_end + i);
    let authority = &value[scheme_end..authority_end];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    let password = &authority[colon + 1..at];
    if password.chars().count() < 4 || is_reference(password) {
        return None;
    }
    let start = scheme_end + colon + 1;
    Some(start..start + password.len())
}

/// Every secret word and pair of the table, spelled the ways code spells names
/// (`db_password`, `DB_PASSWORD`, `dbPassword`, `DbPassword`, `apiKey`, `API_KEY`), each
/// one the classifier calls secret: what trigger gates built on these words must match.
#[cfg(test)]
pub fn secret_name_spellings() -> Vec<String> {
    let names = names();
    let title = |w: &str| {
        let mut chars = w.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    };
    let mut phrases: Vec<Vec<String>> = names.words.iter().map(|w| vec![w.clone()]).collect();
    phrases.extend(names.pairs.iter().map(|[a, b]| vec![a.clone(), b.clone()]));
    let mut out = Vec::new();
    for words in phrases {
        let snake = words.join("_");
        let titled: String = words.iter().map(|w| title(w)).collect();
        for spelling in [
            snake.clone(),
            snake.to_uppercase(),
            format!("db_{snake}"),
            format!("DB_{}", snake.to_uppercase()),
            format!("db{titled}"),
            titled.clone(),
            format!(
                "{}{}",
                words[0],
                words[1..].iter().map(|w| title(w)).collect::<String>()
            ),
        ] {
            if is_secret_name(&spelling) {
                out.push(spelling);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_names() {
        assert_eq!(
            name_words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(name_words("apiKey"), ["api", "key"]);
        assert_eq!(name_words("client-secret"), ["client", "secret"]);
        assert_eq!(name_words("db.password"), ["db", "password"]);
    }

    #[test]
    fn secret_names() {
        for name in [
            "PASSWORD",
            "DB_PASSWORD",
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "db_passwd",
            "REDIS_PASS",
            "SECRET_KEY",
            "DJANGO_SECRET_KEY",
            "SECRET_KEY_BASE",
            "JWT_SECRET",
            "GITHUB_TOKEN",
            "apiKey",
            "API_KEY",
            "APIKEY",
            "STRIPE_API_KEY",
            "PRIVATE_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "ACCESS_KEY",
            "client_secret",
            "GOOGLE_CREDENTIALS",
            "BASIC_AUTH",
            "SMTP_PWD",
        ] {
            assert!(is_secret_name(name), "{name} should be secret-looking");
        }
    }

    #[test]
    fn descriptive_names() {
        for name in [
            "TOKEN_COUNT",
            "MAX_TOKENS",
            "PASSWORD_FILE",
            "POSTGRES_PASSWORD_FILE",
            "SECRET_PATH",
            "AUTH_URL",
            "TOKEN_URL",
            "ACCESS_KEY_ID",
            "AWS_ACCESS_KEY_ID",
            "TOKEN_TTL",
            "PASSWORD_MIN_LENGTH",
            "AUTH_ENABLED",
            "SECRET_NAME",
            "PORT",
            "DATABASE_URL",
            "KEYCLOAK_REALM",
            "PASSENGER_COUNT",
            "COMPASS_HOME",
            "AUTHOR",
            "KEY",
            "token_count",
            "password_field_label",
            "SECRET_KEY_FILE",
            "PASSWORD_HASHERS",
            "AUTH_PASSWORD_VALIDATORS",
            "AUTH_USER_MODEL",
            "PASSWORD_RESET_TIMEOUT",
            "pass_through",
            "password_change_template",
            "_requested_auth_scheme",
            "AUTH_SCHEMES",
        ] {
            assert!(!is_secret_name(name), "{name} should not be secret-looking");
        }
    }

    #[test]
    fn qualified_secret_names() {
        for name in [
            "access_token",
            "authToken",
            "API_TOKEN",
            "id_token",
            "password",
            "secret",
        ] {
            assert!(is_qualified_secret_name(name), "{name}");
        }
        for name in ["token", "_token", "TOKEN", "key", "id", "token_count"] {
            assert!(!is_qualified_secret_name(name), "{name}");
        }
    }

    #[test]
    fn placeholders() {
        for value in [
            "",
            "  ",
            "<your-api-key>",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "{{ .Values.password }}",
            "xxx",
            "XXXXXXXX",
            "***",
            "...",
            "/run/secrets/db_password",
            "true",
            "$(cat /run/secrets/x)",
            "%(password)s",
            "{password}",
            "Enter your password",
            "DB_PASSWORD",
            "access_token",
            "auth.User",
            "fake-token-for-tests",
            "my-dummy-secret",
            "vault:secret/data/app#password",
            "https://auth.internal/token",
            "/etc/app/secret.key",
            "None",
            "1.3.6.1.5.5.7.3.1",
            "_password_reset_token",
            "sk_live_your_key_here",
            "change-me-to-a-long-random-string",
            "set-password",
            "!#$%&'*+-.^_`|~",
            r"([\w!#$%&'*+\-.^_`|~]+)",
            "^(?P<user>[^:]+)$",
            "basic",
            "Bearer",
            "changeme",
            "change-this",
            "changeit",
            "---REDACTED---",
            "replace with your key",
            "write",
            "features/authentication-permissions.md",
            "5.1.1(@types/node@20.1.0)",
            "15 minutes",
            "30s",
            "1h30m",
            "5/min",
            "100/hour",
            "HS256,RS256,ES256",
            "hmac-sha256",
            "_app_new_long_lived_refresh_token",
        ] {
            assert!(is_placeholder(value), "{value:?} should be a placeholder");
        }
        for value in [
            "password",
            "admin",
            "hunter22",
            "s3cr3t-Value",
            "sk_test_not_real_but_literal_value",
            "123456",
            "django-insecure-9f$k2@x!q",
            "Zx81-kq_Pw7",
            "_5#y2L\"F4Q8z\n\u{ec}]/",
        ] {
            assert!(!is_placeholder(value), "{value:?} should be a value");
        }
        assert!(is_literal_secret("DB_PASSWORD", "hunter22"));
        assert!(!is_literal_secret("DB_PASSWORD", "changeme"));
        assert!(!is_literal_secret("DB_PASSWORD", "${DB_PASSWORD}"));
        assert!(is_literal_secret("DB_PASSWORD", "${DB_PASSWORD:-hunter22}"));
        assert!(is_literal_secret("DB_PASSWORD", "${DB_PASSWORD-hunter22}"));
        assert!(!is_literal_secret("DB_PASSWORD", "${DB_PASSWORD:-}"));
        assert!(!is_literal_secret(
            "DB_PASSWORD",
            "${DB_PASSWORD:-${OTHER}}"
        ));
        assert!(!is_literal_secret(
            "DB_PASSWORD",
            "${DB_PASSWORD:?required}"
        ));
        assert!(!is_literal_secret(
            "token",
            "3f6c1a52-9b0e-4c8e-a1d2-5e7f90b3c4d6"
        ));
        assert!(!is_literal_secret(
            "checkout.token",
            "3f6c1a52-9b0e-4c8e-a1d2-5e7f90b3c4d6"
        ));
        assert!(is_literal_secret(
            "api_token",
            "3f6c1a52-9b0e-4c8e-a1d2-5e7f90b3c4d6"
        ));
        assert!(is_literal_secret(
            "password",
            "3f6c1a52-9b0e-4c8e-a1d2-5e7f90b3c4d6"
        ));
        assert!(!is_literal_secret("TOKEN_COUNT", "12"));
    }

    #[test]
    fn written_parts() {
        let value = "${DB_PASSWORD:-hunter22}";
        assert_eq!(&value[written_part(value)], "hunter22");
        assert_eq!(written_part("hunter22"), 0..8);
        assert_eq!(written_part("${X:?missing}"), 0..13);
    }

    #[test]
    fn label_constants() {
        for (name, value) in [
            ("PASSWORD", "Password"),
            ("SECRET", "secret"),
            ("SECRET_MULTILINE", "SecretMultiline"),
            ("AUTH", "auth"),
            ("AUTH", "authorize"),
            ("AUTHORIZATION", "authorization"),
            ("AUTH_HMAC_SHA1", "hmac-sha1"),
            ("DOC_CATEGORY_AUTH", "Authentication"),
            ("Choices.PASSWORD", "password"),
            ("REQUEST_TOKEN", "request"),
        ] {
            assert!(is_label_constant(name, value), "{name} = {value:?}");
        }
        for (name, value) in [
            ("DB_PASSWORD", "password"),
            ("ADMIN_PASSWORD", "admin"),
            ("DB_PASSWORD", "Password1"),
            ("password", "password"),
            ("SECRET_KEY", "k9x2LmQp0w8vR"),
            ("AUTH_TOKEN", "Tokenvalue"),
            ("REQUEST_TOKEN", "request-7f3a9c"),
            ("ADMIN_PASSWORD", "admin"),
        ] {
            assert!(!is_label_constant(name, value), "{name} = {value:?}");
        }
    }

    #[test]
    fn names_about_a_secret() {
        for name in [
            "existingSecret",
            "existingPasswordSecretKey",
            "secretName",
            "adminSecretNamespace",
            "db_secret_ref",
            "token__sub",
            "TOKEN_THROTTLE_RATE",
            "RESET_PASSWORD_LOCK_TIME",
            "TOKEN_UPDATE_LAST_LOGIN_THRESHOLD",
            "JWT_AUTH_ALGORITHMS",
            "CORS_ACCESS_CONTROL_ALLOW_CREDENTIALS",
            "BASIC_AUTH_LOGIN",
            "DUMMY_STAFF_PASSWORD",
            "auth_cipher",
            "GF_AUTH_ANONYMOUS_ORG_ROLE",
            "@inquirer/password",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn compared_secrets() {
        for (name, value) in [
            ("password", "root"),
            ("password", "this cool password"),
            ("api_token", "abc123"),
            ("X-Api-Key", "k-8812ab77"),
        ] {
            assert!(is_compared_secret(name, value), "{name} == {value:?}");
        }
        for (name, value) in [
            ("token", "async"),
            ("tok", "lambda"),
            ("password", ""),
            ("password", "LDAP"),
            ("csrf_token", "NOTPROVIDED"),
            ("SECRET_KEY", "change-me"),
            ("auth", "basic"),
            ("token_type", "bearer"),
            ("pass_fail", "Pass"),
        ] {
            assert!(!is_compared_secret(name, value), "{name} == {value:?}");
        }
    }

    #[test]
    fn urls_with_passwords() {
        let url = "postgres://app:s3cret@db:5432/app";
        let range = url_with_password(url).unwrap();
        assert_eq!(&url[range], "s3cret");
        assert_eq!(url_with_password("postgres://app@db/app"), None);
        assert_eq!(url_with_password("postgres://db:5432/app"), None);
        assert_eq!(
            url_with_password("redis://:${REDIS_PASSWORD}@redis:6379"),
            None
        );
        assert_eq!(url_with_password("https://example.com/a:b@c"), None);
        assert_eq!(url_with_password("not a url"), None);
    }

    #[test]
    fn names_from_python_code() {
        for name in [
            "password",
            "DB_PASSWORD",
            "apiKey",
            "api_key",
            "client_secret",
            "self.token",
            "auth_token",
            "SECRET_KEY",
            "stripe_secret_key",
            "refresh_token",
            "AWS_SECRET_ACCESS_KEY",
            "authorization",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "token_count",
            "num_tokens",
            "tokens",
            "password_reset_url",
            "secret_name",
            "keyboard",
            "monkey",
            "is_password",
            "token_type",
            "api_key_id",
            "passwords_match",
            "user",
            "key",
            "TOKEN_URL",
            "next_token",
            "ignored_credentials",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert_eq!(name_words("apiKeyID"), ["api", "key", "id"]);
    }
}
