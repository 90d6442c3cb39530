//! Secret-looking names and literal values: the one classifier every rule about "a secret
//! written in a config" uses (DP009 for container environments; later secret rules for
//! `.env` files and settings modules).
//!
//! - [`is_secret_name`]: does a variable/key name say it holds a credential
//!   (`DB_PASSWORD`, `apiKey`, `AWS_SECRET_ACCESS_KEY`, `client_secret`), as opposed to
//!   something about one (`TOKEN_COUNT`, `PASSWORD_FILE`, `AUTH_URL`, `ACCESS_KEY_ID`)?
//! - [`is_placeholder`]: is a value obviously not a real secret (empty, `<your-key>`,
//!   `${VAR}`, `{{ .Values.x }}`, `xxx`, `***`, a file under `/run/secrets/`)? Known
//!   default passwords (`changeme`, `password`) are *not* placeholders: they are real,
//!   and worse.
//! - [`url_with_password`]: a URL carrying `user:password@` (a `*_URL` name is not
//!   secret-looking by itself, its value can be).

/// Words that make a name secret-looking on their own (after splitting the name into
/// lower-case words at `_`, `-`, `.` and camelCase humps).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "auth",
    "privatekey",
    "accesskey",
    "secretkey",
];

/// Two consecutive words that make a name secret-looking (`api_key`, `PRIVATE_KEY`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("client", "secret"),
];

/// A last word that makes the name about a secret rather than the secret itself:
/// where it lives (`_FILE`, `_PATH`, `_URL`), what it is called, how it behaves.
const DESCRIPTIVE_SUFFIXES: &[&str] = &[
    "file",
    "path",
    "dir",
    "url",
    "uri",
    "endpoint",
    "host",
    "hostname",
    "port",
    "name",
    "user",
    "username",
    "id",
    "count",
    "length",
    "len",
    "size",
    "limit",
    "max",
    "min",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "timeout",
    "type",
    "kind",
    "header",
    "enabled",
    "disabled",
    "enable",
    "required",
    "mode",
    "provider",
    "method",
    "policy",
    "version",
    "format",
    "algorithm",
    "alg",
    "issuer",
    "audience",
    "scope",
    "scopes",
    "ref",
    "key_ref",
    "field",
    "env",
    "source",
    "backend",
    "strategy",
    "rounds",
    "salt_rounds",
];

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

/// Does the name say it holds a credential?
pub fn is_secret_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if DESCRIPTIVE_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|pair| SECRET_PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())))
}

/// Is the value obviously not a real secret: shorter than 4 characters, a placeholder
/// (`<...>`, `xxx`, `***`, `your-key-here`, `dummy`),
/// a reference (`${VAR}`, `$VAR`, `{{ ... }}`, a file under `/run/secrets/`), or a
/// boolean switch?
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    // Shorter than four characters: a flag or a stub, not a credential.
    if value.chars().count() < 4 {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("your")
        || matches!(
            lower.as_str(),
            "placeholder" | "dummy" | "example" | "unset"
        )
    {
        return true;
    }
    if value.starts_with('<') && value.ends_with('>') {
        return true;
    }
    if value.contains("${") || value.contains("{{") || value.starts_with('$') {
        return true;
    }
    if value.starts_with("/run/secrets/") || value.starts_with("/var/run/secrets/") {
        return true;
    }
    if matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "none" | "~"
    ) {
        return true;
    }
    // One character repeated: `xxx`, `***`, `...`, `XXXXXXXX`, `----`.
    let mut chars = value.chars();
    let first = chars.next().map(|c| c.to_ascii_lowercase());
    let repeated = chars.all(|c| Some(c.to_ascii_lowercase()) == first);
    repeated && matches!(first, Some('x' | '*' | '.' | '-' | '#' | '_' | '?'))
}

/// Does a secret-looking `name` hold a real literal `value`?
pub fn is_literal_secret(name: &str, value: &str) -> bool {
    is_secret_name(name) && !is_placeholder(value)
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
    if is_placeholder(password) {
        return None;
    }
    let start = scheme_end + colon + 1;
    Some(start..start + password.len())
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
        ] {
            assert!(!is_secret_name(name), "{name} should not be secret-looking");
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
        ] {
            assert!(is_placeholder(value), "{value:?} should be a placeholder");
        }
        for value in ["changeme", "password", "hunter22", "s3cr3t-Value", "123456"] {
            assert!(!is_placeholder(value), "{value:?} should be a value");
        }
        assert!(is_literal_secret("DB_PASSWORD", "changeme"));
        assert!(!is_literal_secret("DB_PASSWORD", "${DB_PASSWORD}"));
        assert!(!is_literal_secret("TOKEN_COUNT", "12"));
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
}
