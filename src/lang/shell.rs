//! Shell words with byte offsets: the splitter every command line goes through
//! (Dockerfile shell form, `sh -c` strings, Kubernetes/compose commands, Procfiles).
//!
//! It does what a POSIX shell does to find words — quote removal, backslash escapes,
//! operators between simple commands — and nothing more: no expansion, no globbing.
//! `$VAR`, `${VAR}`, `$(...)` and backquotes stay in the word as written. Each word keeps
//! the span of its source text (quotes included), so findings can point at it, also
//! when the text was joined from several lines of a file (see [`Offsets::Mapped`]).

use crate::source::Span;

/// One word of a command line after quote removal, with the span of its source text
/// (quotes included) in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

impl Word {
    pub fn new(text: impl Into<String>, span: Span) -> Self {
        Word {
            text: text.into(),
            span,
        }
    }
}

/// Where the bytes of a text sit in the file.
#[derive(Debug, Clone, Copy)]
pub enum Offsets<'a> {
    /// The text is a contiguous slice of the file starting at this byte offset.
    Base(usize),
    /// `map[i]` is the file offset of the text's byte `i`: text whose bytes are not
    /// contiguous in the file, such as a Dockerfile instruction joined across
    /// line continuations. The map should have one entry per byte of the text (an extra
    /// final entry, the offset just past the text, is allowed and ignored).
    Mapped(&'a [usize]),
}

impl Offsets<'_> {
    /// The file span of the text's byte range `[start, end)`. For a mapped text the span
    /// runs from the first byte's offset to just past the last byte's offset; an empty
    /// range gives an empty span. Out-of-range indices clamp (never panic).
    pub fn span(&self, start: usize, end: usize) -> Span {
        match *self {
            Offsets::Base(base) => Span::new(base + start, base + end.max(start)),
            Offsets::Mapped(map) => mapped_span(map, start, end),
        }
    }
}

/// The file span of bytes `[start, end)` of a text whose byte `i` sits at `map[i]`.
pub fn mapped_span(map: &[usize], start: usize, end: usize) -> Span {
    let at = |i: usize| -> usize {
        match map.get(i) {
            Some(&offset) => offset,
            // Past the map: just after the last mapped byte.
            None => map.last().map_or(0, |&last| last + 1),
        }
    };
    if end <= start {
        let offset = at(start);
        return Span::point(offset);
    }
    let first = at(start);
    let past_last = match map.get(end - 1) {
        Some(&offset) => offset + 1,
        None => at(end - 1),
    };
    Span::new(first, past_last.max(first))
}

/// A configurable splitter: where the text sits in the file and which character escapes.
#[derive(Debug, Clone, Copy)]
pub struct Splitter<'a> {
    pub offsets: Offsets<'a>,
    /// The escape character: `\` for a shell; a Dockerfile's `# escape=` directive may
    /// make it a backtick for the words of its instructions. Must be ASCII.
    pub escape: char,
}

impl<'a> Splitter<'a> {
    pub fn new(offsets: Offsets<'a>) -> Self {
        Splitter {
            offsets,
            escape: '\\',
        }
    }

    pub fn with_escape(mut self, escape: char) -> Self {
        self.escape = escape;
        self
    }

    /// Words separated by blanks (spaces, tabs, newlines); operators and `#` are
    /// ordinary characters.
    pub fn words(&self, text: &str) -> Vec<Word> {
        let mut lexer = Lexer::new(text, self.escape_byte(), Mode::Words);
        let mut words = Vec::new();
        while let Some(token) = lexer.next_token() {
            if let Token::Word(raw) = token {
                words.push(self.word(raw));
            }
        }
        words
    }

    /// The simple commands of a command line: words grouped by the operators `&&`,
    /// `||`, `;`, `|`, `&`, parentheses and newlines (none of which become words).
    /// Redirections (`> file`, `2>&1`, `<in`) are dropped with their targets; `#` at the
    /// start of a word starts a comment. Empty commands are left out.
    pub fn commands(&self, text: &str) -> Vec<Vec<Word>> {
        let mut lexer = Lexer::new(text, self.escape_byte(), Mode::Commands);
        let mut commands = Vec::new();
        let mut current = Vec::new();
        while let Some(token) = lexer.next_token() {
            match token {
                Token::Word(raw) => current.push(self.word(raw)),
                Token::Separator => {
                    if !current.is_empty() {
                        commands.push(std::mem::take(&mut current));
                    }
                }
            }
        }
        if !current.is_empty() {
            commands.push(current);
        }
        commands
    }

    /// The whole text as one word: quote removal without splitting, unquoted blanks
    /// kept (a Dockerfile `ENV KEY some "value"` legacy value). `None` for empty text.
    pub fn whole(&self, text: &str) -> Option<Word> {
        let mut lexer = Lexer::new(text, self.escape_byte(), Mode::Whole);
        match lexer.next_token() {
            Some(Token::Word(raw)) => Some(self.word(raw)),
            _ => None,
        }
    }

    fn escape_byte(&self) -> u8 {
        if self.escape.is_ascii() {
            self.escape as u8
        } else {
            b'\\'
        }
    }

    fn word(&self, raw: RawWord) -> Word {
        Word {
            text: raw.text,
            span: self.offsets.span(raw.start, raw.end),
        }
    }
}

/// Words of `text` (which starts at file offset `base`), split at blanks with quotes
/// removed. See [`Splitter::words`].
pub fn split_words(text: &str, base: usize) -> Vec<Word> {
    Splitter::new(Offsets::Base(base)).words(text)
}

/// The simple commands of the command line `text` (which starts at file offset
/// `base`). See [`Splitter::commands`].
pub fn split_commands(text: &str, base: usize) -> Vec<Vec<Word>> {
    Splitter::new(Offsets::Base(base)).commands(text)
}

/// [`split_words`] for a text whose byte `i` sits at file offset `offsets[i]`.
pub fn split_words_mapped(text: &str, offsets: &[usize]) -> Vec<Word> {
    Splitter::new(Offsets::Mapped(offsets)).words(text)
}

/// [`split_commands`] for a text whose byte `i` sits at file offset `offsets[i]`.
pub fn split_commands_mapped(text: &str, offsets: &[usize]) -> Vec<Vec<Word>> {
    Splitter::new(Offsets::Mapped(offsets)).commands(text)
}

/// Shell words that open or close a compound command (and `time`): the program of a
/// simple command comes after them (`then exec gunicorn ...`, `do curl -k ...`).
const COMPOUND_KEYWORDS: &[&str] = &[
    "then", "else", "do", "!", "{", "}", "fi", "done", "esac", "elif", "if", "while", "until",
    "time",
];

/// A simple command's words from its first that is not a compound-command keyword.
pub fn without_leading_keywords(words: &[Word]) -> &[Word] {
    let start = words
        .iter()
        .position(|w| !COMPOUND_KEYWORDS.contains(&w.text.as_str()))
        .unwrap_or(words.len());
    &words[start..]
}

/// Is `text` one simple command — words and redirections (`2>&1`, `> log`) only, with
/// no `;`, `&&`, `||`, `|`, `&`, subshell or second line? A shell that runs such a
/// `-c` string can replace itself with the program instead of forking it.
pub fn is_simple_command(text: &str) -> bool {
    let mut lexer = Lexer::new(text, b'\\', Mode::Commands);
    let mut words = 0;
    while let Some(token) = lexer.next_token() {
        match token {
            Token::Word(_) => words += 1,
            Token::Separator => return false,
        }
    }
    words > 0
}

/// Quote removal on the whole text, blanks kept: `a "b c"` → `a b c`.
pub fn unquote(text: &str) -> String {
    Splitter::new(Offsets::Base(0))
        .whole(text)
        .map(|w| w.text)
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Split at blanks only.
    Words,
    /// Split at blanks, separate commands at operators and newlines.
    Commands,
    /// No splitting: the whole text is one word.
    Whole,
}

/// A word in text-local byte offsets.
struct RawWord {
    text: String,
    start: usize,
    end: usize,
}

enum Token {
    Word(RawWord),
    /// Between two simple commands.
    Separator,
}

/// How deeply `$(...)` may nest before the rest is taken as written (bounds the work
/// on hostile input; the scan is iterative anyway).
const MAX_SUBSTITUTION_DEPTH: usize = 64;

struct Lexer<'t> {
    bytes: &'t [u8],
    pos: usize,
    escape: u8,
    mode: Mode,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

impl<'t> Lexer<'t> {
    fn new(text: &'t str, escape: u8, mode: Mode) -> Self {
        Lexer {
            bytes: text.as_bytes(),
            pos: 0,
            escape,
            mode,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// An escape character followed by a newline (optionally `\r\n`): a line
    /// continuation, which the shell removes. Returns its length.
    fn continuation_len(&self, at: usize) -> usize {
        if self.bytes.get(at) != Some(&self.escape) {
            return 0;
        }
        match (self.bytes.get(at + 1), self.bytes.get(at + 2)) {
            (Some(b'\n'), _) => 2,
            (Some(b'\r'), Some(b'\n')) => 3,
            _ => 0,
        }
    }

    fn next_token(&mut self) -> Option<Token> {
        loop {
            let b = self.peek(0)?;
            if self.mode == Mode::Whole {
                return self.read_word().map(Token::Word);
            }
            if is_blank(b) {
                self.pos += 1;
                continue;
            }
            let continuation = self.continuation_len(self.pos);
            if continuation > 0 {
                self.pos += continuation;
                continue;
            }
            if b == b'\n' {
                self.pos += 1;
                if self.mode == Mode::Commands {
                    return Some(Token::Separator);
                }
                continue;
            }
            if self.mode == Mode::Commands {
                match b {
                    b'#' => {
                        while let Some(c) = self.peek(0) {
                            if c == b'\n' {
                                break;
                            }
                            self.pos += 1;
                        }
                        continue;
                    }
                    b';' | b'&' | b'|' | b'(' | b')' => {
                        self.pos += 1;
                        // `&&`, `||`, `;;`, `|&`: one operator.
                        if matches!(self.peek(0), Some(b'&' | b'|' | b';'))
                            && b != b'('
                            && b != b')'
                        {
                            self.pos += 1;
                        }
                        return Some(Token::Separator);
                    }
                    b'<' | b'>' => {
                        self.skip_redirection();
                        continue;
                    }
                    _ => {}
                }
            }
            let word = self.read_word()?;
            if self.mode == Mode::Commands
                && matches!(self.peek(0), Some(b'<' | b'>'))
                && word.end - word.start == word.text.len()
                && word.text.bytes().all(|c| c.is_ascii_digit())
            {
                // `2>&1`: the digits name a file descriptor, not a word.
                self.skip_redirection();
                continue;
            }
            return Some(Token::Word(word));
        }
    }

    /// Skips a redirection operator at `pos` and the word that is its target.
    fn skip_redirection(&mut self) {
        let first = self.peek(0);
        self.pos += 1;
        match (first, self.peek(0)) {
            (Some(b'<'), Some(b'<')) => {
                self.pos += 1;
                if matches!(self.peek(0), Some(b'-' | b'<')) {
                    self.pos += 1;
                }
            }
            (Some(b'<'), Some(b'&' | b'>')) | (Some(b'>'), Some(b'>' | b'&' | b'|')) => {
                self.pos += 1
            }
            _ => {}
        }
        while matches!(self.peek(0), Some(b) if is_blank(b)) {
            self.pos += 1;
        }
        match self.peek(0) {
            None | Some(b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>') => {}
            Some(_) => {
                let _target = self.read_word();
            }
        }
    }

    /// Reads one word starting at `pos` (which is not a blank).
    fn read_word(&mut self) -> Option<RawWord> {
        let start = self.pos;
        let mut text: Vec<u8> = Vec::new();
        while let Some(b) = self.peek(0) {
            let continuation = self.continuation_len(self.pos);
            if continuation > 0 {
                self.pos += continuation;
                continue;
            }
            if b == self.escape {
                match self.peek(1) {
                    Some(next) => {
                        text.push(next);
                        self.pos += 2;
                    }
                    None => {
                        // A lone escape at the end stays as written.
                        text.push(b);
                        self.pos += 1;
                    }
                }
                continue;
            }
            match b {
                b'\'' => self.single_quoted(&mut text),
                b'"' => self.double_quoted(&mut text),
                b'$' if matches!(self.peek(1), Some(b'(' | b'{')) => self.substitution(&mut text),
                b'`' => self.backquoted(&mut text),
                _ => {
                    if self.mode != Mode::Whole {
                        if is_blank(b) || b == b'\n' {
                            break;
                        }
                        if self.mode == Mode::Commands
                            && matches!(b, b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')')
                        {
                            break;
                        }
                    }
                    text.push(b);
                    self.pos += 1;
                }
            }
        }
        if self.pos == start {
            return None;
        }
        Some(RawWord {
            text: String::from_utf8_lossy(&text).into_owned(),
            start,
            end: self.pos,
        })
    }

    /// `'...'`: everything literal up to the closing quote (or the end of the text).
    fn single_quoted(&mut self, text: &mut Vec<u8>) {
        self.pos += 1;
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            if b == b'\'' {
                return;
            }
            text.push(b);
        }
    }

    /// `"..."`: the escape character escapes only `"`, itself, `$`, `` ` `` and newline.
    fn double_quoted(&mut self, text: &mut Vec<u8>) {
        self.pos += 1;
        while let Some(b) = self.peek(0) {
            if b == b'"' {
                self.pos += 1;
                return;
            }
            if b == self.escape {
                match self.peek(1) {
                    Some(b'\n') => {
                        self.pos += 2;
                        continue;
                    }
                    Some(next)
                        if next == b'"' || next == self.escape || next == b'$' || next == b'`' =>
                    {
                        text.push(next);
                        self.pos += 2;
                        continue;
                    }
                    _ => {}
                }
            }
            if b == b'$' && matches!(self.peek(1), Some(b'(' | b'{')) {
                self.substitution(text);
                continue;
            }
            if b == b'`' {
                self.backquoted(text);
                continue;
            }
            text.push(b);
            self.pos += 1;
        }
    }

    /// `$(...)`, `$((...))` or `${...}`, copied as written up to its balanced end.
    fn substitution(&mut self, text: &mut Vec<u8>) {
        let start = self.pos;
        let (open, close) = if self.peek(1) == Some(b'{') {
            (b'{', b'}')
        } else {
            (b'(', b')')
        };
        self.pos += 2;
        let mut depth = 1usize;
        let mut quote: Option<u8> = None;
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            match quote {
                Some(q) => {
                    if b == q {
                        quote = None;
                    } else if b == self.escape && q == b'"' {
                        self.pos = (self.pos + 1).min(self.bytes.len());
                    }
                }
                None => {
                    if b == self.escape {
                        self.pos = (self.pos + 1).min(self.bytes.len());
                    } else if b == b'\'' || b == b'"' {
                        quote = Some(b);
                    } else if b == open {
                        depth += 1;
                        if depth > MAX_SUBSTITUTION_DEPTH {
                            self.pos = self.bytes.len();
                            break;
                        }
                    } else if b == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
            }
        }
        text.extend_from_slice(&self.bytes[start..self.pos]);
    }

    /// `` `...` ``, copied as written up to the closing backquote.
    fn backquoted(&mut self, text: &mut Vec<u8>) {
        let start = self.pos;
        self.pos += 1;
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            if b == b'\\' {
                self.pos = (self.pos + 1).min(self.bytes.len());
            } else if b == b'`' {
                break;
            }
        }
        text.extend_from_slice(&self.bytes[start..self.pos]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    fn slice<'a>(source: &'a str, word: &Word) -> &'a str {
        &source[word.span.start..word.span.end]
    }

    #[test]
    fn splits_and_removes_quotes() {
        let src = r#"gunicorn --bind="0.0.0.0:80" 'a b' "c\"d" e\ f"#;
        let words = split_words(src, 0);
        assert_eq!(
            texts(&words),
            ["gunicorn", "--bind=0.0.0.0:80", "a b", "c\"d", "e f"]
        );
        assert_eq!(slice(src, &words[1]), r#"--bind="0.0.0.0:80""#);
        assert_eq!(slice(src, &words[2]), "'a b'");
        assert_eq!(slice(src, &words[3]), r#""c\"d""#);
        assert_eq!(slice(src, &words[4]), r"e\ f");
    }

    #[test]
    fn simple_commands() {
        assert!(is_simple_command("locust -f x.py --host \"$HOST\""));
        assert!(is_simple_command("app --port 80 >> /var/log/app.log 2>&1"));
        assert!(is_simple_command("app 'a && b' \"c; d\" e\\&f"));
        assert!(!is_simple_command("cd /app && app"));
        assert!(!is_simple_command("app; echo done"));
        assert!(!is_simple_command("app | tee log"));
        assert!(!is_simple_command("app &"));
        assert!(!is_simple_command("(app)"));
        assert!(!is_simple_command("migrate\napp"));
        assert!(!is_simple_command("  "));
    }

    #[test]
    fn base_offset_shifts_spans() {
        let file = "CMD gunicorn app:app";
        let words = split_words(&file[4..], 4);
        assert_eq!(slice(file, &words[1]), "app:app");
    }

    #[test]
    fn double_quote_escapes_only_special_characters() {
        let words = split_words(r#""a\nb \$x \\ \`""#, 0);
        assert_eq!(texts(&words), [r"a\nb $x \ `"]);
    }

    #[test]
    fn substitutions_stay_literal_and_unsplit() {
        let src =
            r#"gunicorn -w $(nproc --all) --bind ${HOST:-0.0.0.0}:$PORT "$(echo "a b")" `x y`"#;
        let words = split_words(src, 0);
        assert_eq!(
            texts(&words),
            [
                "gunicorn",
                "-w",
                "$(nproc --all)",
                "--bind",
                "${HOST:-0.0.0.0}:$PORT",
                r#"$(echo "a b")"#,
                "`x y`"
            ]
        );
    }

    #[test]
    fn commands_split_at_operators() {
        let src = "cd /app && exec gunicorn app:app || echo 'a && b'; x | y & z\nlast";
        let commands = split_commands(src, 0);
        let texts: Vec<Vec<&str>> = commands.iter().map(|c| texts(c)).collect();
        assert_eq!(
            texts,
            vec![
                vec!["cd", "/app"],
                vec!["exec", "gunicorn", "app:app"],
                vec!["echo", "a && b"],
                vec!["x"],
                vec!["y"],
                vec!["z"],
                vec!["last"],
            ]
        );
    }

    #[test]
    fn comments_and_redirections() {
        let src = "run a#b >log 2>&1 # comment && more\nnext < in arg";
        let commands = split_commands(src, 0);
        let texts: Vec<Vec<&str>> = commands.iter().map(|c| texts(c)).collect();
        assert_eq!(texts, vec![vec!["run", "a#b"], vec!["next", "arg"]]);
        // In plain word mode operators and `#` are ordinary characters.
        assert_eq!(
            texts_of(split_words("a && b #c", 0)),
            ["a", "&&", "b", "#c"]
        );
    }

    fn texts_of(words: Vec<Word>) -> Vec<String> {
        words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn line_continuation_inside_text() {
        let src = "gunicorn \\\n  --reload app";
        let words = split_commands(src, 0);
        assert_eq!(words.len(), 1);
        assert_eq!(texts(&words[0]), ["gunicorn", "--reload", "app"]);
        assert_eq!(slice(src, &words[0][1]), "--reload");
    }

    #[test]
    fn unterminated_quote_takes_the_rest() {
        let src = "echo 'abc def";
        let words = split_words(src, 0);
        assert_eq!(texts(&words), ["echo", "abc def"]);
        assert_eq!(slice(src, &words[1]), "'abc def");
        let words = split_commands("echo \"x && y", 0);
        assert_eq!(words.len(), 1);
        assert_eq!(texts(&words[0]), ["echo", "x && y"]);
        assert_eq!(texts_of(split_words("a $(b c", 0)), ["a", "$(b c"]);
        assert_eq!(texts_of(split_words("trailing\\", 0)), ["trailing\\"]);
    }

    #[test]
    fn empty_and_blank_input() {
        assert!(split_words("", 0).is_empty());
        assert!(split_commands("  \n ;; && ", 0).is_empty());
        assert_eq!(texts_of(split_words("''", 0)), [""]);
    }

    #[test]
    fn mapped_offsets_give_file_spans() {
        // File "CMD a \\\n  --reload" joined into the text "a   --reload".
        let file = "a \\\n  --reload";
        let mut text = String::new();
        let mut offsets = Vec::new();
        for (i, b) in file.bytes().enumerate() {
            if i == 2 || i == 3 {
                continue; // the continuation `\` and newline
            }
            text.push(b as char);
            offsets.push(i);
        }
        let commands = split_commands_mapped(&text, &offsets);
        assert_eq!(slice(file, &commands[0][1]), "--reload");
        let words = split_words_mapped(&text, &offsets);
        assert_eq!(slice(file, &words[0]), "a");
    }

    #[test]
    fn backtick_escape_for_dockerfile_words() {
        let splitter = Splitter::new(Offsets::Base(0)).with_escape('`');
        let words = splitter.words(r"C:\path a` b");
        assert_eq!(texts(&words), [r"C:\path", "a b"]);
    }

    #[test]
    fn unquote_keeps_blanks() {
        assert_eq!(unquote(r#"hello "big  world" x"#), "hello big  world x");
    }

    #[test]
    fn multibyte_text_is_kept() {
        let src = "echo 'héllo' wörld";
        let words = split_words(src, 0);
        assert_eq!(texts(&words), ["echo", "héllo", "wörld"]);
        assert_eq!(slice(src, &words[2]), "wörld");
    }

    #[test]
    fn mapped_span_clamps() {
        assert_eq!(mapped_span(&[5, 6, 9], 1, 3), Span::new(6, 10));
        assert_eq!(mapped_span(&[5, 6, 9], 2, 10), Span::new(9, 10));
        assert_eq!(mapped_span(&[], 0, 1), Span::new(0, 0));
        assert_eq!(mapped_span(&[5], 1, 1), Span::point(6));
    }
}
