//! Whether an identifier names a secret (`DB_PASSWORD`, `apiKey`, `client_secret`) rather
//! than something about one (`token_count`, `password_reset_url`). The word lists are data:
//! `rules/python/secret-names.toml`. Used by PY053 and PY093.

use serde::Deserialize;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../rules/python/secret-names.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    words: Vec<String>,
    pairs: Vec<[String; 2]>,
    not_after: Vec<String>,
    not_before: Vec<String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| toml::from_str(TABLE).expect("secret-names.toml is valid"))
}

/// Lower-case words of an identifier, split at `_`, `-`, `.` and camelCase humps.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' || c.is_whitespace() {
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

/// Whether `name` names a secret.
pub fn is_secret_name(name: &str) -> bool {
    let names = names();
    let words = words(name);
    let has = |list: &[String], w: &str| list.iter().any(|x| x == w);
    // The index of the last word of the secret phrase, and of its first.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
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
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert_eq!(words("apiKeyID"), ["api", "key", "id"]);
    }
}
